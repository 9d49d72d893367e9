//! Hostile and damaged captures: no panic, bounded work, and the damage is counted.

mod common;

use medvigil_netwatch::capture::CaptureError;
use medvigil_netwatch::{Analyzer, Limits, Options, Report};

/// xorshift64*: a fixed-seed generator so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn analyze(bytes: &[u8]) -> Result<Report, CaptureError> {
    let mut a = Analyzer::new(Options::default());
    a.read_capture("mem.pcap", bytes)?;
    Ok(a.finish())
}

fn corpus_captures() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = medvigil_testkit::corpus("pcap/ndpi")?;
    let files = medvigil_testkit::files_under(&dir.join("pcap"), |n| n.contains(".pcap"));
    assert!(!files.is_empty());
    Some(
        files
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read(p).unwrap()))
            .collect(),
    )
}

#[test]
fn random_mutations_of_real_captures_never_panic() {
    let Some(caps) = corpus_captures() else {
        return;
    };
    let mut rng = Rng(0x6d65_6476_6967_696c);
    for (name, orig) in &caps {
        for round in 0..150 {
            let mut b = orig.clone();
            // Flip bytes anywhere, including headers and length fields.
            for _ in 0..1 + rng.below(16) {
                let i = rng.below(b.len());
                b[i] = rng.next() as u8;
            }
            if round % 5 == 0 {
                // Also cut the file short at a random point.
                b.truncate(rng.below(b.len()));
            }
            let _ = analyze(&b).map(|r| {
                // Whatever happened is counted, never silently dropped.
                assert!(r.frames <= 1 + orig.len() as u64 / 16, "{name}");
            });
        }
    }
}

#[test]
fn truncated_capture_reports_where_it_stopped() {
    let Some(caps) = corpus_captures() else {
        return;
    };
    let (_, telnet) = caps
        .iter()
        .find(|(n, _)| n.ends_with("telnet.pcap"))
        .unwrap();
    let cut = &telnet[..telnet.len() - 7];
    let r = analyze(cut).unwrap();
    let p = r.files[0].problem.as_ref().expect("truncation reported");
    assert_eq!(p.kind, "truncated_record");
    assert_eq!(p.frame, 92, "the last frame is the one cut");
    assert_eq!(r.frames, 91);
    assert_eq!(r.errors.by_kind.get("truncated_record"), Some(&1));
}

#[test]
fn not_a_capture_and_empty_are_clear_errors() {
    assert!(matches!(analyze(b""), Err(CaptureError::Empty)));
    let e = analyze(b"MSH|^~\\&|this is not a pcap at all........").unwrap_err();
    assert!(e.to_string().contains("not a pcap or pcapng"), "{e}");
    assert!(matches!(
        analyze(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]),
        Err(CaptureError::TruncatedHeader)
    ));
}

/// A legacy pcap header followed by records we build.
fn pcap(records: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let mut b = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    b.extend(65535u32.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    for (caplen, origlen, data) in records {
        b.extend(1u32.to_le_bytes());
        b.extend(0u32.to_le_bytes());
        b.extend(caplen.to_le_bytes());
        b.extend(origlen.to_le_bytes());
        b.extend(*data);
    }
    b
}

#[test]
fn record_length_that_lies_is_bounded() {
    // caplen says 3 GB: the reader must refuse rather than allocate.
    let b = pcap(&[(3_000_000_000, 3_000_000_000, &[0u8; 64])]);
    let r = analyze(&b).unwrap();
    let p = r.files[0].problem.as_ref().unwrap();
    assert!(
        matches!(
            p.kind,
            "record_too_large" | "corrupt_block" | "truncated_record"
        ),
        "{p:?}"
    );
    assert_eq!(r.frames, 0);
}

#[test]
fn snaplen_cut_frames_are_counted_and_still_used() {
    // Ethernet + IPv4 + TCP SYN cut after the TCP header (origlen says more).
    let mut f = vec![0, 1, 2, 3, 4, 5, 0x00, 0x09, 0xfb, 1, 2, 3, 8, 0];
    f.extend([
        0x45, 0, 0, 140, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    f.extend([
        0x30, 0x39, 0, 104, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
    ]);
    f.extend([1, 0, 0, 0]);
    let n = f.len() as u32;
    let b = pcap(&[(n, n + 96, &f)]);
    let r = analyze(&b).unwrap();
    assert_eq!(r.errors.by_kind.get("frame_cut_by_snaplen"), Some(&1));
    assert_eq!(r.flows.tcp, 1);
}

/// Many connections each start an A-ASSOCIATE-RQ that claims 60 KiB and never finish it:
/// the decoders' buffers are bounded by one global budget, not per flow times flows.
#[test]
fn partial_pdus_on_many_flows_hit_the_global_decoder_budget() {
    let mut p = common::Pcap::new();
    let pacs = common::host(0x30, "10.0.0.30");
    for i in 0..200u16 {
        let c = common::host(
            (i % 250) as u8,
            &format!("10.1.{}.{}", i / 250, i % 250 + 1),
        );
        let mut conn = common::Conn::open(&mut p, c, pacs, 30000 + i, 104);
        let mut pdu = vec![1, 0, 0, 0, 0xf0, 0, 0, 1, 0, 0];
        pdu.extend(b"PACS            CALLER          ");
        pdu.extend(vec![0u8; 8000]);
        conn.send(&mut p, true, &pdu);
    }
    let limits = Limits {
        decoder_bytes: 256 * 1024,
        // Keep all 200 connections open at once (the builder's clock ticks 1 s a frame).
        flow_idle_secs: 1_000_000,
        ..Limits::default()
    };
    let mut a = Analyzer::new(Options {
        limits,
        ..Options::default()
    });
    a.read_capture("hostile.pcap", &p.buf[..]).unwrap();
    let r = a.finish();
    let over = r
        .errors
        .by_kind
        .get("decoder_budget_exceeded")
        .copied()
        .unwrap_or(0);
    // Each flow buffers about 8 KiB of its never-ending PDU; 256 KiB holds ~30 of them.
    assert!(over >= 150, "{:?}", r.errors);
    assert_eq!(r.flows.by_protocol.get("dicom"), Some(&200));
}

/// A pcapng block whose length field is corrupt: the frames before it are analysed, the
/// problem names the byte offset, and nothing after it is guessed at.
#[test]
fn corrupt_pcapng_block_length_stops_with_its_offset() {
    let Some(dir) = medvigil_testkit::corpus("pcap/ndpi") else {
        return;
    };
    let mut b = std::fs::read(dir.join("pcap/dnp3.pcap")).unwrap();
    assert_eq!(&b[..4], &[0x0a, 0x0d, 0x0d, 0x0a], "dnp3.pcap is pcapng");
    // Walk blocks (type u32, total length u32, little endian) to the 11th.
    let mut at = 0usize;
    let mut blocks = 0;
    let mut packets_before = 0u64;
    while blocks < 10 {
        let ty = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let len = u32::from_le_bytes(b[at + 4..at + 8].try_into().unwrap()) as usize;
        if ty == 6 {
            packets_before += 1;
        }
        at += len;
        blocks += 1;
    }
    // Length 13: not a multiple of 4 and shorter than any block.
    b[at + 4..at + 8].copy_from_slice(&13u32.to_le_bytes());
    let r = analyze(&b).unwrap();
    let p = r.files[0].problem.as_ref().expect("problem reported");
    assert_eq!(p.offset, at as u64, "{p:?}");
    assert_eq!(r.frames, packets_before);
    assert_eq!(r.errors.total, 1, "{:?}", r.errors);
}
