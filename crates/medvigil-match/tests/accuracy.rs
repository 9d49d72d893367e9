//! Accuracy of the device matcher on labelled inventories (issue 5, item 7).
//!
//! Each set under `tests/accuracy/` is an inventory written the way hospitals write it
//! (abbreviated and former vendor names, brands in the manufacturer column, models with
//! extra words, versions such as "v2.1 build 3"), with every (device, advisory) pair a
//! person reading the advisories would flag, and deliberate near misses (versions just
//! past a range, sibling models, the same name from another vendor). Every device of a
//! set is matched against every advisory of its scope; a prediction is an *affected*
//! finding.
//!
//! | set | scope | role |
//! | --- | --- | --- |
//! | `devices.csv` | medical (ICSMA) 2017-2019 | tuning |
//! | `devices.csv` | medical (ICSMA) 2020-2021 | evaluation, tuned on since |
//! | `holdout.csv` | medical 2022-2024 | held out until its first run, tuned on since |
//! | `holdout_ics.csv` | ICS (ICSA) 2022-2024 | held out until its first run, tuned on since |
//! | `holdout_ics_2017.csv` | ICS 2017-2021 | held out until its first run, tuned on since |
//! | `holdout_ics_fresh.csv` | ICS 2017-2024, advisories no earlier set used | held out until its first run, tuned on since |
//! | `holdout_ics_fourth.csv` | ICS 2017-2024, advisories no earlier set used | held out until its first run, tuned on since |
//! | `holdout_2025_medical.csv` | medical 2025 (not in the shared corpus) | held out until its first run, tuned on since |
//! | `holdout_2026_medical.csv` | medical 2026 (not in the shared corpus) | held out until its first run, tuned on since |
//! | `holdout_2025_ics.csv` | ICS 2025-2026 (not in the shared corpus) | held out until its first run, tuned on since |
//! | `holdout_2025_ics_second.csv` | ICS 2025-2026, advisories no earlier set used | held out until its first run, tuned on since |
//! | `holdout_2025_ics_third.csv` | ICS 2025-2026, advisories no earlier set used | held out until its first run, tuned on since |
//! | `holdout_cmms_2017_2020.csv` | medical 2017-2020, a CMMS export's spelling | held out until its first run, tuned on since |
//! | `holdout_discovery_2021_2024.csv` | medical 2021-2024, a network-discovery tool's export | held out until its first run, tuned on since |
//! | `holdout_biomed_sheet.csv` | medical 2017-2018 and 2023-2024, a biomed technician's spreadsheet | held out until its first run, tuned on since |
//! | `holdout_purchasing_2019_2022.csv` | medical 2019-2022, purchase-order line items | held out until its first run, tuned on since |
//! | `holdout_facilities_ics.csv` | 40 ICS advisories no earlier set used, a facilities asset register | held out until its first run, tuned on since |
//! | `holdout_facilities_second.csv` | 45 more unused ICS advisories, a CMDB export | held out until its first run, tuned on since |
//! | `holdout_service_contracts.csv` | all medical 2017-2024, a service-contract schedule | held out until its first run, tuned on since |
//! | `holdout_clinical_units.csv` | all medical 2017-2024, a clinical-informatics integration list | held out until its first run, tuned on since |
//! | `holdout_imaging_department.csv` | 38 imaging advisories, a radiology modality and imaging-IT list | held out until its first run, tuned on since |
//! | `holdout_security_platform_2020_2024.csv` | medical 2020-2024, a healthcare IoT security platform's export | held out until its first run, tuned on since |
//! | `holdout_medication_fleet.csv` | 58 advisories, a medication-management and life-support fleet list | held out until its first run, tuned on since |
//! | `holdout_european_register.csv` | 112 advisories, a German-speaking hospital's register (legal names, German device kinds) | held out until its first run, tuned on since |
//! | `holdout_hospital_2017_2021.csv` | every medical advisory of 2017-2021, a plain clinical-engineering asset list | held out until its first run, tuned on since |
//! | `holdout_community_2022_2024.csv` | every medical advisory of 2022-2024, a community hospital's connected-device sheet | held out until its first run, tuned on since |
//! | `holdout_cardiology.csv` | 46 advisories, a cardiology service line's list (implants, programmers, ECG, echo) | held out until its first run, tuned on since |
//! | `holdout_laboratory.csv` | 18 advisories, a laboratory and point-of-care instrument list | held out until its first run, tuned on since |
//! | `holdout_teaching_hospital_2017_2021.csv` | every medical advisory of 2017-2021, a teaching hospital's CMMS inventory | held out until its first run, tuned on since |
//! | `holdout_assessment_2017_2021.csv` | every medical advisory of 2017-2021, a device list written for an outside assessor | held out until its first run, tuned on since |
//! | `holdout_risk_register.csv` | 123 advisories, an IEC 80001-1 medical IT-network risk register | held out until its first run, tuned on since |
//! | `holdout_health_system.csv` | every medical advisory of 2017-2024, a health system's merged inventory | held out until its first run, tuned on since |
//! | `holdout_service_contractor_2017_2021.csv` | every medical advisory of 2017-2021, an independent service organisation's equipment list | held out until its first run (on session 5's final rules), tuned on since |
//! | `holdout_it_cmdb_2017_2024.csv` | every medical advisory of 2017-2024, an IT CMDB's medical-device class | held out until its first run (on session 5's final rules), tuned on since |
//! | `holdout_childrens_hospital.csv` | every medical advisory of 2017-2024, a children's hospital's device list | held out until its first run (on session 5's final rules), tuned on since |
//! | `holdout_insurance_2017_2021.csv` | every medical advisory of 2017-2021, a cyber-insurance questionnaire's device appendix | held out until its first run (on session 5's final rules), tuned on since |
//! | `holdout_mdm_tool_2022_2024.csv` | every medical advisory of 2022-2024, a device-management tool's export | held out until its first run (on session 5's final rules), tuned on since |
//! | `holdout_nursing_units.csv` | 126 advisories, the clinical units' connected equipment as nursing informatics lists it | held out until its first run (on session 5's final rules), tuned on since |
//! | `holdout_critical_care_2017_2024.csv` | medical 2017-2024, the critical-care and emergency departments' list | held out until its first run (session 6), tuned on since |
//! | `holdout_perioperative_2017_2021.csv` | medical 2017-2021, the perioperative services' equipment list | held out until its first run (session 6), tuned on since |
//! | `holdout_regional_authority_2017_2021.csv` | medical 2017-2021, a regional health authority's sheet merged from five hospitals | held out until its first run (session 6), tuned on since |
//! | `holdout_nac_profiles_2017_2021.csv` | medical 2017-2021, a network access control profiling export | held out until its first run (session 6), tuned on since |
//! | `holdout_dicom_modalities_2017_2024.csv` | 38 imaging advisories, DICOM header values (Manufacturer, Model Name, Software Versions) | held out until its first run (session 6), tuned on since |
//! | `holdout_outpatient_2017_2021.csv` | medical 2017-2021, outpatient clinics' sheet with loose spellings | held out until its first run (session 6), tuned on since |
//! | `holdout_servicenow_2017_2021.csv` | medical 2017-2021, a ServiceNow CMDB's display names | held out until its first run (session 6), tuned on since |
//! | `holdout_obsolescence_2017_2021.csv` | medical 2017-2021, an end-of-life tracker | held out until its first run (session 6), tuned on since |
//! | `holdout_nameplate_2017_2021.csv` | medical 2017-2021, nameplate transcriptions | held out until its first run (session 6), tuned on since |
//! | `holdout_spanish_register_2017_2021.csv` | medical 2017-2021, a Spanish-speaking hospital's register | held out until its first run (session 6), tuned on since |
//! | `holdout_midsize_cmms_2017_2021.csv` | medical 2017-2021, a mid-size hospital's CMMS | held out until its first run (session 6), tuned on since |
//! | `holdout_recall_exercise_2017_2021.csv` | medical 2017-2021, a recall-response exercise list written by each department | held out until its first run (session 6), tuned on since |
//! | `holdout_infosec_mds2_2017_2021.csv` | medical 2017-2021, an information-security team's MDS2 summary | held out until its first run (session 6), tuned on since |
//! | `holdout_plain_hospital_2017_2021.csv` | medical 2017-2021, a 300-bed hospital's plain list | held out until its first run (session 6), tuned on since |
//! | `holdout_itam_export_2017_2021.csv` | medical 2017-2021, an IT asset-management export merged with the biomed list | held out until its first run (session 6), tuned on since |
//! | `holdout_iso_audit_2017_2021.csv` | medical 2017-2021, a service organisation's audit list with its own abbreviations | held out until its first run (session 6), tuned on since |
//!
//! The five 2025-2026 sets are scored by `cisa_newer_advisories_precision_and_recall`
//! against the advisories each names on its `# scope:` lines, read from a checkout of
//! <https://github.com/cisagov/CSAF> (`MEDVIGIL_CISA_CSAF`), since the shared corpus
//! stops at 2024. The forty-two inventory-style sets are scored the same way by
//! `corpus_inventory_styles_precision_and_recall`, from the shared corpus: the
//! advisories were seen before, the way each kind of hospital list writes devices was
//! not.
//!
//! The held-out sets were labelled by someone who never saw the matcher's code or
//! output, and committed before the matcher was first run on them. Their first (blind)
//! results, the only evidence of accuracy on unseen data, are in BENCHMARKS.md; after
//! that run each set's errors guided general rules, so each is now a regression guard.
//! The floors below are 0.95 where the level reached allows it, otherwise just under the
//! level reached.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use medvigil_match::csaf::{PreparedDevice, device_findings, prepare};
use medvigil_match::names::VendorTable;
use medvigil_model::Device;
use medvigil_model::finding::FindingStatus;

