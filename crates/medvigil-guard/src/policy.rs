//! The decision for each message: who sent it, may they send it, and, for an IHE PCD-03
//! infusion program (`RGV^O15`), is it complete, fresh, in the drug library, and within
//! the library's limits once its units are converted.
//!
//! [`Policy::assess`] does no I/O and takes the time as an argument, so every rule is
//! tested without sockets or clocks. The state it keeps (per-sender rate buckets, seen
//! MSH-10 values, the program last accepted for each ORC-2) sits behind one mutex,
//! taken briefly after the stateless checks.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::config::{Config, Drug, Limits, Sender};
use crate::hl7::{Field, Message, Segment};
use crate::pcd::PcdError;
use crate::time::parse_dtm;
use crate::units::{Concentration, ConvertError, Facts, PerBody, Unit, convert, parse_unit};

/// The IHE PCD message profile OID for PCD-03 `RGV^O15` (MSH-21.3).
pub const PCD03_PROFILE_OID: &str = "1.3.6.1.4.1.19376.1.6.1.3.1";

/// How long a seen MSH-10 is remembered.
pub const MSH10_WINDOW_SECS: i64 = 24 * 3600;
/// How many MSH-10 values are remembered at most (oldest forgotten first).
const MSH10_CAPACITY: usize = 500_000;
/// How long the program of an ORC-2 is remembered.
const ORDER_WINDOW_SECS: i64 = 7 * 24 * 3600;
/// How many orders are remembered at most.
const ORDER_CAPACITY: usize = 200_000;

/// MSA-1 acknowledgement codes the guard sends itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// Application reject: the message is refused and must not be resent as is.
    Reject,
    /// Application error: the message could not be handled now (rate limit, gateway
    /// down, internal error); resending later may work.
    Error,
}

impl AckCode {
    /// The MSA-1 value.
    pub fn as_str(self) -> &'static str {
        match self {
            AckCode::Reject => "AR",
            AckCode::Error => "AE",
        }
    }
}

/// HL7 table 0357 codes used in ERR-3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hl7Error {
    /// 100 Segment sequence error.
    SegmentSequence,
    /// 101 Required field missing.
    RequiredFieldMissing,
    /// 102 Data type error.
    DataType,
    /// 103 Table value not found.
    TableValue,
    /// 200 Unsupported message type.
    UnsupportedMessageType,
    /// 205 Duplicate key identifier.
    DuplicateKey,
    /// 207 Application internal error (also used for application-level refusals, as
    /// in the IHE PCD examples).
    Application,
}

impl Hl7Error {
    /// Code and text.
    pub fn code_text(self) -> (u16, &'static str) {
        match self {
            Hl7Error::SegmentSequence => (100, "Segment sequence error"),
            Hl7Error::RequiredFieldMissing => (101, "Required field missing"),
            Hl7Error::DataType => (102, "Data type error"),
            Hl7Error::TableValue => (103, "Table value not found"),
            Hl7Error::UnsupportedMessageType => (200, "Unsupported message type"),
            Hl7Error::DuplicateKey => (205, "Duplicate key identifier"),
            Hl7Error::Application => (207, "Application internal error"),
        }
    }
}

/// Why a message is not forwarded.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// MSA-1.
    pub ack: AckCode,
    /// Stable rule name for the audit log and tests (`drug_hard_limit`, ...).
    pub rule: &'static str,
    /// ERR-3.
    pub hl7_error: Hl7Error,
    /// ERR-5, for PCD-03 messages.
    pub pcd_error: Option<PcdError>,
    /// Where, as ERR-2 (segment, field), when one field is at fault.
    pub location: Option<(&'static str, u8)>,
    /// A readable reason, without patient data.
    pub reason: String,
}

/// What the guard does with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Forward to the gateway; the warnings (soft limits) are logged.
    Forward {
        /// Soft-limit breaches and similar.
        warnings: Vec<String>,
    },
    /// Answer the sender, forward nothing.
    Reject(Rejection),
}

/// What the audit log records about a message (no patient data).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageFacts {
    /// MSH-9 as `CODE^TRIGGER`.
    pub message_type: Option<String>,
    /// MSH-10.
    pub msh10: Option<String>,
    /// ORC-2.1.
    pub orc2: Option<String>,
    /// RXG-4.1 and, when matched, the library name.
    pub drug: Option<String>,
    /// RXG-15 as sent.
    pub rate: Option<f64>,
    /// RXG-16 as understood.
    pub rate_unit: Option<String>,
    /// The rate converted into the library's unit.
    pub library_rate: Option<f64>,
    /// The library's unit.
    pub library_unit: Option<String>,
    /// RXG-5 in mL.
    pub vtbi_ml: Option<f64>,
}

