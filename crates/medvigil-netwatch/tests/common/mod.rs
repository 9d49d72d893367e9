//! Builds small pcaps by hand for scenario tests: Ethernet (optionally 802.1Q tagged),
//! IPv4 (optionally fragmented), TCP and UDP. Checksums are left zero; netwatch, like
//! Wireshark by default, does not verify them.

#![allow(dead_code)]

use std::net::Ipv4Addr;

/// A host on the captured segment.
#[derive(Clone, Copy)]
pub struct Host {
    pub mac: [u8; 6],
    pub ip: Ipv4Addr,
}

pub fn host(mac_last: u8, ip: &str) -> Host {
    Host {
        mac: [0x00, 0x09, 0xfb, 0x10, 0x20, mac_last],
        ip: ip.parse().unwrap(),
    }
}

pub struct Pcap {
    pub buf: Vec<u8>,
    pub ts: u32,
    pub frames: u64,
    pub vlan: Option<u16>,
}

impl Pcap {
    pub fn new() -> Pcap {
        let mut buf = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        buf.extend(65535u32.to_le_bytes());
        buf.extend(1u32.to_le_bytes());
        Pcap {
            buf,
            ts: 1_700_000_000,
            frames: 0,
            vlan: None,
        }
    }

    pub fn raw_frame(&mut self, f: &[u8]) {
        self.ts += 1;
        self.frames += 1;
        self.buf.extend(self.ts.to_le_bytes());
        self.buf.extend(0u32.to_le_bytes());
        self.buf.extend((f.len() as u32).to_le_bytes());
        self.buf.extend((f.len() as u32).to_le_bytes());
        self.buf.extend(f);
    }

    /// One IPv4 packet (or fragment: `frag = Some((id, byte_offset, more))`).
    pub fn ipv4(
        &mut self,
        src: Host,
        dst: Host,
        proto: u8,
        payload: &[u8],
        frag: Option<(u16, usize, bool)>,
    ) {
        let mut f = Vec::new();
        f.extend(dst.mac);
        f.extend(src.mac);
        if let Some(v) = self.vlan {
            f.extend([0x81, 0x00]);
            f.extend(v.to_be_bytes());
        }
        f.extend([0x08, 0x00]);
        let total = 20 + payload.len();
        let (id, off, more) = frag.unwrap_or((0, 0, false));
        let fo = ((off / 8) as u16) | if more { 0x2000 } else { 0 };
        f.extend([0x45, 0]);
        f.extend((total as u16).to_be_bytes());
        f.extend(id.to_be_bytes());
        f.extend(fo.to_be_bytes());
        f.extend([64, proto, 0, 0]);
        f.extend(src.ip.octets());
        f.extend(dst.ip.octets());
        f.extend(payload);
        self.raw_frame(&f);
    }

    pub fn udp_bytes(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
        let mut u = Vec::new();
        u.extend(sport.to_be_bytes());
        u.extend(dport.to_be_bytes());
        u.extend(((8 + payload.len()) as u16).to_be_bytes());
        u.extend([0, 0]);
        u.extend(payload);
        u
    }

    #[allow(clippy::too_many_arguments)]
    pub fn tcp_seg(
        &mut self,
        src: Host,
        dst: Host,
        sport: u16,
        dport: u16,
        seq: u32,
        flags: u8,
        payload: &[u8],
    ) {
        let mut t = Vec::new();
        t.extend(sport.to_be_bytes());
        t.extend(dport.to_be_bytes());
        t.extend(seq.to_be_bytes());
        t.extend(0u32.to_be_bytes());
        t.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        t.extend(payload);
        self.ipv4(src, dst, 6, &t, None);
    }
}

pub const SYN: u8 = 0x02;
pub const SYNACK: u8 = 0x12;
pub const ACK: u8 = 0x10;
pub const PSHACK: u8 = 0x18;
pub const FINACK: u8 = 0x11;

/// A TCP connection whose segments can be written in any order.
pub struct Conn {
    pub c: Host,
    pub s: Host,
    pub cport: u16,
    pub sport: u16,
    pub cseq: u32,
    pub sseq: u32,
}

impl Conn {
    pub fn open(p: &mut Pcap, c: Host, s: Host, cport: u16, sport: u16) -> Conn {
        let conn = Conn {
            c,
            s,
            cport,
            sport,
            cseq: 1000,
            sseq: 5000,
        };
        p.tcp_seg(c, s, cport, sport, conn.cseq - 1, SYN, &[]);
        p.tcp_seg(s, c, sport, cport, conn.sseq - 1, SYNACK, &[]);
        p.tcp_seg(c, s, cport, sport, conn.cseq, ACK, &[]);
        conn
    }

    /// Splits `data` into segments of `mss` for the client (`from_client`) or server side
    /// and returns them as (seq, bytes) without writing them.
    pub fn segments(&mut self, from_client: bool, data: &[u8], mss: usize) -> Vec<(u32, Vec<u8>)> {
        let seq = if from_client {
            &mut self.cseq
        } else {
            &mut self.sseq
        };
        let mut out = Vec::new();
        for chunk in data.chunks(mss) {
            out.push((*seq, chunk.to_vec()));
            *seq = seq.wrapping_add(chunk.len() as u32);
        }
        out
    }

    pub fn write(&self, p: &mut Pcap, from_client: bool, segs: &[(u32, Vec<u8>)]) {
        for (seq, d) in segs {
            if from_client {
                p.tcp_seg(self.c, self.s, self.cport, self.sport, *seq, PSHACK, d);
            } else {
                p.tcp_seg(self.s, self.c, self.sport, self.cport, *seq, PSHACK, d);
            }
        }
    }

    pub fn send(&mut self, p: &mut Pcap, from_client: bool, data: &[u8]) {
        let segs = self.segments(from_client, data, 1400);
        self.write(p, from_client, &segs);
    }

    pub fn close(&self, p: &mut Pcap) {
        p.tcp_seg(
            self.c,
            self.s,
            self.cport,
            self.sport,
            self.cseq,
            FINACK,
            &[],
        );
        p.tcp_seg(
            self.s,
            self.c,
            self.sport,
            self.cport,
            self.sseq,
            FINACK,
            &[],
        );
    }
}
