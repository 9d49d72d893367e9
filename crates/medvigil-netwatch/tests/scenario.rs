//! A small hospital network built packet by packet, exercising what real captures in the
//! corpus do not: infusion-pump findings, clinical devices reaching the internet, SMBv1,
//! 802.1Q tags, out-of-order and retransmitted TCP segments, and IP fragments.

mod common;

use common::*;
use medvigil_netwatch::{Analyzer, KnownDevice, Options, Report};

const PCD03: &[u8] = b"\x0bMSH|^~\\&|PHARMACY^PHARM01^L|HOSP|PUMP_GW|ICU|20240101120000||RGV^O15^RGV_O15|RX0001|P|2.6|||AL|NE||||||IHE_PCD_RGV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^ISO\rPID|||MRN-7788^^^HOSP^MR||Doe^Jane||19800202|F\rORC|RE|1\rRXG|1||||0.9% NaCl|100|mL\r\x1c\r";

fn associate_rq(calling: &str, called: &str) -> Vec<u8> {
    let ae = |s: &str| {
        let mut v = s.as_bytes().to_vec();
        v.resize(16, b' ');
        v
    };
    let item = |ty: u8, v: &[u8]| {
        let mut o = vec![ty, 0];
        o.extend((v.len() as u16).to_be_bytes());
        o.extend(v);
        o
    };
    let mut body = vec![0, 1, 0, 0];
    body.extend(ae(called));
    body.extend(ae(calling));
    body.extend([0; 32]);
    body.extend(item(0x10, b"1.2.840.10008.3.1.1.1"));
    let mut pc = vec![1, 0, 0, 0];
    pc.extend(item(0x30, b"1.2.840.10008.5.1.4.1.1.2"));
    pc.extend(item(0x40, b"1.2.840.10008.1.2"));
    body.extend(item(0x20, &pc));
    body.extend(item(0x50, &item(0x52, b"1.2.3.4.5.6")));
    let mut pdu = vec![1, 0];
    pdu.extend((body.len() as u32).to_be_bytes());
    pdu.extend(body);
    pdu
}

fn client_hello(sni: &str) -> Vec<u8> {
    let name = sni.as_bytes();
    let mut sn = vec![0u8];
    sn.extend((name.len() as u16).to_be_bytes());
    sn.extend(name);
    let mut ext = vec![0, 0];
    ext.extend(((sn.len() + 2) as u16).to_be_bytes());
    ext.extend((sn.len() as u16).to_be_bytes());
    ext.extend(sn);
    let mut body = vec![3, 3];
    body.extend([7; 32]);
    body.extend([0, 0, 2, 0x13, 1, 1, 0]);
    body.extend((ext.len() as u16).to_be_bytes());
    body.extend(ext);
    let mut hs = vec![1, 0];
    hs.extend((body.len() as u16).to_be_bytes());
    hs.extend(body);
    let mut rec = vec![0x16, 3, 1];
    rec.extend((hs.len() as u16).to_be_bytes());
    rec.extend(hs);
    rec
}

fn dhcp_discover(mac: [u8; 6], hostname: &str) -> Vec<u8> {
    let mut b = vec![0u8; 240];
    b[0] = 1;
    b[1] = 1;
    b[2] = 6;
    b[28..34].copy_from_slice(&mac);
    b[236..240].copy_from_slice(&[99, 130, 83, 99]);
    b.extend([53, 1, 1, 12, hostname.len() as u8]);
    b.extend(hostname.as_bytes());
    b.extend([60, 9]);
    b.extend(b"BD.Alaris");
    b.extend([55, 3, 1, 3, 6, 255]);
    b
}

fn smb1(command: u8) -> Vec<u8> {
    let mut m = b"\xffSMB".to_vec();
    m.push(command);
    m.resize(35, 0);
    let mut v = vec![0, 0];
    v.extend((m.len() as u16).to_be_bytes());
    v.extend(m);
    v
}

