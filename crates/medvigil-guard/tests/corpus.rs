//! Real traffic: the HL7-over-MLLP capture from nDPI's test suite
//! (`../shared/data/pcap/ndpi/pcap/hl7.pcap`, an ADT^A01 and its ACK), decoded with
//! the guard's MLLP decoder and HL7 parser, judged by the policy, and replayed
//! byte for byte through a running guard.

mod common;

use std::path::Path;

use medvigil_guard::hl7::Message;
use medvigil_guard::mllp::MllpDecoder;
use medvigil_guard::policy::{Policy, Verdict};

/// TCP payloads of a classic little-endian Ethernet/IPv4 pcap, concatenated per
/// direction (source port) in capture order. Enough for a short, clean capture; the
/// full reassembly lives in medvigil-netwatch.
fn tcp_streams(pcap: &[u8]) -> Vec<(u16, Vec<u8>)> {
    assert_eq!(
        &pcap[..4],
        &[0xd4, 0xc3, 0xb2, 0xa1],
        "classic little-endian pcap"
    );
    assert_eq!(
        u32::from_le_bytes(pcap[20..24].try_into().unwrap()),
        1,
        "Ethernet"
    );
    let mut streams: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        let caplen = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        let frame = &pcap[at + 16..at + 16 + caplen];
        at += 16 + caplen;
        if frame.len() < 14 + 20 || frame[12..14] != [0x08, 0x00] {
            continue;
        }
        let ip = &frame[14..];
        let ihl = usize::from(ip[0] & 0x0f) * 4;
        let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
        if ip[9] != 6 || total > ip.len() {
            continue;
        }
        let tcp = &ip[ihl..total];
        let sport = u16::from_be_bytes([tcp[0], tcp[1]]);
        let off = usize::from(tcp[12] >> 4) * 4;
        let payload = &tcp[off..];
        if payload.is_empty() {
            continue;
        }
        match streams.iter_mut().find(|(p, _)| *p == sport) {
            Some((_, s)) => s.extend_from_slice(payload),
            None => streams.push((sport, payload.to_vec())),
        }
    }
    streams
}

fn frames(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut d = MllpDecoder::new(1 << 20);
    let mut buf = stream.to_vec();
    let mut out = Vec::new();
    while let Some(f) = d.decode(&buf).expect("valid MLLP in the capture") {
        out.push(buf[f.payload.clone()].to_vec());
        buf.drain(..f.consumed);
    }
    assert!(
        buf.iter().all(|b| *b == b'\r' || *b == b'\n'),
        "no trailing partial frame"
    );
    out
}

fn capture() -> Option<Vec<(u16, Vec<u8>)>> {
    let dir = medvigil_testkit::corpus("pcap/ndpi/pcap")?;
    let bytes = std::fs::read(dir.join("hl7.pcap")).unwrap();
    Some(tcp_streams(&bytes))
}

#[test]
fn corpus_hl7_pcap_decodes_and_parses() {
    let Some(streams) = capture() else { return };
    let mut types = Vec::new();
    for (_, s) in &streams {
        for f in frames(s) {
            let m = Message::parse_bytes(&f).unwrap();
            types.push((m.message_type(), m.control_id().into_owned()));
            if m.message_type() == "ADT^A01" {
                assert_eq!(m.msh().field(3).value(), "SENDING_APPLICATION");
                assert_eq!(m.msh().field(12).value(), "2.3");
                assert!(m.segment("PID").is_some());
            }
        }
    }
    assert!(
        types.contains(&("ADT^A01".into(), "934576120110613083617".into())),
        "{types:?}"
    );
    assert!(
        types.iter().any(|(t, _)| t.starts_with("ACK^")),
        "{types:?}"
    );

    // The policy: a sender allowed only PCD-03 programs may not send ADT; one allowed
    // ADT^A01 may.
    let adt = streams
        .iter()
        .flat_map(|(_, s)| frames(s))
        .find(|f| Message::parse_bytes(f).unwrap().message_type() == "ADT^A01")
        .unwrap();
    let text = r#"
listen = "127.0.0.1:0"
upstream = "127.0.0.1:9"
audit_log = "a.jsonl"
[[senders]]
name = "pumps-only"
networks = ["10.0.0.0/24"]
message_types = ["RGV^O15"]
[[senders]]
name = "adt-feed"
networks = ["10.0.1.0/24"]
message_types = ["ADT^A01"]
"#;
    let c = medvigil_guard::Config::from_toml(text, Path::new("t.toml"), Path::new("/")).unwrap();
    let p = Policy::new(&c);
    let now = medvigil_guard::time::now().0 * 1000;
    match p.assess(Some(0), &adt, now).verdict {
        Verdict::Reject(r) => assert_eq!(r.rule, "message_type_not_allowed"),
        v => panic!("{v:?}"),
    }
    assert!(matches!(
        p.assess(Some(1), &adt, now).verdict,
        Verdict::Forward { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_hl7_pcap_replayed_through_the_guard() {
    let Some(streams) = capture() else { return };
    let adt = streams
        .iter()
        .flat_map(|(_, s)| frames(s))
        .find(|f| Message::parse_bytes(f).unwrap().message_type() == "ADT^A01")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gw = common::gateway(false).await;
    let text = common::config_text(dir.path(), gw.addr, "", "").replace(
        "message_types = [\"RGV^O15\"]",
        "message_types = [\"RGV^O15\", \"ADT^A01\"]",
    );
    let g = common::start(dir.path(), &text).await;
    let mut c = common::connect(g.addr).await;
    let reply = c.send(std::str::from_utf8(&adt).unwrap()).await;
    assert_eq!(common::ack_of(&reply).0, "AA");
    assert_eq!(
        gw.received.lock().unwrap()[0],
        adt,
        "forwarded byte for byte"
    );
    g.stop().await;
}
