//! The acknowledgements the guard writes itself: `MSA-1 AR` or `AE` with an ERR
//! segment carrying the HL7 error (ERR-3), the IHE PCD error code (ERR-5, with the
//! reason in ERR-5.9 "original text") and the reason again in ERR-8 (user message).
//! Accepted messages get the gateway's own ACK, relayed unchanged.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::hl7::{Message, Separators, escape};
use crate::policy::{AckCode, Rejection};

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// MSH-3 of the guard's own messages.
pub const GUARD_APPLICATION: &str = "MEDVIGIL_GUARD";

/// Builds an ACK for `original` (or for an unreadable message when `None`).
///
/// `now_secs` is Unix time; MSH-7 is written in UTC with an explicit `+0000`.
pub fn build_ack(original: Option<&Message>, rejection: &Rejection, now_secs: i64) -> String {
    let seps = Separators::default();
    let e = |s: &str| escape(s, &seps);
    let (facility, to_app, to_facility, trigger, control, processing, version) = match original {
        Some(m) => {
            let msh = m.msh();
            (
                e(&msh.field(6).component(1).value()),
                e(&msh.field(3).component(1).value()),
                e(&msh.field(4).component(1).value()),
                e(&msh.field(9).component(2).value()),
                e(&m.control_id()),
                e(&msh.field(11).component(1).value()),
                e(&msh.field(12).component(1).value()),
            )
        }
        None => Default::default(),
    };
    let processing = if processing.is_empty() {
        "P".to_string()
    } else {
        processing
    };
    let version = if version.is_empty() {
        "2.6".to_string()
    } else {
        version
    };
    let id = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut out = format!(
        "MSH|^~\\&|{GUARD_APPLICATION}|{facility}|{to_app}|{to_facility}|{ts}||ACK^{trigger}^ACK|MVG{now_secs}{id:08}|{processing}|{version}\r",
        ts = crate::time::hl7_utc(now_secs),
    );
    out.push_str(&format!("MSA|{}|{control}\r", rejection.ack.as_str()));
    let (code, text) = rejection.hl7_error.code_text();
    let location = rejection
        .location
        .map(|(seg, field)| format!("{seg}^1^{field}"))
        .unwrap_or_default();
    let reason = e(&rejection.reason);
    let app_error = rejection
        .pcd_error
        .map(|p| format!("{}^{}^^^^^^^{reason}", p.code(), e(p.text())))
        .unwrap_or_default();
    let severity = match rejection.ack {
        AckCode::Reject | AckCode::Error => "E",
    };
    out.push_str(&format!(
        "ERR||{location}|{code}^{text}^HL70357|{severity}|{app_error}|||{reason}\r"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcd::PcdError;
    use crate::policy::Hl7Error;

    #[test]
    fn reject_ack_carries_codes_and_escaped_reason() {
        let m = Message::parse(
            "MSH|^~\\&|BCMA|WARD3|IOC|HOSP|20250101120000+0000||RGV^O15^RGV_O15|ABC-1|P|2.6\r"
                .into(),
        )
        .unwrap();
        let r = Rejection {
            ack: AckCode::Reject,
            rule: "drug_hard_limit",
            hl7_error: Hl7Error::Application,
            pcd_error: Some(PcdError::HardLimit),
            location: Some(("RXG", 15)),
            reason: "25 ug/kg/min > 20 | limit".into(),
        };
        let ack = build_ack(Some(&m), &r, 1_735_732_800);
        let parsed = Message::parse(ack.clone()).unwrap();
        assert_eq!(parsed.message_type(), "ACK^O15");
        assert_eq!(parsed.msh().field(5).value(), "BCMA");
        assert_eq!(parsed.msh().field(7).value(), "20250101120000+0000");
        let msa = parsed.segment("MSA").unwrap();
        assert_eq!(msa.field(1).value(), "AR");
        assert_eq!(msa.field(2).value(), "ABC-1");
        let err = parsed.segment("ERR").unwrap();
        assert_eq!(err.field(2).raw(), "RXG^1^15");
        assert_eq!(err.field(3).component(1).value(), "207");
        assert_eq!(err.field(5).component(1).value(), "9024");
        assert_eq!(
            err.field(5).component(2).value(),
            "Drug library hard limit exceeded"
        );
        assert_eq!(
            err.field(5).component(9).text(),
            "25 ug/kg/min > 20 | limit"
        );
        assert_eq!(err.field(8).text(), "25 ug/kg/min > 20 | limit");
    }

    #[test]
    fn ack_for_unreadable_message() {
        let r = Rejection {
            ack: AckCode::Error,
            rule: "frame_too_large",
            hl7_error: Hl7Error::SegmentSequence,
            pcd_error: None,
            location: None,
            reason: "too big".into(),
        };
        let parsed = Message::parse(build_ack(None, &r, 0)).unwrap();
        assert_eq!(parsed.segment("MSA").unwrap().field(1).value(), "AE");
        assert_eq!(parsed.segment("MSA").unwrap().field(2).value(), "");
        assert!(parsed.segment("ERR").unwrap().field(5).is_empty());
    }
}
