//! TLS ClientHello and ServerHello (RFC 8446 section 4.1.2/4.1.3, RFC 6066 SNI).

use super::{Event, clean};

/// Longest handshake prefix buffered: a ClientHello fits in one 16 KiB record.
pub const MAX_HELLO: usize = 16 * 1024 + 5;

/// One direction's first TLS handshake message, buffered until complete.
#[derive(Debug, Default)]
pub struct TlsHello {
    buf: Vec<u8>,
    /// Parsed, or gave up: no more bytes are needed.
    pub done: bool,
}

/// Names TLS versions; GREASE values (RFC 8701) give `None`.
pub fn version_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => return None,
    })
}

impl TlsHello {
    /// Bytes held in buffers.
    pub fn buffered(&self) -> usize {
        self.buf.capacity()
    }

    /// Feeds bytes; emits one event when the hello is complete.
    pub fn feed(&mut self, data: &[u8], events: &mut Vec<Event>, dir: usize) {
        if self.done {
            return;
        }
        let room = MAX_HELLO - self.buf.len();
        self.buf.extend_from_slice(&data[..data.len().min(room)]);
        // record: type(1) version(2) length(2)
        if self.buf.len() < 5 {
            return;
        }
        let rec_len = usize::from(u16::from_be_bytes([self.buf[3], self.buf[4]]));
        if self.buf[0] != 0x16 || rec_len + 5 > MAX_HELLO {
            self.done = true;
            events.push(Event::Malformed("tls_not_a_handshake_record"));
            return;
        }
        if self.buf.len() < 5 + rec_len {
            return;
        }
        self.done = true;
        let hs = &self.buf[5..5 + rec_len];
        let ev = if dir == 0 {
            client_hello(hs)
        } else {
            server_hello(hs)
        };
        events.push(ev.unwrap_or(Event::Malformed("tls_hello_malformed")));
        self.buf = Vec::new();
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        let b = self.take(2)?;
        Some(u16::from_be_bytes([b[0], b[1]]))
    }
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u8()?);
        self.take(n)
    }
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.u16()?);
        self.take(n)
    }
}

fn client_hello(hs: &[u8]) -> Option<Event> {
    let mut r = Reader(hs);
    if r.u8()? != 1 {
        return None;
    }
    r.take(3)?; // handshake length; a hello split over records is cut at the record
    let legacy = r.u16()?;
    r.take(32)?; // random
    r.vec8()?; // session id
    r.vec16()?; // cipher suites
    r.vec8()?; // compression methods
    let mut sni = None;
    let mut versions: Vec<&'static str> = Vec::new();
    let mut alpn = Vec::new();
    if let Some(exts) = r.vec16() {
        let mut e = Reader(exts);
        while let (Some(ty), Some(body)) = (e.u16(), e.vec16()) {
            let mut b = Reader(body);
            match ty {
                0 => {
                    // server_name_list: name_type(1) host_name<1..2^16-1>
                    if let Some(list) = b.vec16() {
                        let mut l = Reader(list);
                        while let (Some(kind), Some(name)) = (l.u8(), l.vec16()) {
                            if kind == 0 {
                                sni = Some(clean(name));
                                break;
                            }
                        }
                    }
                }
                16 => {
                    if let Some(list) = b.vec16() {
                        let mut l = Reader(list);
                        while let Some(p) = l.vec8() {
                            if alpn.len() < 16 {
                                alpn.push(clean(p));
                            }
                        }
                    }
                }
                43 => {
                    if let Some(list) = b.vec8() {
                        for v in list.chunks_exact(2) {
                            if let Some(n) = version_name(u16::from_be_bytes([v[0], v[1]])) {
                                versions.push(n);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if versions.is_empty()
        && let Some(n) = version_name(legacy)
    {
        versions.push(n);
    }
    Some(Event::TlsClientHello {
        sni,
        versions,
        alpn,
    })
}

fn server_hello(hs: &[u8]) -> Option<Event> {
    let mut r = Reader(hs);
    if r.u8()? != 2 {
        return None;
    }
    r.take(3)?;
    let legacy = r.u16()?;
    r.take(32)?;
    r.vec8()?;
    r.u16()?; // cipher suite
    r.u8()?; // compression
    let mut version = version_name(legacy);
    if let Some(exts) = r.vec16() {
        let mut e = Reader(exts);
        while let (Some(ty), Some(body)) = (e.u16(), e.vec16()) {
            if ty == 43 && body.len() == 2 {
                version = version_name(u16::from_be_bytes([body[0], body[1]])).or(version);
            }
        }
    }
    Some(Event::TlsServerHello { version })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello with SNI, ALPN h2 and supported_versions {GREASE, 1.3, 1.2}.
    pub(crate) fn client_hello_bytes(sni: &str) -> Vec<u8> {
        let mut ext = Vec::new();
        let name = sni.as_bytes();
        let mut sn = vec![0u8];
        sn.extend((name.len() as u16).to_be_bytes());
        sn.extend(name);
        let mut list = (sn.len() as u16).to_be_bytes().to_vec();
        list.extend(sn);
        ext.extend([0, 0]);
        ext.extend((list.len() as u16).to_be_bytes());
        ext.extend(list);
        ext.extend([0, 16, 0, 5, 0, 3, 2, b'h', b'2']);
        ext.extend([0, 43, 0, 7, 6, 0x0a, 0x0a, 3, 4, 3, 3]);
        let mut body = vec![3, 3];
        body.extend([0x11; 32]);
        body.extend([0]); // session id
        body.extend([0, 2, 0x13, 0x01]);
        body.extend([1, 0]);
        body.extend((ext.len() as u16).to_be_bytes());
        body.extend(ext);
        let mut hs = vec![1];
        hs.extend(&(body.len() as u32).to_be_bytes()[1..]);
        hs.extend(body);
        let mut rec = vec![0x16, 3, 1];
        rec.extend((hs.len() as u16).to_be_bytes());
        rec.extend(hs);
        rec
    }

    #[test]
    fn client_hello_split_anywhere() {
        let b = client_hello_bytes("telemetry.vendor.example");
        for cut in 0..b.len() {
            let mut t = TlsHello::default();
            let mut ev = Vec::new();
            t.feed(&b[..cut], &mut ev, 0);
            t.feed(&b[cut..], &mut ev, 0);
            assert_eq!(
                ev,
                vec![Event::TlsClientHello {
                    sni: Some("telemetry.vendor.example".into()),
                    versions: vec!["TLS 1.3", "TLS 1.2"],
                    alpn: vec!["h2".into()],
                }],
                "cut {cut}"
            );
        }
    }

    #[test]
    fn truncated_hello_is_an_error_not_a_panic() {
        let b = client_hello_bytes("x");
        for n in 5..b.len() {
            let mut v = b[..n].to_vec();
            // Record length claims exactly what is present, the handshake inside lies.
            let l = (n - 5) as u16;
            v[3..5].copy_from_slice(&l.to_be_bytes());
            let mut t = TlsHello::default();
            let mut ev = Vec::new();
            t.feed(&v, &mut ev, 0);
            assert_eq!(ev.len(), 1);
        }
    }
}
