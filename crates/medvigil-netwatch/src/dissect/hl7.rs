//! HL7 v2 over MLLP (HL7 v2.x Implementation Guide, appendix C: `0x0B` message `0x1C 0x0D`).
//!
//! Streaming and bounded: only the MSH segment (up to [`MAX_MSH`] bytes) and a short
//! window of each segment's start are kept. PID segments are detected and the *kinds* of
//! patient data they carry are noted (which fields are non-empty); their contents are never
//! copied.

use super::{Event, clean};

/// Longest MSH segment kept; real ones are under 300 bytes.
pub const MAX_MSH: usize = 2048;
/// Longest PID segment examined for which fields are filled.
const MAX_PID: usize = 4096;

/// Which PID fields carried data (never the data itself).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PidFields {
    /// PID-3 patient identifier list (MRN).
    pub identifier: bool,
    /// PID-5 patient name.
    pub name: bool,
    /// PID-7 date of birth.
    pub birth_date: bool,
    /// PID-11 address.
    pub address: bool,
    /// PID-13/14 phone numbers.
    pub phone: bool,
    /// PID-19 social security number.
    pub ssn: bool,
}

impl PidFields {
    /// Human names of the kinds present, e.g. `["patient identifier (PID-3)", ...]`.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        for (on, name) in [
            (self.identifier, "patient identifier (PID-3)"),
            (self.name, "patient name (PID-5)"),
            (self.birth_date, "date of birth (PID-7)"),
            (self.address, "address (PID-11)"),
            (self.phone, "phone number (PID-13/14)"),
            (self.ssn, "social security number (PID-19)"),
        ] {
            if on {
                v.push(name);
            }
        }
        v
    }

    fn merge(&mut self, o: PidFields) {
        self.identifier |= o.identifier;
        self.name |= o.name;
        self.birth_date |= o.birth_date;
        self.address |= o.address;
        self.phone |= o.phone;
        self.ssn |= o.ssn;
    }
}

/// One HL7 message's header, as seen on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hl7Message {
    /// MSH-3 sending application.
    pub sending_application: String,
    /// MSH-4 sending facility.
    pub sending_facility: String,
    /// MSH-5 receiving application.
    pub receiving_application: String,
    /// MSH-6 receiving facility.
    pub receiving_facility: String,
    /// MSH-9.1 message type (`ORU`).
    pub message_type: String,
    /// MSH-9.2 trigger event (`R01`).
    pub trigger: String,
    /// MSH-12 version id.
    pub version: String,
    /// The IHE PCD transaction recognised (`PCD-01`, `PCD-03`, ...).
    pub ihe_profile: Option<&'static str>,
    /// A PID segment was present: patient data travelled in this message.
    pub pid: Option<PidFields>,
}

#[derive(Debug, Default)]
enum State {
    /// Looking for the start block `0x0B`.
    #[default]
    Seek,
    /// Inside a message.
    Msg,
}

/// One direction of an MLLP connection.
#[derive(Debug, Default)]
pub struct MllpStream {
    state: State,
    msh: Vec<u8>,
    /// `true` while the current segment is the first one (MSH).
    in_msh: bool,
    /// The current segment's first bytes (to recognise `PID|`).
    seg_head: Vec<u8>,
    in_pid: bool,
    pid: Vec<u8>,
    pid_fields: Option<PidFields>,
    /// Byte before the current one was `0x1C` (end block).
    saw_fs: bool,
}

impl MllpStream {
    /// Feeds bytes; completed messages become events.
    pub fn feed(&mut self, data: &[u8], events: &mut Vec<Event>, dir: usize) {
        for &b in data {
            match self.state {
                State::Seek => {
                    if b == 0x0b {
                        self.start();
                    }
                }
                State::Msg => self.byte(b, events, dir),
            }
        }
    }

    /// Bytes held in buffers (for the analyser's global decoder budget).
    pub fn buffered(&self) -> usize {
        self.msh.capacity() + self.seg_head.capacity() + self.pid.capacity()
    }

    /// Bytes were lost: drop the message in progress and look for the next start block.
    pub fn gap(&mut self) {
        self.state = State::Seek;
    }

