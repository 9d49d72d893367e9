//! SQLite implementation of [`FindingStore`].

use std::collections::HashMap;

use medvigil_model::finding::{
    AssetRef, Finding, FindingChanges, FindingFilter, VexImport, VexStatement,
};
use rusqlite::{Transaction, params};

use super::SqliteStore;
use crate::{FindingStore, Result, StoreError};

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data always serializes")
}

fn corrupt(what: &'static str, e: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what,
        detail: e.to_string(),
    }
}

type Key = (String, String, String);

/// Loads the stored findings (as JSON of the whole finding, for comparison) whose
/// advisory is `advisory` (or all when `None`).
fn existing(tx: &Transaction<'_>, advisory: Option<&str>) -> Result<HashMap<Key, (i64, String)>> {
    let mut stmt = tx.prepare(
        "SELECT id, asset_key, vulnerability_id, advisory_id, asset, model, version, status,
                matched_status, details, vex
         FROM finding WHERE (?1 IS NULL OR advisory_id = ?1)",
    )?;
    let mut out = HashMap::new();
    let rows = stmt.query_map(params![advisory], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            (
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ),
            [
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            ]
            .join("\u{1f}"),
        ))
    })?;
    for row in rows {
        let (id, key, fp) = row?;
        out.insert(key, (id, fp));
    }
    Ok(out)
}

fn fingerprint(f: &Finding) -> String {
    [
        json(&f.asset),
        f.model.clone().unwrap_or_default(),
        f.version.clone().unwrap_or_default(),
        f.status.as_str().to_string(),
        f.matched_status.as_str().to_string(),
        json(&f.details),
        f.vex.as_ref().map(json).unwrap_or_default(),
    ]
    .join("\u{1f}")
}

fn write(
    tx: &Transaction<'_>,
    findings: &[Finding],
    advisory: Option<&str>,
) -> Result<FindingChanges> {
    let mut old = existing(tx, advisory)?;
    let mut changes = FindingChanges::default();
    let mut insert = tx.prepare(
        "INSERT INTO finding (asset_key, asset, site, asset_id, model, version, vulnerability_id,
             advisory_id, status, matched_status, matcher, confidence, details, vex)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)
         ON CONFLICT (asset_key, vulnerability_id, advisory_id) DO UPDATE SET
             asset = excluded.asset, site = excluded.site, asset_id = excluded.asset_id,
             model = excluded.model, version = excluded.version, status = excluded.status,
             matched_status = excluded.matched_status, matcher = excluded.matcher,
             confidence = excluded.confidence, details = excluded.details, vex = excluded.vex",
    )?;
    let mut seen = std::collections::HashSet::new();
    for f in findings {
        let key = f.key();
        if let Some(a) = advisory.filter(|a| key.2 != *a) {
            return Err(StoreError::Conflict(format!(
                "finding for {} names advisory {:?}, not {a:?}",
                key.0, key.2
            )));
        }
        if !seen.insert(key.clone()) {
            return Err(StoreError::Conflict(format!(
                "finding ({}, {}, {}) appears twice",
                key.0, key.1, key.2
            )));
        }
        match old.remove(&key) {
            Some((_, fp)) if fp == fingerprint(f) => {
                changes.unchanged += 1;
                continue;
            }
            Some(_) => changes.updated += 1,
            None => changes.added += 1,
        }
        let (site, asset_id) = match &f.asset {
            AssetRef::Device { site, asset_id } => (Some(site.as_str()), Some(asset_id.as_str())),
            _ => (None, None),
        };
        insert.execute(params![
            key.0,
            json(&f.asset),
            site,
            asset_id,
            f.model,
            f.version,
            f.vulnerability_id,
            key.2,
            f.status.as_str(),
            f.matched_status.as_str(),
            f.matcher(),
            f.confidence(),
            json(&f.details),
            f.vex.as_ref().map(json),
        ])?;
    }
    let mut delete = tx.prepare("DELETE FROM finding WHERE id = ?1")?;
    for (_, (id, _)) in old {
        changes.removed += delete.execute([id])? as u64;
    }
    Ok(changes)
}

impl FindingStore for SqliteStore {
    fn replace_findings(&mut self, findings: &[Finding]) -> Result<FindingChanges> {
        let tx = self.conn.transaction()?;
        let changes = write(&tx, findings, None)?;
        tx.commit()?;
        Ok(changes)
    }

    fn replace_advisory_findings(
        &mut self,
        advisory_id: &str,
        findings: &[Finding],
    ) -> Result<FindingChanges> {
        let tx = self.conn.transaction()?;
        let changes = write(&tx, findings, Some(advisory_id))?;
        tx.commit()?;
        Ok(changes)
    }

    fn list_findings(&self, filter: &FindingFilter) -> Result<Vec<Finding>> {
        let mut stmt = self.conn.prepare(
            "SELECT asset, model, version, vulnerability_id, advisory_id, status, matched_status,
                    details, vex
             FROM finding
             WHERE (?1 IS NULL OR asset_id = ?1) AND (?2 IS NULL OR site = ?2)
               AND (?3 IS NULL OR advisory_id = ?3) AND (?4 IS NULL OR vulnerability_id = ?4)
               AND (?5 IS NULL OR status = ?5)
             ORDER BY asset_key, vulnerability_id, advisory_id",
        )?;
        let rows = stmt.query_map(
            params![
                filter.asset_id,
                filter.site,
                filter.advisory_id,
                filter.vulnerability_id,
                filter.status.map(|s| s.as_str())
            ],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (
                asset,
                model,
                version,
                vulnerability_id,
                advisory_id,
                status,
                matched,
                details,
                vex,
            ) = row?;
            out.push(Finding {
                asset: serde_json::from_str(&asset).map_err(|e| corrupt("finding.asset", e))?,
                model,
                version,
                vulnerability_id,
                advisory_id: (!advisory_id.is_empty()).then_some(advisory_id),
                status: status.parse().map_err(|e| corrupt("finding.status", e))?,
                matched_status: matched
                    .parse()
                    .map_err(|e| corrupt("finding.matched_status", e))?,
                details: serde_json::from_str(&details)
                    .map_err(|e| corrupt("finding.details", e))?,
                vex: vex
                    .map(|v| serde_json::from_str(&v))
                    .transpose()
                    .map_err(|e| corrupt("finding.vex", e))?,
            });
        }
        Ok(out)
    }

