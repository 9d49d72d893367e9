//! Throughput and memory on a large generated capture of mixed traffic.
//!
//! Writes a legacy pcap of `NETWATCH_BENCH_MB` MiB (default 1024) to the temp directory:
//! interleaved TCP connections (HL7/MLLP with PID segments, DICOM P-DATA, HTTP, TLS,
//! and opaque bulk transfers) with 1,460-byte segments, 256 connections active at a time.
//! Then runs the analyser over it on one thread and prints MB/s, frames/s and the
//! process's peak RSS (VmHWM), which must stay flat as the file grows.
//!
//! Run: `cargo bench -p medvigil-netwatch --bench throughput`

use std::io::{BufWriter, Write};
use std::time::Instant;

use medvigil_netwatch::{Analyzer, Options};

#[allow(clippy::too_many_arguments)]
fn frame(
    out: &mut impl Write,
    ts: u32,
    src: [u8; 4],
    dst: [u8; 4],
    sport: u16,
    dport: u16,
    seq: u32,
    flags: u8,
    payload: &[u8],
) -> usize {
    let ip_len = 20 + 20 + payload.len();
    let mut f = Vec::with_capacity(14 + ip_len);
    f.extend([
        0x00, 0x09, 0xfb, 0, 0, dst[3], 0x00, 0x1b, 0x44, 0, 0, src[3], 0x08, 0x00,
    ]);
    f.extend([
        0x45,
        0,
        (ip_len >> 8) as u8,
        ip_len as u8,
        0,
        0,
        0x40,
        0,
        64,
        6,
        0,
        0,
    ]);
    f.extend(src);
    f.extend(dst);
    f.extend(sport.to_be_bytes());
    f.extend(dport.to_be_bytes());
    f.extend(seq.to_be_bytes());
    f.extend([0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend(payload);
    let n = f.len() as u32;
    out.write_all(&ts.to_le_bytes()).unwrap();
    out.write_all(&0u32.to_le_bytes()).unwrap();
    out.write_all(&n.to_le_bytes()).unwrap();
    out.write_all(&n.to_le_bytes()).unwrap();
    out.write_all(&f).unwrap();
    16 + f.len()
}

fn stream_bytes(kind: usize) -> Vec<u8> {
    let mut v = Vec::new();
    match kind {
        0 => {
            while v.len() < 64 * 1024 {
                v.extend(b"\x0bMSH|^~\\&|MONITOR|ICU|EMR|HOSP|20240101||ORU^R01^ORU_R01|1|P|2.6|||AL|NE||||||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\rPID|||123^^^H^MR||Doe^John||19700101|M\r");
                for _ in 0..20 {
                    v.extend(b"OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|98|262688^MDC_DIM_PERCENT^MDC|||||R\r");
                }
                v.extend(b"\x1c\r");
            }
        }
        1 => {
            // A-ASSOCIATE-RQ then big P-DATA PDUs of data-set fragments.
            let mut body = vec![0, 1, 0, 0];
            body.extend(b"PACS            CT_SCANNER      ");
            body.extend([0; 32]);
            body.extend([0x10, 0, 0, 21]);
            body.extend(b"1.2.840.10008.3.1.1.1");
            v.extend([1, 0]);
            v.extend((body.len() as u32).to_be_bytes());
            v.extend(body);
            for _ in 0..16 {
                let n = 16 * 1024u32;
                v.extend([4, 0]);
                v.extend((n + 6).to_be_bytes());
                v.extend((n + 2).to_be_bytes());
                v.extend([1, 0]);
                v.extend(std::iter::repeat_n(0x55, n as usize));
            }
        }
        2 => {
            v.extend(b"GET /firmware.bin HTTP/1.1\r\nHost: updates.example\r\nUser-Agent: PumpAgent/2.1\r\n\r\n");
            v.extend(std::iter::repeat_n(b'x', 256 * 1024));
        }
        3 => {
            v.extend([0x16, 3, 1, 0, 60, 1, 0, 0, 56, 3, 3]);
            v.extend([0x11; 32]);
            v.extend([0, 0, 2, 0x13, 1, 1, 0, 0, 13, 0, 0, 0, 9, 0, 7, 0, 0, 4]);
            v.extend(b"a.io");
            v.extend(std::iter::repeat_n(0x17, 256 * 1024));
        }
        _ => v.extend(std::iter::repeat_n(0xa5, 512 * 1024)),
    }
    v
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    let mb: usize = std::env::var("NETWATCH_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let hosts: u32 = std::env::var("NETWATCH_BENCH_HOSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let path = std::env::temp_dir().join(format!("medvigil-netwatch-bench-{mb}.pcap"));
    let streams: Vec<Vec<u8>> = (0..5).map(stream_bytes).collect();
    let t0 = Instant::now();
    {
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
        out.write_all(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            .unwrap();
        out.write_all(&65535u32.to_le_bytes()).unwrap();
        out.write_all(&1u32.to_le_bytes()).unwrap();
        let mut written = 24usize;
        // 256 active connections; each advances one segment per round.
        struct Conn {
            id: u32,
            kind: usize,
            off: usize,
        }
        let mut conns: Vec<Conn> = (0..256)
            .map(|i| Conn {
                id: i,
                kind: i as usize % 5,
                off: usize::MAX,
            })
            .collect();
        let mut next_id = 256u32;
        let mut ts = 1_700_000_000u32;
        let mut round = 0u64;
        while written < mb << 20 {
            round += 1;
            // One second per round: finished connections go idle and are evicted, as
            // in a real capture, so the active set stays near 256 connections.
            let _ = round;
            ts += 1;
            for c in conns.iter_mut() {
                // A fixed population of client hosts that keep reconnecting, as on a
                // real network; NETWATCH_BENCH_HOSTS=0 gives every connection a new host.
                let hid = if hosts == 0 { c.id } else { c.id % hosts };
                let src = [10, 1, (hid >> 8) as u8, hid as u8];
                let dst = [10, 2, 0, (hid % 200) as u8 + 1];
                let sport = 1024 + (c.id % 60000) as u16;
                let dport = 4000 + c.kind as u16;
                let data = &streams[c.kind];
                if c.off == usize::MAX {
                    written += frame(&mut out, ts, src, dst, sport, dport, 0, 0x02, &[]);
                    written += frame(&mut out, ts, dst, src, dport, sport, 0, 0x12, &[]);
                    c.off = 0;
                    continue;
                }
                let end = (c.off + 1460).min(data.len());
                written += frame(
                    &mut out,
                    ts,
                    src,
                    dst,
                    sport,
                    dport,
                    1 + c.off as u32,
                    0x18,
                    &data[c.off..end],
                );
                c.off = end;
                if c.off >= data.len() {
                    written += frame(
                        &mut out,
                        ts,
                        src,
                        dst,
                        sport,
                        dport,
                        1 + c.off as u32,
                        0x11,
                        &[],
                    );
                    written += frame(&mut out, ts, dst, src, dport, sport, 1, 0x11, &[]);
                    *c = Conn {
                        id: next_id,
                        kind: (next_id as usize * 7) % 5,
                        off: usize::MAX,
                    };
                    next_id += 1;
                }
            }
        }
        out.flush().unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    eprintln!(
        "generated {} ({:.0} MiB) in {:.1}s",
        path.display(),
        size as f64 / 1048576.0,
        t0.elapsed().as_secs_f64()
    );
    let rss_before = vm_hwm_kib();
    let t = Instant::now();
    let mut a = Analyzer::new(Options::default());
    a.read_file(&path).unwrap();
    let r = a.finish();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "netwatch throughput: {:.0} MiB in {:.2}s = {:.0} MB/s ({:.0} MiB/s), {:.2} Mframes/s, {} flows (peak active {}), {} HL7 conversations, {} findings, errors {}",
        size as f64 / 1048576.0,
        secs,
        size as f64 / 1e6 / secs,
        size as f64 / 1048576.0 / secs,
        r.frames as f64 / 1e6 / secs,
        r.flows.total,
        r.flows.peak_active,
        r.hl7_conversations.len(),
        r.findings.len(),
        r.errors.total
    );
    println!(
        "peak RSS (VmHWM): {} KiB before analysis, {} KiB after",
        rss_before,
        vm_hwm_kib()
    );
    let _ = std::fs::remove_file(&path);
}
