//! Link and network layers: from a captured frame to an IP packet.
//!
//! Link layers are a few fixed offsets, decoded here directly (Ethernet with any number of
//! 802.1Q/802.1ad tags, Linux cooked SLL and SLL2, raw IP, BSD loopback); IPv4 and IPv6
//! headers, options and extension headers are decoded with `etherparse`'s lax slicers,
//! which accept packets the snaplen cut short and say so.

use std::net::IpAddr;

use etherparse::{Ipv6ExtensionSlice, LaxIpSlice, LenSource};

/// Link-layer types we decode (tcpdump's `LINKTYPE_*` values).
pub mod linktype {
    /// BSD loopback: a 4-byte address family in host byte order.
    pub const NULL: i32 = 0;
    /// Ethernet II.
    pub const ETHERNET: i32 = 1;
    /// Raw IP (the value some BSDs use).
    pub const RAW_BSD: i32 = 12;
    /// Raw IP.
    pub const RAW: i32 = 101;
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    pub const LOOP: i32 = 108;
    /// Linux cooked capture v1 (`tcpdump -i any`).
    pub const LINUX_SLL: i32 = 113;
    /// Raw IPv4.
    pub const IPV4: i32 = 228;
    /// Raw IPv6.
    pub const IPV6: i32 = 229;
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: i32 = 276;
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;

/// What the link layer says about a frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkInfo {
    /// Sender's MAC address, when the link layer carries one.
    pub src_mac: Option<[u8; 6]>,
    /// Receiver's MAC address, when the link layer carries one.
    pub dst_mac: Option<[u8; 6]>,
    /// The innermost VLAN id, when tagged.
    pub vlan: Option<u16>,
}

/// IP fragmentation fields of a packet that is one fragment of a larger datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// IPv4 identification or IPv6 fragment header identification.
    pub id: u32,
    /// Byte offset of this fragment's payload in the datagram.
    pub offset: usize,
    /// More fragments follow.
    pub more: bool,
}

/// An IP packet: addresses, transport protocol and payload.
#[derive(Debug, Clone, Copy)]
pub struct IpPacket<'a> {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Transport protocol number (6 TCP, 17 UDP).
    pub proto: u8,
    /// The transport payload bytes that were captured.
    pub payload: &'a [u8],
    /// The payload length the IP header announces (≥ `payload.len()` when cut by snaplen).
    pub claimed_len: usize,
    /// Set when this packet is a fragment.
    pub fragment: Option<Fragment>,
}

