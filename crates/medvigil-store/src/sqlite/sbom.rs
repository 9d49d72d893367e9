//! SQLite implementation of [`SbomStore`].

use std::collections::BTreeMap;

use medvigil_model::DeviceModel;
use medvigil_model::sbom::{
    Component, ComponentKind, Dependency, FirmwareTarget, Sbom, SbomComponent, SbomFormat,
    SbomSummary,
};
use rusqlite::{OptionalExtension, Row, params};

use super::SqliteStore;
use crate::{Result, SbomStore, StoreError};

fn corrupt(what: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what,
        detail: detail.to_string(),
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data always serializes")
}

const SUMMARY: &str = "SELECT s.id, m.manufacturer, m.model, f.version, s.format, s.spec_version, \
    s.serial, s.name, s.timestamp, s.revision, \
    (SELECT count(*) FROM component c WHERE c.sbom_id = s.id), \
    (SELECT count(*) FROM sbom_dependency d WHERE d.sbom_id = s.id AND d.to_ref != ''), \
    s.source, s.imported_at \
    FROM sbom s JOIN firmware_version f ON f.id = s.firmware_id \
    JOIN device_model m ON m.id = f.model_id";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<Result<SbomSummary>> {
    let format: String = row.get(4)?;
    let Some(format) = SbomFormat::from_name(&format) else {
        return Ok(Err(corrupt("sbom.format", format)));
    };
    Ok(Ok(SbomSummary {
        id: row.get(0)?,
        manufacturer: row.get(1)?,
        model: row.get(2)?,
        firmware_version: row.get(3)?,
        format,
        spec_version: row.get(5)?,
        serial: row.get(6)?,
        name: row.get(7)?,
        timestamp: row.get(8)?,
        revision: row.get::<_, Option<i64>>(9)?.map(|r| r as u64),
        component_count: row.get::<_, i64>(10)? as u64,
        dependency_count: row.get::<_, i64>(11)? as u64,
        source: row.get(12)?,
        imported_at: row.get(13)?,
    }))
}

const COMPONENT: &str = "SELECT sbom_id, reference, name, version, grp, kind, supplier, author, \
    purls, cpes, other_ids, hashes, licenses, support_level, end_of_support, parent FROM component";

fn component_from_row(row: &Row<'_>) -> rusqlite::Result<Result<SbomComponent>> {
    let lists: Vec<String> = (8..13)
        .map(|i| row.get(i))
        .collect::<rusqlite::Result<_>>()?;
    let kind: String = row.get(5)?;
    let mut c = Component {
        reference: row.get(1)?,
        name: row.get(2)?,
        version: row.get(3)?,
        group: row.get(4)?,
        kind: ComponentKind::from_spelling(&kind),
        supplier: row.get(6)?,
        author: row.get(7)?,
        support_level: row.get(13)?,
        end_of_support: row.get(14)?,
        parent: row.get(15)?,
        ..Component::default()
    };
    let sbom_id: i64 = row.get(0)?;
    Ok((|| {
        c.purls = serde_json::from_str(&lists[0]).map_err(|e| corrupt("component.purls", e))?;
        c.cpes = serde_json::from_str(&lists[1]).map_err(|e| corrupt("component.cpes", e))?;
        c.other_ids =
            serde_json::from_str(&lists[2]).map_err(|e| corrupt("component.other_ids", e))?;
        c.hashes = serde_json::from_str(&lists[3]).map_err(|e| corrupt("component.hashes", e))?;
        c.licenses =
            serde_json::from_str(&lists[4]).map_err(|e| corrupt("component.licenses", e))?;
        Ok(SbomComponent {
            sbom_id,
            component: c,
        })
    })())
}

