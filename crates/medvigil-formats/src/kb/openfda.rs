//! openFDA device recalls (<https://open.fda.gov/apis/device/recall/>) and enforcement
//! reports (<https://open.fda.gov/apis/device/enforcement/>): `{"meta": ..., "results": [...]}`.
//!
//! A recall record is keyed by `product_res_number` (the Z-number FDA assigns each
//! recalled product); an enforcement report by `recall_number`. Records of both endpoints
//! may share one file; each is told apart by which of those fields it has.

use medvigil_model::vuln::{Recall, RecallKind};
use serde::Deserialize;

use super::json::{self, limit_opt};
use super::{KbError, KbFormat};

const F: KbFormat = KbFormat::Openfda;

#[derive(Deserialize)]
struct Raw {
    results: Vec<RawResult>,
}

#[derive(Deserialize)]
struct RawResult {
    // recall endpoint
    cfres_id: Option<String>,
    product_res_number: Option<String>,
    res_event_number: Option<String>,
    event_date_initiated: Option<String>,
    event_date_posted: Option<String>,
    event_date_created: Option<String>,
    event_date_terminated: Option<String>,
    recall_status: Option<String>,
    root_cause_description: Option<String>,
    action: Option<String>,
    #[serde(default)]
    k_numbers: Vec<String>,
    #[serde(default)]
    pma_numbers: Vec<String>,
    // enforcement endpoint
    recall_number: Option<String>,
    event_id: Option<String>,
    status: Option<String>,
    classification: Option<String>,
    recall_initiation_date: Option<String>,
    report_date: Option<String>,
    termination_date: Option<String>,
    // both
    product_code: Option<String>,
    recalling_firm: Option<String>,
    product_description: Option<String>,
    code_info: Option<String>,
    reason_for_recall: Option<String>,
    openfda: Option<RawOpenfda>,
}

#[derive(Deserialize, Default)]
struct RawOpenfda {
    device_name: Option<String>,
    device_class: Option<String>,
    medical_specialty_description: Option<String>,
}

/// Parses an openFDA device recall or enforcement response.
pub fn parse_openfda(bytes: &[u8]) -> Result<Vec<Recall>, KbError> {
    let raw: Raw = json::from_slice(F, bytes)?;
    raw.results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let at = format!("/results/{i}");
            for (field, value) in [
                ("product_description", &r.product_description),
                ("reason_for_recall", &r.reason_for_recall),
                ("code_info", &r.code_info),
                ("action", &r.action),
            ] {
                limit_opt(F, &format!("{at}/{field}"), value)?;
            }
            let (kind, number) = if let Some(n) = r.recall_number.clone() {
                (RecallKind::Enforcement, n)
            } else if let Some(n) = r.product_res_number.clone().or(r.cfres_id.clone()) {
                (RecallKind::Recall, n)
            } else {
                return Err(KbError::at(
                    F,
                    at,
                    "neither recall_number (enforcement) nor product_res_number/cfres_id (recall)",
                ));
            };
            if number.trim().is_empty() {
                return Err(KbError::at(F, at, "empty recall number"));
            }
            let o = r.openfda.unwrap_or_default();
            let enforcement = kind == RecallKind::Enforcement;
            Ok(Recall {
                recall_number: number,
                kind,
                event_id: r.res_event_number.or(r.event_id),
                product_code: r.product_code,
                k_numbers: r.k_numbers,
                pma_numbers: r.pma_numbers,
                recalling_firm: r.recalling_firm,
                product_description: r.product_description,
                code_info: r.code_info,
                reason_for_recall: r.reason_for_recall,
                root_cause_description: r.root_cause_description,
                action: r.action,
                classification: r.classification,
                status: r.recall_status.or(r.status),
                date_initiated: r.event_date_initiated.or(r.recall_initiation_date),
                date_posted: if enforcement {
                    r.report_date
                } else {
                    r.event_date_posted.or(r.event_date_created)
                },
                date_terminated: r.event_date_terminated.or(r.termination_date),
                device_name: o.device_name,
                device_class: o.device_class,
                medical_specialty: o.medical_specialty_description,
            })
        })
        .collect()
}