    fn start(&mut self) {
        self.state = State::Msg;
        self.msh.clear();
        self.in_msh = true;
        self.seg_head.clear();
        self.in_pid = false;
        self.pid.clear();
        self.pid_fields = None;
        self.saw_fs = false;
    }

    fn byte(&mut self, b: u8, events: &mut Vec<Event>, dir: usize) {
        if b == 0x1c {
            self.saw_fs = true;
            self.end_segment();
            self.finish(events, dir);
            self.state = State::Seek;
            return;
        }
        if b == 0x0b {
            // A new start block without an end: the previous message was cut; restart.
            self.start();
            return;
        }
        if b == b'\r' || b == b'\n' {
            self.end_segment();
            return;
        }
        if self.in_msh {
            if self.msh.len() < MAX_MSH {
                self.msh.push(b);
            }
            return;
        }
        if self.seg_head.len() < 4 {
            self.seg_head.push(b);
            if self.seg_head.len() == 4 && &self.seg_head[..3] == b"PID" {
                self.in_pid = true;
                self.pid.clear();
                self.pid.extend_from_slice(&self.seg_head);
            }
            return;
        }
        if self.in_pid && self.pid.len() < MAX_PID {
            self.pid.push(b);
        }
    }

    fn end_segment(&mut self) {
        if self.in_msh && !self.msh.is_empty() {
            self.in_msh = false;
        }
        if self.in_pid {
            let f = pid_fields(&self.pid);
            self.pid_fields
                .get_or_insert_with(PidFields::default)
                .merge(f);
            self.in_pid = false;
            self.pid.clear();
        }
        self.seg_head.clear();
    }

    fn finish(&mut self, events: &mut Vec<Event>, dir: usize) {
        match parse_msh(&self.msh) {
            Some(mut m) => {
                m.pid = self.pid_fields;
                events.push(Event::Hl7 { dir, msg: m });
            }
            None => events.push(Event::Malformed("hl7_message_without_msh")),
        }
    }
}

/// Which PID fields are non-empty. `seg` starts with `PID` and its field separator.
fn pid_fields(seg: &[u8]) -> PidFields {
    let Some(&sep) = seg.get(3) else {
        return PidFields::default();
    };
    let filled = |n: usize| {
        seg.split(|&c| c == sep)
            .nth(n)
            .is_some_and(|f| f.iter().any(|&c| c != b' ' && c != b'^' && c != b'"'))
    };
    PidFields {
        identifier: filled(3) || filled(2),
        name: filled(5),
        birth_date: filled(7),
        address: filled(11),
        phone: filled(13) || filled(14),
        ssn: filled(19),
    }
}

/// Parses an MSH segment (`MSH|^~\&|...`).
pub fn parse_msh(msh: &[u8]) -> Option<Hl7Message> {
    if msh.len() < 8 || &msh[..3] != b"MSH" {
        return None;
    }
    let sep = msh[3];
    let comp = *msh.get(4).unwrap_or(&b'^');
    // fields[0] = "MSH", fields[1] = MSH-2 (encoding characters), fields[n] = MSH-(n+1).
    let fields: Vec<&[u8]> = msh.split(|&c| c == sep).collect();
    let f = |n: usize| fields.get(n - 1).copied().unwrap_or(b"");
    let msh9 = f(9);
    let mut parts = msh9.split(|&c| c == comp);
    let message_type = clean(parts.next().unwrap_or(b""));
    let trigger = clean(parts.next().unwrap_or(b""));
    let profile_field = String::from_utf8_lossy(f(21)).to_string();
    let ihe_profile = ihe_profile(&message_type, &trigger, &profile_field);
    Some(Hl7Message {
        sending_application: clean(f(3)),
        sending_facility: clean(f(4)),
        receiving_application: clean(f(5)),
        receiving_facility: clean(f(6)),
        message_type,
        trigger,
        version: clean(f(12)),
        ihe_profile,
        pid: None,
    })
}