impl SbomStore for SqliteStore {
    fn import_sbom(
        &mut self,
        target: &FirmwareTarget,
        sbom: &Sbom,
        source: Option<&str>,
    ) -> Result<SbomSummary> {
        for (what, v) in [
            ("manufacturer", &target.manufacturer),
            ("model", &target.model),
            ("firmware version", &target.firmware_version),
        ] {
            if v.trim().is_empty() {
                return Err(StoreError::Conflict(format!(
                    "the {what} must not be empty"
                )));
            }
        }
        let tx = self.conn.transaction()?;
        let id = {
            tx.execute(
                "INSERT INTO device_model (manufacturer, model) VALUES (?1, ?2) \
                 ON CONFLICT (manufacturer, model) DO NOTHING",
                params![target.manufacturer.trim(), target.model.trim()],
            )?;
            let model_id: i64 = tx.query_row(
                "SELECT id FROM device_model WHERE manufacturer = ?1 AND model = ?2",
                params![target.manufacturer.trim(), target.model.trim()],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO firmware_version (model_id, version) VALUES (?1, ?2) \
                 ON CONFLICT (model_id, version) DO NOTHING",
                params![model_id, target.firmware_version.trim()],
            )?;
            let firmware_id: i64 = tx.query_row(
                "SELECT id FROM firmware_version WHERE model_id = ?1 AND version = ?2",
                params![model_id, target.firmware_version.trim()],
                |r| r.get(0),
            )?;
            // The same document again (serial and revision) replaces the earlier copy;
            // ON DELETE CASCADE removes its components, identifiers and edges.
            if sbom.serial.is_some() {
                tx.execute(
                    "DELETE FROM sbom WHERE firmware_id = ?1 AND serial = ?2 AND revision IS ?3",
                    params![firmware_id, sbom.serial, sbom.revision.map(|r| r as i64)],
                )?;
            }
            tx.execute(
                "INSERT INTO sbom (firmware_id, format, spec_version, serial, revision, name, \
                 timestamp, authors, tools, subject, source) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    firmware_id,
                    sbom.format.as_str(),
                    sbom.spec_version,
                    sbom.serial,
                    sbom.revision.map(|r| r as i64),
                    sbom.name,
                    sbom.timestamp,
                    json(&sbom.authors),
                    json(&sbom.tools),
                    sbom.subject,
                    source,
                ],
            )?;
            let sbom_id = tx.last_insert_rowid();
            let mut insert = tx.prepare(
                "INSERT INTO component (sbom_id, ordinal, reference, name, version, grp, kind, \
                 supplier, author, purls, cpes, other_ids, hashes, licenses, support_level, \
                 end_of_support, parent) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )?;
            let mut ident = tx.prepare(
                "INSERT OR IGNORE INTO component_identifier (component_id, kind, value) \
                 VALUES (?1, ?2, ?3)",
            )?;
            for (i, c) in sbom.components.iter().enumerate() {
                insert
                    .execute(params![
                        sbom_id,
                        i as i64,
                        c.reference,
                        c.name,
                        c.version,
                        c.group,
                        c.kind.as_str(),
                        c.supplier,
                        c.author,
                        json(&c.purls),
                        json(&c.cpes),
                        json(&c.other_ids),
                        json(&c.hashes),
                        json(&c.licenses),
                        c.support_level,
                        c.end_of_support,
                        c.parent,
                    ])
                    .map_err(|e| match e {
                        rusqlite::Error::SqliteFailure(f, _)
                            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                        {
                            StoreError::Conflict(format!(
                                "component reference {:?} appears twice in the SBOM",
                                c.reference
                            ))
                        }
                        e => e.into(),
                    })?;
                let cid = tx.last_insert_rowid();
                for p in &c.purls {
                    ident.execute(params![cid, "purl", p])?;
                }
                for p in &c.cpes {
                    ident.execute(params![cid, "cpe", p])?;
                }
            }
            let mut dep = tx.prepare(
                "INSERT OR IGNORE INTO sbom_dependency (sbom_id, ordinal, from_ref, to_ref) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut n = 0i64;
            for d in &sbom.dependencies {
                for t in &d.to {
                    dep.execute(params![sbom_id, n, d.from, t])?;
                    n += 1;
                }
                if d.to.is_empty() {
                    // A node with no dependencies is still a statement ("depends on
                    // nothing"): keep it as a self-less marker row with an empty target.
                    dep.execute(params![sbom_id, n, d.from, ""])?;
                    n += 1;
                }
            }
            sbom_id
        };
        tx.commit()?;
        Ok(self
            .get_summary(id)?
            .expect("the row was inserted in the committed transaction"))
    }

    fn list_sboms(&self) -> Result<Vec<SbomSummary>> {
        let mut st = self
            .conn
            .prepare(&format!("{SUMMARY} ORDER BY s.id DESC"))?;
        let rows = st.query_map([], summary_from_row)?;
        rows.map(|r| r?).collect()
    }

    fn get_sbom(&self, id: i64) -> Result<Option<(SbomSummary, Sbom)>> {
        let Some(summary) = self.get_summary(id)? else {
            return Ok(None);
        };
        let (mut sbom, authors, tools) = self.conn.query_row(
            "SELECT serial, revision, name, timestamp, authors, tools, subject FROM sbom WHERE id = ?1",
            [id],
            |r| {
                let sbom = Sbom {
                    format: summary.format,
                    spec_version: summary.spec_version.clone(),
                    serial: r.get(0)?,
                    revision: r.get::<_, Option<i64>>(1)?.map(|v| v as u64),
                    name: r.get(2)?,
                    timestamp: r.get(3)?,
                    authors: Vec::new(),
                    tools: Vec::new(),
                    subject: r.get(6)?,
                    components: Vec::new(),
                    dependencies: Vec::new(),
                };
                Ok((sbom, r.get::<_, String>(4)?, r.get::<_, String>(5)?))
            },
        )?;
        sbom.authors = serde_json::from_str(&authors).map_err(|e| corrupt("sbom.authors", e))?;
        sbom.tools = serde_json::from_str(&tools).map_err(|e| corrupt("sbom.tools", e))?;
        let mut st = self
            .conn
            .prepare(&format!("{COMPONENT} WHERE sbom_id = ?1 ORDER BY ordinal"))?;
        let components = st
            .query_map([id], component_from_row)?
            .map(|r| r?.map(|c| c.component))
            .collect::<Result<Vec<_>>>()?;
        let mut st = self.conn.prepare(
            "SELECT from_ref, to_ref FROM sbom_dependency WHERE sbom_id = ?1 ORDER BY ordinal",
        )?;
        let mut dependencies: Vec<Dependency> = Vec::new();
        for row in st.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (from, to) = row?;
            let idx = match dependencies.iter().rposition(|d| d.from == from) {
                Some(i) => i,
                None => {
                    dependencies.push(Dependency {
                        from,
                        to: Vec::new(),
                    });
                    dependencies.len() - 1
                }
            };
            if !to.is_empty() {
                dependencies[idx].to.push(to);
            }
        }
        sbom.components = components;
        sbom.dependencies = dependencies;
        Ok(Some((summary, sbom)))
    }