/// The outcome of [`Policy::assess`].
#[derive(Debug, Clone)]
pub struct Assessment {
    /// Forward or reject.
    pub verdict: Verdict,
    /// Facts for the audit log.
    pub facts: MessageFacts,
    /// The parsed message when it parsed (for building the ACK).
    pub message: Option<std::sync::Arc<Message>>,
    /// Key under which MSH-10 was remembered (to forget it if the gateway never got
    /// the message).
    pub msh10_key: Option<(String, String)>,
}

/// Index of a configured sender.
pub type SenderId = usize;

/// The guard's policy: configuration plus replay and rate state.
#[derive(Debug)]
pub struct Policy {
    senders: Vec<Sender>,
    drugs: Vec<Drug>,
    limits: Limits,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    buckets: HashMap<SenderId, Bucket>,
    msh10: HashMap<(String, String), i64>,
    msh10_order: VecDeque<((String, String), i64)>,
    orders: HashMap<String, Order>,
    order_order: VecDeque<(String, i64)>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at_ms: i64,
}

#[derive(Debug, Clone)]
struct Order {
    patient: String,
    drug: String,
    program: [u8; 32],
    at: i64,
}

/// What a PCD-03 program passes on to the stateful checks.
struct Program {
    control: String,
    orc2: String,
    patient: String,
    drug: String,
    digest: [u8; 32],
}

type Check<T> = Result<T, Rejection>;