/// IHE PCD transactions by MSH-21 profile OID (PCD TF vol. 2, "MSH-21 Message Profile
/// Identifier"), falling back to the message type for senders that leave MSH-21 empty.
fn ihe_profile(message_type: &str, trigger: &str, msh21: &str) -> Option<&'static str> {
    const OIDS: &[(&str, &str)] = &[
        ("1.3.6.1.4.1.19376.1.6.1.1.1", "PCD-01"),
        ("1.3.6.1.4.1.19376.1.6.1.2.1", "PCD-02"),
        ("1.3.6.1.4.1.19376.1.6.1.3.1", "PCD-03"),
        ("1.3.6.1.4.1.19376.1.6.1.4.1", "PCD-04"),
        ("1.3.6.1.4.1.19376.1.6.1.5.1", "PCD-05"),
        ("1.3.6.1.4.1.19376.1.6.1.6.1", "PCD-06"),
        ("1.3.6.1.4.1.19376.1.6.1.7.1", "PCD-07"),
    ];
    for (oid, name) in OIDS {
        if msh21.contains(oid) {
            return Some(name);
        }
    }
    match (message_type, trigger) {
        ("RGV", "O15") => Some("PCD-03"),
        ("ORU", "R01") if msh21.contains("IHE_PCD_001") || msh21.contains("IHE PCD") => {
            Some("PCD-01")
        }
        ("ORU", "R40") if msh21.contains("IHE PCD") => Some("PCD-04"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PCD01: &[u8] = b"\x0bMSH|^~\\&|PAT_DEVICE_PHILIPS|Philips|EMR|Hosp|20150122182658+0000||ORU^R01^ORU_R01|HP01|P|2.6|||AL|NE||8859/1|EN^English^ISO639||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\rPID|||HO2009001^^^^MR||Hon^Albert^^^^^L||19610101|M\rOBX|1|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.1.1.5|117\r\x1c\r";

    fn msgs(chunks: &[&[u8]]) -> Vec<Hl7Message> {
        let mut s = MllpStream::default();
        let mut ev = Vec::new();
        for c in chunks {
            s.feed(c, &mut ev, 0);
        }
        ev.into_iter()
            .filter_map(|e| match e {
                Event::Hl7 { msg, .. } => Some(msg),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn pcd01_with_pid_split_anywhere() {
        for cut in 0..PCD01.len() {
            let m = msgs(&[&PCD01[..cut], &PCD01[cut..]]);
            assert_eq!(m.len(), 1, "cut at {cut}");
            let m = &m[0];
            assert_eq!(m.sending_application, "PAT_DEVICE_PHILIPS");
            assert_eq!(m.receiving_facility, "Hosp");
            assert_eq!(
                (m.message_type.as_str(), m.trigger.as_str()),
                ("ORU", "R01")
            );
            assert_eq!(m.ihe_profile, Some("PCD-01"));
            assert_eq!(m.version, "2.6");
            let pid = m.pid.unwrap();
            assert!(pid.identifier && pid.name && pid.birth_date && !pid.ssn);
        }
    }

    #[test]
    fn debug_output_never_holds_patient_data() {
        let m = msgs(&[PCD01]);
        let dbg = format!("{m:?}");
        assert!(!dbg.contains("Albert") && !dbg.contains("HO2009001") && !dbg.contains("19610101"));
    }

    #[test]
    fn rgv_o15_is_pcd03_and_ack_has_no_pid() {
        let m = msgs(&[
            b"\x0bMSH|^~\\&|PHARM|HOSP|PUMPGW|ICU|2024||RGV^O15^RGV_O15|1|P|2.6\rRXG|1\r\x1c\r\x0bMSH|^~\\&|A|B|C|D|2024||ACK^O15|2|P|2.6\rMSA|AA|1\r\x1c\r",
        ]);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].ihe_profile, Some("PCD-03"));
        assert!(m[0].pid.is_none());
        assert_eq!(m[1].message_type, "ACK");
    }

    #[test]
    fn garbage_and_huge_messages_stay_bounded() {
        let mut s = MllpStream::default();
        let mut ev = Vec::new();
        s.feed(b"\x0bMSH|", &mut ev, 0);
        for _ in 0..1000 {
            s.feed(&[b'A'; 1000], &mut ev, 0);
        }
        assert!(s.msh.len() <= MAX_MSH);
        s.feed(b"\x1c\r\x0bnot hl7\x1c\r", &mut ev, 0);
        assert_eq!(ev.len(), 2);
    }
}
