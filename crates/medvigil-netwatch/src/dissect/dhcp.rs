//! DHCP (RFC 2131/2132) messages: who asks, with which hostname and vendor class.

use std::net::{IpAddr, Ipv4Addr};

use super::clean;

/// The fields of a DHCP message that identify a device.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DhcpMessage {
    /// Option 53 message type (1 DISCOVER, 2 OFFER, 3 REQUEST, 5 ACK, ...).
    pub message_type: Option<u8>,
    /// `op` 1 is a request from a client, 2 a reply from a server.
    pub from_client: bool,
    /// Client hardware address (`chaddr`).
    pub client_mac: [u8; 6],
    /// Option 12 host name.
    pub hostname: Option<String>,
    /// Option 60 vendor class identifier.
    pub vendor_class: Option<String>,
    /// Option 55 parameter request list, as decimal codes joined by commas (a fingerprint).
    pub parameter_request_list: Option<String>,
    /// Address the server assigned (`yiaddr`) or the client asks for (option 50).
    pub address: Option<IpAddr>,
}

/// Names of option 53 values.
pub fn message_type_name(t: u8) -> &'static str {
    match t {
        1 => "DHCPDISCOVER",
        2 => "DHCPOFFER",
        3 => "DHCPREQUEST",
        4 => "DHCPDECLINE",
        5 => "DHCPACK",
        6 => "DHCPNAK",
        7 => "DHCPRELEASE",
        8 => "DHCPINFORM",
        _ => "unknown",
    }
}

/// Whether a UDP payload looks like BOOTP/DHCP: op, Ethernet htype/hlen, magic cookie.
pub fn looks_like_dhcp(b: &[u8]) -> bool {
    b.len() >= 240
        && matches!(b[0], 1 | 2)
        && b[1] == 1
        && b[2] == 6
        && b[236..240] == [99, 130, 83, 99]
}

/// Parses a DHCP message. `Err` when it is not BOOTP at all; otherwise the fields read
/// and, when an option was malformed, what was wrong with it (the options before it are
/// kept, as Wireshark does).
pub fn parse(b: &[u8]) -> Result<(DhcpMessage, Option<&'static str>), &'static str> {
    if !looks_like_dhcp(b) {
        return Err("dhcp_not_bootp");
    }
    let mut m = DhcpMessage {
        from_client: b[0] == 1,
        client_mac: b[28..34].try_into().map_err(|_| "dhcp_short")?,
        ..Default::default()
    };
    let problem = options(b, &mut m).err();
    Ok((m, problem))
}

fn options(b: &[u8], m: &mut DhcpMessage) -> Result<(), &'static str> {
    let yiaddr = Ipv4Addr::new(b[16], b[17], b[18], b[19]);
    if !yiaddr.is_unspecified() {
        m.address = Some(yiaddr.into());
    }
    let mut at = 240;
    while at < b.len() {
        let code = b[at];
        if code == 255 {
            break;
        }
        if code == 0 {
            at += 1;
            continue;
        }
        let len = usize::from(*b.get(at + 1).ok_or("dhcp_option_truncated")?);
        let v = b
            .get(at + 2..at + 2 + len)
            .ok_or("dhcp_option_overruns_packet")?;
        match code {
            53 if len == 1 => m.message_type = Some(v[0]),
            12 => m.hostname = Some(clean(v)),
            60 => m.vendor_class = Some(clean(v)),
            55 => {
                let codes: Vec<String> = v.iter().map(|c| c.to_string()).collect();
                m.parameter_request_list = Some(codes.join(","));
            }
            50 if len == 4 && m.address.is_none() => {
                m.address = Some(Ipv4Addr::new(v[0], v[1], v[2], v[3]).into());
            }
            _ => {}
        }
        at += 2 + len;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discover_with_identity_options() {
        let mut b = vec![0u8; 240];
        b[0] = 1;
        b[1] = 1;
        b[2] = 6;
        b[28..34].copy_from_slice(&[0x00, 0x09, 0xfb, 1, 2, 3]);
        b[236..240].copy_from_slice(&[99, 130, 83, 99]);
        b.extend([53, 1, 1]);
        b.extend([12, 8]);
        b.extend(b"PUMP-017");
        b.extend([60, 9]);
        b.extend(b"BD Alaris");
        b.extend([55, 4, 1, 3, 6, 15, 255]);
        let (m, problem) = parse(&b).unwrap();
        assert_eq!(problem, None);
        assert_eq!(m.message_type, Some(1));
        assert_eq!(m.hostname.as_deref(), Some("PUMP-017"));
        assert_eq!(m.vendor_class.as_deref(), Some("BD Alaris"));
        assert_eq!(m.parameter_request_list.as_deref(), Some("1,3,6,15"));
        // Lying option length.
        let n = b.len();
        b[n - 6] = 200;
        let (m, problem) = parse(&b).unwrap();
        assert_eq!(problem, Some("dhcp_option_overruns_packet"));
        assert_eq!(
            m.hostname.as_deref(),
            Some("PUMP-017"),
            "options before the bad one are kept"
        );
    }
}
