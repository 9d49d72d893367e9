//! SQLite implementation of [`InventoryStore`].

use std::collections::{BTreeMap, HashSet};

use medvigil_model::{Device, DeviceModel, Site};
use rusqlite::{Row, params};

use super::SqliteStore;
use crate::{DeviceFilter, DeviceImport, ImportSummary, InventoryStore, Result, StoreError};

const COLUMNS: &str = "site, asset_id, manufacturer, model, version, serial, department, ips, \
    macs, device_class, clinical_function, network_zone, attributes, origin";

fn corrupt(what: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Corrupt {
        what,
        detail: detail.to_string(),
    }
}

fn device_from_row(row: &Row<'_>) -> rusqlite::Result<Result<Device>> {
    let text = |i: usize| row.get::<_, Option<String>>(i);
    let ips: String = row.get(7)?;
    let macs: String = row.get(8)?;
    let attributes: String = row.get(12)?;
    let clinical_function = text(10)?;
    let network_zone = text(11)?;
    let origin: String = row.get(13)?;
    let mut d = Device::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?);
    d.manufacturer = text(2)?;
    d.model = text(3)?;
    d.version = text(4)?;
    d.serial = text(5)?;
    d.department = text(6)?;
    d.device_class = text(9)?;
    Ok((|| {
        d.ips = serde_json::from_str(&ips).map_err(|e| corrupt("device.ips", e))?;
        d.macs = serde_json::from_str(&macs).map_err(|e| corrupt("device.macs", e))?;
        d.attributes =
            serde_json::from_str(&attributes).map_err(|e| corrupt("device.attributes", e))?;
        d.clinical_function = clinical_function
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| corrupt("device.clinical_function", e))?;
        d.network_zone = network_zone
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| corrupt("device.network_zone", e))?;
        d.origin = origin.parse().map_err(|e| corrupt("device.origin", e))?;
        Ok(d)
    })())
}

const INSERT: &str = "INSERT INTO device (site, asset_id, manufacturer, model, version, serial, \
    department, ips, macs, device_class, clinical_function, network_zone, attributes, origin) \
    VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";

const ON_CONFLICT_UPDATE: &str = "ON CONFLICT (site, asset_id) DO UPDATE SET \
    manufacturer = excluded.manufacturer, model = excluded.model, version = excluded.version, \
    serial = excluded.serial, department = excluded.department, ips = excluded.ips, \
    macs = excluded.macs, device_class = excluded.device_class, \
    clinical_function = excluded.clinical_function, network_zone = excluded.network_zone, \
    attributes = excluded.attributes, origin = excluded.origin";

/// The 14 parameters of [`INSERT`], in column order.
fn device_params(d: &Device) -> impl rusqlite::Params + '_ {
    (
        &d.site,
        &d.asset_id,
        &d.manufacturer,
        &d.model,
        &d.version,
        &d.serial,
        &d.department,
        json(&d.ips),
        json(&d.macs),
        &d.device_class,
        d.clinical_function.map(|c| c.as_str()),
        d.network_zone.map(|z| z.as_str()),
        json(&d.attributes),
        d.origin.as_str(),
    )
}

