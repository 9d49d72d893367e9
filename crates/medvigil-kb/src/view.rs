//! One vulnerability per id: merging the records that share an id or alias.
//!
//! The store keeps each source's record as it came (so a re-import of one source never
//! disturbs another). People and reports want one answer per vulnerability: [`merge`]
//! folds the records found for an id into one [`Vulnerability`] whose id is the CVE when
//! there is one, whose aliases are every other id, whose scores keep their sources, and
//! which carries the KEV entry and EPSS score.

use std::collections::BTreeSet;

use medvigil_model::vuln::{KbRecords, KbSource, Vulnerability, timestamp_key};

/// Which source's text to prefer for the summary and details: the ones written by
/// people for the package (OSV, the CNA) before NVD's copy.
fn text_rank(v: &Vulnerability) -> u8 {
    match v.sources.first() {
        Some(KbSource::Cve5) => 0,
        Some(KbSource::Osv) => 1,
        Some(KbSource::Nvd) => 2,
        _ => 3,
    }
}

/// Merges the vulnerability records of `records` into one view, or `None` when there
/// are none. `query` picks the canonical id among several CVEs.
pub fn merge(records: &KbRecords, query: &str) -> Option<Vulnerability> {
    let mut recs: Vec<&Vulnerability> = records.vulnerabilities.iter().collect();
    if recs.is_empty() {
        return None;
    }
    recs.sort_by_key(|v| (text_rank(v), v.id.clone()));
    let all: BTreeSet<String> = recs
        .iter()
        .flat_map(|v| v.all_ids().map(str::to_string))
        .collect();
    let id = if query.to_ascii_uppercase().starts_with("CVE-")
        && all.iter().any(|a| a.eq_ignore_ascii_case(query))
    {
        query.to_ascii_uppercase()
    } else {
        all.iter()
            .find(|a| a.starts_with("CVE-"))
            .cloned()
            .unwrap_or_else(|| recs[0].id.clone())
    };
    let mut out = Vulnerability::new(id.clone(), recs[0].sources[0]);
    out.sources = recs
        .iter()
        .flat_map(|v| v.sources.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    out.aliases = all.into_iter().filter(|a| *a != id).collect();
    out.summary = recs.iter().find_map(|v| v.summary.clone());
    out.details = recs.iter().find_map(|v| v.details.clone());
    out.published = recs
        .iter()
        .filter_map(|v| v.published.clone())
        .min_by_key(|p| timestamp_key(p));
    out.modified = recs
        .iter()
        .filter_map(|v| v.modified.clone())
        .max_by_key(|p| timestamp_key(p));
    // Withdrawn only when every source withdrew it; one live record keeps it live.
    if recs.iter().all(|v| v.withdrawn.is_some()) {
        out.withdrawn = recs.iter().find_map(|v| v.withdrawn.clone());
    }
    for v in &recs {
        for s in &v.scores {
            if !out
                .scores
                .iter()
                .any(|x| x.source == s.source && x.vector == s.vector)
            {
                out.scores.push(s.clone());
            }
        }
        for c in &v.cwes {
            if !out.cwes.contains(c) {
                out.cwes.push(c.clone());
            }
        }
        for r in &v.references {
            if !out.references.iter().any(|x| x.url == r.url) {
                out.references.push(r.clone());
            }
        }
        out.affected.extend(v.affected.iter().cloned());
    }
    let cves: BTreeSet<&str> = std::iter::once(out.id.as_str())
        .chain(out.aliases.iter().map(String::as_str))
        .filter(|i| i.starts_with("CVE-"))
        .collect();
    out.kev = records
        .kev
        .iter()
        .find(|k| cves.contains(k.cve_id.as_str()))
        .cloned();
    out.epss = records
        .epss
        .iter()
        .find(|e| cves.contains(e.cve.as_str()))
        .cloned();
    Some(out)
}

#[cfg(test)]
mod tests {
    use medvigil_model::vuln::{EpssScore, Score, ScoreKind};

    use super::*;

    fn rec(id: &str, source: KbSource, aliases: &[&str]) -> Vulnerability {
        let mut v = Vulnerability::new(id, source);
        v.aliases = aliases.iter().map(|a| a.to_string()).collect();
        v
    }

    #[test]
    fn merges_around_the_cve_and_keeps_score_sources() {
        let mut osv = rec(
            "PYSEC-2022-182",
            KbSource::Osv,
            &["CVE-2018-25033", "GHSA-5jrq-582v-9767"],
        );
        osv.summary = Some("heap over-read".into());
        let mut nvd = rec("CVE-2018-25033", KbSource::Nvd, &[]);
        nvd.details = Some("NVD text".into());
        nvd.scores.push(Score {
            source: "nvd@nist.gov".into(),
            kind: ScoreKind::CvssV31,
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".into(),
            base_score: Some(7.5),
            severity: Some("HIGH".into()),
            metric_type: Some("Primary".into()),
            extra: Default::default(),
        });
        let records = KbRecords {
            vulnerabilities: vec![nvd, osv],
            epss: vec![EpssScore {
                cve: "CVE-2018-25033".into(),
                epss: 0.01,
                percentile: 0.5,
                model_version: None,
                score_date: None,
            }],
            ..Default::default()
        };
        let m = merge(&records, "GHSA-5jrq-582v-9767").unwrap();
        assert_eq!(m.id, "CVE-2018-25033");
        assert_eq!(m.aliases, ["GHSA-5jrq-582v-9767", "PYSEC-2022-182"]);
        assert_eq!(m.sources, [KbSource::Osv, KbSource::Nvd]);
        assert_eq!(m.summary.as_deref(), Some("heap over-read"));
        assert_eq!(m.scores[0].source, "nvd@nist.gov");
        assert!(m.epss.is_some());
    }
}