struct Labelled {
    device: Device,
    expected: BTreeSet<String>,
}

fn devices() -> Vec<Labelled> {
    parse("devices.csv", include_str!("accuracy/devices.csv"))
}

/// The former held-out set: devices labelled against the 2022-2024 medical advisories.
fn holdout() -> Vec<Labelled> {
    parse("holdout.csv", include_str!("accuracy/holdout.csv"))
}

/// A hospital's infrastructure devices labelled against the ICS advisories (ICSA) of
/// 2022-2024 (held out until its first evaluation).
fn holdout_ics() -> Vec<Labelled> {
    parse("holdout_ics.csv", include_str!("accuracy/holdout_ics.csv"))
}

/// Other infrastructure devices labelled against the ICS advisories of 2017-2021 (held
/// out until its first evaluation).
fn holdout_ics_2017() -> Vec<Labelled> {
    parse(
        "holdout_ics_2017.csv",
        include_str!("accuracy/holdout_ics_2017.csv"),
    )
}

/// Devices from ICS advisories of 2017-2024 that no earlier set used, labelled against
/// all of them (held out until its first evaluation).
fn holdout_ics_fresh() -> Vec<Labelled> {
    parse(
        "holdout_ics_fresh.csv",
        include_str!("accuracy/holdout_ics_fresh.csv"),
    )
}