    fn identified_components(&self, sbom_id: Option<i64>) -> Result<Vec<SbomComponent>> {
        let sql = format!(
            "{COMPONENT} WHERE (?1 IS NULL OR sbom_id = ?1) \
             AND (purls != '[]' OR cpes != '[]') ORDER BY sbom_id, ordinal"
        );
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map([sbom_id], component_from_row)?;
        rows.map(|r| r?).collect()
    }

    fn sbom_device_models(&self) -> Result<Vec<DeviceModel>> {
        let mut st = self.conn.prepare(
            "SELECT m.manufacturer, m.model, f.version FROM device_model m \
             LEFT JOIN firmware_version f ON f.model_id = m.id \
             ORDER BY m.manufacturer COLLATE NOCASE, m.model COLLATE NOCASE, f.version",
        )?;
        let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        let mut order = Vec::new();
        for row in st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })? {
            let (m, model, v) = row?;
            let key = (m, model);
            if !out.contains_key(&key) {
                order.push(key.clone());
            }
            let e = out.entry(key).or_default();
            if let Some(v) = v {
                e.push(v);
            }
        }
        Ok(order
            .into_iter()
            .map(|k| {
                let versions = out.remove(&k).unwrap_or_default();
                DeviceModel {
                    manufacturer: k.0,
                    model: k.1,
                    versions,
                }
            })
            .collect())
    }

    fn devices_for_sbom(&self, id: i64) -> Result<Vec<(String, String)>> {
        let mut st = self.conn.prepare(
            "SELECT df.site, df.asset_id FROM device_firmware df \
             JOIN sbom s ON s.firmware_id = df.firmware_id WHERE s.id = ?1 \
             ORDER BY df.site, df.asset_id",
        )?;
        let rows = st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl SqliteStore {
    fn get_summary(&self, id: i64) -> Result<Option<SbomSummary>> {
        let sql = format!("{SUMMARY} WHERE s.id = ?1");
        match self
            .conn
            .query_row(&sql, [id], summary_from_row)
            .optional()?
        {
            Some(r) => Ok(Some(r?)),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use medvigil_model::Device;
    use medvigil_model::sbom::Hash;

    use super::*;
    use crate::{DeviceImport, InventoryStore, open_sqlite_in_memory};

    fn target(m: &str, model: &str, v: &str) -> FirmwareTarget {
        FirmwareTarget {
            manufacturer: m.into(),
            model: model.into(),
            firmware_version: v.into(),
        }
    }

    fn sample() -> Sbom {
        let mut fw = Component {
            reference: "fw".into(),
            name: "pump-fw".into(),
            version: Some("2.1".into()),
            kind: ComponentKind::Firmware,
            ..Component::default()
        };
        fw.support_level = Some("active".into());
        let mut z = Component {
            reference: "z".into(),
            name: "zlib".into(),
            version: Some("1.3.1".into()),
            kind: ComponentKind::Library,
            parent: Some("fw".into()),
            ..Component::default()
        };
        z.purls.push("pkg:generic/zlib@1.3.1".into());
        z.hashes.push(Hash {
            alg: "SHA-1".into(),
            value: "e6b1000b94e835ffd37f4c6dcbdad43f4b48a02a".into(),
        });
        let plain = Component {
            reference: "p".into(),
            name: "docs".into(),
            kind: ComponentKind::Other("archive".into()),
            ..Component::default()
        };
        Sbom {
            format: SbomFormat::CyclonedxJson,
            spec_version: "1.6".into(),
            serial: Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into()),
            revision: Some(2),
            name: Some("pump".into()),
            timestamp: Some("2024-01-01T00:00:00Z".into()),
            authors: vec!["Acme".into()],
            tools: vec!["gen 1".into()],
            subject: Some("fw".into()),
            components: vec![fw, z, plain],
            dependencies: vec![
                Dependency {
                    from: "fw".into(),
                    to: vec!["z".into(), "p".into()],
                },
                Dependency {
                    from: "z".into(),
                    to: vec![],
                },
            ],
        }
    }

    #[test]
    fn round_trips_an_sbom_whole() {
        let mut st = open_sqlite_in_memory().unwrap();
        let s = sample();
        let sum = st
            .import_sbom(&target("Acme", "InfuMax", "2.1"), &s, Some("bom.json"))
            .unwrap();
        assert_eq!(sum.component_count, 3);
        assert_eq!(sum.dependency_count, 2);
        let (got_sum, got) = st.get_sbom(sum.id).unwrap().unwrap();
        assert_eq!(got_sum, sum);
        assert_eq!(got, s);
        assert!(st.get_sbom(sum.id + 1).unwrap().is_none());
    }

    #[test]
    fn models_and_versions_are_shared_case_insensitively() {
        let mut st = open_sqlite_in_memory().unwrap();
        let s = sample();
        st.import_sbom(&target("Acme", "InfuMax", "2.1"), &s, None)
            .unwrap();
        st.import_sbom(&target("ACME", "infumax", "2.1"), &s, None)
            .unwrap();
        st.import_sbom(&target("acme", "InfuMax", "2.2"), &s, None)
            .unwrap();
        let models = st.sbom_device_models().unwrap();
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].manufacturer, "Acme");
        assert_eq!(
            models[0].versions,
            vec!["2.1".to_string(), "2.2".to_string()]
        );
        // The second 2.1 import is the same document: it replaced the first.
        let list = st.list_sboms().unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[0].id > list[1].id, "newest first");
        assert_eq!(list[1].firmware_version, "2.1");
    }

    #[test]
    fn the_same_document_again_replaces_the_earlier_copy() {
        let mut st = open_sqlite_in_memory().unwrap();
        let s = sample();
        let first = st
            .import_sbom(&target("Acme", "InfuMax", "2.1"), &s, None)
            .unwrap();
        let again = st
            .import_sbom(&target("acme", "INFUMAX", "2.1"), &s, None)
            .unwrap();
        assert_ne!(first.id, again.id);
        let list = st.list_sboms().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, again.id);
        assert!(st.get_sbom(first.id).unwrap().is_none());
        assert_eq!(st.identified_components(None).unwrap().len(), 1);
        // A new revision, another firmware, or no serial: kept side by side.
        let mut next = s.clone();
        next.revision = Some(3);
        st.import_sbom(&target("Acme", "InfuMax", "2.1"), &next, None)
            .unwrap();
        st.import_sbom(&target("Acme", "InfuMax", "2.2"), &s, None)
            .unwrap();
        let mut anonymous = s.clone();
        anonymous.serial = None;
        st.import_sbom(&target("Acme", "InfuMax", "2.1"), &anonymous, None)
            .unwrap();
        st.import_sbom(&target("Acme", "InfuMax", "2.1"), &anonymous, None)
            .unwrap();
        assert_eq!(st.list_sboms().unwrap().len(), 5);
    }

    #[test]
    fn identified_components_and_linked_devices() {
        let mut st = open_sqlite_in_memory().unwrap();
        let id = st
            .import_sbom(&target("Acme", "InfuMax", "2.1"), &sample(), None)
            .unwrap()
            .id;
        let ids = st.identified_components(Some(id)).unwrap();
        assert_eq!(ids.len(), 1);
        assert_eq!(ids[0].component.name, "zlib");
        assert_eq!(st.identified_components(None).unwrap().len(), 1);
        let mut d = Device::new("north", "PUMP-7");
        d.manufacturer = Some("acme".into());
        d.model = Some("INFUMAX".into());
        d.version = Some("2.1".into());
        let mut other = Device::new("north", "PUMP-8");
        other.manufacturer = Some("acme".into());
        other.model = Some("INFUMAX".into());
        other.version = Some("2.0".into());
        st.import_devices(&DeviceImport {
            devices: vec![d, other],
            prune: false,
        })
        .unwrap();
        assert_eq!(
            st.devices_for_sbom(id).unwrap(),
            vec![("north".to_string(), "PUMP-7".to_string())]
        );
    }

    #[test]
    fn a_failed_import_stores_nothing() {
        let mut st = open_sqlite_in_memory().unwrap();
        let mut s = sample();
        s.components.push(s.components[0].clone());
        let e = st
            .import_sbom(&target("Acme", "InfuMax", "2.1"), &s, None)
            .unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
        assert!(st.list_sboms().unwrap().is_empty());
        assert!(st.sbom_device_models().unwrap().is_empty());
        let e = st
            .import_sbom(&target(" ", "InfuMax", "2.1"), &sample(), None)
            .unwrap_err();
        assert!(e.to_string().contains("manufacturer"), "{e}");
    }
}
