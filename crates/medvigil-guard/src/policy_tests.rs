//! One test per rule of the PCD-03 policy, through [`Policy::assess`].

use std::net::IpAddr;
use std::path::Path;

use super::*;
use crate::config::Config;

const CONFIG: &str = r#"
listen = "127.0.0.1:0"
upstream = "127.0.0.1:9"
audit_log = "audit.jsonl"

[limits]
max_messages_per_minute = 1000
stale_order_seconds = 600

[[senders]]
name = "bcma"
networks = ["10.1.0.0/16"]
message_types = ["RGV^O15"]

[[senders]]
name = "bcma-tls"
networks = ["10.2.0.0/16"]
client_cert_subject = "CN=bcma.hospital.example"
message_types = ["RGV^O15", "ORU^R01"]

[[drugs]]
code = "1234"
name = "Dopamine"
dose_unit = "ug/kg/min"
hard_min = 1
hard_max = 20
soft_max = 15
max_vtbi_ml = 500
concentrations = ["400 mg/250 mL", "800 mg/250 mL"]

[[drugs]]
code = "5678"
name = "Normal Saline"
dose_unit = "mL/h"
hard_min = 1
hard_max = 999
max_vtbi_ml = 1000

[[drugs]]
code = "7777"
name = "Heparin"
care_areas = ["ICU"]
dose_unit = "units/h"
hard_min = 0
hard_max = 2000
soft_max = 1500
max_vtbi_ml = 500

[[drugs]]
code = "7777"
name = "Heparin (paediatric)"
care_areas = ["PEDS"]
dose_unit = "units/h"
hard_min = 0
hard_max = 500
max_vtbi_ml = 250

[[drugs]]
code = "3333"
name = "Fluorouracil"
dose_unit = "mg/m2/h"
hard_min = 0
hard_max = 50
max_vtbi_ml = 1000

[[drugs]]
code = "4321"
name = "Vancomycin"
dose_unit = "mg/h"
hard_min = 0
hard_max = 2000
max_vtbi_ml = 500
"#;

/// 2025-01-01 12:00:00 UTC.
const NOW: i64 = 1_735_732_800;
const BCMA: Option<SenderId> = Some(0);

fn policy(extra: &str) -> Policy {
    let c = Config::from_toml(
        &format!("{CONFIG}{extra}"),
        Path::new("t.toml"),
        Path::new("/"),
    )
    .unwrap();
    Policy::new(&c)
}

/// An RGV^O15 built segment by segment; `set` replaces one field.
#[derive(Clone)]
struct Rgv {
    segments: Vec<Vec<String>>,
}

impl Rgv {
    /// IHE PCD TF Vol. 2 example 1: dopamine 10 ug/kg/min, 400 mg in 250 mL, 85 kg,
    /// VTBI 250 mL (MDC and UCUM units), programmed at NOW - 60 s.
    fn dopamine(id: &str) -> Rgv {
        let msh = format!(
            "MSH|^~\\&|BCMA^1234560000000001^EUI-64|WARD3|IOC^6543210000000001^EUI-64|HOSP|20250101115900+0000||RGV^O15^RGV_O15|{id}|P|2.6|||AL|ER||ASCII|EN^English^ISO639||IHE_PCD_PIV_001^IHE PCD^{PCD03_PROFILE_OID}^ISO"
        );
        let mut rxg = vec![String::new(); 25];
        rxg[0] = "RXG".into();
        rxg[1] = "1".into();
        rxg[4] = "1234^Dopamine".into();
        rxg[5] = "250".into();
        rxg[7] = "263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM".into();
        rxg[15] = "10".into();
        rxg[16] = "265619^MDC_DIM_MICRO_G_PER_KG_PER_MIN^MDC^ug/kg/min^ug/kg/min^UCUM".into();
        rxg[17] = "400".into();
        rxg[18] = "263890^MDC_DIM_MILLI_G^MDC^mg^mg^UCUM".into();
        rxg[23] = "250".into();
        rxg[24] = "263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM".into();
        let split = |s: &str| s.split('|').map(String::from).collect::<Vec<_>>();
        Rgv {
            segments: vec![
                split(&msh),
                split("PID|||98765^^^IHE^PI||Doe^John^^^^^L||19660101|M"),
                split("PV1||I|ICU^10^1"),
                split("ORC|RE|12345|||||||20250101115900+0000|||||||||||N0001"),
                rxg,
                split("RXR|IV||IVP"),
                split("OBX|1||69986^MDC_DEV_PUMP_INFUS_VMD^MDC||||||||X|||||||A0001^^PUMPVENDOR"),
                split(
                    "OBX|2|NM|68063^MDC_ATTR_PT_WEIGHT^MDC||85.0|263875^MDC_DIM_KILO_G^MDC^kg^kg^UCUM",
                ),
            ],
        }
    }