/// More devices from ICS advisories of 2017-2024 that no earlier set used, labelled
/// against all of them (held out until its first evaluation).
fn holdout_ics_fourth() -> Vec<Labelled> {
    parse(
        "holdout_ics_fourth.csv",
        include_str!("accuracy/holdout_ics_fourth.csv"),
    )
}

fn parse(file: &str, text: &str) -> Vec<Labelled> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("asset_id,") || line.trim().is_empty() {
            continue;
        }
        let f = csv_fields(line);
        assert_eq!(f.len(), 5, "{file} line {}: 5 fields expected", i + 1);
        let mut d = Device::new("dev", &f[0]);
        d.manufacturer = Some(f[1].clone());
        d.model = Some(f[2].clone());
        d.version = (!f[3].is_empty()).then(|| f[3].clone());
        out.push(Labelled {
            device: d,
            // (Advisory ids as the labeller wrote them: apart by spaces, ';' or '|', in
            // either case.)
            expected: f[4]
                .split(|c: char| c.is_whitespace() || c == ';' || c == '|')
                .filter(|id| !id.is_empty())
                .map(str::to_ascii_uppercase)
                .collect(),
        });
    }
    out
}

/// The fields of one CSV line (RFC 4180 quoting; the sets have no multi-line cells).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: Vec<String>,
    fn_: Vec<String>,
}

impl Score {
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp.len()).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_.len()).max(1) as f64
    }
}

const TUNE: &str = "tune (medical 2017-2019)";
const EVALUATE: &str = "evaluate (medical 2020-2021)";
const MEDICAL_2022: &str = "former holdout (medical 2022-2024)";
const ICS_2022: &str = "former holdout (ICS 2022-2024)";
const ICS_2017: &str = "former holdout (ICS 2017-2021)";
const ICS_FRESH: &str = "former holdout (ICS 2017-2024, third set)";
const ICS_FOURTH: &str = "former holdout (ICS 2017-2024, fourth set)";

/// The split a pair of the development inventory belongs to, by its advisory's year
/// (ICSMA-YY-...).
fn development_split(advisory_id: &str) -> &'static str {
    match advisory_id.get(6..8) {
        Some("17" | "18" | "19") => TUNE,
        _ => EVALUATE,
    }
}

/// How a set's pairs are split for scoring: by the advisory id.
type Split = fn(&str) -> &'static str;

