//! DICOM upper layer (PS3.8 section 9.3): association negotiation and DIMSE commands.
//!
//! The decoder does no I/O and works on a stream: it keeps a PDU's bytes only for the
//! association PDUs (A-ASSOCIATE-RQ/AC/RJ, capped at [`MAX_ASSOC_PDU`] *before* anything is
//! buffered) and for command fragments of P-DATA-TF (capped at [`MAX_COMMAND`]); data set
//! fragments, such as pixel data, are skipped without copying. A PDU whose length field
//! lies beyond the caps makes the stream give up with an error event.

use super::{Event, clean};

/// The largest A-ASSOCIATE PDU we buffer. Real ones are a few KiB (128 presentation
/// contexts of ~100 bytes each stay under 16 KiB).
pub const MAX_ASSOC_PDU: u32 = 64 * 1024;
/// The largest DIMSE command set we buffer; commands are a few hundred bytes.
pub const MAX_COMMAND: usize = 16 * 1024;

/// An A-ASSOCIATE-RQ as proposed by the requestor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociateRq {
    /// Called AE title (the acceptor).
    pub called_ae: String,
    /// Calling AE title (the requestor).
    pub calling_ae: String,
    /// Implementation class UID (user information sub-item 0x52).
    pub implementation_class_uid: Option<String>,
    /// Implementation version name (sub-item 0x55).
    pub implementation_version: Option<String>,
    /// Proposed abstract syntaxes (SOP classes), in order, deduplicated.
    pub abstract_syntaxes: Vec<String>,
    /// SOP classes for which the requestor proposed to act as SCP (role selection 0x54).
    pub scp_role_proposed: Vec<String>,
}

/// An A-ASSOCIATE-AC from the acceptor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociateAc {
    /// Called AE title echoed back.
    pub called_ae: String,
    /// Calling AE title echoed back.
    pub calling_ae: String,
    /// Implementation class UID of the acceptor.
    pub implementation_class_uid: Option<String>,
    /// Implementation version name of the acceptor.
    pub implementation_version: Option<String>,
    /// Presentation contexts accepted.
    pub accepted: u32,
    /// Presentation contexts rejected.
    pub rejected: u32,
}

/// A DICOM upper-layer event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dicom {
    /// Association requested.
    AssociateRq(AssociateRq),
    /// Association accepted.
    AssociateAc(AssociateAc),
    /// Association rejected: result (1 permanent, 2 transient), source, reason.
    AssociateRj {
        /// 1 rejected-permanent, 2 rejected-transient.
        result: u8,
        /// 1 service user, 2 provider (ACSE), 3 provider (presentation).
        source: u8,
        /// Reason code.
        reason: u8,
    },
    /// A DIMSE command (`C-ECHO-RQ`, `C-STORE-RSP`, ...) with its affected SOP class.
    Command {
        /// Command name.
        name: &'static str,
        /// Affected SOP class UID (0000,0002), when present.
        sop_class: Option<String>,
        /// Status (0000,0900) of a response.
        status: Option<u16>,
    },
    /// A-RELEASE-RQ or -RP.
    Release,
    /// A-ABORT.
    Abort,
}

#[derive(Debug)]
enum State {
    /// Reading the 6-byte PDU header.
    Header,
    /// Buffering an association PDU body.
    Assoc { pdu_type: u8, len: u32 },
    /// Inside a P-DATA-TF body: `left` bytes remain of the PDU.
    PData { left: u32 },
    /// Skipping the rest of a PDU we do not decode.
    Skip { left: u32 },
    /// Gave up (hostile or non-DICOM input).
    Dead,
}

#[derive(Debug)]
enum Pdv {
    /// Reading a PDV item header (length 4, context id 1, control header 1).
    Header,
    /// `left` bytes of the item's value remain; `command` says whether to keep them.
    Body {
        left: u32,
        command: bool,
        last: bool,
    },
}

/// One direction of a DICOM association.
#[derive(Debug)]
pub struct DicomStream {
    state: State,
    head: Vec<u8>,
    body: Vec<u8>,
    pdv: Pdv,
    pdv_head: Vec<u8>,
    command: Vec<u8>,
}

impl Default for DicomStream {
    fn default() -> Self {
        DicomStream {
            state: State::Header,
            head: Vec::with_capacity(6),
            body: Vec::new(),
            pdv: Pdv::Header,
            pdv_head: Vec::with_capacity(6),
            command: Vec::new(),
        }
    }
}

