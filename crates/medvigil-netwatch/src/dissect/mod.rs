//! Application-protocol dissectors, recognised by content on any port.
//!
//! Hospitals run DICOM and MLLP on whatever port the integration engine was given, so no
//! dissector trusts port numbers: [`classify`] looks at the first bytes of each direction.
//! Every decoder is fed reassembled bytes in pieces of any size, keeps bounded state, and
//! turns what it understood into [`Event`]s; it never copies patient data or passwords.

pub mod dhcp;
pub mod dicom;
pub mod hl7;
pub mod smb;
pub mod text;
pub mod tls;

use std::net::IpAddr;

use serde::Serialize;

pub use dicom::Dicom;
pub use hl7::Hl7Message;

use crate::stream::Chunk;

/// Application protocols netwatch recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// HL7 v2 over MLLP.
    Hl7,
    /// DICOM upper layer.
    Dicom,
    /// HTTP/1.x.
    Http,
    /// TLS.
    Tls,
    /// SMB1, SMB2 or SMB3.
    Smb,
    /// Telnet.
    Telnet,
    /// FTP control connection.
    Ftp,
    /// FTP data connection announced on a control connection.
    FtpData,
    /// DHCP.
    Dhcp,
    /// Modbus/TCP (building and lab automation).
    Modbus,
    /// DNP3 (utility and building automation).
    Dnp3,
}

impl Protocol {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Hl7 => "hl7",
            Protocol::Dicom => "dicom",
            Protocol::Http => "http",
            Protocol::Tls => "tls",
            Protocol::Smb => "smb",
            Protocol::Telnet => "telnet",
            Protocol::Ftp => "ftp",
            Protocol::FtpData => "ftp_data",
            Protocol::Dhcp => "dhcp",
            Protocol::Modbus => "modbus",
            Protocol::Dnp3 => "dnp3",
        }
    }
}

/// What a dissector understood. `dir` is 0 for client to server, 1 for server to client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An HL7 message.
    Hl7 {
        /// Direction.
        dir: usize,
        /// Its header and PID summary.
        msg: Hl7Message,
    },
    /// A DICOM PDU or command.
    Dicom {
        /// Direction.
        dir: usize,
        /// What it was.
        pdu: Dicom,
    },
    /// An HTTP request head.
    HttpRequest {
        /// Method.
        method: String,
        /// User-Agent header.
        user_agent: Option<String>,
        /// Host header.
        host: Option<String>,
    },
    /// An HTTP response head.
    HttpResponse {
        /// Server header.
        server: Option<String>,
    },
    /// A TLS ClientHello.
    TlsClientHello {
        /// Server name indication.
        sni: Option<String>,
        /// Versions offered (supported_versions, else the legacy version).
        versions: Vec<&'static str>,
        /// ALPN protocols offered.
        alpn: Vec<String>,
    },
    /// A TLS ServerHello.
    TlsServerHello {
        /// Version selected.
        version: Option<&'static str>,
    },
    /// An SMB1 message.
    Smb1 {
        /// Direction.
        dir: usize,
        /// It is a multi-protocol negotiate request from a client.
        negotiate_request: bool,
        /// Dialects offered in that negotiate request.
        dialects: Vec<String>,
    },
    /// SMB2 negotiate request dialects.
    Smb2Offered {
        /// Dialects offered.
        dialects: Vec<String>,
    },
    /// SMB2 negotiate response.
    Smb2Negotiated {
        /// Dialect chosen.
        dialect: String,
    },
    /// Telnet option negotiation seen.
    Telnet,
    /// FTP `USER` command.
    FtpUser {
        /// The user was `anonymous` or `ftp` (no name is kept).
        anonymous: bool,
    },
    /// FTP `PASS` command: a password crossed the network in clear (not kept).
    FtpPass,
    /// FTP `230` reply: login succeeded.
    FtpLoggedIn,
    /// FTP `AUTH` command: the session upgrades to TLS.
    FtpAuthTls,
    /// A data connection was announced (PASV/EPSV reply or PORT command).
    FtpDataChannel {
        /// Address announced; `None` for EPSV (same host as the control connection).
        ip: Option<IpAddr>,
        /// Port announced.
        port: u16,
        /// PORT (the server connects to the client) rather than PASV.
        active: bool,
    },
    /// Input a dissector could not make sense of; the kind is a stable snake_case name.
    Malformed(&'static str),
}

/// Printable ASCII only, trimmed, at most 128 characters: values from the wire are hostile.
pub fn clean(b: &[u8]) -> String {
    let s: String = b
        .iter()
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '?'
            }
        })
        .take(128)
        .collect();
    s.trim_matches(|c: char| c == ' ' || c == '?').to_string()
}