/// A set scored against the advisories its `# scope:` lines name, all of its pairs in one
/// split, with the floors (precision, recall) its score must reach.
struct Scoped {
    file: &'static str,
    text: &'static str,
    split: &'static str,
    precision: f64,
    recall: f64,
}

macro_rules! scoped {
    ($file:literal, $split:ident, $precision:literal, $recall:literal) => {
        Scoped {
            file: $file,
            text: include_str!(concat!("accuracy/", $file)),
            split: $split,
            precision: $precision,
            recall: $recall,
        }
    };
}

type Prepared = (
    medvigil_model::vuln::Advisory,
    Vec<medvigil_match::csaf::PreparedProduct>,
);

/// Matches every device of `inventory` against every advisory and adds the outcome to
/// the score of the split `split_of` gives each advisory id.
fn score(
    inventory: Vec<Labelled>,
    advisories: &[Prepared],
    split_of: &dyn Fn(&str) -> &'static str,
    table: &VendorTable,
    scores: &mut BTreeMap<&'static str, Score>,
) {
    let known: BTreeSet<&str> = advisories.iter().map(|(a, _)| a.id.as_str()).collect();
    // The engine the CLI runs must find what this per-advisory scoring finds.
    let (engine, _) = medvigil_match::engine::Engine::new(
        table.clone(),
        vec![],
        advisories.iter().map(|(a, _)| a.clone()).collect(),
        vec![],
        vec![],
    );
    for l in inventory {
        for e in &l.expected {
            assert!(
                known.contains(e.as_str()),
                "{}: unknown advisory {e}",
                l.device.asset_id
            );
        }
        let prepared = PreparedDevice::new(&l.device, table);
        let mut predicted = BTreeMap::new();
        if let Some(p) = &prepared {
            for (adv, products) in advisories {
                // A prediction is an affected finding: the labels count only
                // products the advisory lists as affected (a product listed as
                // fixed or not affected yields a finding with that status).
                let f = device_findings(&l.device, p, adv, products);
                if let Some(best) = f.iter().find(|f| f.status == FindingStatus::Affected) {
                    predicted.insert(adv.id.clone(), best.details[0].rule.clone());
                }
            }
        }
        let by_engine: BTreeSet<String> = engine
            .device_findings(&l.device)
            .into_iter()
            .filter(|f| f.status == FindingStatus::Affected)
            .filter_map(|f| f.advisory_id)
            .collect();
        assert_eq!(
            by_engine,
            predicted.keys().cloned().collect::<BTreeSet<_>>(),
            "{}: the engine and the per-advisory matcher disagree",
            l.device.asset_id
        );
        let d = &l.device;
        let who = format!(
            "{} {:?} {:?} {:?}",
            d.asset_id,
            d.manufacturer.as_deref().unwrap_or(""),
            d.model.as_deref().unwrap_or(""),
            d.version.as_deref().unwrap_or("")
        );
        for (id, rule) in &predicted {
            let s = scores.entry(split_of(id)).or_default();
            if l.expected.contains(id) {
                s.tp += 1;
            } else {
                s.fp.push(format!("{who} -> {id} ({rule})"));
            }
        }
        for id in l.expected.iter().filter(|e| !predicted.contains_key(*e)) {
            scores
                .entry(split_of(id))
                .or_default()
                .fn_
                .push(format!("{who} -/-> {id}"));
        }
    }
}

/// Precision, recall and every error of every split.
fn report(scores: &BTreeMap<&'static str, Score>) -> String {
    let mut report = String::new();
    for (split, s) in scores {
        report.push_str(&format!(
            "{split}: precision {:.3} recall {:.3} (tp {}, fp {}, fn {})\n",
            s.precision(),
            s.recall(),
            s.tp,
            s.fp.len(),
            s.fn_.len()
        ));
        for x in s.fp.iter().chain(&s.fn_) {
            report.push_str(&format!("    {x}\n"));
        }
    }
    report
}

