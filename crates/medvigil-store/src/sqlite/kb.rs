//! SQLite implementation of [`KbStore`].

use std::collections::{BTreeSet, HashMap};

use medvigil_model::vuln::{
    Advisory, EpssScore, KbBatch, KbCounts, KbRecords, KbSource, KbStats, KevEntry, Recall,
    SourceCounts, Vulnerability, timestamp_key,
};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::SqliteStore;
use crate::kb::KbSink;
use crate::{KbStore, Result, StoreError};

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data always serializes")
}

fn decode<T: DeserializeOwned>(what: &'static str, s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

/// What to do with an incoming record given the stored one.
enum Verdict {
    New,
    Unchanged,
    Stale,
    Updated,
}

fn verdict(
    stored: Option<(Option<String>, String)>,
    modified: Option<&str>,
    record: &str,
) -> Verdict {
    match stored {
        None => Verdict::New,
        Some((_, old)) if old == record => Verdict::Unchanged,
        Some((Some(old_mod), _)) if modified.is_some_and(|m| m < old_mod.as_str()) => {
            Verdict::Stale
        }
        Some(_) => Verdict::Updated,
    }
}

fn count(c: &mut SourceCounts, v: &Verdict) -> bool {
    match v {
        Verdict::New => c.new += 1,
        Verdict::Updated => c.updated += 1,
        Verdict::Unchanged => c.unchanged += 1,
        Verdict::Stale => c.stale += 1,
    }
    matches!(v, Verdict::New | Verdict::Updated)
}

struct Sink<'t> {
    tx: &'t Transaction<'t>,
    counts: KbCounts,
}