/// Outcome of decoding a frame down to IP.
#[derive(Debug)]
pub enum Decoded<'a> {
    /// An IP packet.
    Ip(LinkInfo, IpPacket<'a>),
    /// A frame that carries no IP (ARP, LLDP, STP, ...): not an error.
    NotIp(LinkInfo),
    /// A frame too short or malformed to decode; the reason is a stable snake_case kind.
    Malformed(&'static str),
    /// A link-layer type we do not decode.
    UnsupportedLink,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn mac(b: &[u8], at: usize) -> Option<[u8; 6]> {
    b.get(at..at + 6)?.try_into().ok()
}

/// Decodes a frame of the given link type down to its IP packet.
pub fn decode(linktype: i32, data: &[u8]) -> Decoded<'_> {
    let (link, ethertype, rest) = match linktype {
        linktype::ETHERNET => match ethernet(data) {
            Some(x) => x,
            None => return Decoded::Malformed("short_ethernet_frame"),
        },
        linktype::LINUX_SLL => {
            // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
            let (Some(hatype), Some(alen), Some(proto)) =
                (be16(data, 2), be16(data, 4), be16(data, 14))
            else {
                return Decoded::Malformed("short_sll_header");
            };
            let src_mac = (hatype == 1 && alen == 6).then(|| mac(data, 6)).flatten();
            let link = LinkInfo {
                src_mac,
                ..LinkInfo::default()
            };
            (link, proto, &data[16..])
        }
        linktype::LINUX_SLL2 => {
            // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8)
            let (Some(proto), Some(hatype), Some(&alen)) =
                (be16(data, 0), be16(data, 8), data.get(11))
            else {
                return Decoded::Malformed("short_sll2_header");
            };
            if data.len() < 20 {
                return Decoded::Malformed("short_sll2_header");
            }
            let src_mac = (hatype == 1 && alen == 6).then(|| mac(data, 12)).flatten();
            let link = LinkInfo {
                src_mac,
                ..LinkInfo::default()
            };
            (link, proto, &data[20..])
        }
        linktype::RAW | linktype::RAW_BSD | linktype::IPV4 | linktype::IPV6 => {
            let ethertype = match data.first().map(|b| b >> 4) {
                Some(4) => ETHERTYPE_IPV4,
                Some(6) => ETHERTYPE_IPV6,
                _ => return Decoded::Malformed("raw_ip_bad_version"),
            };
            (LinkInfo::default(), ethertype, data)
        }
        linktype::NULL | linktype::LOOP => {
            let Some(af) = data.get(0..4) else {
                return Decoded::Malformed("short_loopback_header");
            };
            let af = if linktype == linktype::LOOP {
                u32::from_be_bytes([af[0], af[1], af[2], af[3]])
            } else {
                // Host byte order of the capturing machine: accept either.
                u32::from_le_bytes([af[0], af[1], af[2], af[3]])
                    .min(u32::from_be_bytes([af[0], af[1], af[2], af[3]]))
            };
            let ethertype = match af {
                2 => ETHERTYPE_IPV4,
                24 | 28 | 30 => ETHERTYPE_IPV6,
                _ => return Decoded::NotIp(LinkInfo::default()),
            };
            (LinkInfo::default(), ethertype, &data[4..])
        }
        _ => return Decoded::UnsupportedLink,
    };
    match ethertype {
        ETHERTYPE_IPV4 | ETHERTYPE_IPV6 => match ip(rest) {
            Ok(p) => Decoded::Ip(link, p),
            Err(kind) => Decoded::Malformed(kind),
        },
        _ => Decoded::NotIp(link),
    }
}

/// Ethernet II with any stack of 802.1Q / 802.1ad / QinQ tags.
fn ethernet(data: &[u8]) -> Option<(LinkInfo, u16, &[u8])> {
    let mut link = LinkInfo {
        dst_mac: mac(data, 0),
        src_mac: mac(data, 6),
        vlan: None,
    };
    let mut at = 12;
    let mut ethertype = be16(data, at)?;
    // Bound the tag stack: real networks use two at most; a hostile frame could loop.
    for _ in 0..8 {
        if !matches!(ethertype, 0x8100 | 0x88a8 | 0x9100 | 0x9200) {
            break;
        }
        link.vlan = Some(be16(data, at + 2)? & 0x0fff);
        at += 4;
        ethertype = be16(data, at)?;
    }
    Some((link, ethertype, data.get(at + 2..)?))
}

/// IPv4 or IPv6 with `etherparse`, tolerant of snaplen cuts.
fn ip(data: &[u8]) -> Result<IpPacket<'_>, &'static str> {
    let (slice, _ext_err) = LaxIpSlice::from_slice(data).map_err(|_| "malformed_ip_header")?;
    let payload = slice.payload();
    let src = slice.source_addr();
    let dst = slice.destination_addr();
    let (claimed_len, fragment) = match &slice {
        LaxIpSlice::Ipv4(v4) => {
            let h = v4.header();
            let header_total = usize::from(h.total_len());
            let claimed = if payload.len_source == LenSource::Slice && !payload.incomplete {
                payload.payload.len()
            } else {
                // Total length minus everything before the payload.
                let before = payload.payload.as_ptr() as usize - data.as_ptr() as usize;
                header_total
                    .saturating_sub(before)
                    .max(payload.payload.len())
            };
            let off = usize::from(h.fragments_offset().value()) * 8;
            let frag = (h.more_fragments() || off != 0).then_some(Fragment {
                id: u32::from(h.identification()),
                offset: off,
                more: h.more_fragments(),
            });
            (claimed, frag)
        }
        LaxIpSlice::Ipv6(v6) => {
            let h = v6.header();
            let before = payload.payload.as_ptr() as usize - data.as_ptr() as usize;
            let claimed = if payload.len_source == LenSource::Slice && !payload.incomplete {
                payload.payload.len()
            } else {
                (40 + usize::from(h.payload_length()))
                    .saturating_sub(before)
                    .max(payload.payload.len())
            };
            let mut frag = None;
            for ext in v6.extensions().clone().into_iter() {
                if let Ipv6ExtensionSlice::Fragment(f) = ext {
                    let off = usize::from(f.fragment_offset().value()) * 8;
                    if f.more_fragments() || off != 0 {
                        frag = Some(Fragment {
                            id: f.identification(),
                            offset: off,
                            more: f.more_fragments(),
                        });
                    }
                }
            }
            (claimed, frag)
        }
    };
    Ok(IpPacket {
        src,
        dst,
        proto: payload.ip_number.0,
        payload: payload.payload,
        claimed_len,
        fragment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ethernet + QinQ (802.1ad outer, 802.1Q inner) + IPv4/UDP, built by hand.
    #[test]
    fn qinq_ipv4_udp() {
        let mut f = vec![0xff; 6];
        f.extend([0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7]);
        f.extend([0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00]);
        // IPv4: 20-byte header, total 28, UDP, 10.0.0.1 -> 10.0.0.2
        f.extend([
            0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        f.extend([0x04, 0x00, 0x00, 0x35, 0, 8, 0, 0]);
        let Decoded::Ip(link, p) = decode(linktype::ETHERNET, &f) else {
            panic!("not decoded")
        };
        assert_eq!(link.vlan, Some(10));
        assert_eq!(link.src_mac, Some([0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7]));
        assert_eq!(p.proto, 17);
        assert_eq!(p.payload.len(), 8);
        assert_eq!(p.claimed_len, 8);
        assert!(p.fragment.is_none());
        assert_eq!(p.src.to_string(), "10.0.0.1");
    }

    #[test]
    fn snaplen_cut_reports_claimed_length() {
        // IPv4 announcing 100 bytes of TCP payload area but only 24 captured.
        let mut ip = vec![
            0x45, 0, 0, 120, 0, 1, 0x20, 0x00, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        ip.extend([0u8; 24]);
        let Decoded::Ip(_, p) = decode(linktype::RAW, &ip) else {
            panic!()
        };
        assert_eq!(p.payload.len(), 24);
        assert_eq!(p.claimed_len, 100);
        assert_eq!(
            p.fragment,
            Some(Fragment {
                id: 1,
                offset: 0,
                more: true
            })
        );
    }

    /// IPv6 with a fragment extension header (RFC 8200 4.5), first fragment of a UDP
    /// datagram, over Linux cooked v2.
    #[test]
    fn ipv6_fragment_over_sll2() {
        let mut f = vec![0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6];
        f.extend([0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7, 0, 0]);
        assert_eq!(f.len(), 20);
        // IPv6: payload 8 (frag header) + 16, next header 44 (fragment), hop limit 64
        f.extend([0x60, 0, 0, 0, 0, 24, 44, 64]);
        f.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        f.extend([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        // fragment header: next 17 (UDP), offset 0, M=1, id 0xdeadbeef
        f.extend([17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef]);
        f.extend([0u8; 16]);
        let Decoded::Ip(link, p) = decode(linktype::LINUX_SLL2, &f) else {
            panic!("not decoded")
        };
        assert_eq!(link.src_mac, Some([0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7]));
        assert_eq!(p.src.to_string(), "fe80::1");
        assert_eq!(p.proto, 17);
        assert_eq!(p.payload.len(), 16);
        assert_eq!(
            p.fragment,
            Some(Fragment {
                id: 0xdead_beef,
                offset: 0,
                more: true
            })
        );
    }

    #[test]
    fn linux_sll_v1() {
        let mut f = vec![
            0, 0, 0, 1, 0, 6, 0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7, 0, 0, 0x08, 0x00,
        ];
        f.extend([
            0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]);
        let Decoded::Ip(link, p) = decode(linktype::LINUX_SLL, &f) else {
            panic!()
        };
        assert_eq!(link.src_mac, Some([0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7]));
        assert_eq!(p.dst.to_string(), "10.0.0.2");
    }

    #[test]
    fn garbage_never_panics() {
        for lt in [0, 1, 12, 101, 108, 113, 228, 229, 276, 9999] {
            for len in 0..64 {
                let data: Vec<u8> = (0..len).map(|i| (i * 37 + lt as usize) as u8).collect();
                let _ = decode(lt, &data);
            }
        }
    }
}