#[test]
fn corpus_device_matcher_precision_and_recall() {
    let Some(dir) = medvigil_testkit::corpus("csaf/cisa-ot") else {
        return;
    };
    let table = VendorTable::builtin();
    let load = |prefix: &str, years: &[&str]| {
        let mut advisories = Vec::new();
        for year in years {
            for f in medvigil_testkit::files_under(&dir.join(year), |n| {
                n.starts_with(prefix) && n.ends_with(".json")
            }) {
                let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&f).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                let adv = support::advisory(&doc);
                let prepared = prepare(&adv, &table);
                advisories.push((adv, prepared));
            }
        }
        advisories
    };
    // The development inventory is matched against the 2017-2021 advisories it was
    // labelled for; the held-out inventory only against the 2022-2024 ones.
    let development = load("icsma-", &["2017", "2018", "2019", "2020", "2021"]);
    assert!(development.len() >= 100, "{} advisories", development.len());
    let medical_2022 = load("icsma-", &["2022", "2023", "2024"]);
    assert!(
        medical_2022.len() >= 30,
        "{} advisories",
        medical_2022.len()
    );
    let ics = load("icsa-", &["2022", "2023", "2024"]);
    assert!(ics.len() >= 1000, "{} ICS advisories", ics.len());
    let ics_2017 = load("icsa-", &["2017", "2018", "2019", "2020", "2021"]);
    assert!(ics_2017.len() >= 1000, "{} ICS advisories", ics_2017.len());
    let ics_all: Vec<_> = ics_2017.iter().chain(&ics).cloned().collect();
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    let inventories: [(Vec<Labelled>, &Vec<_>, Split); 6] = [
        (devices(), &development, development_split),
        (holdout(), &medical_2022, |_| MEDICAL_2022),
        (holdout_ics(), &ics, |_| ICS_2022),
        (holdout_ics_2017(), &ics_2017, |_| ICS_2017),
        (holdout_ics_fresh(), &ics_all, |_| ICS_FRESH),
        (holdout_ics_fourth(), &ics_all, |_| ICS_FOURTH),
    ];
    for (inventory, advisories, split_of) in inventories {
        score(inventory, advisories, &split_of, &table, &mut scores);
    }
    let report = report(&scores);
    eprintln!("{report}");
    // Floors: the target (0.95) where it is met, otherwise just below the level reached,
    // so that a regression fails the test.
    for (split, precision, recall) in [
        (TUNE, 0.95, 0.95),
        (EVALUATE, 0.95, 0.95),
        (MEDICAL_2022, 0.95, 0.95),
        (ICS_2022, 0.95, 0.95),
        (ICS_2017, 0.95, 0.90),
        (ICS_FRESH, 0.95, 0.90),
        (ICS_FOURTH, 0.95, 0.90),
    ] {
        let s = &scores[split];
        assert!(
            s.precision() >= precision && s.recall() >= recall,
            "{split} below its floor (precision {precision}, recall {recall}):\n{report}"
        );
    }
}

const CMMS_2017: &str = "held out (CMMS export, medical 2017-2020)";
const BIOMED_SHEET: &str = "held out (biomed spreadsheet, medical 2017-18 and 2023-24)";
const PURCHASING_2019: &str = "held out (purchasing list, medical 2019-2022)";
const FACILITIES: &str = "held out (facilities register, ICS 2017-2024, 40 unused advisories)";
const FACILITIES_SECOND: &str =
    "held out (CMDB and facilities register, ICS 2017-2024, 45 unused advisories)";