    fn saline(id: &str) -> Rgv {
        Rgv::dopamine(id)
            .set("RXG", 4, "5678^Normal Saline")
            .set("RXG", 5, "500")
            .set("RXG", 15, "13.3")
            .set(
                "RXG",
                16,
                "3122^mL/h^UCUM^265266^MDC_DIM_MILLI_L_PER_HR^MDC",
            )
            .set("RXG", 17, "")
            .set("RXG", 18, "")
            .set("RXG", 23, "")
            .set("RXG", 24, "")
    }

    fn heparin(id: &str, area: &str, rate: &str) -> Rgv {
        Rgv::saline(id)
            .set("PV1", 3, area)
            .set("RXG", 4, "7777^Heparin")
            .set("RXG", 5, "250")
            .set("RXG", 15, rate)
            .set("RXG", 16, "[iU]/h^[iU]/h^UCUM")
    }

    fn set(mut self, seg: &str, n: usize, value: &str) -> Rgv {
        let s = self
            .segments
            .iter_mut()
            .find(|s| s[0] == seg)
            .unwrap_or_else(|| panic!("no {seg}"));
        // MSH-1 is the separator itself, so MSH field n sits at index n - 1.
        let i = if seg == "MSH" { n - 1 } else { n };
        if s.len() <= i {
            s.resize(i + 1, String::new());
        }
        s[i] = value.into();
        self
    }

    fn without(mut self, seg: &str) -> Rgv {
        self.segments.retain(|s| s[0] != seg);
        self
    }

    fn with(mut self, segment: &str) -> Rgv {
        self.segments
            .push(segment.split('|').map(String::from).collect());
        self
    }

    fn bytes(&self) -> Vec<u8> {
        self.segments
            .iter()
            .map(|s| s.join("|") + "\r")
            .collect::<String>()
            .into_bytes()
    }
}

fn assess(p: &Policy, m: &Rgv) -> Assessment {
    p.assess(BCMA, &m.bytes(), NOW * 1000)
}

#[track_caller]
fn forwarded(p: &Policy, m: &Rgv) -> (MessageFacts, Vec<String>) {
    let a = assess(p, m);
    match a.verdict {
        Verdict::Forward { warnings } => (a.facts, warnings),
        Verdict::Reject(r) => panic!("rejected: {r:?}"),
    }
}

#[track_caller]
fn rejected(p: &Policy, m: &Rgv, rule: &str, pcd: Option<u16>) -> Rejection {
    match assess(p, m).verdict {
        Verdict::Reject(r) => {
            assert_eq!(r.rule, rule, "{r:?}");
            assert_eq!(r.pcd_error.map(PcdError::code), pcd, "{r:?}");
            r
        }
        v => panic!("expected {rule}, got {v:?}"),
    }
}

