//! NVD CVE API 2.0 (<https://nvd.nist.gov/developers/vulnerabilities>).
//!
//! Accepts an API response or feed file (`{"vulnerabilities": [{"cve": {...}}, ...]}`),
//! one item (`{"cve": {...}}`), or a bare `cve` object as the NVD JSON data feeds
//! mirror stores them. Every `cvssMetric*` entry becomes a [`Score`] whose `extra` keeps
//! all fields NVD gave besides the vector, score and severity (exploitabilityScore,
//! impactScore, acInsufInfo, the metric values of `cvssData` ...).
//!
//! Large feed files are read record by record ([`parse_nvd_each`]): the outer document is
//! scanned once, keeping only the byte span of each record, so memory stays at one record
//! plus the caller's batch.

use std::collections::BTreeMap;

use medvigil_model::vuln::{
    AffectedRule, BoolOperator, CpeMatch, KbSource, NvdConfiguration, NvdNode, Reference, Score,
    ScoreKind, Vulnerability,
};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::json::{self, limit, push_cwe};
use super::{KbError, KbFormat};

const F: KbFormat = KbFormat::Nvd;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCve {
    id: String,
    source_identifier: Option<String>,
    published: Option<String>,
    last_modified: Option<String>,
    vuln_status: Option<String>,
    #[serde(default)]
    descriptions: Vec<LangString>,
    #[serde(default)]
    metrics: BTreeMap<String, Vec<serde_json::Value>>,
    #[serde(default)]
    weaknesses: Vec<RawWeakness>,
    #[serde(default)]
    configurations: Vec<RawConfig>,
    #[serde(default)]
    references: Vec<RawReference>,
}