/// Builds the capture; returns it with the frame number of the PCD-03 message's last
/// segment.
fn hospital() -> Vec<u8> {
    let gw = host(0x05, "10.0.0.5");
    let pump = host(0x09, "10.0.0.9");
    let laptop = host(0x77, "10.0.0.77");
    let ct = host(0x20, "10.0.0.20");
    let pacs = host(0x30, "10.0.0.30");
    let router = host(0x01, "10.0.0.1");
    let internet = Host {
        mac: router.mac,
        ip: "52.1.2.3".parse().unwrap(),
    };
    let nas = host(0x40, "10.0.0.40");
    let mut p = Pcap::new();
    p.vlan = Some(20);

    // PCD-03 from the pump gateway to the pump, segments out of order and one resent.
    let mut c = Conn::open(&mut p, gw, pump, 40001, 3000);
    let segs = c.segments(true, PCD03, 60);
    let mut order: Vec<(u32, Vec<u8>)> = Vec::new();
    order.push(segs[1].clone());
    order.push(segs[0].clone());
    order.extend(segs[2..].iter().rev().cloned());
    order.push(segs[0].clone());
    c.write(&mut p, true, &order);
    c.send(&mut p, false, b"\x0bMSH|^~\\&|PUMP_GW|ICU|PHARMACY|HOSP|20240101120001||ACK^O15|A1|P|2.6\rMSA|AA|RX0001\r\x1c\r");
    c.close(&mut p);

    // A laptop nobody knows opens Telnet on the pump.
    p.vlan = None;
    let mut t = Conn::open(&mut p, laptop, pump, 50000, 23);
    t.send(&mut p, false, &[0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20]);
    t.send(&mut p, true, &[0xff, 0xfc, 0x18]);
    t.close(&mut p);

    // The CT scanner stores to PACS, and calls home over TLS.
    let mut d = Conn::open(&mut p, ct, pacs, 40100, 11112);
    d.send(&mut p, true, &associate_rq("CT_SCANNER", "PACS"));
    d.close(&mut p);
    let mut h = Conn::open(&mut p, ct, internet, 40200, 443);
    h.send(&mut p, true, &client_hello("telemetry.vendor.example"));
    h.close(&mut p);

    // SMB1 file share on the NAS.
    let mut s = Conn::open(&mut p, laptop, nas, 50100, 445);
    s.send(&mut p, true, &smb1(0x72));
    s.send(&mut p, false, &smb1(0x72));
    s.send(&mut p, true, &smb1(0x73));
    s.close(&mut p);

    // A DHCP DISCOVER split into two IP fragments, second one first.
    let newpump = host(0x42, "0.0.0.0");
    let bcast = Host {
        mac: [0xff; 6],
        ip: "255.255.255.255".parse().unwrap(),
    };
    let udp = Pcap::udp_bytes(68, 67, &dhcp_discover(newpump.mac, "PUMP-042"));
    p.ipv4(newpump, bcast, 17, &udp[160..], Some((77, 160, false)));
    p.ipv4(newpump, bcast, 17, &udp[..160], Some((77, 0, true)));
    p.buf
}

fn analyze(known: Vec<KnownDevice>) -> Report {
    let mut a = Analyzer::new(Options {
        known,
        ..Options::default()
    });
    a.read_capture("hospital.pcap", &hospital()[..]).unwrap();
    a.finish()
}

fn find<'a>(r: &'a Report, kind: &str) -> Vec<&'a medvigil_netwatch::report::NetworkFinding> {
    r.findings.iter().filter(|f| f.kind == kind).collect()
}

#[test]
fn findings_roles_and_reassembly() {
    let r = analyze(Vec::new());
    assert_eq!(r.errors.total, 0, "{:?}", r.errors);

    // PCD-03 recovered from out-of-order, retransmitted segments behind a VLAN tag.
    let rgv = r
        .hl7_conversations
        .iter()
        .find(|c| c.message_type == "RGV^O15")
        .expect("RGV^O15 recovered");
    assert_eq!(rgv.ihe_profile, Some("PCD-03"));
    assert_eq!(rgv.messages, 1);
    assert_eq!(rgv.sending_application, "PHARMACY^PHARM01^L");
    let pump = r
        .devices
        .iter()
        .find(|d| d.ips.contains(&"10.0.0.9".parse().unwrap()))
        .unwrap();
    assert!(
        pump.roles.contains(&"infusion_pump".to_string()),
        "{:?}",
        pump.roles
    );
    assert!(pump.roles.contains(&"telnet_server".to_string()));

    let phi = find(&r, "patient_data_in_clear");
    assert_eq!(phi.len(), 1);
    assert_eq!(phi[0].client.to_string(), "10.0.0.5");
    assert_eq!(phi[0].server.to_string(), "10.0.0.9");
    assert_eq!(phi[0].evidence.count, 1);

    let unknown = find(&r, "unknown_host_to_infusion_pump");
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0].client.to_string(), "10.0.0.77");
    assert_eq!(unknown[0].details["ports"], "23");

    let telnet = find(&r, "telnet");
    assert_eq!(telnet.len(), 1);
    assert_eq!(telnet[0].server_port, Some(23));

    let internet = find(&r, "clinical_device_internet");
    assert_eq!(internet.len(), 1, "{internet:?}");
    assert_eq!(internet[0].client.to_string(), "10.0.0.20");
    assert_eq!(internet[0].server.to_string(), "52.1.2.3");
    assert_eq!(internet[0].details["clinical_because"], "speaks DICOM");
    let ct = r
        .devices
        .iter()
        .find(|d| d.ips.contains(&"10.0.0.20".parse().unwrap()))
        .unwrap();
    assert!(
        ct.identifiers
            .iter()
            .any(|i| i.kind == "tls_sni_requested" && i.value == "telemetry.vendor.example")
    );
    assert!(
        ct.identifiers
            .iter()
            .any(|i| i.kind == "dicom_ae_title" && i.value == "CT_SCANNER")
    );

    let smb = find(&r, "smbv1");
    assert_eq!(smb.len(), 1);
    assert_eq!(
        smb[0].evidence.count, 2,
        "negotiate response and session setup"
    );

    // The fragmented DHCP DISCOVER was reassembled.
    let dhcp = r
        .devices
        .iter()
        .find(|d| d.identifiers.iter().any(|i| i.value == "PUMP-042"))
        .expect("DHCP client from reassembled fragments");
    assert_eq!(dhcp.mac.unwrap().to_string(), "00:09:fb:10:20:42");
    assert!(
        dhcp.identifiers
            .iter()
            .any(|i| i.kind == "dhcp_vendor_class" && i.value == "BD.Alaris")
    );

    // Nothing from PID leaks.
    let json = serde_json::to_string(&r).unwrap();
    for s in ["MRN-7788", "Doe", "19800202"] {
        assert!(!json.contains(s), "{s} leaked");
    }
}