/// Gives `stored` what `seen` knows and `stored` lacks; never overwrites a value.
fn fill_gaps(stored: &mut Device, seen: &Device) {
    fn fill(slot: &mut Option<String>, from: &Option<String>) {
        if slot.is_none() {
            slot.clone_from(from);
        }
    }
    fill(&mut stored.manufacturer, &seen.manufacturer);
    fill(&mut stored.model, &seen.model);
    fill(&mut stored.version, &seen.version);
    fill(&mut stored.serial, &seen.serial);
    fill(&mut stored.department, &seen.department);
    fill(&mut stored.device_class, &seen.device_class);
    stored.clinical_function = stored.clinical_function.or(seen.clinical_function);
    stored.network_zone = stored.network_zone.or(seen.network_zone);
    for ip in &seen.ips {
        if !stored.ips.contains(ip) {
            stored.ips.push(*ip);
        }
    }
    for mac in &seen.macs {
        if !stored.macs.contains(mac) {
            stored.macs.push(*mac);
        }
    }
    for (k, v) in &seen.attributes {
        stored
            .attributes
            .entry(k.clone())
            .or_insert_with(|| v.clone());
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data always serializes")
}

impl InventoryStore for SqliteStore {
    fn import_devices(&mut self, import: &DeviceImport) -> Result<ImportSummary> {
        let mut seen = HashSet::new();
        for d in &import.devices {
            if !seen.insert((d.site.as_str(), d.asset_id.as_str())) {
                return Err(StoreError::Conflict(format!(
                    "asset id {:?} appears twice for site {:?}",
                    d.asset_id, d.site
                )));
            }
        }
        let tx = self.conn.transaction()?;
        let mut summary = ImportSummary::default();
        {
            // One point lookup per device rather than loading whole sites: memory stays
            // proportional to the import, not to what the store already holds.
            let mut select = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM device WHERE site = ?1 AND asset_id = ?2"
            ))?;
            let mut upsert = tx.prepare(&format!("{INSERT} {ON_CONFLICT_UPDATE}"))?;
            for d in &import.devices {
                let old = select
                    .query_map([&d.site, &d.asset_id], device_from_row)?
                    .next()
                    .transpose()?
                    .transpose()?;
                match old {
                    Some(old) if old == *d => {
                        summary.unchanged += 1;
                        continue;
                    }
                    Some(_) => summary.updated += 1,
                    None => summary.added += 1,
                }
                upsert.execute(device_params(d))?;
            }
            if import.prune {
                let sites: HashSet<&str> = import.devices.iter().map(|d| d.site.as_str()).collect();
                let mut ids = tx.prepare(
                    "SELECT asset_id FROM device WHERE site = ?1 AND origin = 'inventory'",
                )?;
                let mut delete =
                    tx.prepare("DELETE FROM device WHERE site = ?1 AND asset_id = ?2")?;
                for site in sites {
                    let stored: Vec<String> = ids
                        .query_map([site], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    for asset_id in stored {
                        if !seen.contains(&(site, asset_id.as_str())) {
                            summary.removed += delete.execute(params![site, asset_id])? as u64;
                        }
                    }
                }
            }
        }
        tx.commit()?;
        Ok(summary)
    }

    fn merge_discovered(&mut self, site: &str, devices: &[Device]) -> Result<ImportSummary> {
        let tx = self.conn.transaction()?;
        let mut summary = ImportSummary::default();
        {
            let mut current: Vec<Device> = {
                let mut select =
                    tx.prepare(&format!("SELECT {COLUMNS} FROM device WHERE site = ?1"))?;
                let rows = select.query_map([site], device_from_row)?;
                let mut v = Vec::new();
                for d in rows {
                    v.push(d??);
                }
                v
            };
            let mut upsert = tx.prepare(&format!("{INSERT} {ON_CONFLICT_UPDATE}"))?;
            for seen in devices {
                let by_mac = current
                    .iter()
                    .position(|d| d.macs.iter().any(|m| seen.macs.contains(m)));
                let found = by_mac.or_else(|| {
                    current
                        .iter()
                        .position(|d| d.ips.iter().any(|ip| seen.ips.contains(ip)))
                });
                let merged = match found {
                    Some(i) => {
                        let mut merged = current[i].clone();
                        fill_gaps(&mut merged, seen);
                        if merged == current[i] {
                            summary.unchanged += 1;
                            continue;
                        }
                        summary.updated += 1;
                        current[i] = merged.clone();
                        merged
                    }
                    None => {
                        let mut new = seen.clone();
                        new.site = site.to_string();
                        if current.iter().any(|d| d.asset_id == new.asset_id) {
                            return Err(StoreError::Conflict(format!(
                                "discovered device {:?} collides with an existing asset id in site {site:?}",
                                new.asset_id
                            )));
                        }
                        summary.added += 1;
                        current.push(new.clone());
                        new
                    }
                };
                upsert.execute(device_params(&merged))?;
            }
        }
        tx.commit()?;
        Ok(summary)
    }

    fn list_devices(&self, filter: &DeviceFilter) -> Result<Vec<Device>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM device
             WHERE (?1 IS NULL OR site = ?1) AND (?2 IS NULL OR asset_id = ?2)
             ORDER BY site, asset_id"
        ))?;
        let rows = stmt.query_map(params![filter.site, filter.asset_id], device_from_row)?;
        let mut out = Vec::new();
        for d in rows {
            out.push(d??);
        }
        Ok(out)
    }

    fn sites(&self) -> Result<Vec<Site>> {
        let mut stmt = self
            .conn
            .prepare("SELECT site, COUNT(*) FROM device GROUP BY site ORDER BY site")?;
        let rows = stmt.query_map([], |r| {
            Ok(Site {
                name: r.get(0)?,
                device_count: r.get::<_, i64>(1)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn device_models(&self) -> Result<Vec<DeviceModel>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT manufacturer, model, version FROM device
             WHERE manufacturer IS NOT NULL AND model IS NOT NULL
             ORDER BY manufacturer, model, version",
        )?;
        let mut models: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        for row in rows {
            let (manufacturer, model, version) = row?;
            let versions = models.entry((manufacturer, model)).or_default();
            versions.extend(version);
        }
        Ok(models
            .into_iter()
            .map(|((manufacturer, model), versions)| DeviceModel {
                manufacturer,
                model,
                versions,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use medvigil_model::{ClinicalFunction, DeviceOrigin, NetworkZone};

    use crate::{DeviceFilter, DeviceImport, InventoryStore, open_sqlite, open_sqlite_in_memory};

    use super::*;

    fn pump(site: &str, id: &str, version: &str) -> Device {
        let mut d = Device::new(site, id);
        d.manufacturer = Some("BD".into());
        d.model = Some("Alaris 8015".into());
        d.version = Some(version.into());
        d.clinical_function = Some(ClinicalFunction::Therapeutic);
        d.network_zone = Some(NetworkZone::ClinicalVlan);
        d.ips.push("10.0.0.7".parse().unwrap());
        d.macs.push("00:1b:44:11:3a:b7".parse().unwrap());
        d.attributes.insert("Cost Center".into(), "4410".into());
        d
    }

    fn import(store: &mut SqliteStore, devices: Vec<Device>, prune: bool) -> ImportSummary {
        store
            .import_devices(&DeviceImport { devices, prune })
            .unwrap()
    }

    #[test]
    fn round_trip_preserves_every_field() {
        let mut store = open_sqlite_in_memory().unwrap();
        let d = pump("north", "P1", "12.1.2");
        import(&mut store, vec![d.clone()], false);
        assert_eq!(
            store.list_devices(&DeviceFilter::default()).unwrap(),
            vec![d]
        );
    }

    #[test]
    fn reimport_reports_added_updated_unchanged_removed() {
        let mut store = open_sqlite_in_memory().unwrap();
        let first = import(
            &mut store,
            vec![
                pump("n", "P1", "1"),
                pump("n", "P2", "1"),
                pump("s", "P9", "1"),
            ],
            false,
        );
        assert_eq!((first.added, first.updated, first.unchanged), (3, 0, 0));
        let second = import(
            &mut store,
            vec![pump("n", "P1", "1"), pump("n", "P3", "2")],
            true,
        );
        assert_eq!(
            (
                second.added,
                second.updated,
                second.unchanged,
                second.removed
            ),
            (1, 0, 1, 1),
            "P2 is pruned; site s is not part of this import and keeps P9"
        );
        let third = import(&mut store, vec![pump("n", "P1", "2")], false);
        assert_eq!((third.added, third.updated, third.unchanged), (0, 1, 0));
        let all = store.list_devices(&DeviceFilter::default()).unwrap();
        let ids: Vec<_> = all
            .iter()
            .map(|d| (d.site.as_str(), d.asset_id.as_str()))
            .collect();
        assert_eq!(ids, [("n", "P1"), ("n", "P3"), ("s", "P9")]);
    }

    #[test]
    fn prune_keeps_discovered_devices() {
        let mut store = open_sqlite_in_memory().unwrap();
        let mut seen = Device::new("n", "mac-001b44113ab7");
        seen.origin = DeviceOrigin::Discovered;
        import(&mut store, vec![pump("n", "P1", "1"), seen], false);
        let r = import(&mut store, vec![pump("n", "P1", "1")], true);
        assert_eq!(r.removed, 0);
        assert_eq!(
            store.list_devices(&DeviceFilter::default()).unwrap().len(),
            2
        );
    }

    #[test]
    fn duplicate_identity_in_one_batch_writes_nothing() {
        let mut store = open_sqlite_in_memory().unwrap();
        let err = store
            .import_devices(&DeviceImport {
                devices: vec![pump("n", "P1", "1"), pump("n", "P1", "2")],
                prune: false,
            })
            .unwrap_err();
        assert!(err.to_string().contains("appears twice"));
        assert!(
            store
                .list_devices(&DeviceFilter::default())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn filters_sites_and_models() {
        let mut store = open_sqlite_in_memory().unwrap();
        import(
            &mut store,
            vec![
                pump("n", "P1", "1"),
                pump("s", "P1", "2"),
                pump("s", "P2", "2"),
            ],
            false,
        );
        let f = DeviceFilter {
            site: Some("s".into()),
            asset_id: None,
        };
        assert_eq!(store.list_devices(&f).unwrap().len(), 2);
        let f = DeviceFilter {
            site: None,
            asset_id: Some("P1".into()),
        };
        assert_eq!(store.list_devices(&f).unwrap().len(), 2);
        let sites = store.sites().unwrap();
        assert_eq!(
            sites
                .iter()
                .map(|s| (s.name.as_str(), s.device_count))
                .collect::<Vec<_>>(),
            [("n", 1), ("s", 2)]
        );
        let models = store.device_models().unwrap();
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].versions, ["1", "2"]);
    }

    #[test]
    fn merge_discovered_fills_gaps_without_overwriting_the_inventory() {
        let mut store = open_sqlite_in_memory().unwrap();
        import(&mut store, vec![pump("n", "P1", "1")], false);
        // Same MAC, other IP and a different manufacturer spelling: gains the IP only.
        let mut seen = Device::new("n", "mac-001b44113ab7");
        seen.origin = DeviceOrigin::Discovered;
        seen.macs.push("00:1b:44:11:3a:b7".parse().unwrap());
        seen.ips.push("10.0.0.99".parse().unwrap());
        seen.manufacturer = Some("Becton Dickinson (OUI)".into());
        seen.attributes.insert("hl7_role".into(), "receiver".into());
        // A device only known from traffic, matched by nothing: added.
        let mut other = Device::new("n", "mac-0a0000000001");
        other.origin = DeviceOrigin::Discovered;
        other.macs.push("0a:00:00:00:00:01".parse().unwrap());
        let r = store.merge_discovered("n", &[seen.clone(), other]).unwrap();
        assert_eq!((r.added, r.updated, r.unchanged), (1, 1, 0));
        let p1 = &store
            .list_devices(&DeviceFilter {
                site: None,
                asset_id: Some("P1".into()),
            })
            .unwrap()[0];
        assert_eq!(p1.manufacturer.as_deref(), Some("BD"));
        assert_eq!(p1.origin, DeviceOrigin::Inventory);
        assert_eq!(p1.ips.len(), 2);
        assert_eq!(
            p1.attributes.get("hl7_role").map(String::as_str),
            Some("receiver")
        );
        // Matching by IP when the MAC is unknown, and idempotence.
        let mut by_ip = Device::new("n", "ip-10.0.0.7");
        by_ip.ips.push("10.0.0.7".parse().unwrap());
        let r = store.merge_discovered("n", &[seen, by_ip]).unwrap();
        assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 2));
    }

    #[test]
    fn persists_across_reopen_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut store = open_sqlite(dir.path()).unwrap();
            import(&mut store, vec![pump("n", "P1", "1")], false);
            let mode: String = store
                .conn
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
        }
        let store = open_sqlite(dir.path()).unwrap();
        assert_eq!(
            store.list_devices(&DeviceFilter::default()).unwrap().len(),
            1
        );
    }
}