#[derive(Deserialize)]
struct LangString {
    lang: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetric {
    source: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    cvss_data: serde_json::Map<String, serde_json::Value>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct RawWeakness {
    #[serde(default)]
    description: Vec<LangString>,
}

#[derive(Deserialize)]
struct RawConfig {
    operator: Option<BoolOperator>,
    negate: Option<bool>,
    nodes: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNode {
    operator: BoolOperator,
    negate: Option<bool>,
    cpe_match: Vec<RawCpeMatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCpeMatch {
    vulnerable: bool,
    criteria: String,
    match_criteria_id: Option<String>,
    version_start_including: Option<String>,
    version_start_excluding: Option<String>,
    version_end_including: Option<String>,
    version_end_excluding: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// The outer shapes: a response (`vulnerabilities`), one item (`cve`), or neither (a bare
/// record, recognised by its `id`).
#[derive(Deserialize)]
struct Outer<'a> {
    #[serde(borrow)]
    vulnerabilities: Option<Vec<Item<'a>>>,
    #[serde(borrow)]
    cve: Option<&'a RawValue>,
    id: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow)]
    cve: &'a RawValue,
}

/// Parses every record of an NVD document.
pub fn parse_nvd(bytes: &[u8]) -> Result<Vec<Vulnerability>, KbError> {
    let mut out = Vec::new();
    parse_nvd_each(bytes, |v| out.push(v))?;
    Ok(out)
}

/// Parses an NVD document, handing each record to `each` as soon as it is read; returns
/// how many there were. On error, records already handed over stay with the caller.
pub fn parse_nvd_each(bytes: &[u8], mut each: impl FnMut(Vulnerability)) -> Result<usize, KbError> {
    let outer: Outer<'_> = json::from_slice_borrowed(F, bytes)?;
    if let Some(items) = outer.vulnerabilities {
        let n = items.len();
        for (i, item) in items.into_iter().enumerate() {
            each(record(
                bytes,
                item.cve,
                &format!("/vulnerabilities/{i}/cve"),
            )?);
        }
        Ok(n)
    } else if let Some(cve) = outer.cve {
        each(record(bytes, cve, "/cve")?);
        Ok(1)
    } else if outer.id.is_some() {
        let raw: RawCve = json::from_slice(F, bytes)?;
        each(convert(raw, "")?);
        Ok(1)
    } else {
        Err(KbError::new(
            Some(F),
            "neither an API response (`vulnerabilities`) nor a CVE record (`cve` or `id`)",
        ))
    }
}

/// Parses one record given as a span of `whole`, fixing up line and pointer so errors
/// point into the whole file.
fn record(whole: &[u8], raw: &RawValue, prefix: &str) -> Result<Vulnerability, KbError> {
    let text = raw.get();
    let parsed: RawCve = json::from_slice(F, text.as_bytes()).map_err(|mut e| {
        let offset = (text.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
        let before = &whole[..offset.min(whole.len())];
        let lines_before = before.iter().filter(|b| **b == b'\n').count();
        if let Some(l) = e.line.as_mut() {
            if *l == 1 {
                let col_base = before.len()
                    - before
                        .iter()
                        .rposition(|b| *b == b'\n')
                        .map_or(0, |p| p + 1);
                e.column = e.column.map(|c| c + col_base);
            }
            *l += lines_before;
        }
        e.pointer = Some(format!("{prefix}{}", e.pointer.as_deref().unwrap_or("")));
        e
    })?;
    convert(parsed, prefix)
}

fn metric_kind(key: &str) -> ScoreKind {
    match key {
        "cvssMetricV2" => ScoreKind::CvssV2,
        "cvssMetricV30" => ScoreKind::CvssV30,
        "cvssMetricV31" => ScoreKind::CvssV31,
        "cvssMetricV40" => ScoreKind::CvssV40,
        other => ScoreKind::Other(other.to_string()),
    }
}

/// A metric that is not CVSS (NVD carries CISA's SSVC decisions as `ssvcV203`): kept as
/// a score of kind `Other(key)` whose vector lists the decision points
/// ("exploitation:none/automatable:yes/technicalImpact:partial") and whose `extra` keeps
/// everything.
fn other_metric(key: &str, m: serde_json::Value, at: &str) -> Result<Score, KbError> {
    let serde_json::Value::Object(map) = m else {
        return Err(KbError::at(F, at, "expected an object"));
    };
    let source = map
        .get("source")
        .and_then(|s| s.as_str())
        .unwrap_or_default()
        .to_string();
    let mut parts = Vec::new();
    for data in map.values().filter_map(|d| d.as_object()) {
        for opt in data
            .get("options")
            .and_then(|o| o.as_array())
            .into_iter()
            .flatten()
        {
            for (k, val) in opt.as_object().into_iter().flatten() {
                parts.push(format!("{k}:{}", val.as_str().unwrap_or_default()));
            }
        }
    }
    Ok(Score {
        source,
        kind: ScoreKind::Other(key.to_string()),
        vector: parts.join("/"),
        base_score: None,
        severity: None,
        metric_type: None,
        extra: map.into_iter().collect(),
    })
}

fn convert(raw: RawCve, at: &str) -> Result<Vulnerability, KbError> {
    if !raw.id.starts_with("CVE-") {
        return Err(KbError::at(
            F,
            format!("{at}/id"),
            format!("{:?} is not a CVE id", raw.id),
        ));
    }
    let mut v = Vulnerability::new(raw.id, KbSource::Nvd);
    v.published = raw.published;
    v.modified = raw.last_modified;
    if raw.vuln_status.as_deref() == Some("Rejected") {
        v.withdrawn = v.modified.clone().or_else(|| Some(String::new()));
    }
    let en = raw
        .descriptions
        .iter()
        .find(|d| d.lang == "en")
        .or(raw.descriptions.first());
    if let Some(d) = en {
        limit(F, &format!("{at}/descriptions"), &d.value)?;
        v.details = Some(d.value.clone());
    }
    for (key, metrics) in raw.metrics {
        let kind = metric_kind(&key);
        for (i, m) in metrics.into_iter().enumerate() {
            let mat = format!("{at}/metrics/{key}/{i}");
            if !key.starts_with("cvssMetric") {
                v.scores.push(other_metric(&key, m, &mat)?);
                continue;
            }
            let m: RawMetric = serde_path_to_error::deserialize(m).map_err(|e| {
                let p = json::pointer_of(e.path());
                json::json_error(F, e.into_inner(), Some(format!("{mat}{p}")))
            })?;
            let mut data = m.cvss_data;
            let vector = match data.remove("vectorString") {
                Some(serde_json::Value::String(s)) => s,
                _ => {
                    return Err(KbError::at(
                        F,
                        format!("{mat}/cvssData/vectorString"),
                        "missing or not a string",
                    ));
                }
            };
            let base_score = data.get("baseScore").and_then(|s| s.as_f64());
            let severity = data
                .get("baseSeverity")
                .or_else(|| m.rest.get("baseSeverity"))
                .and_then(|s| s.as_str())
                .map(str::to_string);
            let mut extra = BTreeMap::new();
            extra.extend(data);
            extra.extend(m.rest);
            v.scores.push(Score {
                source: m.source,
                kind: kind.clone(),
                vector,
                base_score,
                severity,
                metric_type: m.kind,
                extra,
            });
        }
    }
    for w in &raw.weaknesses {
        for d in &w.description {
            push_cwe(&mut v.cwes, &d.value);
        }
    }
    for r in raw.references {
        v.references.push(Reference {
            url: r.url,
            kind: (!r.tags.is_empty()).then(|| r.tags.join(", ")),
        });
    }
    for c in raw.configurations {
        v.affected.push(AffectedRule::Nvd(NvdConfiguration {
            operator: c.operator,
            negate: c.negate.unwrap_or(false),
            nodes: c
                .nodes
                .into_iter()
                .map(|n| NvdNode {
                    operator: n.operator,
                    negate: n.negate.unwrap_or(false),
                    cpe_match: n
                        .cpe_match
                        .into_iter()
                        .map(|m| CpeMatch {
                            vulnerable: m.vulnerable,
                            criteria: m.criteria,
                            match_criteria_id: m.match_criteria_id,
                            version_start_including: m.version_start_including,
                            version_start_excluding: m.version_start_excluding,
                            version_end_including: m.version_end_including,
                            version_end_excluding: m.version_end_excluding,
                        })
                        .collect(),
                })
                .collect(),
        }));
    }
    // NVD's sourceIdentifier names the CNA; it is already on each score, nothing else needs it.
    let _ = raw.source_identifier;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_inside_a_response_points_into_the_whole_file() {
        let doc = b"{\"format\":\"NVD_CVE\",\n\"vulnerabilities\":[\n{\"cve\":{\"id\":\"CVE-2020-0001\"}},\n{\"cve\":{\"id\":\"CVE-2020-0002\",\n\"configurations\":[{\"nodes\":[{\"operator\":\"XOR\",\"cpeMatch\":[]}]}]}}]}";
        let e = parse_nvd(doc).unwrap_err();
        assert_eq!(
            e.pointer.as_deref(),
            Some("/vulnerabilities/1/cve/configurations/0/nodes/0/operator"),
            "{e}"
        );
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("unknown variant `XOR`"), "{e}");
    }

    #[test]
    fn single_item_and_bare_record() {
        let bare = br#"{"id":"CVE-2020-0001","lastModified":"2024-01-01T00:00:00.000","vulnStatus":"Rejected"}"#;
        let v = parse_nvd(bare).unwrap();
        assert_eq!(v[0].id, "CVE-2020-0001");
        assert!(v[0].withdrawn.is_some());
        let item = br#"{"cve":{"id":"CVE-2020-0002"}}"#;
        assert_eq!(parse_nvd(item).unwrap()[0].id, "CVE-2020-0002");
    }
}