impl DicomStream {
    /// Whether the stream gave up.
    pub fn is_dead(&self) -> bool {
        matches!(self.state, State::Dead)
    }

    /// Bytes held in buffers (for the analyser's global decoder budget).
    pub fn buffered(&self) -> usize {
        self.body.capacity()
            + self.command.capacity()
            + self.head.capacity()
            + self.pdv_head.capacity()
    }

    /// Bytes were lost: PDU boundaries are unknown from here on.
    pub fn gap(&mut self) {
        self.state = State::Dead;
    }

    /// Feeds bytes, pushing decoded events.
    pub fn feed(&mut self, mut data: &[u8], events: &mut Vec<Event>, dir: usize) {
        while !data.is_empty() {
            match self.state {
                State::Dead => return,
                State::Header => {
                    let take = (6 - self.head.len()).min(data.len());
                    self.head.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.head.len() < 6 {
                        return;
                    }
                    let pdu_type = self.head[0];
                    let len = u32::from_be_bytes([
                        self.head[2],
                        self.head[3],
                        self.head[4],
                        self.head[5],
                    ]);
                    self.head.clear();
                    self.state = match pdu_type {
                        1..=3 => {
                            if len > MAX_ASSOC_PDU {
                                events.push(Event::Malformed("dicom_pdu_length_exceeds_cap"));
                                State::Dead
                            } else {
                                self.body.clear();
                                State::Assoc { pdu_type, len }
                            }
                        }
                        4 => {
                            self.pdv = Pdv::Header;
                            self.pdv_head.clear();
                            State::PData { left: len }
                        }
                        5..=7 => {
                            events.push(Event::Dicom {
                                dir,
                                pdu: if pdu_type == 7 {
                                    Dicom::Abort
                                } else {
                                    Dicom::Release
                                },
                            });
                            State::Skip { left: len }
                        }
                        _ => {
                            events.push(Event::Malformed("dicom_unknown_pdu_type"));
                            State::Dead
                        }
                    };
                    if matches!(
                        self.state,
                        State::Assoc { len: 0, .. } | State::Skip { left: 0 }
                    ) {
                        self.state = State::Header;
                    }
                }
                State::Assoc { pdu_type, len } => {
                    let want = len as usize - self.body.len();
                    let take = want.min(data.len());
                    self.body.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.body.len() == len as usize {
                        match decode_assoc(pdu_type, &self.body) {
                            Some(pdu) => events.push(Event::Dicom { dir, pdu }),
                            None => events.push(Event::Malformed("dicom_associate_pdu_malformed")),
                        }
                        self.body = Vec::new();
                        self.state = State::Header;
                    }
                }
                State::Skip { left } => {
                    let take = (left as usize).min(data.len());
                    data = &data[take..];
                    let left = left - take as u32;
                    self.state = if left == 0 {
                        State::Header
                    } else {
                        State::Skip { left }
                    };
                }
                State::PData { left } => {
                    let take = (left as usize).min(data.len());
                    let (now, rest) = data.split_at(take);
                    data = rest;
                    self.pdata(now, events, dir);
                    let left = left - take as u32;
                    self.state = if left == 0 {
                        if !matches!(self.pdv, Pdv::Header) || !self.pdv_head.is_empty() {
                            // A PDV item claimed more bytes than its PDU holds.
                            events.push(Event::Malformed("dicom_pdv_overruns_pdu"));
                            self.pdv = Pdv::Header;
                            self.pdv_head.clear();
                        }
                        State::Header
                    } else {
                        State::PData { left }
                    };
                }
            }
        }
    }