impl Sink<'_> {
    fn vulnerability(&mut self, v: &Vulnerability) -> Result<()> {
        let source = v.sources.first().copied().unwrap_or(KbSource::Osv);
        let record = json(v);
        let modified = v.modified.as_deref().map(timestamp_key);
        let stored = self
            .tx
            .prepare_cached("SELECT modified, record FROM kb_vuln WHERE source = ?1 AND id = ?2")?
            .query_row(params![source.as_str(), v.id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let existed = stored.is_some();
        let verdict = verdict(stored, modified.as_deref(), &record);
        if !count(self.counts.entry(source).or_default(), &verdict) {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT INTO kb_vuln (source, id, modified, record) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (source, id) DO UPDATE SET modified = excluded.modified, record = excluded.record",
            )?
            .execute(params![source.as_str(), v.id, modified, record])?;
        if existed {
            self.tx
                .prepare_cached("DELETE FROM kb_alias WHERE source = ?1 AND id = ?2")?
                .execute(params![source.as_str(), v.id])?;
        }
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO kb_alias (alias, source, id) VALUES (?1, ?2, ?3)",
        )?;
        for alias in v.all_ids() {
            insert.execute(params![alias, source.as_str(), v.id])?;
        }
        Ok(())
    }

    fn advisory(&mut self, a: &Advisory) -> Result<()> {
        let record = json(a);
        let modified = timestamp_key(&a.current_release_date);
        let stored = self
            .tx
            .prepare_cached("SELECT modified, record FROM kb_advisory WHERE id = ?1")?
            .query_row([&a.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let verdict = verdict(stored, Some(&modified), &record);
        if !count(self.counts.entry(KbSource::Csaf).or_default(), &verdict) {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT INTO kb_advisory (id, category, modified, record) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET category = excluded.category,
                   modified = excluded.modified, record = excluded.record",
            )?
            .execute(params![a.id, a.category, modified, record])?;
        self.tx
            .prepare_cached("DELETE FROM kb_advisory_cve WHERE advisory_id = ?1")?
            .execute([&a.id])?;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO kb_advisory_cve (cve, advisory_id) VALUES (?1, ?2)",
        )?;
        for cve in a.cves() {
            insert.execute(params![cve, a.id])?;
        }
        Ok(())
    }

    fn kev(&mut self, k: &KevEntry) -> Result<()> {
        let record = json(k);
        let stored: Option<String> = self
            .tx
            .prepare_cached("SELECT record FROM kb_kev WHERE cve = ?1")?
            .query_row([&k.cve_id], |r| r.get(0))
            .optional()?;
        let verdict = verdict(stored.map(|s| (None, s)), None, &record);
        if count(self.counts.entry(KbSource::Kev).or_default(), &verdict) {
            self.tx
                .prepare_cached(
                    "INSERT INTO kb_kev (cve, record) VALUES (?1, ?2)
                     ON CONFLICT (cve) DO UPDATE SET record = excluded.record",
                )?
                .execute(params![k.cve_id, record])?;
        }
        Ok(())
    }

    fn epss(&mut self, e: &EpssScore) -> Result<()> {
        let stored: Option<(f64, f64, Option<String>, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT epss, percentile, model_version, score_date FROM kb_epss WHERE cve = ?1",
            )?
            .query_row([&e.cve], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        // The date is stored as given; comparisons go through timestamp_key.
        let date = e.score_date.as_deref().map(timestamp_key);
        let verdict = match stored {
            None => Verdict::New,
            Some((epss, pct, mv, sd))
                if epss == e.epss
                    && pct == e.percentile
                    && mv == e.model_version
                    && sd == e.score_date =>
            {
                Verdict::Unchanged
            }
            Some((_, _, _, Some(old)))
                if date
                    .as_deref()
                    .is_some_and(|d| d < timestamp_key(&old).as_str()) =>
            {
                Verdict::Stale
            }
            Some(_) => Verdict::Updated,
        };
        if count(self.counts.entry(KbSource::Epss).or_default(), &verdict) {
            self.tx
                .prepare_cached(
                    "INSERT INTO kb_epss (cve, epss, percentile, model_version, score_date) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (cve) DO UPDATE SET epss = excluded.epss, percentile = excluded.percentile,
                       model_version = excluded.model_version, score_date = excluded.score_date",
                )?
                .execute(params![e.cve, e.epss, e.percentile, e.model_version, e.score_date])?;
        }
        Ok(())
    }

    fn recall(&mut self, r: &Recall) -> Result<()> {
        let record = json(r);
        let stored: Option<String> = self
            .tx
            .prepare_cached("SELECT record FROM kb_recall WHERE recall_number = ?1")?
            .query_row([&r.recall_number], |row| row.get(0))
            .optional()?;
        let verdict = verdict(stored.map(|s| (None, s)), None, &record);
        if !count(self.counts.entry(KbSource::Openfda).or_default(), &verdict) {
            return Ok(());
        }
        self.tx
            .prepare_cached(
                "INSERT INTO kb_recall (recall_number, record) VALUES (?1, ?2)
                 ON CONFLICT (recall_number) DO UPDATE SET record = excluded.record",
            )?
            .execute(params![r.recall_number, record])?;
        self.tx
            .prepare_cached("DELETE FROM kb_recall_key WHERE recall_number = ?1")?
            .execute([&r.recall_number])?;
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO kb_recall_key (key, recall_number) VALUES (?1, ?2)",
        )?;
        let keys = r
            .k_numbers
            .iter()
            .chain(&r.pma_numbers)
            .chain(r.event_id.as_ref())
            .chain(r.product_code.as_ref());
        for key in keys {
            insert.execute(params![key, r.recall_number])?;
        }
        Ok(())
    }
}

impl KbSink for Sink<'_> {
    fn put(&mut self, batch: KbBatch) -> Result<()> {
        for v in &batch.vulnerabilities {
            self.vulnerability(v)?;
        }
        for a in &batch.advisories {
            self.advisory(a)?;
        }
        for k in &batch.kev {
            self.kev(k)?;
        }
        for e in &batch.epss {
            self.epss(e)?;
        }
        for r in &batch.recalls {
            self.recall(r)?;
        }
        Ok(())
    }

    fn counts(&self) -> &KbCounts {
        &self.counts
    }
}

impl SqliteStore {
    fn query_json<T: DeserializeOwned>(
        &self,
        what: &'static str,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params, |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(decode(what, &row?)?);
        }
        Ok(out)
    }
}