const SERVICE_CONTRACTS: &str = "held out (service-contract schedule, medical 2017-2024)";
const CLINICAL_UNITS: &str = "held out (clinical-informatics list, medical 2017-2024)";
const DISCOVERY_2021: &str = "held out (discovery-tool inventory, medical 2021-2024)";
const IMAGING: &str = "held out (imaging department list, 38 imaging advisories)";
const SECURITY_PLATFORM: &str = "held out (IoT security platform export, medical 2020-2024)";
const MEDICATION_FLEET: &str = "held out (medication and life-support fleet list, 58 advisories)";
const EUROPEAN_REGISTER: &str = "held out (German-speaking hospital's register, 112 advisories)";
const HOSPITAL_2017: &str = "held out (clinical-engineering asset list, medical 2017-2021)";
const COMMUNITY_2022: &str = "held out (community hospital sheet, medical 2022-2024)";
const CARDIOLOGY: &str = "held out (cardiology service line list, 46 advisories)";
const LABORATORY: &str = "held out (laboratory and point-of-care list, 18 advisories)";
const TEACHING_2017: &str = "held out (teaching hospital CMMS inventory, medical 2017-2021)";
const ASSESSMENT_2017: &str = "held out (device list for an assessor, medical 2017-2021)";
const RISK_REGISTER: &str = "held out (IEC 80001-1 risk register, 123 advisories)";
const HEALTH_SYSTEM: &str = "held out (health system's merged inventory, medical 2017-2024)";
const CONTRACTOR_2017: &str = "held out (service organisation's equipment list, medical 2017-2021)";
const IT_CMDB: &str = "held out (IT CMDB medical-device class, medical 2017-2024)";
const NURSING_UNITS: &str = "held out (nursing units' connected equipment, 126 advisories)";
const MDM_TOOL: &str = "held out (device-management tool export, medical 2022-2024)";
const INSURANCE_2017: &str = "held out (cyber-insurance questionnaire, medical 2017-2021)";
const CHILDRENS: &str = "held out (children's hospital device list, medical 2017-2024)";
const CRITICAL_CARE: &str = "held out (critical-care and emergency device list, medical 2017-2024)";
const PERIOPERATIVE: &str = "held out (perioperative equipment list, medical 2017-2021)";
const REGIONAL: &str = "held out (regional health authority's merged sheet, medical 2017-2021)";
const NAC_PROFILES: &str = "held out (NAC profiling export, medical 2017-2021)";
const ISO_AUDIT: &str = "held out (service organisation's audit list, medical 2017-2021)";
const PLAIN_HOSPITAL: &str = "held out (300-bed hospital's plain list, medical 2017-2021)";
const ITAM_EXPORT: &str = "held out (IT asset-management export, medical 2017-2021)";
const MIDSIZE_CMMS: &str = "held out (mid-size hospital's CMMS, medical 2017-2021)";
const RECALL_EXERCISE: &str = "held out (recall-response exercise list, medical 2017-2021)";
const MDS2_SUMMARY: &str = "held out (information-security MDS2 summary, medical 2017-2021)";
const NAMEPLATES: &str = "held out (nameplate transcriptions, medical 2017-2021)";
const SPANISH: &str = "held out (Spanish-speaking hospital's register, medical 2017-2021)";
const OBSOLESCENCE: &str = "held out (end-of-life tracker, medical 2017-2021)";
const SERVICENOW: &str = "held out (ServiceNow CMDB display names, medical 2017-2021)";
const OUTPATIENT: &str = "held out (outpatient clinics' sheet, medical 2017-2021)";
const DICOM_HEADERS: &str = "held out (DICOM header values of imaging modalities, 38 advisories)";