/// Outcome of looking at the first bytes of one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Recognised.
    Is(Protocol),
    /// Not recognised, and more bytes would not help.
    No,
    /// Could still be something: need more bytes.
    More,
}

/// Bytes of each direction kept for recognition.
pub const CLASSIFY_BYTES: usize = 64;

const HTTP_METHODS: &[&[u8]] = &[
    b"GET ",
    b"POST ",
    b"HEAD ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
];

fn prefix_of(buf: &[u8], sig: &[u8]) -> Verdict {
    let n = buf.len().min(sig.len());
    if buf[..n] != sig[..n] {
        Verdict::No
    } else if buf.len() < sig.len() {
        Verdict::More
    } else {
        Verdict::Is(Protocol::Http) // placeholder, replaced by caller
    }
}

/// Recognises a TCP protocol from the first bytes the client (`dir` 0) or server sent.
pub fn classify(dir: usize, b: &[u8]) -> Verdict {
    if b.is_empty() {
        return Verdict::More;
    }
    let mut more = false;
    let mut check = |v: Verdict, p: Protocol| -> Option<Protocol> {
        match v {
            Verdict::Is(_) => Some(p),
            Verdict::More => {
                more = true;
                None
            }
            Verdict::No => None,
        }
    };
    // HL7 over MLLP: start block then MSH.
    if let Some(p) = check(prefix_of(b, b"\x0bMSH"), Protocol::Hl7) {
        return Verdict::Is(p);
    }
    // DICOM A-ASSOCIATE-RQ (client) or -AC/-RJ (server): type, reserved 0, length,
    // then protocol version 1 for RQ/AC.
    let dicom = match b[0] {
        1 | 2 if dir == usize::from(b[0] == 2) => {
            if b.len() < 8 {
                if b.get(1).is_none_or(|&r| r == 0) {
                    Verdict::More
                } else {
                    Verdict::No
                }
            } else if b[1] == 0 && b[6] == 0 && b[7] == 1 && b[2] == 0 {
                let len = u32::from_be_bytes([b[2], b[3], b[4], b[5]]);
                if (68..=dicom::MAX_ASSOC_PDU).contains(&len) {
                    Verdict::Is(Protocol::Dicom)
                } else {
                    Verdict::No
                }
            } else {
                Verdict::No
            }
        }
        3 if dir == 1 && b.len() >= 10 => {
            if b[1] == 0 && b[2..6] == [0, 0, 0, 4] {
                Verdict::Is(Protocol::Dicom)
            } else {
                Verdict::No
            }
        }
        _ => Verdict::No,
    };
    if let Some(p) = check(dicom, Protocol::Dicom) {
        return Verdict::Is(p);
    }
    // TLS handshake record: ClientHello from the client, ServerHello from the server.
    if b[0] == 0x16 {
        let v = if b.len() < 6 {
            if b.get(1).is_none_or(|&m| m == 3) {
                Verdict::More
            } else {
                Verdict::No
            }
        } else if b[1] == 3 && b[2] <= 4 && b[5] == if dir == 0 { 1 } else { 2 } {
            Verdict::Is(Protocol::Tls)
        } else {
            Verdict::No
        };
        if let Some(p) = check(v, Protocol::Tls) {
            return Verdict::Is(p);
        }
    }
    // HTTP/1.x
    if dir == 0 {
        for m in HTTP_METHODS {
            if let Some(p) = check(prefix_of(b, m), Protocol::Http) {
                return Verdict::Is(p);
            }
        }
    } else if let Some(p) = check(prefix_of(b, b"HTTP/1."), Protocol::Http) {
        return Verdict::Is(p);
    }
    // SMB: NetBIOS session message (type 0) carrying an SMB1/2/3 header.
    if b[0] == 0 {
        let v = if b.len() < 8 {
            Verdict::More
        } else if matches!(&b[4..8], b"\xffSMB" | b"\xfeSMB" | b"\xfdSMB") {
            Verdict::Is(Protocol::Smb)
        } else {
            Verdict::No
        };
        if let Some(p) = check(v, Protocol::Smb) {
            return Verdict::Is(p);
        }
    }
    // Telnet: IAC WILL/WONT/DO/DONT/SB.
    if b[0] == 0xff {
        let v = match b.get(1) {
            None => Verdict::More,
            Some(0xfa..=0xfe) => Verdict::Is(Protocol::Telnet),
            Some(_) => Verdict::No,
        };
        if let Some(p) = check(v, Protocol::Telnet) {
            return Verdict::Is(p);
        }
    }
    // FTP: a "220" greeting naming FTP, or an FTP command from the client.
    if dir == 1 && b.starts_with(b"220") {
        let upper = b.to_ascii_uppercase();
        if text::find(&upper, b"FTP").is_some() {
            return Verdict::Is(Protocol::Ftp);
        }
    }
    if dir == 0 {
        for cmd in [
            &b"USER "[..],
            b"AUTH TLS",
            b"FEAT\r\n",
            b"SYST\r\n",
            b"OPTS UTF8",
        ] {
            if let Some(p) = check(prefix_of(b, cmd), Protocol::Ftp) {
                return Verdict::Is(p);
            }
        }
    }
    // DNP3 link layer: start bytes 0x05 0x64, length ≥ 5.
    if b[0] == 0x05 {
        let v = match (b.get(1), b.get(2)) {
            (None, _) | (Some(0x64), None) => Verdict::More,
            (Some(0x64), Some(&len)) if len >= 5 => Verdict::Is(Protocol::Dnp3),
            _ => Verdict::No,
        };
        if let Some(p) = check(v, Protocol::Dnp3) {
            return Verdict::Is(p);
        }
    }
    // Modbus/TCP MBAP: protocol id 0, length matching the segment, a public function code.
    if b.len() >= 8 {
        let proto = u16::from_be_bytes([b[2], b[3]]);
        let len = usize::from(u16::from_be_bytes([b[4], b[5]]));
        let func = b[7] & 0x7f;
        if proto == 0
            && len >= 2
            && len + 6 == b.len()
            && matches!(func, 1..=8 | 11..=17 | 20..=24 | 43)
        {
            return Verdict::Is(Protocol::Modbus);
        }
    } else if b.len() < 4 || b[2..4] == [0, 0] {
        more = true;
    }
    if more { Verdict::More } else { Verdict::No }
}

