//! Clinical priorities for stored findings: the glue between the matching engine's
//! findings, the knowledge base, the inventory's clinical profiles and the risk policy.
//!
//! Loading is done once per command ([`Prioritizer::load`]); each finding is then
//! assessed from in-memory maps, with one knowledge-base lookup per distinct
//! vulnerability (cached), so a few thousand findings cost milliseconds.

use std::cell::RefCell;
use std::collections::HashMap;

use medvigil_model::Device;
use medvigil_model::clinical::{ClinicalProfile, ClinicalProfilePatch, ProfileTarget};
use medvigil_model::finding::{AssetRef, Finding};
use medvigil_model::vuln::{KbRecords, Score};
use medvigil_risk::inputs::{effective_profile, finding_input, model_profile};
use medvigil_risk::policy::Policy;
use medvigil_risk::priority::Explanation;
use medvigil_store::{DeviceFilter, Store};

/// Every score the knowledge base holds for `id`: the vulnerability's own (NVD, OSV,
/// CVE 5) and those advisories give it. A CISA medical advisory is often the only scored
/// source for a device CVE.
pub fn kb_scores(rec: &KbRecords, id: &str) -> Vec<Score> {
    let mut scores: Vec<Score> = rec
        .vulnerabilities
        .iter()
        .flat_map(|v| v.scores.iter().cloned())
        .collect();
    for a in &rec.advisories {
        for v in a
            .vulnerabilities
            .iter()
            .filter(|v| v.cve.as_deref() == Some(id))
        {
            scores.extend(v.scores.iter().map(|ps| ps.score.clone()));
        }
    }
    scores
}

/// Assesses findings against one policy and one store snapshot.
pub struct Prioritizer<'s> {
    store: &'s dyn Store,
    policy: Policy,
    devices: HashMap<(String, String), Device>,
    overrides: HashMap<ProfileTarget, ClinicalProfilePatch>,
    kb: RefCell<HashMap<String, KbRecords>>,
    /// Fleet-wide profiles of models, computed once per model.
    fleets: RefCell<HashMap<(String, String), ClinicalProfile>>,
}

impl<'s> Prioritizer<'s> {
    /// Loads the inventory and the profile overrides.
    pub fn load(store: &'s dyn Store, policy: Policy) -> anyhow::Result<Prioritizer<'s>> {
        let devices = store
            .list_devices(&DeviceFilter::default())?
            .into_iter()
            .map(|d| ((d.site.clone(), d.asset_id.clone()), d))
            .collect();
        let overrides = store.profile_overrides()?.into_iter().collect();
        Ok(Prioritizer {
            store,
            policy,
            devices,
            overrides,
            kb: RefCell::new(HashMap::new()),
            fleets: RefCell::new(HashMap::new()),
        })
    }

    /// The finding's priority. Missing data (no score, no profile) is not an error: the
    /// explanation lists what the policy assumed for it.
    pub fn assess(&self, f: &Finding) -> anyhow::Result<Explanation> {
        let profile = match &f.asset {
            AssetRef::Device { site, asset_id } => {
                match self.devices.get(&(site.clone(), asset_id.clone())) {
                    Some(d) => {
                        let model = self.model_patch(d.manufacturer.as_deref(), d.model.as_deref());
                        let device = self.overrides.get(&ProfileTarget::Device {
                            site: site.clone(),
                            asset_id: asset_id.clone(),
                        });
                        effective_profile(d, model, device)
                    }
                    None => Default::default(),
                }
            }
            AssetRef::Model {
                manufacturer,
                model,
                ..
            } => {
                let key = (manufacturer.clone(), model.clone());
                if let Some(p) = self.fleets.borrow().get(&key) {
                    p.clone()
                } else {
                    let fleet: Vec<Device> = self
                        .devices
                        .values()
                        .filter(|d| {
                            d.manufacturer.as_deref() == Some(manufacturer.as_str())
                                && d.model.as_deref() == Some(model.as_str())
                        })
                        .cloned()
                        .collect();
                    let p =
                        model_profile(&fleet, self.model_patch(Some(manufacturer), Some(model)));
                    self.fleets.borrow_mut().insert(key, p.clone());
                    p
                }
            }
            AssetRef::Component { .. } => Default::default(),
        };
        let mut cache = self.kb.borrow_mut();
        if !cache.contains_key(&f.vulnerability_id) {
            let rec = self.store.kb_lookup(&f.vulnerability_id)?;
            cache.insert(f.vulnerability_id.clone(), rec);
        }
        let rec = &cache[&f.vulnerability_id];
        let scores = kb_scores(rec, &f.vulnerability_id);
        let input = finding_input(&scores, rec.kev.first(), rec.epss.first(), profile);
        Ok(self.policy.prioritize(&input))
    }

    fn model_patch(
        &self,
        manufacturer: Option<&str>,
        model: Option<&str>,
    ) -> Option<&ClinicalProfilePatch> {
        let (manufacturer, model) = (manufacturer?, model?);
        self.overrides.get(&ProfileTarget::Model {
            manufacturer: manufacturer.to_string(),
            model: model.to_string(),
        })
    }
}
