//! Line- and header-oriented cleartext protocols: HTTP, FTP, Telnet.

use super::{Event, clean};

/// Longest HTTP header block examined.
pub const MAX_HTTP_HEAD: usize = 8 * 1024;
/// Longest FTP command or reply line kept.
const MAX_LINE: usize = 512;

/// One direction's HTTP head, buffered until the blank line.
#[derive(Debug, Default)]
pub struct HttpHead {
    buf: Vec<u8>,
    /// Done: the head was parsed (or was too long); no more bytes are needed.
    pub done: bool,
}

impl HttpHead {
    /// Bytes held in buffers.
    pub fn buffered(&self) -> usize {
        self.buf.capacity()
    }

    /// Feeds bytes of the client (`dir` 0) or server (`dir` 1) side.
    pub fn feed(&mut self, data: &[u8], events: &mut Vec<Event>, dir: usize) {
        if self.done {
            return;
        }
        let room = MAX_HTTP_HEAD - self.buf.len();
        self.buf.extend_from_slice(&data[..data.len().min(room)]);
        let end = find(&self.buf, b"\r\n\r\n");
        if end.is_none() && self.buf.len() < MAX_HTTP_HEAD {
            return;
        }
        self.done = true;
        let head = &self.buf[..end.unwrap_or(self.buf.len())];
        let mut lines = head.split(|&c| c == b'\n');
        let first = lines.next().unwrap_or(b"");
        let mut user_agent = None;
        let mut server = None;
        let mut host = None;
        for line in lines {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(colon) = line.iter().position(|&c| c == b':') else {
                continue;
            };
            let (name, value) = (&line[..colon], &line[colon + 1..]);
            let value = clean(value);
            if name.eq_ignore_ascii_case(b"user-agent") {
                user_agent = Some(value);
            } else if name.eq_ignore_ascii_case(b"server") {
                server = Some(value);
            } else if name.eq_ignore_ascii_case(b"host") {
                host = Some(value);
            }
        }
        let method = first
            .split(|&c| c == b' ')
            .next()
            .map(clean)
            .unwrap_or_default();
        events.push(if dir == 0 {
            Event::HttpRequest {
                method,
                user_agent,
                host,
            }
        } else {
            Event::HttpResponse { server }
        });
        self.buf = Vec::new();
    }
}

/// Position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One direction of an FTP control connection, split into lines.
#[derive(Debug, Default)]
pub struct FtpLines {
    line: Vec<u8>,
    overlong: bool,
}

impl FtpLines {
    /// Bytes held in buffers.
    pub fn buffered(&self) -> usize {
        self.line.capacity()
    }

    /// Feeds bytes; each complete line is interpreted.
    pub fn feed(&mut self, data: &[u8], events: &mut Vec<Event>, dir: usize) {
        for &b in data {
            if b == b'\n' {
                if !self.overlong {
                    let line = std::mem::take(&mut self.line);
                    let line = line.strip_suffix(b"\r").unwrap_or(&line);
                    ftp_line(line, events, dir);
                }
                self.line.clear();
                self.overlong = false;
            } else if self.line.len() < MAX_LINE {
                self.line.push(b);
            } else {
                self.overlong = true;
            }
        }
    }

    /// Bytes were lost: discard the partial line.
    pub fn gap(&mut self) {
        self.line.clear();
        self.overlong = true;
    }
}