/// Inventories written in the styles of a hospital's other systems (a network discovery
/// tool's export, a CMMS export), labelled against the shared corpus's medical advisories
/// their `# scope:` lines name.
#[test]
fn corpus_inventory_styles_precision_and_recall() {
    let Some(dir) = medvigil_testkit::corpus("csaf/cisa-ot") else {
        return;
    };
    // Floors just below the level reached after the first (blind) runs' errors were
    // studied; the first runs themselves are in BENCHMARKS.md.
    let sets = [
        scoped!(
            "holdout_critical_care_2017_2024.csv",
            CRITICAL_CARE,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_perioperative_2017_2021.csv",
            PERIOPERATIVE,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_regional_authority_2017_2021.csv",
            REGIONAL,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_nac_profiles_2017_2021.csv",
            NAC_PROFILES,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_dicom_modalities_2017_2024.csv",
            DICOM_HEADERS,
            0.95,
            0.84
        ),
        scoped!("holdout_outpatient_2017_2021.csv", OUTPATIENT, 0.95, 0.95),
        scoped!("holdout_servicenow_2017_2021.csv", SERVICENOW, 0.95, 0.95),
        scoped!(
            "holdout_obsolescence_2017_2021.csv",
            OBSOLESCENCE,
            0.95,
            0.94
        ),
        scoped!("holdout_nameplate_2017_2021.csv", NAMEPLATES, 0.95, 0.90),
        scoped!(
            "holdout_midsize_cmms_2017_2021.csv",
            MIDSIZE_CMMS,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_plain_hospital_2017_2021.csv",
            PLAIN_HOSPITAL,
            0.95,
            0.92
        ),
        scoped!("holdout_itam_export_2017_2021.csv", ITAM_EXPORT, 0.95, 0.95),
        scoped!("holdout_iso_audit_2017_2021.csv", ISO_AUDIT, 0.95, 0.93),
        scoped!(
            "holdout_recall_exercise_2017_2021.csv",
            RECALL_EXERCISE,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_infosec_mds2_2017_2021.csv",
            MDS2_SUMMARY,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_spanish_register_2017_2021.csv",
            SPANISH,
            0.94,
            0.85
        ),
        scoped!("holdout_childrens_hospital.csv", CHILDRENS, 0.95, 0.95),
        scoped!(
            "holdout_insurance_2017_2021.csv",
            INSURANCE_2017,
            0.95,
            0.95
        ),
        scoped!("holdout_mdm_tool_2022_2024.csv", MDM_TOOL, 0.95, 0.95),
        scoped!("holdout_nursing_units.csv", NURSING_UNITS, 0.95, 0.95),
        scoped!("holdout_it_cmdb_2017_2024.csv", IT_CMDB, 0.95, 0.95),
        scoped!(
            "holdout_service_contractor_2017_2021.csv",
            CONTRACTOR_2017,
            0.95,
            0.95
        ),
        scoped!("holdout_health_system.csv", HEALTH_SYSTEM, 0.95, 0.95),
        scoped!("holdout_risk_register.csv", RISK_REGISTER, 0.95, 0.95),
        scoped!(
            "holdout_assessment_2017_2021.csv",
            ASSESSMENT_2017,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_teaching_hospital_2017_2021.csv",
            TEACHING_2017,
            0.95,
            0.95
        ),
        scoped!("holdout_cardiology.csv", CARDIOLOGY, 0.95, 0.95),
        scoped!("holdout_laboratory.csv", LABORATORY, 0.95, 0.95),
        scoped!(
            "holdout_community_2022_2024.csv",
            COMMUNITY_2022,
            0.95,
            0.95
        ),
        scoped!("holdout_hospital_2017_2021.csv", HOSPITAL_2017, 0.95, 0.95),
        scoped!(
            "holdout_european_register.csv",
            EUROPEAN_REGISTER,
            0.95,
            0.94
        ),
        // (Its labeller read ICSMA-18-219-02's pumps as affected; seven others did not.)
        scoped!("holdout_medication_fleet.csv", MEDICATION_FLEET, 0.95, 0.94),
        scoped!("holdout_imaging_department.csv", IMAGING, 0.95, 0.94),
        scoped!(
            "holdout_security_platform_2020_2024.csv",
            SECURITY_PLATFORM,
            0.95,
            0.95
        ),
        scoped!("holdout_clinical_units.csv", CLINICAL_UNITS, 0.95, 0.95),
        scoped!(
            "holdout_service_contracts.csv",
            SERVICE_CONTRACTS,
            0.95,
            0.95
        ),
        scoped!(
            "holdout_facilities_second.csv",
            FACILITIES_SECOND,
            0.95,
            0.69
        ),
        scoped!(
            "holdout_purchasing_2019_2022.csv",
            PURCHASING_2019,
            0.95,
            0.95
        ),
        scoped!("holdout_facilities_ics.csv", FACILITIES, 0.89, 0.82),
        scoped!("holdout_cmms_2017_2020.csv", CMMS_2017, 0.95, 0.95),
        scoped!("holdout_biomed_sheet.csv", BIOMED_SHEET, 0.95, 0.95),
        scoped!(
            "holdout_discovery_2021_2024.csv",
            DISCOVERY_2021,
            0.95,
            0.95
        ),
    ];
    score_scoped_sets(&dir, &sets);
}

/// The environment variable naming a checkout of <https://github.com/cisagov/CSAF>, whose
/// `csaf_files/OT/white/YYYY/` folders hold CISA's advisories newer than the shared corpus.
const CISA_CSAF_ENV: &str = "MEDVIGIL_CISA_CSAF";

const MEDICAL_2025: &str = "held out (medical 2025)";
const MEDICAL_2026: &str = "held out (medical 2026)";
const ICS_2025: &str = "held out (ICS 2025-2026)";
const ICS_2025_SECOND: &str = "held out (ICS 2025-2026, second set)";
const ICS_2025_THIRD: &str = "held out (ICS 2025-2026, third set)";

/// The advisories a set names on its `# scope:` lines, as file stems ("icsma-25-030-01").
fn scope(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# scope:"))
        .flat_map(|l| l.split_whitespace().map(str::to_string))
        .collect()
}

/// The advisories a set names on its `# scope:` lines, read from `root/YYYY/STEM.json`;
/// a scoped advisory missing under `root` fails the test.
fn scoped_advisories(
    file: &str,
    text: &str,
    root: &std::path::Path,
    table: &VendorTable,
) -> Vec<Prepared> {
    let stems = scope(text);
    assert!(!stems.is_empty(), "{file}: no '# scope:' line");
    stems
        .iter()
        .map(|stem| {
            let year = format!("20{}", stem.split('-').nth(1).unwrap_or("??"));
            let path = root.join(year).join(format!("{stem}.json"));
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("{file} scope: {}: {e}", path.display()));
            let doc: serde_json::Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let adv = support::advisory(&doc);
            let prepared = prepare(&adv, table);
            (adv, prepared)
        })
        .collect()
}