impl KbStore for SqliteStore {
    fn import_kb(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn KbSink) -> Result<bool>,
    ) -> Result<KbCounts> {
        // A large import touches many pages; a bigger page cache (64 MiB) keeps SQLite
        // from spilling and re-reading them mid-transaction.
        self.conn.pragma_update(None, "cache_size", -65536)?;
        let tx = self.conn.transaction()?;
        let (commit, counts) = {
            let mut sink = Sink {
                tx: &tx,
                counts: KbCounts::new(),
            };
            let commit = fill(&mut sink)?;
            (commit, sink.counts)
        };
        if commit {
            tx.commit()?;
        }
        Ok(counts)
    }

    fn kb_lookup(&self, id: &str) -> Result<KbRecords> {
        let id = id.trim();
        let mut out = KbRecords::default();
        // Records reachable from `id` through shared ids: the id itself, then every id
        // and alias of what it found (GHSA-x -> PYSEC-y, whose alias CVE-z finds NVD's record).
        let mut keys: BTreeSet<(String, String)> = BTreeSet::new();
        let mut frontier = vec![id.to_string()];
        let mut seen_ids: BTreeSet<String> = BTreeSet::new();
        for _round in 0..2 {
            let mut next = Vec::new();
            for alias in frontier.drain(..) {
                if !seen_ids.insert(alias.to_ascii_uppercase()) {
                    continue;
                }
                let mut stmt = self
                    .conn
                    .prepare_cached("SELECT source, id FROM kb_alias WHERE alias = ?1")?;
                let rows = stmt.query_map([&alias], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?;
                for row in rows {
                    let key = row?;
                    if keys.insert(key.clone()) {
                        let record: String = self
                            .conn
                            .prepare_cached(
                                "SELECT record FROM kb_vuln WHERE source = ?1 AND id = ?2",
                            )?
                            .query_row(params![key.0, key.1], |r| r.get(0))?;
                        let v: Vulnerability = decode("kb_vuln.record", &record)?;
                        next.extend(v.all_ids().map(str::to_string));
                        out.vulnerabilities.push(v);
                    }
                }
            }
            frontier = next;
        }
        let mut cves: BTreeSet<String> = out
            .vulnerabilities
            .iter()
            .flat_map(|v| {
                v.all_ids()
                    .filter(|i| i.starts_with("CVE-"))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        if id.len() > 4 && id[..4].eq_ignore_ascii_case("CVE-") {
            cves.insert(id.to_ascii_uppercase());
        }
        let mut advisory_ids: BTreeSet<String> = BTreeSet::new();
        if self
            .conn
            .prepare_cached("SELECT 1 FROM kb_advisory WHERE id = ?1")?
            .exists([id])?
        {
            advisory_ids.insert(id.to_string());
        }
        for cve in &cves {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT advisory_id FROM kb_advisory_cve WHERE cve = ?1")?;
            for a in stmt.query_map([cve], |r| r.get::<_, String>(0))? {
                advisory_ids.insert(a?);
            }
            out.kev.extend(self.query_json::<KevEntry>(
                "kb_kev.record",
                "SELECT record FROM kb_kev WHERE cve = ?1",
                [cve],
            )?);
            let mut stmt = self.conn.prepare_cached(
                "SELECT cve, epss, percentile, model_version, score_date FROM kb_epss WHERE cve = ?1",
            )?;
            for e in stmt.query_map([cve], epss_from_row)? {
                out.epss.push(e?);
            }
        }
        for a in &advisory_ids {
            out.advisories.extend(self.query_json::<Advisory>(
                "kb_advisory.record",
                "SELECT record FROM kb_advisory WHERE id = ?1",
                [a],
            )?);
        }
        out.recalls = self.query_json(
            "kb_recall.record",
            "SELECT record FROM kb_recall WHERE recall_number = ?1
             UNION SELECT r.record FROM kb_recall_key k JOIN kb_recall r USING (recall_number) WHERE k.key = ?1",
            [id],
        )?;
        Ok(out)
    }

    fn kb_stats(&self) -> Result<KbStats> {
        let c = &self.conn;
        let one =
            |sql: &str| -> Result<u64> { Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
        let mut stats = KbStats::default();
        let mut stmt =
            c.prepare("SELECT source, COUNT(*) FROM kb_vuln GROUP BY source ORDER BY source")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (s, n) = row?;
            let source: KbSource = s.parse().map_err(|e| StoreError::Corrupt {
                what: "kb_vuln.source",
                detail: format!("{e}"),
            })?;
            stats.vulnerabilities.insert(source, n as u64);
        }
        stats.ids = one("SELECT COUNT(DISTINCT alias) FROM kb_alias")?;
        stats.cves = one(
            "SELECT COUNT(*) FROM (SELECT alias FROM kb_alias WHERE alias LIKE 'CVE-%'
             UNION SELECT cve FROM kb_advisory_cve UNION SELECT cve FROM kb_kev)",
        )?;
        stats.advisories = one("SELECT COUNT(*) FROM kb_advisory")?;
        stats.vex_advisories = one("SELECT COUNT(*) FROM kb_advisory WHERE category = 'csaf_vex'")?;
        stats.kev = one("SELECT COUNT(*) FROM kb_kev")?;
        stats.epss = one("SELECT COUNT(*) FROM kb_epss")?;
        stats.recalls = one("SELECT COUNT(*) FROM kb_recall")?;
        if let Some((mv, sd)) = c
            .query_row(
                "SELECT model_version, score_date FROM kb_epss ORDER BY score_date DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                    ))
                },
            )
            .optional()?
        {
            stats.epss_model_version = mv;
            stats.epss_score_date = sd;
        }
        Ok(stats)
    }

    fn kb_each_vulnerability(
        &self,
        source: Option<KbSource>,
        each: &mut dyn FnMut(Vulnerability) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT record FROM kb_vuln WHERE (?1 IS NULL OR source = ?1) ORDER BY source, id",
        )?;
        let mut rows = stmt.query([source.map(|s| s.as_str())])?;
        while let Some(row) = rows.next()? {
            let record: String = row.get(0)?;
            each(decode("kb_vuln.record", &record)?)?;
        }
        Ok(())
    }

    fn kb_advisories(&self) -> Result<Vec<Advisory>> {
        self.query_json(
            "kb_advisory.record",
            "SELECT record FROM kb_advisory ORDER BY id",
            [],
        )
    }

    fn kb_kev(&self) -> Result<HashMap<String, KevEntry>> {
        let all: Vec<KevEntry> =
            self.query_json("kb_kev.record", "SELECT record FROM kb_kev", [])?;
        Ok(all.into_iter().map(|k| (k.cve_id.clone(), k)).collect())
    }

    fn kb_epss(&self) -> Result<HashMap<String, EpssScore>> {
        let mut stmt = self
            .conn
            .prepare("SELECT cve, epss, percentile, model_version, score_date FROM kb_epss")?;
        let mut out = HashMap::new();
        for e in stmt.query_map([], epss_from_row)? {
            let e = e?;
            out.insert(e.cve.clone(), e);
        }
        Ok(out)
    }

    fn kb_recalls(&self) -> Result<Vec<Recall>> {
        self.query_json(
            "kb_recall.record",
            "SELECT record FROM kb_recall ORDER BY recall_number",
            [],
        )
    }
}