fn approx(a: Option<f64>, b: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn ihe_example_programs_are_forwarded() {
    let p = policy("");
    let (facts, warnings) = forwarded(&p, &Rgv::dopamine("1"));
    assert!(warnings.is_empty());
    approx(facts.library_rate, 10.0);
    approx(facts.vtbi_ml, 250.0);
    assert_eq!(facts.orc2.as_deref(), Some("12345"));
    assert_eq!(facts.drug.as_deref(), Some("1234 Dopamine"));
    assert_eq!(facts.rate_unit.as_deref(), Some("ug/kg/min"));
    let (facts, _) = forwarded(&p, &Rgv::saline("2").set("ORC", 2, "12346"));
    approx(facts.library_rate, 13.3);
}

#[test]
fn hard_limits_reject_with_9024_and_soft_limits_warn() {
    let p = policy("");
    let r = rejected(
        &p,
        &Rgv::dopamine("1").set("RXG", 15, "25"),
        "drug_hard_limit",
        Some(9024),
    );
    assert_eq!(r.ack, AckCode::Reject);
    assert_eq!(r.location, Some(("RXG", 15)));
    assert!(
        r.reason.contains("above the hard maximum 20 ug/kg/min"),
        "{}",
        r.reason
    );
    rejected(
        &p,
        &Rgv::dopamine("2").set("RXG", 15, "0.5"),
        "drug_hard_limit",
        Some(9024),
    );
    let (_, w) = forwarded(&p, &Rgv::dopamine("3").set("RXG", 15, "17"));
    assert_eq!(w.len(), 1);
    assert!(w[0].starts_with("soft_max"), "{w:?}");
}

#[test]
fn rate_in_ml_per_hour_is_converted_with_concentration_and_weight() {
    let p = policy("");
    let ml_h = |id: &str, orc2: &str, rate: &str| {
        Rgv::dopamine(id)
            .set("ORC", 2, orc2)
            .set("RXG", 15, rate)
            .set("RXG", 16, "265266^MDC_DIM_MILLI_L_PER_HR^MDC")
    };
    // 31.875 mL/h x 1.6 mg/mL / 85 kg / 60 = 10 ug/kg/min.
    let (facts, w) = forwarded(&p, &ml_h("1", "A1", "31.875"));
    approx(facts.library_rate, 10.0);
    assert!(w.is_empty());
    // 80 mL/h = 25.1 ug/kg/min.
    rejected(&p, &ml_h("2", "A2", "80"), "drug_hard_limit", Some(9024));
    // The same order for a 42.5 kg patient, given as grams: twice the dose.
    let mut light = ml_h("3", "A3", "31.875");
    // The second OBX carries the weight (the first is the pump id).
    light.segments[7][5] = "42500".into();
    light.segments[7][6] = "g^g^UCUM".into();
    approx(forwarded(&p, &light).0.library_rate, 20.0);
}

#[test]
fn weight_concentration_and_units_problems() {
    let p = policy("");
    let no_weight = Rgv::dopamine("1")
        .without("OBX")
        .with("OBX|1||69986^MDC_DEV_PUMP_INFUS_VMD^MDC");
    rejected(&p, &no_weight, "weight_missing", Some(9019));
    rejected(
        &p,
        &Rgv::dopamine("2").set("RXG", 17, "200"),
        "concentration_mismatch",
        Some(9018),
    );
    let no_conc = Rgv::dopamine("3")
        .set("RXG", 17, "")
        .set("RXG", 18, "")
        .set("RXG", 23, "")
        .set("RXG", 24, "");
    rejected(&p, &no_conc, "concentration_missing", Some(9003));
    rejected(
        &p,
        &Rgv::dopamine("4").set("RXG", 23, ""),
        "concentration_incomplete",
        Some(9003),
    );
    rejected(
        &p,
        &Rgv::dopamine("5").set("RXG", 24, "mg^mg^UCUM"),
        "concentration_units",
        Some(9008),
    );
    let conflicting = Rgv::dopamine("6").set(
        "RXG",
        16,
        "265266^MDC_DIM_MILLI_L_PER_HR^MDC^ug/kg/min^ug/kg/min^UCUM",
    );
    rejected(&p, &conflicting, "rate_units", Some(9008));
    rejected(
        &p,
        &Rgv::dopamine("7").set("RXG", 16, "furlongs/fortnight"),
        "rate_units",
        Some(9008),
    );
    rejected(
        &p,
        &Rgv::dopamine("8").set("RXG", 16, "units/h"),
        "units_mismatch",
        Some(9009),
    );
    rejected(
        &p,
        &Rgv::dopamine("9").set("RXG", 15, "ten"),
        "rate_invalid",
        Some(9004),
    );
    rejected(
        &p,
        &Rgv::dopamine("10").set("RXG", 15, ""),
        "rate_missing",
        Some(9003),
    );
    let heavy = Rgv::dopamine("11")
        .without("OBX")
        .with("OBX|2|NM|68063^MDC_ATTR_PT_WEIGHT^MDC||85|[lb_av]^lb^UCUM");
    rejected(&p, &heavy, "weight_units", Some(9008));
}

#[test]
fn vtbi_rules() {
    let p = policy("");
    let r = rejected(
        &p,
        &Rgv::dopamine("1").set("RXG", 5, "600"),
        "vtbi_max",
        Some(9014),
    );
    assert!(
        r.reason.contains("600 mL exceeds the maximum of 500 mL"),
        "{}",
        r.reason
    );
    approx(
        forwarded(
            &p,
            &Rgv::dopamine("2")
                .set("ORC", 2, "B")
                .set("RXG", 5, "0.25")
                .set("RXG", 7, "L^L^UCUM"),
        )
        .0
        .vtbi_ml,
        250.0,
    );
    rejected(
        &p,
        &Rgv::dopamine("3").set("RXG", 7, "263890^MDC_DIM_MILLI_G^MDC"),
        "vtbi_units",
        Some(9008),
    );
    rejected(
        &p,
        &Rgv::dopamine("4").set("RXG", 5, ""),
        "vtbi_missing",
        Some(9003),
    );
    rejected(
        &p,
        &Rgv::dopamine("5").set("RXG", 5, "-5"),
        "vtbi_invalid",
        Some(9004),
    );
    rejected(
        &p,
        &Rgv::dopamine("6").set("ORC", 1, "XO"),
        "xo_with_vtbi",
        Some(9004),
    );
    // A syringe pump program may leave the VTBI out.
    forwarded(
        &p,
        &Rgv::dopamine("7")
            .set("ORC", 2, "C")
            .set("RXG", 5, "")
            .set("RXR", 3, "SYR"),
    );
}

#[test]
fn drug_library_and_care_areas() {
    let p = policy("");
    rejected(
        &p,
        &Rgv::dopamine("1").set("RXG", 4, "0000^Mystery"),
        "drug_unknown",
        Some(9010),
    );
    rejected(
        &p,
        &Rgv::dopamine("2").set("RXG", 4, "^Dopamine"),
        "rxg4_missing",
        Some(9003),
    );
    let (facts, w) = forwarded(&p, &Rgv::heparin("3", "ICU", "1600").set("ORC", 2, "H1"));
    assert_eq!(facts.drug.as_deref(), Some("7777 Heparin"));
    assert_eq!(w.len(), 1);
    // The paediatric entry has its own, lower limit.
    let r = rejected(
        &p,
        &Rgv::heparin("4", "PEDS", "1000").set("ORC", 2, "H2"),
        "drug_hard_limit",
        Some(9024),
    );
    assert!(r.reason.contains("Heparin (paediatric)"), "{}", r.reason);
    rejected(
        &p,
        &Rgv::heparin("5", "ER", "1000").set("ORC", 2, "H3"),
        "care_area_mismatch",
        Some(9021),
    );
    rejected(
        &p,
        &Rgv::heparin("6", "ICU", "1000")
            .without("PV1")
            .set("ORC", 2, "H4"),
        "care_area_missing",
        Some(9029),
    );
    // Heparin 25,000 units in 500 mL at 20 mL/h is 1,000 units/h.
    let by_volume = Rgv::heparin("7", "ICU", "20")
        .set("ORC", 2, "H5")
        .set("RXG", 16, "mL/h^mL/h^UCUM")
        .set("RXG", 17, "25000")
        .set("RXG", 18, "[iU]^[iU]^UCUM")
        .set("RXG", 23, "500")
        .set("RXG", 24, "mL^mL^UCUM");
    approx(forwarded(&p, &by_volume).0.library_rate, 1000.0);
    let mg = Rgv::heparin("8", "ICU", "20")
        .set("ORC", 2, "H6")
        .set("RXG", 16, "mg/h");
    rejected(&p, &mg, "units_mismatch", Some(9009));
}

#[test]
fn dose_over_tq1_duration() {
    let p = policy("");
    let vanco = |id: &str, orc2: &str| {
        Rgv::saline(id)
            .set("ORC", 2, orc2)
            .set("RXG", 4, "4321^Vancomycin")
            .set("RXG", 5, "250")
            .set("RXG", 15, "2")
            .set("RXG", 16, "263872^MDC_DIM_X_G^MDC")
    };
    let two_hours = vanco("1", "V1").with("TQ1|1||||||||||||2^264384&MDC_DIM_HR&MDC");
    approx(forwarded(&p, &two_hours).0.library_rate, 1000.0);
    let thirty_min = vanco("2", "V2").with("TQ1|1||||||||||||30^264352&MDC_DIM_MIN&MDC");
    rejected(&p, &thirty_min, "drug_hard_limit", Some(9024));
    let mixed =
        vanco("3", "V3").with("TQ1|1||||||||||||1^264384&MDC_DIM_HR&MDC~30^264352&MDC_DIM_MIN&MDC");
    approx(forwarded(&p, &mixed).0.library_rate, 2000.0 / 1.5);
    rejected(&p, &vanco("4", "V4"), "duration_missing", Some(9003));
    rejected(
        &p,
        &vanco("5", "V5").with("TQ1|1||||||||||||2^264000&FORTNIGHT&MDC"),
        "duration_units",
        Some(9008),
    );
}

#[test]
fn order_segment_rules() {
    let p = policy("");
    rejected(
        &p,
        &Rgv::dopamine("1").set("ORC", 9, "20250101100000+0000"),
        "stale_order",
        Some(9022),
    );
    rejected(
        &p,
        &Rgv::dopamine("2").set("ORC", 9, "20250101130000+0000"),
        "orc9_invalid",
        Some(9004),
    );
    rejected(
        &p,
        &Rgv::dopamine("3").set("ORC", 9, ""),
        "orc9_missing",
        Some(9003),
    );
    rejected(
        &p,
        &Rgv::dopamine("4").set("ORC", 9, "20250101115900"),
        "orc9_invalid",
        Some(9004),
    );
    rejected(
        &p,
        &Rgv::dopamine("5").set("ORC", 1, "NW"),
        "orc1_order_control",
        Some(9004),
    );
    rejected(
        &p,
        &Rgv::dopamine("6").set("ORC", 2, ""),
        "orc2_missing",
        Some(9003),
    );
    rejected(
        &p,
        &Rgv::dopamine("7").without("ORC"),
        "orc_missing",
        Some(9003),
    );
    rejected(
        &p,
        &Rgv::dopamine("8").without("PID"),
        "pid_missing",
        Some(9031),
    );
    rejected(
        &p,
        &Rgv::dopamine("9").set("PID", 3, ""),
        "pid_missing",
        Some(9031),
    );
    rejected(
        &p,
        &Rgv::dopamine("10").without("RXG"),
        "rxg_missing",
        Some(9003),
    );
    // With a configured default offset, an offset-less ORC-9 is read in that zone.
    let p = policy("").with_default_offset(-6 * 3600);
    forwarded(&p, &Rgv::dopamine("11").set("ORC", 9, "20250101055900"));
}

#[test]
fn message_profile() {
    let p = policy("");
    rejected(
        &p,
        &Rgv::dopamine("1").set("MSH", 21, ""),
        "msh21_profile",
        Some(9016),
    );
    let r = rejected(
        &p,
        &Rgv::dopamine("2").set(
            "MSH",
            21,
            "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
        ),
        "msh21_profile",
        Some(9016),
    );
    assert_eq!(r.hl7_error, Hl7Error::TableValue);
    // Another profile repeated alongside the PCD-03 OID is fine.
    forwarded(
        &p,
        &Rgv::dopamine("3").set(
            "MSH",
            21,
            &format!("LOCAL^X^1.2.3^ISO~IHE_PCD_PIV_001^IHE PCD^{PCD03_PROFILE_OID}^ISO"),
        ),
    );
}

#[test]
fn replays_of_msh10_and_orc2() {
    let p = policy("");
    forwarded(&p, &Rgv::dopamine("M1"));
    let r = rejected(&p, &Rgv::dopamine("M1"), "msh10_replay", Some(9016));
    assert_eq!(r.hl7_error, Hl7Error::DuplicateKey);
    // The same program resent under a new MSH-10 (a retransmission) passes.
    forwarded(&p, &Rgv::dopamine("M2"));
    // The same order number with a different program as a new bag is a replay.
    rejected(
        &p,
        &Rgv::dopamine("M3").set("RXG", 15, "12"),
        "orc2_replay",
        Some(9016),
    );
    // A rate change (XO, no VTBI) on the same order is allowed ...
    forwarded(
        &p,
        &Rgv::dopamine("M4")
            .set("ORC", 1, "XO")
            .set("RXG", 5, "")
            .set("RXG", 15, "12"),
    );
    // ... but not for another patient.
    let other = Rgv::dopamine("M5")
        .set("ORC", 1, "XO")
        .set("RXG", 5, "")
        .set("PID", 3, "11111^^^IHE^PI");
    rejected(&p, &other, "orc2_replay", Some(9016));
    // Forgetting MSH-10 (gateway unreachable) lets the sender retransmit.
    let a = assess(&p, &Rgv::dopamine("M6").set("ORC", 2, "Z9"));
    p.forget_msh10(a.msh10_key.as_ref().unwrap());
    forwarded(&p, &Rgv::dopamine("M6").set("ORC", 2, "Z9"));
}

#[test]
fn senders_types_and_parse_errors() {
    let p = policy("");
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert_eq!(p.identify(ip("10.1.2.3"), None), Some(0));
    assert_eq!(p.identify(ip("::ffff:10.1.2.3"), None), Some(0));
    assert_eq!(p.identify(ip("10.3.0.1"), None), None);
    assert_eq!(p.identify(ip("10.2.0.1"), None), None);
    assert_eq!(p.identify(ip("10.2.0.1"), Some("CN=intruder")), None);
    assert_eq!(
        p.identify(ip("10.2.0.1"), Some("CN=bcma.hospital.example")),
        Some(1)
    );
    assert_eq!(
        p.identify(ip("10.2.0.1"), Some("O=Hospital, CN=bcma.hospital.example")),
        Some(1)
    );

    let m = Rgv::dopamine("1").bytes();
    let a = p.assess(None, &m, NOW * 1000);
    assert!(matches!(
        a.verdict,
        Verdict::Reject(Rejection {
            rule: "unknown_sender",
            ..
        })
    ));
    let oru = b"MSH|^~\\&|MON|W|GW|H|20250101120000+0000||ORU^R01^ORU_R01|O1|P|2.6\rPID|||1\r";
    match p.assess(BCMA, oru, NOW * 1000).verdict {
        Verdict::Reject(r) => {
            assert_eq!(r.rule, "message_type_not_allowed");
            assert_eq!(r.pcd_error, None);
            assert_eq!(r.hl7_error, Hl7Error::UnsupportedMessageType);
        }
        v => panic!("{v:?}"),
    }
    assert!(matches!(
        p.assess(Some(1), oru, NOW * 1000).verdict,
        Verdict::Forward { .. }
    ));
    let no_id = b"MSH|^~\\&|MON|W|GW|H|20250101120000+0000||ORU^R01^ORU_R01||P|2.6\r";
    assert!(matches!(
        p.assess(Some(1), no_id, NOW * 1000).verdict,
        Verdict::Reject(Rejection {
            rule: "msh10_missing",
            ..
        })
    ));
    for garbage in [&b"hello"[..], b"", b"MSH", b"MSH|^~\\&|x\rbad segment\r"] {
        assert!(
            matches!(
                p.assess(BCMA, garbage, NOW * 1000).verdict,
                Verdict::Reject(Rejection {
                    rule: "hl7_parse",
                    ..
                })
            ),
            "{garbage:?}"
        );
    }
}

#[test]
fn rate_limit_per_sender_refills_over_time() {
    let p = policy("").with_rate(3);
    let oru = |i: u32| {
        format!("MSH|^~\\&|MON|W|GW|H|20250101120000+0000||ORU^R01^ORU_R01|R{i}|P|2.6\r")
            .into_bytes()
    };
    let t = NOW * 1000;
    for i in 0..3 {
        assert!(matches!(
            p.assess(Some(1), &oru(i), t).verdict,
            Verdict::Forward { .. }
        ));
    }
    match p.assess(Some(1), &oru(3), t).verdict {
        Verdict::Reject(r) => {
            assert_eq!((r.rule, r.ack), ("rate_limit", AckCode::Error));
        }
        v => panic!("{v:?}"),
    }
    // Another sender has its own bucket.
    assert!(!matches!(
        p.assess(BCMA, &Rgv::dopamine("x").bytes(), t).verdict,
        Verdict::Reject(Rejection {
            rule: "rate_limit",
            ..
        })
    ));
    // 3 per minute: one token back after 20 s.
    assert!(matches!(
        p.assess(Some(1), &oru(4), t + 20_000).verdict,
        Verdict::Forward { .. }
    ));
    assert!(matches!(
        p.assess(Some(1), &oru(5), t + 20_000).verdict,
        Verdict::Reject(_)
    ));
}

#[test]
fn random_mutations_never_panic() {
    let p = policy("");
    let base = Rgv::dopamine("F").bytes();
    let mut x: u64 = 7;
    for _ in 0..3000 {
        let mut m = base.clone();
        for _ in 0..4 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (x >> 33) as usize % m.len();
            m[i] = b"|^~\\&\r0123456789.-+XO"[(x >> 20) as usize % 21];
        }
        let _ = p.assess(BCMA, &m, NOW * 1000);
    }
}

