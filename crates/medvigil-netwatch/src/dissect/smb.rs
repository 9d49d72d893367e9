//! SMB over NetBIOS session service / direct TCP (MS-SMB, MS-SMB2): dialect negotiation.
//!
//! Each message's 4-byte session header gives its length; only the first
//! [`MAX_SMB_HEAD`] bytes of each message are kept, the rest is skipped.

use super::Event;

/// Bytes of each SMB message examined (the negotiate dialect list fits easily).
const MAX_SMB_HEAD: usize = 1024;
/// Messages examined per direction; negotiation happens in the first few.
const MAX_MESSAGES: u32 = 32;

/// Names an SMB2/3 dialect revision (MS-SMB2 2.2.3).
pub fn dialect_name(d: u16) -> String {
    match d {
        0x0202 => "SMB 2.0.2".into(),
        0x0210 => "SMB 2.1".into(),
        0x0300 => "SMB 3.0".into(),
        0x0302 => "SMB 3.0.2".into(),
        0x0311 => "SMB 3.1.1".into(),
        0x02ff => "SMB 2.???".into(),
        other => format!("0x{other:04x}"),
    }
}

#[derive(Debug)]
enum State {
    Header,
    Body { left: usize, total: usize },
}

/// One direction of an SMB connection.
#[derive(Debug)]
pub struct SmbStream {
    state: State,
    head: Vec<u8>,
    msg: Vec<u8>,
    messages: u32,
    /// Enough seen: no more bytes are needed.
    pub done: bool,
}

impl Default for SmbStream {
    fn default() -> Self {
        SmbStream {
            state: State::Header,
            head: Vec::with_capacity(4),
            msg: Vec::new(),
            messages: 0,
            done: false,
        }
    }
}

impl SmbStream {
    /// Feeds bytes of the client (`dir` 0) or server (`dir` 1).
    pub fn feed(&mut self, mut data: &[u8], events: &mut Vec<Event>, dir: usize) {
        while !data.is_empty() && !self.done {
            match self.state {
                State::Header => {
                    let take = (4 - self.head.len()).min(data.len());
                    self.head.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.head.len() < 4 {
                        return;
                    }
                    let h = &self.head;
                    // NetBIOS session message type 0x00; length is 17 bits (RFC 1002) or 24 (direct TCP).
                    let len =
                        (usize::from(h[1]) << 16) | (usize::from(h[2]) << 8) | usize::from(h[3]);
                    let kind = h[0];
                    self.head.clear();
                    if kind != 0 {
                        // Session request/keepalive etc.: skip their bodies.
                        self.state = State::Body {
                            left: len,
                            total: 0,
                        };
                        continue;
                    }
                    self.msg.clear();
                    self.state = State::Body {
                        left: len,
                        total: len,
                    };
                }
                State::Body { left, total } => {
                    let take = left.min(data.len());
                    if total > 0 {
                        let room = MAX_SMB_HEAD.saturating_sub(self.msg.len());
                        self.msg.extend_from_slice(&data[..take.min(room)]);
                    }
                    data = &data[take..];
                    let left = left - take;
                    if left > 0 {
                        self.state = State::Body { left, total };
                        continue;
                    }
                    self.state = State::Header;
                    if total > 0 {
                        self.message(events, dir);
                        self.messages += 1;
                        if self.messages >= MAX_MESSAGES {
                            self.done = true;
                        }
                    }
                }
            }
        }
    }

    /// Bytes held in buffers.
    pub fn buffered(&self) -> usize {
        self.msg.capacity() + self.head.capacity()
    }

    /// Bytes were lost: message boundaries are unknown from here on.
    pub fn gap(&mut self) {
        self.done = true;
    }

    fn message(&mut self, events: &mut Vec<Event>, dir: usize) {
        let m = &self.msg;
        if m.len() < 4 {
            return;
        }
        match &m[..4] {
            b"\xffSMB" => {
                let command = m.get(4).copied().unwrap_or(0);
                let mut dialects = Vec::new();
                if command == 0x72 && dir == 0 {
                    // SMB1 negotiate request: header(32) word count(1)=0 byte count(2) dialects
                    if let Some(buf) = m.get(35..) {
                        for d in buf.split(|&c| c == 0) {
                            if let Some(name) = d.strip_prefix(&[2])
                                && dialects.len() < 32
                            {
                                dialects.push(super::clean(name));
                            }
                        }
                    }
                }
                events.push(Event::Smb1 {
                    dir,
                    negotiate_request: command == 0x72 && dir == 0,
                    dialects,
                });
            }
            b"\xfeSMB" => {
                let command = m.get(12..14).map(|c| u16::from_le_bytes([c[0], c[1]]));
                let is_response = m.get(16).is_some_and(|f| f & 1 == 1);
                if command != Some(0) {
                    return;
                }
                let body = m.get(64..).unwrap_or(&[]);
                if is_response {
                    if let Some(d) = body.get(4..6) {
                        events.push(Event::Smb2Negotiated {
                            dialect: dialect_name(u16::from_le_bytes([d[0], d[1]])),
                        });
                    }
                } else if let Some(count) = body.get(2..4) {
                    let count = usize::from(u16::from_le_bytes([count[0], count[1]])).min(64);
                    let dialects = body
                        .get(36..36 + 2 * count)
                        .unwrap_or(&[])
                        .chunks_exact(2)
                        .map(|d| dialect_name(u16::from_le_bytes([d[0], d[1]])))
                        .collect();
                    events.push(Event::Smb2Offered { dialects });
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn netbios(body: &[u8]) -> Vec<u8> {
        let mut v = vec![0, 0];
        v.extend((body.len() as u16).to_be_bytes());
        v.extend(body);
        v
    }

    #[test]
    fn smb2_negotiate() {
        let mut req = b"\xfeSMB".to_vec();
        req.resize(64, 0);
        let mut body = vec![36, 0, 2, 0];
        body.resize(36, 0);
        body.extend([0x02, 0x02, 0x11, 0x03]);
        req.extend(body);
        let mut resp = b"\xfeSMB".to_vec();
        resp.resize(64, 0);
        resp[16] = 1;
        resp.extend([65, 0, 1, 0, 0x11, 0x03]);
        let mut c = SmbStream::default();
        let mut s = SmbStream::default();
        let mut ev = Vec::new();
        c.feed(&netbios(&req), &mut ev, 0);
        s.feed(&netbios(&resp), &mut ev, 1);
        assert_eq!(
            ev,
            vec![
                Event::Smb2Offered {
                    dialects: vec!["SMB 2.0.2".into(), "SMB 3.1.1".into()]
                },
                Event::Smb2Negotiated {
                    dialect: "SMB 3.1.1".into()
                }
            ]
        );
    }

    #[test]
    fn smb1_negotiate_request() {
        let mut req = b"\xffSMB\x72".to_vec();
        req.resize(32, 0);
        req.extend([0, 0, 0]);
        req.extend(b"\x02NT LM 0.12\0\x02SMB 2.002\0");
        let mut c = SmbStream::default();
        let mut ev = Vec::new();
        c.feed(&netbios(&req), &mut ev, 0);
        assert_eq!(
            ev,
            vec![Event::Smb1 {
                dir: 0,
                negotiate_request: true,
                dialects: vec!["NT LM 0.12".into(), "SMB 2.002".into()]
            }]
        );
    }
}