    /// PDV items inside a P-DATA-TF PDU body.
    fn pdata(&mut self, mut data: &[u8], events: &mut Vec<Event>, dir: usize) {
        while !data.is_empty() {
            match self.pdv {
                Pdv::Header => {
                    let take = (6 - self.pdv_head.len()).min(data.len());
                    self.pdv_head.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.pdv_head.len() < 6 {
                        return;
                    }
                    let h = &self.pdv_head;
                    let item_len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
                    let control = h[5];
                    self.pdv_head.clear();
                    if item_len < 2 {
                        events.push(Event::Malformed("dicom_pdv_too_short"));
                        continue;
                    }
                    self.pdv = Pdv::Body {
                        left: item_len - 2,
                        command: control & 1 == 1,
                        last: control & 2 == 2,
                    };
                }
                Pdv::Body {
                    left,
                    command,
                    last,
                } => {
                    let take = (left as usize).min(data.len());
                    if command {
                        let room = MAX_COMMAND.saturating_sub(self.command.len());
                        self.command.extend_from_slice(&data[..take.min(room)]);
                    }
                    data = &data[take..];
                    let left = left - take as u32;
                    if left > 0 {
                        self.pdv = Pdv::Body {
                            left,
                            command,
                            last,
                        };
                        continue;
                    }
                    self.pdv = Pdv::Header;
                    if command && last {
                        match decode_command(&self.command) {
                            Some(pdu) => events.push(Event::Dicom { dir, pdu }),
                            None => events.push(Event::Malformed("dicom_command_malformed")),
                        }
                        self.command.clear();
                    }
                }
            }
        }
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Decodes an A-ASSOCIATE-RQ (1), -AC (2) or -RJ (3) body (after the 6-byte header).
pub fn decode_assoc(pdu_type: u8, body: &[u8]) -> Option<Dicom> {
    if pdu_type == 3 {
        let b = body.get(..4)?;
        return Some(Dicom::AssociateRj {
            result: b[1],
            source: b[2],
            reason: b[3],
        });
    }
    // protocol version(2) reserved(2) called AE(16) calling AE(16) reserved(32) items...
    if body.len() < 68 || be16(body, 0)? & 1 == 0 {
        return None;
    }
    let called_ae = clean(&body[4..20]);
    let calling_ae = clean(&body[20..36]);
    let mut rq = AssociateRq {
        called_ae: called_ae.clone(),
        calling_ae: calling_ae.clone(),
        ..Default::default()
    };
    let mut ac = AssociateAc {
        called_ae,
        calling_ae,
        ..Default::default()
    };
    for (ty, value) in items(&body[68..])? {
        match ty {
            0x20 => {
                // presentation context RQ: id(1) reserved(3) sub-items
                for (st, sv) in items(value.get(4..)?)? {
                    if st == 0x30 {
                        let uid = clean(sv);
                        if !rq.abstract_syntaxes.contains(&uid) && rq.abstract_syntaxes.len() < 256
                        {
                            rq.abstract_syntaxes.push(uid);
                        }
                    }
                }
            }
            0x21 => {
                // presentation context AC: id(1) reserved(1) result(1) reserved(1)
                if *value.get(2)? == 0 {
                    ac.accepted += 1;
                } else {
                    ac.rejected += 1;
                }
            }
            0x50 => {
                for (st, sv) in items(value)? {
                    match st {
                        0x52 => {
                            rq.implementation_class_uid = Some(clean(sv));
                            ac.implementation_class_uid = Some(clean(sv));
                        }
                        0x55 => {
                            rq.implementation_version = Some(clean(sv));
                            ac.implementation_version = Some(clean(sv));
                        }
                        0x54 => {
                            // uid length(2) uid scu-role(1) scp-role(1)
                            let n = usize::from(be16(sv, 0)?);
                            let uid = clean(sv.get(2..2 + n)?);
                            if *sv.get(3 + n)? == 1 && rq.scp_role_proposed.len() < 64 {
                                rq.scp_role_proposed.push(uid);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Some(if pdu_type == 1 {
        Dicom::AssociateRq(rq)
    } else {
        Dicom::AssociateAc(ac)
    })
}

/// Splits `type(1) reserved(1) length(2) value` items; `None` when a length overruns.
fn items(mut b: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let ty = b[0];
        let n = usize::from(be16(b, 2)?);
        let v = b.get(4..4 + n)?;
        out.push((ty, v));
        b = &b[4 + n..];
    }
    Some(out)
}

/// Decodes a DIMSE command set (group 0000, always implicit VR little endian, PS3.7 6.3.1).
pub fn decode_command(b: &[u8]) -> Option<Dicom> {
    let mut at = 0;
    let (mut field, mut sop, mut status) = (None, None, None);
    while at + 8 <= b.len() {
        let group = u16::from_le_bytes([b[at], b[at + 1]]);
        let elem = u16::from_le_bytes([b[at + 2], b[at + 3]]);
        let len = u32::from_le_bytes([b[at + 4], b[at + 5], b[at + 6], b[at + 7]]) as usize;
        let v = b.get(at + 8..(at + 8).checked_add(len)?)?;
        if group != 0 {
            return None;
        }
        match elem {
            0x0002 => sop = Some(clean(v)),
            0x0100 if v.len() >= 2 => field = Some(u16::from_le_bytes([v[0], v[1]])),
            0x0900 if v.len() >= 2 => status = Some(u16::from_le_bytes([v[0], v[1]])),
            _ => {}
        }
        at += 8 + len;
    }
    let name = match field? {
        0x0001 => "C-STORE-RQ",
        0x8001 => "C-STORE-RSP",
        0x0010 => "C-GET-RQ",
        0x8010 => "C-GET-RSP",
        0x0020 => "C-FIND-RQ",
        0x8020 => "C-FIND-RSP",
        0x0021 => "C-MOVE-RQ",
        0x8021 => "C-MOVE-RSP",
        0x0030 => "C-ECHO-RQ",
        0x8030 => "C-ECHO-RSP",
        0x0FFF => "C-CANCEL-RQ",
        0x0100 => "N-EVENT-REPORT-RQ",
        0x8100 => "N-EVENT-REPORT-RSP",
        0x0110 => "N-GET-RQ",
        0x8110 => "N-GET-RSP",
        0x0120 => "N-SET-RQ",
        0x8120 => "N-SET-RSP",
        0x0130 => "N-ACTION-RQ",
        0x8130 => "N-ACTION-RSP",
        0x0140 => "N-CREATE-RQ",
        0x8140 => "N-CREATE-RSP",
        0x0150 => "N-DELETE-RQ",
        0x8150 => "N-DELETE-RSP",
        _ => "unknown-command",
    };
    Some(Dicom::Command {
        name,
        sop_class: sop,
        status,
    })
}

/// Well-known SOP class names for readable output (PS3.6 annex A).
pub fn sop_class_name(uid: &str) -> Option<&'static str> {
    Some(match uid {
        "1.2.840.10008.1.1" => "Verification",
        "1.2.840.10008.1.20.1" => "Storage Commitment Push Model",
        "1.2.840.10008.3.1.2.3.3" => "Modality Performed Procedure Step",
        "1.2.840.10008.5.1.4.31" => "Modality Worklist Information Model - FIND",
        "1.2.840.10008.5.1.4.1.2.1.1" => "Patient Root Query/Retrieve - FIND",
        "1.2.840.10008.5.1.4.1.2.2.1" => "Study Root Query/Retrieve - FIND",
        "1.2.840.10008.5.1.4.1.2.2.2" => "Study Root Query/Retrieve - MOVE",
        "1.2.840.10008.5.1.4.1.2.2.3" => "Study Root Query/Retrieve - GET",
        "1.2.840.10008.5.1.4.1.1.1" => "Computed Radiography Image Storage",
        "1.2.840.10008.5.1.4.1.1.1.1" => "Digital X-Ray Image Storage - For Presentation",
        "1.2.840.10008.5.1.4.1.1.2" => "CT Image Storage",
        "1.2.840.10008.5.1.4.1.1.4" => "MR Image Storage",
        "1.2.840.10008.5.1.4.1.1.6.1" => "Ultrasound Image Storage",
        "1.2.840.10008.5.1.4.1.1.7" => "Secondary Capture Image Storage",
        "1.2.840.10008.5.1.4.1.1.20" => "Nuclear Medicine Image Storage",
        "1.2.840.10008.5.1.4.1.1.128" => "Positron Emission Tomography Image Storage",
        "1.2.840.10008.5.1.4.1.1.481.1" => "RT Image Storage",
        "1.2.840.10008.5.1.4.1.1.88.11" => "Basic Text SR Storage",
        "1.2.840.10008.5.1.4.1.1.9.1.1" => "12-lead ECG Waveform Storage",
        "1.2.840.10008.5.1.4.1.1.104.1" => "Encapsulated PDF Storage",
        _ => return None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn ae(s: &str) -> Vec<u8> {
        let mut v = s.as_bytes().to_vec();
        v.resize(16, b' ');
        v
    }

    fn item(ty: u8, v: &[u8]) -> Vec<u8> {
        let mut o = vec![ty, 0];
        o.extend((v.len() as u16).to_be_bytes());
        o.extend(v);
        o
    }

    /// An A-ASSOCIATE-RQ proposing Verification and CT storage, built per PS3.8 9.3.2.
    pub(crate) fn associate_rq() -> Vec<u8> {
        let mut body = vec![0, 1, 0, 0];
        body.extend(ae("PACS"));
        body.extend(ae("CT_SCANNER"));
        body.extend([0; 32]);
        body.extend(item(0x10, b"1.2.840.10008.3.1.1.1"));
        for (id, uid) in [(1u8, "1.2.840.10008.1.1"), (3, "1.2.840.10008.5.1.4.1.1.2")] {
            let mut pc = vec![id, 0, 0, 0];
            pc.extend(item(0x30, uid.as_bytes()));
            pc.extend(item(0x40, b"1.2.840.10008.1.2"));
            body.extend(item(0x20, &pc));
        }
        let mut ui = item(0x51, &16384u32.to_be_bytes());
        ui.extend(item(0x52, b"1.2.826.0.1.3680043.9.3811.2.0.2"));
        ui.extend(item(0x55, b"PYNETDICOM_202"));
        body.extend(item(0x50, &ui));
        let mut pdu = vec![1, 0];
        pdu.extend((body.len() as u32).to_be_bytes());
        pdu.extend(body);
        pdu
    }

    fn run(chunks: &[&[u8]]) -> Vec<Event> {
        let mut s = DicomStream::default();
        let mut ev = Vec::new();
        for c in chunks {
            s.feed(c, &mut ev, 0);
        }
        ev
    }

    #[test]
    fn associate_rq_split_anywhere() {
        let pdu = associate_rq();
        for cut in 0..pdu.len() {
            let ev = run(&[&pdu[..cut], &pdu[cut..]]);
            let [
                Event::Dicom {
                    pdu: Dicom::AssociateRq(rq),
                    ..
                },
            ] = ev.as_slice()
            else {
                panic!("cut {cut}: {ev:?}")
            };
            assert_eq!(rq.calling_ae, "CT_SCANNER");
            assert_eq!(rq.called_ae, "PACS");
            assert_eq!(
                rq.abstract_syntaxes,
                ["1.2.840.10008.1.1", "1.2.840.10008.5.1.4.1.1.2"]
            );
            assert_eq!(rq.implementation_version.as_deref(), Some("PYNETDICOM_202"));
        }
    }

    #[test]
    fn c_echo_command_in_pdata() {
        // C-ECHO-RQ command set: (0000,0002) UI, (0000,0100) US 0x0030, (0000,0110) US 1
        let mut cmd = Vec::new();
        let uid = b"1.2.840.10008.1.1\0";
        cmd.extend([0, 0, 2, 0]);
        cmd.extend((uid.len() as u32).to_le_bytes());
        cmd.extend(uid);
        cmd.extend([0, 0, 0, 1, 2, 0, 0, 0, 0x30, 0]);
        let mut pdv = ((cmd.len() + 2) as u32).to_be_bytes().to_vec();
        pdv.extend([1, 0x03]);
        pdv.extend(&cmd);
        let mut pdu = vec![4, 0];
        pdu.extend((pdv.len() as u32).to_be_bytes());
        pdu.extend(pdv);
        let ev = run(&[&pdu]);
        assert_eq!(
            ev,
            vec![Event::Dicom {
                dir: 0,
                pdu: Dicom::Command {
                    name: "C-ECHO-RQ",
                    sop_class: Some("1.2.840.10008.1.1".into()),
                    status: None
                }
            }]
        );
    }

    #[test]
    fn lying_lengths_do_not_allocate_or_panic() {
        // Associate PDU claiming 4 GiB: rejected before buffering.
        let ev = run(&[&[1, 0, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0]]);
        assert_eq!(ev, vec![Event::Malformed("dicom_pdu_length_exceeds_cap")]);
        // Item lengths that overrun their PDU.
        let mut pdu = associate_rq();
        let n = pdu.len();
        pdu[n - 20] = 0xff;
        let _ = run(&[&pdu]);
        // P-DATA whose PDV claims more than the PDU.
        let ev = run(&[&[4, 0, 0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 1, 3, 0, 0]]);
        assert!(ev.contains(&Event::Malformed("dicom_pdv_overruns_pdu")));
    }
}