fn epss_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EpssScore> {
    Ok(EpssScore {
        cve: r.get(0)?,
        epss: r.get(1)?,
        percentile: r.get(2)?,
        model_version: r.get(3)?,
        score_date: r.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use medvigil_model::vuln::{KbBatch, KbSource, KevEntry, Vulnerability};

    use crate::{KbStore, open_sqlite_in_memory};

    fn osv(id: &str, modified: &str, aliases: &[&str], summary: &str) -> Vulnerability {
        let mut v = Vulnerability::new(id, KbSource::Osv);
        v.modified = Some(modified.into());
        v.aliases = aliases.iter().map(|s| s.to_string()).collect();
        v.summary = Some(summary.into());
        v
    }

    fn batch(vs: Vec<Vulnerability>) -> KbBatch {
        KbBatch {
            vulnerabilities: vs,
            ..KbBatch::default()
        }
    }

    fn kev(cve: &str) -> KevEntry {
        KevEntry {
            cve_id: cve.into(),
            vendor_project: "Apache".into(),
            product: "Log4j2".into(),
            vulnerability_name: "Log4Shell".into(),
            date_added: "2021-12-10".into(),
            short_description: "JNDI".into(),
            required_action: "Patch".into(),
            due_date: "2021-12-24".into(),
            known_ransomware_campaign_use: "Known".into(),
            notes: String::new(),
            cwes: vec!["CWE-917".into()],
        }
    }

    #[test]
    fn newer_modified_wins_and_reimport_is_idempotent() {
        let mut s = open_sqlite_in_memory().unwrap();
        let c = s
            .upsert_kb(batch(vec![osv(
                "GHSA-1",
                "2024-01-02T00:00:00Z",
                &["CVE-2024-1"],
                "v2",
            )]))
            .unwrap();
        assert_eq!(c[&KbSource::Osv].new, 1);
        let c = s
            .upsert_kb(batch(vec![osv(
                "GHSA-1",
                "2024-01-02T00:00:00Z",
                &["CVE-2024-1"],
                "v2",
            )]))
            .unwrap();
        assert_eq!(c[&KbSource::Osv].unchanged, 1);
        let c = s
            .upsert_kb(batch(vec![osv(
                "GHSA-1",
                "2024-01-01T00:00:00Z",
                &["CVE-2024-1"],
                "v1",
            )]))
            .unwrap();
        assert_eq!(
            c[&KbSource::Osv].stale,
            1,
            "older copy must not replace the newer"
        );
        assert_eq!(
            s.kb_lookup("GHSA-1").unwrap().vulnerabilities[0]
                .summary
                .as_deref(),
            Some("v2")
        );
        let c = s
            .upsert_kb(batch(vec![osv(
                "GHSA-1",
                "2024-01-03T00:00:00Z",
                &["CVE-2024-2"],
                "v3",
            )]))
            .unwrap();
        assert_eq!(c[&KbSource::Osv].updated, 1);
        assert!(
            s.kb_lookup("CVE-2024-1").unwrap().is_empty(),
            "old alias is gone"
        );
        assert_eq!(s.kb_lookup("cve-2024-2").unwrap().vulnerabilities.len(), 1);
    }

    #[test]
    fn lookup_follows_aliases_and_attaches_kev() {
        let mut s = open_sqlite_in_memory().unwrap();
        let mut nvd = Vulnerability::new("CVE-2021-44228", KbSource::Nvd);
        nvd.modified = Some("2024-01-01T00:00:00.000".into());
        let mut b = batch(vec![
            osv(
                "PYSEC-9",
                "2024-01-01T00:00:00Z",
                &["GHSA-jfh8", "CVE-2021-44228"],
                "py",
            ),
            nvd,
        ]);
        b.kev.push(kev("CVE-2021-44228"));
        s.upsert_kb(b).unwrap();
        let r = s.kb_lookup("GHSA-jfh8").unwrap();
        assert_eq!(
            r.vulnerabilities.len(),
            2,
            "GHSA -> PYSEC -> CVE -> NVD record"
        );
        assert_eq!(r.kev.len(), 1);
        let st = s.kb_stats().unwrap();
        assert_eq!(st.vulnerabilities[&KbSource::Osv], 1);
        assert_eq!(st.kev, 1);
        assert_eq!(st.cves, 1);
    }

    fn epss(cve: &str, score: f64, date: &str) -> medvigil_model::vuln::EpssScore {
        medvigil_model::vuln::EpssScore {
            cve: cve.into(),
            epss: score,
            percentile: 0.5,
            model_version: Some("v2025.03.14".into()),
            score_date: Some(date.into()),
        }
    }

    #[test]
    fn epss_keeps_newer_scores_and_its_date_as_given() {
        let mut s = open_sqlite_in_memory().unwrap();
        let b = |e| KbBatch {
            epss: vec![e],
            ..KbBatch::default()
        };
        s.upsert_kb(b(epss("CVE-2021-44228", 0.9, "2025-06-02T00:00:00+0000")))
            .unwrap();
        let c = s
            .upsert_kb(b(epss("CVE-2021-44228", 0.5, "2025-06-01T00:00:00+0000")))
            .unwrap();
        assert_eq!(c[&KbSource::Epss].stale, 1);
        let c = s
            .upsert_kb(b(epss("CVE-2021-44228", 0.9, "2025-06-02T00:00:00+0000")))
            .unwrap();
        assert_eq!(c[&KbSource::Epss].unchanged, 1);
        let e = &s.kb_epss().unwrap()["CVE-2021-44228"];
        assert_eq!(
            (e.epss, e.score_date.as_deref()),
            (0.9, Some("2025-06-02T00:00:00+0000"))
        );
    }

    #[test]
    fn recalls_are_found_by_number_and_510k() {
        use medvigil_model::vuln::{Recall, RecallKind};
        let mut s = open_sqlite_in_memory().unwrap();
        let r = Recall {
            recall_number: "Z-0001-2099".into(),
            kind: RecallKind::Recall,
            event_id: Some("99001".into()),
            product_code: Some("FRN".into()),
            k_numbers: vec!["K990001".into()],
            pma_numbers: vec![],
            recalling_firm: Some("Acme".into()),
            product_description: None,
            code_info: None,
            reason_for_recall: None,
            root_cause_description: Some("Software design".into()),
            action: None,
            classification: None,
            status: None,
            date_initiated: None,
            date_posted: None,
            date_terminated: None,
            device_name: None,
            device_class: None,
            medical_specialty: None,
        };
        s.upsert_kb(KbBatch {
            recalls: vec![r],
            ..KbBatch::default()
        })
        .unwrap();
        assert_eq!(s.kb_lookup("k990001").unwrap().recalls.len(), 1);
        assert_eq!(s.kb_lookup("Z-0001-2099").unwrap().recalls.len(), 1);
        assert_eq!(s.kb_recalls().unwrap().len(), 1);
        assert!(s.kb_lookup("K000000").unwrap().is_empty());
    }

    #[test]
    fn rolled_back_import_writes_nothing() {
        let mut s = open_sqlite_in_memory().unwrap();
        let c = s
            .import_kb(&mut |sink| {
                sink.put(batch(vec![osv("GO-1", "2024-01-01T00:00:00Z", &[], "x")]))?;
                Ok(false)
            })
            .unwrap();
        assert_eq!(c[&KbSource::Osv].new, 1);
        assert!(s.kb_vulnerabilities(None).unwrap().is_empty());
    }
}