fn reject(
    rule: &'static str,
    pcd: PcdError,
    hl7: Hl7Error,
    at: Option<(&'static str, u8)>,
    reason: String,
) -> Rejection {
    Rejection {
        ack: AckCode::Reject,
        rule,
        hl7_error: hl7,
        pcd_error: Some(pcd),
        location: at,
        reason,
    }
}

fn missing(rule: &'static str, seg: &'static str, field: u8, what: &str) -> Rejection {
    reject(
        rule,
        PcdError::MissingParameter,
        Hl7Error::RequiredFieldMissing,
        Some((seg, field)),
        format!("{seg}-{field} ({what}) is missing"),
    )
}

fn invalid(rule: &'static str, seg: &'static str, field: u8, reason: String) -> Rejection {
    reject(
        rule,
        PcdError::InvalidParameter,
        Hl7Error::DataType,
        Some((seg, field)),
        reason,
    )
}

impl Policy {
    /// A policy for `config`.
    pub fn new(config: &Config) -> Policy {
        Policy {
            senders: config.senders.clone(),
            drugs: config.drugs.clone(),
            limits: config.limits.clone(),
            state: Mutex::new(State::default()),
        }
    }

    /// The configured sender's name.
    pub fn sender_name(&self, id: SenderId) -> &str {
        &self.senders[id].name
    }

    /// The sender a connection belongs to: the first whose networks hold `ip` and
    /// whose certificate subject (if it names one) matches `cert_subject`.
    pub fn identify(&self, ip: IpAddr, cert_subject: Option<&str>) -> Option<SenderId> {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.senders.iter().position(|s| {
            s.networks.iter().any(|n| n.contains(&ip))
                && match &s.client_cert_subject {
                    None => true,
                    Some(want) => cert_subject.is_some_and(|have| subject_matches(want, have)),
                }
        })
    }

    /// Decides what to do with one message from `sender` at `now_ms` (Unix ms).
    pub fn assess(&self, sender: Option<SenderId>, payload: &[u8], now_ms: i64) -> Assessment {
        let mut facts = MessageFacts::default();
        let done = |verdict, facts, message, key| Assessment {
            verdict,
            facts,
            message,
            msh10_key: key,
        };
        let plain = |ack, rule, hl7, reason: String| {
            Verdict::Reject(Rejection {
                ack,
                rule,
                hl7_error: hl7,
                pcd_error: None,
                location: None,
                reason,
            })
        };
        let Some(sender) = sender else {
            let v = plain(AckCode::Reject, "unknown_sender", Hl7Error::Application,
                "the connection does not match any configured sender (network or client certificate)".into());
            return done(v, facts, None, None);
        };
        if !self.take_token(sender, now_ms) {
            let v = plain(
                AckCode::Error,
                "rate_limit",
                Hl7Error::Application,
                format!(
                    "sender {:?} is over its limit of {} messages per minute",
                    self.senders[sender].name, self.limits.max_messages_per_minute
                ),
            );
            // Parsed only so the ACK can name the message (MSA-2) and the log its id.
            let msg = Message::parse_bytes(payload).ok().map(std::sync::Arc::new);
            if let Some(m) = &msg {
                facts.message_type = Some(m.message_type());
                facts.msh10 = Some(m.control_id().into_owned()).filter(|c| !c.is_empty());
            }
            return done(v, facts, msg, None);
        }
        let msg = match Message::parse_bytes(payload) {
            Ok(m) => std::sync::Arc::new(m),
            Err(e) => {
                let v = plain(
                    AckCode::Reject,
                    "hl7_parse",
                    Hl7Error::SegmentSequence,
                    e.to_string(),
                );
                return done(v, facts, None, None);
            }
        };
        let mtype = msg.message_type();
        let is_pcd03 = mtype == "RGV^O15";
        facts.message_type = Some(mtype.clone());
        let control = msg.control_id().into_owned();
        facts.msh10 = (!control.is_empty()).then(|| control.clone());
        let with_pcd = |mut r: Rejection| {
            if is_pcd03 && r.pcd_error.is_none() {
                r.pcd_error = Some(PcdError::Other);
            }
            r
        };
        let s = &self.senders[sender];
        if !s.message_types.contains(&mtype) {
            let r = Rejection {
                ack: AckCode::Reject,
                rule: "message_type_not_allowed",
                hl7_error: Hl7Error::UnsupportedMessageType,
                pcd_error: None,
                location: Some(("MSH", 9)),
                reason: format!("sender {:?} may not send {mtype} messages", s.name),
            };
            return done(Verdict::Reject(with_pcd(r)), facts, Some(msg), None);
        }
        if control.is_empty() {
            let r = Rejection {
                ack: AckCode::Reject,
                rule: "msh10_missing",
                hl7_error: Hl7Error::RequiredFieldMissing,
                pcd_error: None,
                location: Some(("MSH", 10)),
                reason: "MSH-10 (message control id) is missing".into(),
            };
            return done(Verdict::Reject(with_pcd(r)), facts, Some(msg), None);
        }
        let now = now_ms.div_euclid(1000);
        let mut warnings = Vec::new();
        let program = if is_pcd03 {
            match self.check_pcd03(&msg, now, &mut facts, &mut warnings) {
                Ok(p) => Some(p),
                Err(r) => {
                    // Still remember MSH-10, so a replay is named as such.
                    let key = self.remember_msh10(sender, &msg, now).ok();
                    return done(Verdict::Reject(r), facts, Some(msg), key);
                }
            }
        } else {
            None
        };
        let key = match self.remember_msh10(sender, &msg, now) {
            Ok(k) => k,
            Err(r) => return done(Verdict::Reject(with_pcd(r)), facts, Some(msg), None),
        };
        if let Some(p) = program
            && let Err(r) = self.check_order(&p, now)
        {
            return done(Verdict::Reject(r), facts, Some(msg), Some(key));
        }
        done(Verdict::Forward { warnings }, facts, Some(msg), Some(key))
    }

    /// Remembers `(sender name, MSH-10, Unix time)` seen before a restart (read back
    /// from the audit log), so a replay right after a restart is still caught. Returns
    /// how many were restored.
    pub fn restore_msh10(&self, seen: impl IntoIterator<Item = (String, String, i64)>) -> usize {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut n = 0;
        for (sender, msh10, at) in seen {
            if st.msh10_order.len() >= MSH10_CAPACITY {
                break;
            }
            let key = (sender, msh10);
            st.msh10.insert(key.clone(), at);
            st.msh10_order.push_back((key, at));
            n += 1;
        }
        n
    }

    /// Forgets a remembered MSH-10: the gateway never received the message, so the
    /// sender may retransmit it unchanged.
    pub fn forget_msh10(&self, key: &(String, String)) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.msh10.remove(key);
    }

    fn take_token(&self, sender: SenderId, now_ms: i64) -> bool {
        let cap = f64::from(self.limits.max_messages_per_minute);
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let b = st.buckets.entry(sender).or_insert(Bucket {
            tokens: cap,
            at_ms: now_ms,
        });
        let elapsed = (now_ms - b.at_ms).max(0) as f64 / 60_000.0;
        b.tokens = (b.tokens + elapsed * cap).min(cap);
        b.at_ms = b.at_ms.max(now_ms);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn remember_msh10(&self, sender: SenderId, msg: &Message, now: i64) -> Check<(String, String)> {
        // MSH-10 is unique per sending application (Vol. 2 B.1); the configured sender
        // name is the authenticated identity, so the key is (sender, MSH-10).
        let key = (
            self.senders[sender].name.clone(),
            msg.control_id().into_owned(),
        );
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while let Some((k, t)) = st.msh10_order.front() {
            if *t > now - MSH10_WINDOW_SECS && st.msh10_order.len() < MSH10_CAPACITY {
                break;
            }
            let (k, t) = (k.clone(), *t);
            if st.msh10.get(&k) == Some(&t) {
                st.msh10.remove(&k);
            }
            st.msh10_order.pop_front();
        }
        if st.msh10.contains_key(&key) {
            return Err(Rejection {
                ack: AckCode::Reject,
                rule: "msh10_replay",
                hl7_error: Hl7Error::DuplicateKey,
                pcd_error: None,
                location: Some(("MSH", 10)),
                reason: format!("MSH-10 {:?} was already received from this sender", key.1),
            });
        }
        st.msh10.insert(key.clone(), now);
        st.msh10_order.push_back((key.clone(), now));
        Ok(key)
    }

    fn check_order(&self, p: &Program, now: i64) -> Check<()> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while let Some((k, t)) = st.order_order.front() {
            if *t > now - ORDER_WINDOW_SECS && st.order_order.len() < ORDER_CAPACITY {
                break;
            }
            let (k, t) = (k.clone(), *t);
            if st.orders.get(&k).is_some_and(|o| o.at == t) {
                st.orders.remove(&k);
            }
            st.order_order.pop_front();
        }
        let replay = |why: &str| {
            Err(reject(
                "orc2_replay",
                PcdError::Other,
                Hl7Error::DuplicateKey,
                Some(("ORC", 2)),
                format!("ORC-2 {:?} was already used {why}", p.orc2),
            ))
        };
        if let Some(old) = st.orders.get(&p.orc2) {
            if old.patient != p.patient || old.drug != p.drug {
                return replay("for another patient or drug");
            }
            if p.control == "RE" && old.program != p.digest {
                return replay(
                    "for a different program (a new bag needs a new order number; changes use ORC-1 XO)",
                );
            }
        }
        st.orders.insert(
            p.orc2.clone(),
            Order {
                patient: p.patient.clone(),
                drug: p.drug.clone(),
                program: p.digest,
                at: now,
            },
        );
        st.order_order.push_back((p.orc2.clone(), now));
        Ok(())
    }

    /// The stateless IHE PCD-03 checks, in the order a pharmacist would read the order.
    fn check_pcd03(
        &self,
        msg: &Message,
        now: i64,
        facts: &mut MessageFacts,
        warnings: &mut Vec<String>,
    ) -> Check<Program> {
        // MSH-21: the PCD-03 profile, recognised by its OID only (Vol. 2 B.1).
        let profile = msg.msh().field(21);
        if profile.is_empty() {
            return Err(reject(
                "msh21_profile",
                PcdError::Other,
                Hl7Error::RequiredFieldMissing,
                Some(("MSH", 21)),
                format!("MSH-21 (message profile) is missing; PCD-03 needs {PCD03_PROFILE_OID}"),
            ));
        }
        if !profile
            .repetitions()
            .any(|r| r.component(3).value() == PCD03_PROFILE_OID)
        {
            return Err(reject(
                "msh21_profile",
                PcdError::Other,
                Hl7Error::TableValue,
                Some(("MSH", 21)),
                format!("MSH-21 does not name the PCD-03 profile {PCD03_PROFILE_OID}"),
            ));
        }
        let pid = msg.segment("PID").ok_or_else(|| {
            reject(
                "pid_missing",
                PcdError::PatientIdMissing,
                Hl7Error::SegmentSequence,
                Some(("PID", 3)),
                "PID segment is missing".into(),
            )
        })?;
        let patient = pid.field(3).component(1).value().into_owned();
        if patient.trim().is_empty() {
            return Err(reject(
                "pid_missing",
                PcdError::PatientIdMissing,
                Hl7Error::RequiredFieldMissing,
                Some(("PID", 3)),
                "PID-3 (patient identifier) is missing".into(),
            ));
        }
        let orc = msg
            .segment("ORC")
            .ok_or_else(|| missing("orc_missing", "ORC", 1, "ORC segment"))?;
        let control = orc.field(1).value().into_owned();
        if control.is_empty() {
            return Err(missing("orc1_order_control", "ORC", 1, "order control"));
        }
        if control != "RE" && control != "XO" {
            return Err(invalid(
                "orc1_order_control",
                "ORC",
                1,
                format!(
                    "ORC-1 is {control:?}; PCD-03 allows RE (new container) or XO (rate change)"
                ),
            ));
        }
        let orc2 = orc.field(2).component(1).value().into_owned();
        if orc2.trim().is_empty() {
            return Err(missing("orc2_missing", "ORC", 2, "placer order number"));
        }
        facts.orc2 = Some(orc2.clone());
        let orc9 = orc.field(9).value();
        if orc9.is_empty() {
            return Err(missing(
                "orc9_missing",
                "ORC",
                9,
                "date/time of transaction",
            ));
        }
        let started = parse_dtm(&orc9, self.limits.default_utc_offset)
            .map_err(|e| invalid("orc9_invalid", "ORC", 9, format!("ORC-9: {e}")))?;
        let age = now - started;
        if age > self.limits.stale_order_seconds as i64 {
            return Err(reject(
                "stale_order",
                PcdError::Stale,
                Hl7Error::Application,
                Some(("ORC", 9)),
                format!(
                    "ORC-9 is {age} s old; programs older than {} s are refused",
                    self.limits.stale_order_seconds
                ),
            ));
        }
        if -age > self.limits.max_clock_skew_seconds as i64 {
            return Err(invalid(
                "orc9_invalid",
                "ORC",
                9,
                format!(
                    "ORC-9 is {} s in the future (allowed clock skew {} s)",
                    -age, self.limits.max_clock_skew_seconds
                ),
            ));
        }
        let rxg = msg
            .segment("RXG")
            .ok_or_else(|| missing("rxg_missing", "RXG", 4, "RXG segment"))?;
        let code = rxg.field(4).component(1).value().into_owned();
        if code.trim().is_empty() {
            return Err(missing("rxg4_missing", "RXG", 4, "give code"));
        }
        facts.drug = Some(code.clone());
        let drug = self.find_drug(msg, &code)?;
        facts.drug = Some(format!("{code} {}", drug.name));
        facts.library_unit = Some(drug.dose_unit.to_string());

        // Volume to be infused.
        let vtbi_raw = rxg.field(5).value();
        let pump_type = msg
            .segment("RXR")
            .map(|r| {
                let f = r.field(3);
                let c1 = f.component(1).value();
                if c1.is_empty() {
                    f.component(2).value().into_owned()
                } else {
                    c1.into_owned()
                }
            })
            .unwrap_or_default();
        if control == "XO" && !vtbi_raw.is_empty() {
            return Err(invalid(
                "xo_with_vtbi",
                "RXG",
                5,
                "RXG-5 (VTBI) must be empty when ORC-1 is XO".into(),
            ));
        }
        if !vtbi_raw.is_empty() {
            let v = number(&vtbi_raw).ok_or_else(|| {
                invalid(
                    "vtbi_invalid",
                    "RXG",
                    5,
                    format!("RXG-5 {vtbi_raw:?} is not a positive number"),
                )
            })?;
            let unit = cwe_unit(rxg.field(7)).map_err(|e| {
                reject(
                    "vtbi_units",
                    PcdError::InvalidUnits,
                    Hl7Error::DataType,
                    Some(("RXG", 7)),
                    format!("RXG-7: {e}"),
                )
            })?;
            let Some(unit) = unit else {
                return Err(missing("vtbi_units", "RXG", 7, "give units"));
            };
            if unit.kind != crate::units::AmountKind::Volume
                || unit.is_rate()
                || unit.per_body != PerBody::None
            {
                return Err(reject(
                    "vtbi_units",
                    PcdError::InvalidUnits,
                    Hl7Error::DataType,
                    Some(("RXG", 7)),
                    format!("RXG-7 is {unit}; VTBI must be a volume (mL)"),
                ));
            }
            let ml = v * unit.to_base;
            facts.vtbi_ml = Some(ml);
            if ml <= 0.0 {
                return Err(invalid(
                    "vtbi_invalid",
                    "RXG",
                    5,
                    "RXG-5 (VTBI) must be above 0".into(),
                ));
            }
            if ml > drug.max_vtbi_ml {
                return Err(reject(
                    "vtbi_max",
                    PcdError::ExceedsMaximum,
                    Hl7Error::Application,
                    Some(("RXG", 5)),
                    format!(
                        "VTBI {ml} mL exceeds the maximum of {} mL for {}",
                        drug.max_vtbi_ml, drug.name
                    ),
                ));
            }
        } else if control == "RE"
            && pump_type != "PCA"
            && pump_type != "SYR"
            && msg.segment("TQ1").is_none()
        {
            return Err(missing("vtbi_missing", "RXG", 5, "volume to be infused"));
        }

        // Concentration (RXG-17/18 over RXG-23/24).
        let conc = concentration(&rxg)?;
        if !drug.concentrations.is_empty() {
            let Some(c) = conc else {
                return Err(missing(
                    "concentration_missing",
                    "RXG",
                    17,
                    "give strength; the library entry is concentration-specific",
                ));
            };
            if !drug.concentrations.iter().any(|a| a.same_as(&c)) {
                return Err(reject(
                    "concentration_mismatch",
                    PcdError::LibraryMismatch,
                    Hl7Error::Application,
                    Some(("RXG", 17)),
                    format!(
                        "concentration {c} is not one the library allows for {}",
                        drug.name
                    ),
                ));
            }
        }

        // Rate or dose rate.
        let rate_raw = rxg.field(15).value();
        let mut digest_rate = String::new();
        if rate_raw.is_empty() {
            if pump_type != "PCA" {
                return Err(missing("rate_missing", "RXG", 15, "give rate amount"));
            }
        } else {
            let value = number(&rate_raw).ok_or_else(|| {
                invalid(
                    "rate_invalid",
                    "RXG",
                    15,
                    format!("RXG-15 {rate_raw:?} is not a number"),
                )
            })?;
            let unit = cwe_unit(rxg.field(16))
                .map_err(|e| {
                    reject(
                        "rate_units",
                        PcdError::InvalidUnits,
                        Hl7Error::DataType,
                        Some(("RXG", 16)),
                        format!("RXG-16: {e}"),
                    )
                })?
                .ok_or_else(|| missing("rate_units", "RXG", 16, "give rate units"))?;
            facts.rate = Some(value);
            facts.rate_unit = Some(unit.to_string());
            digest_rate = format!("{value}{unit}");
            let (value, unit) = if unit.is_rate() {
                (value, unit)
            } else {
                per_duration(msg, value, unit)?
            };
            let body = patient_facts(msg)?;
            // A weight- or BSA-based dose needs the patient's size even when both sides
            // share the unit: the pump computes the rate from it (IHE PCD 9019, 9027).
            let per = [unit.per_body, drug.dose_unit.per_body];
            if per.contains(&PerBody::Kg) && body.0.is_none() {
                return Err(reject(
                    "weight_missing",
                    PcdError::WeightMissing,
                    Hl7Error::RequiredFieldMissing,
                    Some(("OBX", 5)),
                    format!(
                        "{} is dosed by weight and no MDC_ATTR_PT_WEIGHT OBX is present",
                        drug.name
                    ),
                ));
            }
            if per.contains(&PerBody::SquareMetre) && body.1.is_none() {
                return Err(reject(
                    "bsa_missing",
                    PcdError::BsaMissing,
                    Hl7Error::RequiredFieldMissing,
                    Some(("OBX", 5)),
                    format!(
                        "{} is dosed by body surface area and no MDC_AREA_BODY_SURF_ACTUAL OBX is present",
                        drug.name
                    ),
                ));
            }
            let f = Facts {
                weight_kg: body.0,
                bsa_m2: body.1,
                concentration: conc,
            };
            let converted = convert(value, &unit, &drug.dose_unit, &f).map_err(|e| {
                let (rule, pcd, at) = match &e {
                    ConvertError::NeedsWeight { .. } => {
                        ("weight_missing", PcdError::WeightMissing, ("OBX", 5))
                    }
                    ConvertError::NeedsBsa { .. } => {
                        ("bsa_missing", PcdError::BsaMissing, ("OBX", 5))
                    }
                    ConvertError::NeedsConcentration { .. } => (
                        "concentration_missing",
                        PcdError::MissingParameter,
                        ("RXG", 17),
                    ),
                    ConvertError::ConcentrationKind { .. } => {
                        ("concentration_units", PcdError::InvalidUnits, ("RXG", 18))
                    }
                    _ => ("units_mismatch", PcdError::UnitsMismatch, ("RXG", 16)),
                };
                reject(
                    rule,
                    pcd,
                    Hl7Error::Application,
                    Some(at),
                    format!("{e} (library unit for {})", drug.name),
                )
            })?;
            facts.library_rate = Some(converted);
            let u = &drug.dose_unit;
            if converted > drug.hard_max {
                return Err(reject(
                    "drug_hard_limit",
                    PcdError::HardLimit,
                    Hl7Error::Application,
                    Some(("RXG", 15)),
                    format!(
                        "{} {converted:.4} {u} is above the hard maximum {} {u}",
                        drug.name, drug.hard_max
                    ),
                ));
            }
            if converted < drug.hard_min {
                return Err(reject(
                    "drug_hard_limit",
                    PcdError::HardLimit,
                    Hl7Error::Application,
                    Some(("RXG", 15)),
                    format!(
                        "{} {converted:.4} {u} is below the hard minimum {} {u}",
                        drug.name, drug.hard_min
                    ),
                ));
            }
            if let Some(max) = drug.soft_max
                && converted > max
            {
                warnings.push(format!(
                    "soft_max: {} {converted:.4} {u} is above the soft maximum {max} {u}",
                    drug.name
                ));
            }
            if let Some(min) = drug.soft_min
                && converted < min
            {
                warnings.push(format!(
                    "soft_min: {} {converted:.4} {u} is below the soft minimum {min} {u}",
                    drug.name
                ));
            }
        }
        let mut h = Sha256::new();
        for part in [
            code.as_str(),
            &patient,
            &vtbi_raw,
            &digest_rate,
            &conc.map(|c| c.to_string()).unwrap_or_default(),
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        Ok(Program {
            control,
            orc2,
            patient,
            drug: code,
            digest: h.finalize().into(),
        })
    }

    fn find_drug(&self, msg: &Message, code: &str) -> Check<&Drug> {
        let entries: Vec<&Drug> = self.drugs.iter().filter(|d| d.code == code).collect();
        if entries.is_empty() {
            return Err(reject(
                "drug_unknown",
                PcdError::UnknownMedication,
                Hl7Error::Application,
                Some(("RXG", 4)),
                format!("give code {code:?} is not in the drug library"),
            ));
        }
        let area = msg
            .segment("PV1")
            .map(|p| p.field(3).component(1).value().into_owned())
            .unwrap_or_default();
        if let Some(d) = entries
            .iter()
            .find(|d| !area.is_empty() && d.care_areas.iter().any(|a| a == &area))
        {
            return Ok(d);
        }
        if let Some(d) = entries.iter().find(|d| d.care_areas.is_empty()) {
            return Ok(d);
        }
        if area.is_empty() {
            return Err(reject(
                "care_area_missing",
                PcdError::CareAreaMissing,
                Hl7Error::RequiredFieldMissing,
                Some(("PV1", 3)),
                format!(
                    "{} is limited to care areas and PV1-3.1 (assigned location) is missing",
                    entries[0].name
                ),
            ));
        }
        Err(reject(
            "care_area_mismatch",
            PcdError::CareAreaMismatch,
            Hl7Error::Application,
            Some(("PV1", 3)),
            format!(
                "{} is not in the library for care area {area:?}",
                entries[0].name
            ),
        ))
    }
}

/// Certificate subject match: the full subject (spaces after commas ignored) or just
/// `CN=<name>`.
fn subject_matches(want: &str, have: &str) -> bool {
    let norm = |s: &str| {
        s.split(',')
            .map(|p| p.trim().to_string())
            .collect::<Vec<_>>()
    };
    let (w, h) = (norm(want), norm(have));
    w == h || (w.len() == 1 && w[0].starts_with("CN=") && h.contains(&w[0]))
}

/// A plain decimal number (HL7 NM): digits with an optional sign and point.
fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if body.is_empty()
        || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || body.matches('.').count() > 1
        || body == "."
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The unit a CWE field names, looking at identifier, text, alternate identifier and
/// alternate text of every repetition. Components that are not units (local codes)
/// are ignored; components that name *different* units are an error.
fn cwe_unit(f: Field<'_>) -> Result<Option<Unit>, String> {
    let mut found: Option<Unit> = None;
    let mut seen_any = false;
    for rep in f.repetitions() {
        for c in [1, 2, 4, 5] {
            let v = rep.component(c).value();
            let v = v.trim();
            if v.is_empty() || v == "MDC" || v == "UCUM" {
                continue;
            }
            seen_any = true;
            if let Some(u) = parse_unit(v) {
                match found {
                    Some(prev) if prev != u => {
                        return Err(format!("names two different units, {prev} and {u}"));
                    }
                    _ => found = Some(u),
                }
            }
        }
    }
    if seen_any && found.is_none() {
        return Err(format!("unknown unit {:?}", f.text()));
    }
    Ok(found)
}

fn concentration(rxg: &Segment<'_>) -> Check<Option<Concentration>> {
    let parts = [
        (17u8, "give strength"),
        (18, "give strength units"),
        (23, "give drug strength volume"),
        (24, "give drug strength volume units"),
    ];
    let present: Vec<bool> = parts
        .iter()
        .map(|(n, _)| !rxg.field(usize::from(*n)).is_empty())
        .collect();
    if present.iter().all(|p| !p) {
        return Ok(None);
    }
    if let Some(i) = present.iter().position(|p| !p) {
        return Err(missing(
            "concentration_incomplete",
            "RXG",
            parts[i].0,
            parts[i].1,
        ));
    }
    let amount = number(&rxg.field(17).value())
        .filter(|v| *v > 0.0)
        .ok_or_else(|| {
            invalid(
                "concentration_invalid",
                "RXG",
                17,
                "RXG-17 (give strength) is not a positive number".into(),
            )
        })?;
    let volume = number(&rxg.field(23).value())
        .filter(|v| *v > 0.0)
        .ok_or_else(|| {
            invalid(
                "concentration_invalid",
                "RXG",
                23,
                "RXG-23 (give drug strength volume) is not a positive number".into(),
            )
        })?;
    let bad_units = |n: u8, e: String| {
        reject(
            "concentration_units",
            PcdError::InvalidUnits,
            Hl7Error::DataType,
            Some(("RXG", n)),
            format!("RXG-{n}: {e}"),
        )
    };
    let au = cwe_unit(rxg.field(18))
        .map_err(|e| bad_units(18, e))?
        .ok_or_else(|| bad_units(18, "no unit".into()))?;
    let vu = cwe_unit(rxg.field(24))
        .map_err(|e| bad_units(24, e))?
        .ok_or_else(|| bad_units(24, "no unit".into()))?;
    use crate::units::AmountKind::Volume;
    if au.is_rate() || au.per_body != PerBody::None || au.kind == Volume {
        return Err(bad_units(18, format!("{au} is not a drug amount unit")));
    }
    if vu.is_rate() || vu.per_body != PerBody::None || vu.kind != Volume {
        return Err(bad_units(24, format!("{vu} is not a volume unit (mL)")));
    }
    Ok(Some(Concentration {
        kind: au.kind,
        amount: amount * au.to_base,
        volume_ml: volume * vu.to_base,
    }))
}

/// Turns a dose (RXG-16 without time, e.g. `g`) into a rate over the TQ1-13 duration.
fn per_duration(msg: &Message, dose: f64, unit: Unit) -> Check<(f64, Unit)> {
    let tq1 = msg.segment("TQ1").ok_or_else(|| {
        missing(
            "duration_missing",
            "TQ1",
            13,
            "occurrence duration; RXG-16 is a dose, not a rate",
        )
    })?;
    let mut hours = 0.0;
    for rep in tq1.field(13).repetitions() {
        if rep.is_empty() {
            continue;
        }
        let q = number(&rep.component(1).value()).ok_or_else(|| {
            invalid(
                "duration_invalid",
                "TQ1",
                13,
                "TQ1-13 quantity is not a number".into(),
            )
        })?;
        let u = rep.component(2);
        let per_hour = [u.subcomponent(1).value(), u.subcomponent(2).value()]
            .iter()
            .find_map(|s| match s.as_ref() {
                "264384" | "MDC_DIM_HR" | "h" | "hr" => Some(1.0),
                "264352" | "MDC_DIM_MIN" | "min" => Some(60.0),
                "264320" | "MDC_DIM_X_SEC" | "s" => Some(3600.0),
                _ => None,
            })
            .ok_or_else(|| reject("duration_units", PcdError::InvalidUnits, Hl7Error::DataType, Some(("TQ1", 13)),
                "TQ1-13 units must be hours, minutes or seconds (MDC_DIM_HR, MDC_DIM_MIN, MDC_DIM_X_SEC)".into()))?;
        hours += q / per_hour;
    }
    if hours <= 0.0 {
        return Err(missing(
            "duration_missing",
            "TQ1",
            13,
            "occurrence duration",
        ));
    }
    let rate_unit = parse_unit(&format!("{unit}/h")).ok_or_else(|| {
        reject(
            "rate_units",
            PcdError::InvalidUnits,
            Hl7Error::DataType,
            Some(("RXG", 16)),
            format!("RXG-16 {unit} cannot be given over a duration"),
        )
    })?;
    Ok((dose / hours, rate_unit))
}

/// Patient weight (kg) and body surface area (m²) from the OBX segments.
fn patient_facts(msg: &Message) -> Check<(Option<f64>, Option<f64>)> {
    let mut weight = None;
    let mut bsa = None;
    for obx in msg.segments_named("OBX") {
        let id = obx.field(3);
        let is = |code: &str, name: &str| {
            let c1 = id.component(1).value();
            let c2 = id.component(2).value();
            c1 == code || c2 == name
        };
        if is("68063", "MDC_ATTR_PT_WEIGHT") {
            let v = number(&obx.field(5).value())
                .filter(|v| *v > 0.0)
                .ok_or_else(|| {
                    invalid(
                        "weight_invalid",
                        "OBX",
                        5,
                        "patient weight is not a positive number".into(),
                    )
                })?;
            let u = cwe_unit(obx.field(6))
                .ok()
                .flatten()
                .filter(|u| {
                    u.kind == crate::units::AmountKind::Mass
                        && !u.is_rate()
                        && u.per_body == PerBody::None
                })
                .ok_or_else(|| {
                    reject(
                        "weight_units",
                        PcdError::InvalidUnits,
                        Hl7Error::DataType,
                        Some(("OBX", 6)),
                        "patient weight units must be kg or g".into(),
                    )
                })?;
            let kg = v * u.to_base / 1e6;
            if kg > 700.0 {
                return Err(invalid(
                    "weight_invalid",
                    "OBX",
                    5,
                    "patient weight is not plausible (over 700 kg)".to_string(),
                ));
            }
            weight = Some(kg);
        } else if is("188744", "MDC_AREA_BODY_SURF_ACTUAL") {
            let v = number(&obx.field(5).value())
                .filter(|v| *v > 0.0 && *v < 5.0)
                .ok_or_else(|| {
                    invalid(
                        "bsa_invalid",
                        "OBX",
                        5,
                        "body surface area is not a plausible number of m2".into(),
                    )
                })?;
            let unit_ok = (1..=5).any(|c| {
                matches!(
                    obx.field(6).component(c).value().as_ref(),
                    "m2" | "263616" | "MDC_DIM_SQ_X_M" | "m^2"
                )
            });
            if !unit_ok {
                return Err(reject(
                    "bsa_units",
                    PcdError::InvalidUnits,
                    Hl7Error::DataType,
                    Some(("OBX", 6)),
                    "body surface area units must be m2".into(),
                ));
            }
            bsa = Some(v);
        }
    }
    Ok((weight, bsa))
}

#[cfg(test)]
impl Policy {
    fn with_default_offset(mut self, secs: i64) -> Policy {
        self.limits.default_utc_offset = Some(secs);
        self
    }

    fn with_rate(mut self, per_minute: u32) -> Policy {
        self.limits.max_messages_per_minute = per_minute;
        self
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