    fn import_vex(&mut self, document: &str, statements: &[VexStatement]) -> Result<VexImport> {
        let tx = self.conn.transaction()?;
        let mut report = VexImport::default();
        {
            let mut get = tx.prepare("SELECT statement FROM vex_statement WHERE source = ?1")?;
            let mut upsert = tx.prepare(
                "INSERT INTO vex_statement (source, document, vulnerability_id, statement)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (source) DO UPDATE SET document = excluded.document,
                     vulnerability_id = excluded.vulnerability_id, statement = excluded.statement,
                     imported_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            )?;
            for s in statements {
                let text = json(s);
                let old: Option<String> = get
                    .query_row([&s.source], |r| r.get(0))
                    .map(Some)
                    .or_else(|e| match e {
                        rusqlite::Error::QueryReturnedNoRows => Ok(None),
                        e => Err(e),
                    })?;
                match old {
                    Some(o) if o == text => {
                        report.unchanged += 1;
                        continue;
                    }
                    Some(_) => report.updated += 1,
                    None => report.added += 1,
                }
                upsert.execute(params![s.source, document, s.vulnerability_id, text])?;
            }
        }
        tx.commit()?;
        Ok(report)
    }

    fn vex_statements(&self) -> Result<Vec<VexStatement>> {
        let mut stmt = self
            .conn
            .prepare("SELECT statement FROM vex_statement ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(serde_json::from_str(&r?).map_err(|e| corrupt("vex_statement.statement", e))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use medvigil_model::finding::*;

    use crate::{FindingStore, open_sqlite_in_memory};

    fn finding(asset: &str, vuln: &str, adv: Option<&str>, status: FindingStatus) -> Finding {
        Finding {
            asset: AssetRef::Device {
                site: "north".into(),
                asset_id: asset.into(),
            },
            model: Some("CARESCAPE B450".into()),
            version: Some("2.1".into()),
            vulnerability_id: vuln.into(),
            advisory_id: adv.map(str::to_string),
            status,
            matched_status: FindingStatus::Affected,
            details: vec![MatchDetails {
                kind: MatchKind::Name,
                matcher: "csaf_product_tree".into(),
                searched_by: BTreeMap::new(),
                found: BTreeMap::new(),
                rule: "r".into(),
                range: Some("2.X".into()),
                confidence: 0.9,
            }],
            vex: None,
        }
    }

    #[test]
    fn replace_reports_changes_and_filters() {
        let mut s = open_sqlite_in_memory().unwrap();
        let a = finding(
            "MON-1",
            "CVE-2020-6961",
            Some("ICSMA-20-023-01"),
            FindingStatus::Affected,
        );
        let b = finding(
            "MON-2",
            "CVE-2020-6962",
            Some("ICSMA-20-023-01"),
            FindingStatus::Affected,
        );
        let c = finding("PUMP-1", "CVE-2017-12718", None, FindingStatus::Affected);
        let r = s
            .replace_findings(&[a.clone(), b.clone(), c.clone()])
            .unwrap();
        assert_eq!((r.added, r.removed), (3, 0));
        let mut b2 = b.clone();
        b2.status = FindingStatus::NotAffected;
        let r = s.replace_findings(&[a.clone(), b2]).unwrap();
        assert_eq!((r.added, r.updated, r.unchanged, r.removed), (0, 1, 1, 1));
        let got = s
            .list_findings(&FindingFilter {
                asset_id: Some("MON-2".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].status, FindingStatus::NotAffected);
        let aff = s
            .list_findings(&FindingFilter {
                status: Some(FindingStatus::Affected),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(aff, vec![a.clone()]);
        // One advisory's findings replaced; others untouched.
        let r = s
            .replace_advisory_findings("ICSMA-20-023-01", std::slice::from_ref(&a))
            .unwrap();
        assert_eq!((r.unchanged, r.removed), (1, 1));
        assert!(s.replace_advisory_findings("ICSMA-X", &[a]).is_err());
    }

    #[test]
    fn vex_round_trip_and_reimport() {
        let mut s = open_sqlite_in_memory().unwrap();
        let st = VexStatement {
            vulnerability_id: "CVE-2021-44228".into(),
            aliases: vec![],
            products: vec![VexProduct::Purl {
                purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into(),
                range: None,
            }],
            status: FindingStatus::NotAffected,
            justification: Some("vulnerable_code_not_in_execute_path".into()),
            impact_statement: None,
            action_statement: None,
            timestamp: None,
            source: "openvex:doc#/statements/0".into(),
        };
        let r = s.import_vex("vex.json", std::slice::from_ref(&st)).unwrap();
        assert_eq!(r.added, 1);
        let r = s.import_vex("vex.json", std::slice::from_ref(&st)).unwrap();
        assert_eq!(r.unchanged, 1);
        assert_eq!(s.vex_statements().unwrap(), vec![st]);
    }
}