#[test]
fn inventory_decides_who_is_unknown() {
    // With an inventory that knows the laptop, it is no longer an unknown host; the pump
    // gateway, absent from the inventory, is.
    let known = vec![
        KnownDevice {
            asset_id: "PUMP-9".into(),
            ips: vec!["10.0.0.9".parse().unwrap()],
            infusion_pump: true,
            clinical: true,
            ..Default::default()
        },
        KnownDevice {
            asset_id: "IT-LAPTOP-77".into(),
            ips: vec!["10.0.0.77".parse().unwrap()],
            ..Default::default()
        },
    ];
    let r = analyze(known);
    let unknown: Vec<String> = find(&r, "unknown_host_to_infusion_pump")
        .iter()
        .map(|f| f.client.to_string())
        .collect();
    assert_eq!(unknown, ["10.0.0.5"]);
    let pump = r
        .devices
        .iter()
        .find(|d| d.asset_id.as_deref() == Some("PUMP-9"))
        .unwrap();
    let dev = pump.to_device("north");
    assert_eq!(dev.asset_id, "PUMP-9");
    assert_eq!(dev.origin, medvigil_model::DeviceOrigin::Discovered);
    let laptop = r
        .devices
        .iter()
        .find(|d| d.ips.contains(&"10.0.0.77".parse().unwrap()))
        .unwrap();
    assert_eq!(laptop.asset_id.as_deref(), Some("IT-LAPTOP-77"));
}

/// The server's ACK and SYN-ACK arrive before the client's SYN (reordered by the
/// mirror port), on two ephemeral ports: the late SYN still makes its sender the client,
/// and the HTTP request is read as a request.
#[test]
fn late_syn_fixes_the_orientation() {
    let c = host(0x61, "10.0.0.61");
    let s = host(0x62, "10.0.0.62");
    let mut p = Pcap::new();
    p.tcp_seg(s, c, 8080, 40000, 5000, ACK, &[]);
    p.tcp_seg(s, c, 8080, 40000, 4999, SYNACK, &[]);
    p.tcp_seg(c, s, 40000, 8080, 999, SYN, &[]);
    p.tcp_seg(c, s, 40000, 8080, 1000, ACK, &[]);
    let req =
        b"GET /pump/status HTTP/1.1\r\nHost: 10.0.0.62\r\nUser-Agent: PumpMonitor/1.0\r\n\r\n";
    p.tcp_seg(c, s, 40000, 8080, 1000, PSHACK, req);
    let flows = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = flows.clone();
    let mut a = Analyzer::new(Options::default());
    a.set_flow_sink(move |f| sink.borrow_mut().push(f.clone()));
    a.read_capture("late-syn.pcap", &p.buf[..]).unwrap();
    let r = a.finish();
    let f = flows.borrow();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].client.1, 40000);
    assert_eq!(f[0].packets, [3, 2]);
    assert_eq!(f[0].protocol, Some("http"));
    let client = r
        .devices
        .iter()
        .find(|d| d.ips.contains(&"10.0.0.61".parse().unwrap()))
        .unwrap();
    assert!(
        client
            .identifiers
            .iter()
            .any(|i| i.value == "PumpMonitor/1.0")
    );
}