/// Scores every set against the advisories its `# scope:` lines name under `root`,
/// prints the report, and fails when a split falls below its floor (precision, recall).
fn score_scoped_sets(root: &std::path::Path, sets: &[Scoped]) {
    let table = VendorTable::builtin();
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    for set in sets {
        let advisories = scoped_advisories(set.file, set.text, root, &table);
        score(
            parse(set.file, set.text),
            &advisories,
            &|_| set.split,
            &table,
            &mut scores,
        );
    }
    let report = report(&scores);
    eprintln!("{report}");
    for set in sets {
        let s = &scores[set.split];
        assert!(
            s.precision() >= set.precision && s.recall() >= set.recall,
            "{} below its floor (precision {}, recall {}):\n{report}",
            set.split,
            set.precision,
            set.recall
        );
    }
}

/// Sets labelled from CISA advisories of 2025 and 2026, which the shared corpus does not
/// hold: each device is matched against the advisories its set names as its scope, read
/// from a cisagov/CSAF checkout named by `MEDVIGIL_CISA_CSAF`. Skipped (visibly) without
/// it; a checkout that lacks a scoped advisory fails the test.
#[test]
fn cisa_newer_advisories_precision_and_recall() {
    let Some(root) = std::env::var_os(CISA_CSAF_ENV) else {
        // (Past the harness's output capture, so the skip is visible.)
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED cisa_newer_advisories_precision_and_recall: set {CISA_CSAF_ENV} to a \
             checkout of github.com/cisagov/CSAF to run it"
        );
        return;
    };
    let root = std::path::PathBuf::from(root).join("csaf_files/OT/white");
    // Floors just below the level reached after the first (blind) runs' errors were
    // studied; the first runs themselves are in BENCHMARKS.md.
    let sets = [
        scoped!("holdout_2025_medical.csv", MEDICAL_2025, 0.95, 0.95),
        scoped!("holdout_2026_medical.csv", MEDICAL_2026, 0.95, 0.90),
        scoped!("holdout_2025_ics.csv", ICS_2025, 0.95, 0.95),
        scoped!("holdout_2025_ics_second.csv", ICS_2025_SECOND, 0.90, 0.90),
        scoped!("holdout_2025_ics_third.csv", ICS_2025_THIRD, 0.95, 0.90),
    ];
    score_scoped_sets(&root, &sets);
}

/// The index gives the same answer both ways: evaluating one advisory against its
/// candidate devices finds exactly the findings a full evaluation attributes to it.
#[test]
fn corpus_incremental_equals_full_evaluation() {
    use medvigil_match::engine::{DeviceIndex, Engine};
    let Some(dir) = medvigil_testkit::corpus("csaf/cisa-ot") else {
        return;
    };
    let mut advisories = Vec::new();
    for year in ["2017", "2018", "2019", "2020", "2021"] {
        for f in medvigil_testkit::files_under(&dir.join(year), |n| {
            n.starts_with("icsma-") && n.ends_with(".json")
        }) {
            let doc: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
            advisories.push(support::advisory(&doc));
        }
    }
    let ids: Vec<String> = advisories.iter().map(|a| a.id.clone()).collect();
    let devices: Vec<Device> = devices().into_iter().map(|l| l.device).collect();
    let (engine, _) = Engine::new(VendorTable::builtin(), vec![], advisories, vec![], vec![]);
    let full = engine.evaluate_devices(&devices, &mut || {});
    // The parallel evaluation gives the same findings.
    let mut seq: Vec<String> = full.iter().map(|f| format!("{f:?}")).collect();
    let mut par: Vec<String> = engine
        .evaluate_devices_parallel(&devices)
        .iter()
        .map(|f| format!("{f:?}"))
        .collect();
    seq.sort();
    par.sort();
    assert_eq!(seq, par);
    let index = DeviceIndex::new(&devices, engine.table());
    let key = |f: &medvigil_model::finding::Finding| (f.asset.key(), f.vulnerability_id.clone());
    let mut total = 0;
    for id in &ids {
        let mut inc: Vec<_> = engine
            .advisory_findings(id, &index)
            .iter()
            .map(key)
            .collect();
        let mut want: Vec<_> = full
            .iter()
            .filter(|f| f.advisory_id.as_deref() == Some(id))
            .map(key)
            .collect();
        inc.sort();
        want.sort();
        assert_eq!(inc, want, "{id}");
        total += want.len();
    }
    assert!(total > 100, "{total} findings compared");
}