/// Interprets one FTP line (RFC 959). The password argument of `PASS` is never kept.
fn ftp_line(line: &[u8], events: &mut Vec<Event>, dir: usize) {
    if dir == 0 {
        let (cmd, arg) = match line.iter().position(|&c| c == b' ') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line, &b""[..]),
        };
        let cmd = cmd.to_ascii_uppercase();
        match cmd.as_slice() {
            b"USER" => events.push(Event::FtpUser {
                anonymous: arg.eq_ignore_ascii_case(b"anonymous")
                    || arg.eq_ignore_ascii_case(b"ftp"),
            }),
            b"PASS" => events.push(Event::FtpPass),
            b"AUTH" => events.push(Event::FtpAuthTls),
            b"PORT" => {
                if let Some((ip, port)) = parse_h1_p2(arg) {
                    events.push(Event::FtpDataChannel {
                        ip,
                        port,
                        active: true,
                    });
                }
            }
            _ => {}
        }
    } else {
        if line.starts_with(b"227") {
            // 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)
            let inner = line
                .iter()
                .position(|&c| c == b'(')
                .map(|i| &line[i + 1..])
                .unwrap_or(&line[3..]);
            let inner = inner.split(|&c| c == b')').next().unwrap_or(b"");
            if let Some((ip, port)) = parse_h1_p2(inner.trim_ascii()) {
                events.push(Event::FtpDataChannel {
                    ip,
                    port,
                    active: false,
                });
            }
        } else if line.starts_with(b"229") {
            // 229 Entering Extended Passive Mode (|||port|)
            if let Some(i) = find(line, b"|||") {
                let digits: Vec<u8> = line[i + 3..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .copied()
                    .collect();
                if let Some(port) = std::str::from_utf8(&digits)
                    .ok()
                    .and_then(|s| s.parse().ok())
                {
                    events.push(Event::FtpDataChannel {
                        ip: None,
                        port,
                        active: false,
                    });
                }
            }
        } else if line.starts_with(b"230 ") {
            events.push(Event::FtpLoggedIn);
        }
    }
}

/// `h1,h2,h3,h4,p1,p2` as used by PORT and 227 replies.
fn parse_h1_p2(s: &[u8]) -> Option<(Option<std::net::IpAddr>, u16)> {
    let s = std::str::from_utf8(s).ok()?;
    let n: Vec<u8> = s
        .split(',')
        .map(|p| p.trim().parse::<u8>())
        .collect::<Result<_, _>>()
        .ok()?;
    if n.len() != 6 {
        return None;
    }
    let ip = std::net::Ipv4Addr::new(n[0], n[1], n[2], n[3]);
    let port = u16::from(n[4]) << 8 | u16::from(n[5]);
    Some((Some(ip.into()), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_request_and_response_heads() {
        let mut c = HttpHead::default();
        let mut ev = Vec::new();
        c.feed(
            b"GET /status HTTP/1.1\r\nHost: pump-17.icu\r\nUser-Agent: Alaris-",
            &mut ev,
            0,
        );
        assert!(ev.is_empty());
        c.feed(b"Gateway/12.1\r\n\r\nbody", &mut ev, 0);
        let mut s = HttpHead::default();
        s.feed(
            b"HTTP/1.1 200 OK\r\nserver: Apache/2.2.3\r\n\r\n",
            &mut ev,
            1,
        );
        assert_eq!(
            ev,
            vec![
                Event::HttpRequest {
                    method: "GET".into(),
                    user_agent: Some("Alaris-Gateway/12.1".into()),
                    host: Some("pump-17.icu".into())
                },
                Event::HttpResponse {
                    server: Some("Apache/2.2.3".into())
                }
            ]
        );
    }

    #[test]
    fn ftp_login_never_keeps_the_password() {
        let mut c = FtpLines::default();
        let mut s = FtpLines::default();
        let mut ev = Vec::new();
        s.feed(b"220 (vsFTPd 3.0.3)\r\n", &mut ev, 1);
        c.feed(b"USER anonymous\r\nPASS s3cret-pw\r\n", &mut ev, 0);
        s.feed(
            b"230 Login successful.\r\n227 Entering Passive Mode (90,130,70,73,100,85).\r\n",
            &mut ev,
            1,
        );
        assert!(!format!("{ev:?}").contains("s3cret"));
        assert_eq!(
            ev,
            vec![
                Event::FtpUser { anonymous: true },
                Event::FtpPass,
                Event::FtpLoggedIn,
                Event::FtpDataChannel {
                    ip: Some("90.130.70.73".parse().unwrap()),
                    port: 25685,
                    active: false
                }
            ]
        );
    }
}
