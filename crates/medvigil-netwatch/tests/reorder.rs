//! TCP reassembly on real captures made worse: packets of nDPI's captures are reordered in
//! small windows (as a mirror port aggregating several links does) and some are duplicated
//! (retransmissions); the application-level results must not change.

use medvigil_netwatch::{Analyzer, Options, Report};

/// Splits a little-endian legacy pcap into its header and records.
fn records(b: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    assert_eq!(
        &b[..4],
        &[0xd4, 0xc3, 0xb2, 0xa1],
        "little-endian microsecond pcap"
    );
    let mut recs = Vec::new();
    let mut at = 24;
    while at + 16 <= b.len() {
        let caplen = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) as usize;
        recs.push(b[at..at + 16 + caplen].to_vec());
        at += 16 + caplen;
    }
    (b[..24].to_vec(), recs)
}

fn analyze(b: &[u8]) -> Report {
    let mut a = Analyzer::new(Options::default());
    a.read_capture("x.pcap", b).unwrap();
    a.finish()
}

/// Keeps the first two records (the handshake) in place, reverses every window of three
/// after them, and duplicates every fourth record.
fn mangle(b: &[u8]) -> Vec<u8> {
    let (head, recs) = records(b);
    let mut out = head;
    let (start, rest) = recs.split_at(2.min(recs.len()));
    for r in start {
        out.extend(r);
    }
    for (i, w) in rest.chunks(3).enumerate() {
        for r in w.iter().rev() {
            out.extend(r);
            if i % 4 == 0 {
                out.extend(r);
            }
        }
    }
    out
}

/// HL7 conversations, finding kinds and flows per protocol.
type Summary = (
    Vec<(String, u64, u64)>,
    Vec<&'static str>,
    std::collections::BTreeMap<&'static str, u64>,
);

fn summary(r: &Report) -> Summary {
    let mut hl7: Vec<(String, u64, u64)> = r
        .hl7_conversations
        .iter()
        .map(|c| (c.message_type.clone(), c.messages, c.with_patient_data))
        .collect();
    hl7.sort();
    let kinds = r.findings.iter().map(|f| f.kind).collect();
    (hl7, kinds, r.flows.by_protocol.clone())
}

#[test]
fn reordered_and_duplicated_segments_give_the_same_results() {
    let Some(dir) = medvigil_testkit::corpus("pcap/ndpi") else {
        return;
    };
    // dnp3.pcap is pcapng (covered unmangled by the nDPI test); these are legacy pcap.
    for name in [
        "hl7.pcap",
        "ftp.pcap",
        "telnet.pcap",
        "smb_deletefile.pcap",
        "modbus.pcap",
    ] {
        let orig = std::fs::read(dir.join("pcap").join(name)).unwrap();
        let a = analyze(&orig);
        let b = analyze(&mangle(&orig));
        assert_eq!(summary(&a), summary(&b), "{name}");
        assert!(
            b.frames > a.frames,
            "{name}: the mangled capture has duplicates ({} vs {})",
            b.frames,
            a.frames
        );
    }
}
