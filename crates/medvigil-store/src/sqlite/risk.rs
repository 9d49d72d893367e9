//! SQLite implementation of [`RiskStore`].

use medvigil_model::clinical::{ClinicalProfilePatch, ProfileTarget, RubricAnswerRecord};
use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use crate::{Result, RiskStore, StoreError};

fn decode(what: &'static str, json: &str) -> Result<ClinicalProfilePatch> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

impl RiskStore for SqliteStore {
    fn set_rubric_answer(&mut self, a: &RubricAnswerRecord) -> Result<()> {
        self.conn.execute(
            "INSERT INTO rubric_answer (manufacturer, model, vulnerability, question, answer, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (manufacturer, model, vulnerability, question) DO UPDATE SET
               answer = excluded.answer, note = excluded.note,
               answered_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            params![
                a.manufacturer,
                a.model,
                a.vulnerability.as_deref().unwrap_or(""),
                a.question,
                a.yes,
                a.note
            ],
        )?;
        Ok(())
    }

    fn delete_rubric_answer(
        &mut self,
        manufacturer: &str,
        model: &str,
        vulnerability: Option<&str>,
        question: &str,
    ) -> Result<bool> {
        let n = self.conn.execute(
            "DELETE FROM rubric_answer
             WHERE manufacturer = ?1 AND model = ?2 AND vulnerability = ?3 AND question = ?4",
            params![manufacturer, model, vulnerability.unwrap_or(""), question],
        )?;
        Ok(n > 0)
    }

    fn rubric_answers(&self, manufacturer: &str, model: &str) -> Result<Vec<RubricAnswerRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT vulnerability, question, answer, note, answered_at FROM rubric_answer
             WHERE manufacturer = ?1 AND model = ?2
             ORDER BY vulnerability, question",
        )?;
        let rows = stmt.query_map(params![manufacturer, model], |r| {
            let vuln: String = r.get(0)?;
            Ok(RubricAnswerRecord {
                manufacturer: manufacturer.to_string(),
                model: model.to_string(),
                vulnerability: (!vuln.is_empty()).then_some(vuln),
                question: r.get(1)?,
                yes: r.get(2)?,
                note: r.get(3)?,
                answered_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_profile_override(
        &mut self,
        target: &ProfileTarget,
        patch: &ClinicalProfilePatch,
    ) -> Result<()> {
        let json = serde_json::to_string(patch).expect("plain data serializes");
        let (table, k1, k2, c1, c2) = match target {
            ProfileTarget::Model {
                manufacturer,
                model,
            } => (
                "model_profile",
                manufacturer,
                model,
                "manufacturer",
                "model",
            ),
            ProfileTarget::Device { site, asset_id } => {
                ("device_profile", site, asset_id, "site", "asset_id")
            }
        };
        if patch.is_empty() {
            self.conn.execute(
                &format!("DELETE FROM {table} WHERE {c1} = ?1 AND {c2} = ?2"),
                params![k1, k2],
            )?;
        } else {
            self.conn.execute(
                &format!(
                    "INSERT INTO {table} ({c1}, {c2}, patch) VALUES (?1, ?2, ?3)
                     ON CONFLICT ({c1}, {c2}) DO UPDATE SET patch = excluded.patch,
                       updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                ),
                params![k1, k2, json],
            )?;
        }
        Ok(())
    }

    fn profile_override(&self, target: &ProfileTarget) -> Result<Option<ClinicalProfilePatch>> {
        let (sql, k1, k2, what) = match target {
            ProfileTarget::Model {
                manufacturer,
                model,
            } => (
                "SELECT patch FROM model_profile WHERE manufacturer = ?1 AND model = ?2",
                manufacturer,
                model,
                "model_profile.patch",
            ),
            ProfileTarget::Device { site, asset_id } => (
                "SELECT patch FROM device_profile WHERE site = ?1 AND asset_id = ?2",
                site,
                asset_id,
                "device_profile.patch",
            ),
        };
        let json: Option<String> = self
            .conn
            .query_row(sql, params![k1, k2], |r| r.get(0))
            .optional()?;
        json.map(|j| decode(what, &j)).transpose()
    }

    fn profile_overrides(&self) -> Result<Vec<(ProfileTarget, ClinicalProfilePatch)>> {
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT manufacturer, model, patch FROM model_profile ORDER BY 1, 2")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (manufacturer, model, j) = row?;
            out.push((
                ProfileTarget::Model {
                    manufacturer,
                    model,
                },
                decode("model_profile.patch", &j)?,
            ));
        }
        let mut stmt = self
            .conn
            .prepare("SELECT site, asset_id, patch FROM device_profile ORDER BY 1, 2")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (site, asset_id, j) = row?;
            out.push((
                ProfileTarget::Device { site, asset_id },
                decode("device_profile.patch", &j)?,
            ));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use medvigil_model::NetworkZone;
    use medvigil_model::clinical::{CompensatingControl, ProfileTarget, RubricAnswerRecord};

    use crate::{RiskStore, open_sqlite_in_memory};

    fn answer(vuln: Option<&str>, q: &str, yes: bool) -> RubricAnswerRecord {
        RubricAnswerRecord {
            manufacturer: "BD".into(),
            model: "Alaris 8015".into(),
            vulnerability: vuln.map(Into::into),
            question: q.into(),
            yes,
            note: Some("from the MDS2 form".into()),
            answered_at: None,
        }
    }

    #[test]
    fn rubric_answers_upsert_per_model_and_vulnerability() {
        let mut s = open_sqlite_in_memory().unwrap();
        s.set_rubric_answer(&answer(None, "AV.1", true)).unwrap();
        s.set_rubric_answer(&answer(None, "AV.1", false)).unwrap();
        s.set_rubric_answer(&answer(Some("CVE-2020-25165"), "I.1", true))
            .unwrap();
        let got = s.rubric_answers("BD", "Alaris 8015").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].question, "AV.1");
        assert!(!got[0].yes, "the second answer replaced the first");
        assert_eq!(got[0].vulnerability, None);
        assert_eq!(got[1].vulnerability.as_deref(), Some("CVE-2020-25165"));
        assert!(got[1].answered_at.is_some());
        assert!(s.rubric_answers("BD", "other").unwrap().is_empty());
        assert!(
            s.delete_rubric_answer("BD", "Alaris 8015", Some("CVE-2020-25165"), "I.1")
                .unwrap()
        );
        assert!(
            !s.delete_rubric_answer("BD", "Alaris 8015", None, "I.1")
                .unwrap()
        );
    }

    #[test]
    fn profile_overrides_round_trip_and_empty_patch_clears() {
        let mut s = open_sqlite_in_memory().unwrap();
        let dev = ProfileTarget::Device {
            site: "north".into(),
            asset_id: "PUMP-1".into(),
        };
        let model = ProfileTarget::Model {
            manufacturer: "BD".into(),
            model: "Alaris 8015".into(),
        };
        let mut patch = medvigil_model::clinical::ClinicalProfilePatch {
            network_zone: Some(NetworkZone::ClinicalVlan),
            ..Default::default()
        };
        patch.controls = Some([CompensatingControl::Guard].into());
        s.set_profile_override(&dev, &patch).unwrap();
        s.set_profile_override(&model, &patch).unwrap();
        assert_eq!(s.profile_override(&dev).unwrap(), Some(patch.clone()));
        let all = s.profile_overrides().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].0, model, "models come first");
        s.set_profile_override(&dev, &Default::default()).unwrap();
        assert_eq!(s.profile_override(&dev).unwrap(), None);
    }

    #[test]
    fn corrupt_patch_is_reported_not_panicked() {
        let s = open_sqlite_in_memory().unwrap();
        s.connection()
            .execute(
                "INSERT INTO device_profile (site, asset_id, patch) VALUES ('a', 'b', '{\"zone\":1}')",
                [],
            )
            .unwrap();
        let e = s
            .profile_override(&ProfileTarget::Device {
                site: "a".into(),
                asset_id: "b".into(),
            })
            .unwrap_err();
        assert!(e.to_string().contains("device_profile.patch"), "{e}");
    }
}