/// Per-direction decoder state of a TCP connection whose protocol is known.
#[derive(Debug)]
pub enum Decoder {
    /// HL7 over MLLP.
    Hl7(Box<[hl7::MllpStream; 2]>),
    /// DICOM upper layer.
    Dicom(Box<[dicom::DicomStream; 2]>),
    /// HTTP heads.
    Http(Box<[text::HttpHead; 2]>),
    /// TLS hellos.
    Tls(Box<[tls::TlsHello; 2]>),
    /// SMB negotiation.
    Smb(Box<[smb::SmbStream; 2]>),
    /// FTP control lines.
    Ftp(Box<[text::FtpLines; 2]>),
    /// Recognised, nothing more to decode.
    Done,
}

impl Decoder {
    /// The decoder for a recognised protocol.
    pub fn new(p: Protocol) -> Decoder {
        match p {
            Protocol::Hl7 => Decoder::Hl7(Box::default()),
            Protocol::Dicom => Decoder::Dicom(Box::default()),
            Protocol::Http => Decoder::Http(Box::default()),
            Protocol::Tls => Decoder::Tls(Box::default()),
            Protocol::Smb => Decoder::Smb(Box::default()),
            Protocol::Ftp => Decoder::Ftp(Box::default()),
            _ => Decoder::Done,
        }
    }

    /// Bytes the decoder holds in buffers, both directions.
    pub fn buffered(&self) -> usize {
        match self {
            Decoder::Hl7(s) => s[0].buffered() + s[1].buffered(),
            Decoder::Dicom(s) => s[0].buffered() + s[1].buffered(),
            Decoder::Http(s) => s[0].buffered() + s[1].buffered(),
            Decoder::Tls(s) => s[0].buffered() + s[1].buffered(),
            Decoder::Smb(s) => s[0].buffered() + s[1].buffered(),
            Decoder::Ftp(s) => s[0].buffered() + s[1].buffered(),
            Decoder::Done => 0,
        }
    }