#[test]
fn body_surface_area_and_malformed_numbers() {
    let p = policy("");
    let fu = |id: &str, orc2: &str, rate: &str| {
        Rgv::saline(id)
            .set("ORC", 2, orc2)
            .set("RXG", 4, "3333^Fluorouracil")
            .set("RXG", 15, rate)
            .set("RXG", 16, "mg/m2/h^mg/m2/h^UCUM")
    };
    let bsa = |value: &str, unit: &str| {
        format!("OBX|3|NM|188744^MDC_AREA_BODY_SURF_ACTUAL^MDC||{value}|{unit}")
    };
    // 40 mg/m2/h in the library's own unit.
    approx(
        forwarded(
            &p,
            &fu("1", "F1", "40").with(&bsa("1.8", "263616^MDC_DIM_SQ_X_M^MDC")),
        )
        .0
        .library_rate,
        40.0,
    );
    rejected(
        &p,
        &fu("2", "F2", "60").with(&bsa("1.8", "m2^m2^UCUM")),
        "drug_hard_limit",
        Some(9024),
    );
    rejected(&p, &fu("3", "F3", "40"), "bsa_missing", Some(9027));
    rejected(
        &p,
        &fu("4", "F4", "40").with(&bsa("18", "m2^m2^UCUM")),
        "bsa_invalid",
        Some(9004),
    );
    rejected(
        &p,
        &fu("5", "F5", "40").with(&bsa("1.8", "cm2^cm2^UCUM")),
        "bsa_units",
        Some(9008),
    );
    // A flat mg/h program against a per-m2 limit is converted with the BSA: 72 mg/h
    // for 1.8 m2 is 40 mg/m2/h.
    let flat = fu("6", "F6", "72")
        .set("RXG", 16, "mg/h^mg/h^UCUM")
        .with(&bsa("1.8", "m2^m2^UCUM"));
    approx(forwarded(&p, &flat).0.library_rate, 40.0);

    // Malformed numbers elsewhere.
    rejected(
        &p,
        &Rgv::dopamine("7").set("RXG", 17, "lots"),
        "concentration_invalid",
        Some(9004),
    );
    let mut w = Rgv::dopamine("8");
    w.segments[7][5] = "-85".into();
    rejected(&p, &w, "weight_invalid", Some(9004));
    let mut w = Rgv::dopamine("9");
    w.segments[7][5] = "850".into();
    rejected(&p, &w, "weight_invalid", Some(9004));
    let vanco = Rgv::saline("10")
        .set("ORC", 2, "V9")
        .set("RXG", 4, "4321^Vancomycin")
        .set("RXG", 15, "2")
        .set("RXG", 16, "g^g^UCUM")
        .with("TQ1|1||||||||||||two^264384&MDC_DIM_HR&MDC");
    rejected(&p, &vanco, "duration_invalid", Some(9004));
}