    /// Feeds one chunk of direction `dir`; returns whether that direction still needs bytes.
    pub fn feed(&mut self, dir: usize, chunk: Chunk<'_>, events: &mut Vec<Event>) -> bool {
        match (self, chunk) {
            (Decoder::Done, _) => false,
            (Decoder::Hl7(s), Chunk::Data(d)) => {
                s[dir].feed(d, events, dir);
                true
            }
            (Decoder::Hl7(s), Chunk::Gap(_)) => {
                s[dir].gap();
                true
            }
            (Decoder::Dicom(s), Chunk::Data(d)) => {
                s[dir].feed(d, events, dir);
                !s[dir].is_dead()
            }
            (Decoder::Dicom(s), Chunk::Gap(_)) => {
                s[dir].gap();
                false
            }
            (Decoder::Http(s), Chunk::Data(d)) => {
                s[dir].feed(d, events, dir);
                !s[dir].done
            }
            (Decoder::Tls(s), Chunk::Data(d)) => {
                s[dir].feed(d, events, dir);
                !s[dir].done
            }
            (Decoder::Http(_) | Decoder::Tls(_), Chunk::Gap(_)) => false,
            (Decoder::Smb(s), Chunk::Data(d)) => {
                s[dir].feed(d, events, dir);
                !s[dir].done
            }
            (Decoder::Smb(s), Chunk::Gap(_)) => {
                s[dir].gap();
                false
            }
            (Decoder::Ftp(s), Chunk::Data(d)) => {
                s[dir].feed(d, events, dir);
                true
            }
            (Decoder::Ftp(s), Chunk::Gap(_)) => {
                s[dir].gap();
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_by_content() {
        assert_eq!(classify(0, b"\x0bMSH|^~\\&|"), Verdict::Is(Protocol::Hl7));
        assert_eq!(classify(0, b"\x0bMS"), Verdict::More);
        assert_eq!(
            classify(0, &dicom::tests::associate_rq()),
            Verdict::Is(Protocol::Dicom)
        );
        assert_eq!(
            classify(0, b"GET / HTTP/1.1\r\n"),
            Verdict::Is(Protocol::Http)
        );
        assert_eq!(
            classify(1, b"HTTP/1.1 200 OK\r\n"),
            Verdict::Is(Protocol::Http)
        );
        assert_eq!(
            classify(1, b"220 (vsFTPd 3.0.3)\r\n"),
            Verdict::Is(Protocol::Ftp)
        );
        assert_eq!(classify(1, b"220 mail ESMTP ready\r\n"), Verdict::No);
        assert_eq!(
            classify(0, b"USER anonymous\r\n"),
            Verdict::Is(Protocol::Ftp)
        );
        assert_eq!(
            classify(1, &[0xff, 0xfd, 0x18]),
            Verdict::Is(Protocol::Telnet)
        );
        assert_eq!(
            classify(0, b"\x00\x00\x00\x54\xfeSMB@\x00"),
            Verdict::Is(Protocol::Smb)
        );
        assert_eq!(
            classify(0, &[0x16, 3, 1, 0, 200, 1]),
            Verdict::Is(Protocol::Tls)
        );
        assert_eq!(
            classify(0, &[5, 0x64, 5, 0xc9]),
            Verdict::Is(Protocol::Dnp3)
        );
        assert_eq!(
            classify(0, &[0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10]),
            Verdict::Is(Protocol::Modbus)
        );
        assert_eq!(classify(0, b"SSH-2.0-OpenSSH_9.2\r\n"), Verdict::No);
    }

    /// Random bytes behind each protocol's real opening bytes, fed in random pieces:
    /// no decoder panics and none buffers past its cap, whatever the length fields say.
    #[test]
    fn decoders_survive_random_input_with_bounded_buffers() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let prefixes: [(Protocol, &[u8]); 6] = [
            (Protocol::Hl7, b"\x0bMSH|^~\\&|"),
            (Protocol::Dicom, &[1, 0, 0, 0, 0x40, 0, 0, 1]),
            (Protocol::Tls, &[0x16, 3, 1, 0x40, 0, 1]),
            (Protocol::Http, b"GET / HTTP/1.1\r\n"),
            (Protocol::Smb, b"\x00\x00\x10\x00\xfeSMB"),
            (Protocol::Ftp, b"USER x\r\n"),
        ];
        for round in 0..400 {
            let (p, prefix) = prefixes[round % prefixes.len()];
            let mut d = Decoder::new(p);
            let mut events = Vec::new();
            let mut data = prefix.to_vec();
            let n = (rnd() % 70_000) as usize;
            // Mostly small values and length-like bytes (0x00, 0xff) to hit the edges.
            data.extend((0..n).map(|_| match rnd() % 4 {
                0 => 0,
                1 => 0xff,
                _ => rnd() as u8,
            }));
            let mut rest = &data[..];
            while !rest.is_empty() {
                let k = 1 + (rnd() as usize % 3000).min(rest.len() - 1);
                let dir = (rnd() % 2) as usize;
                if rnd() % 50 == 0 {
                    d.feed(dir, Chunk::Gap(rnd() % 100), &mut events);
                }
                d.feed(dir, Chunk::Data(&rest[..k]), &mut events);
                rest = &rest[k..];
                let cap = 2 * (dicom::MAX_ASSOC_PDU as usize + dicom::MAX_COMMAND + 64)
                    + 2 * tls::MAX_HELLO.next_power_of_two();
                assert!(d.buffered() <= cap, "{p:?} buffers {}", d.buffered());
            }
        }
    }

    #[test]
    fn clean_strips_control_and_bounds_length() {
        assert_eq!(clean(b"  CT_SCANNER  "), "CT_SCANNER");
        assert_eq!(clean(b"a\x00b\x1b"), "a?b");
        assert_eq!(clean(&[b'x'; 500]).len(), 128);
    }
}
