//! Guard benchmark: added latency and throughput of IHE PCD-03 programs through the
//! guard, against an in-process MLLP echo gateway on loopback.
//!
//! * Latency: one sender, sequential round trips, directly to the gateway and through
//!   the guard; the added latency is the difference of the percentiles.
//! * Throughput: N concurrent senders (one connection each) sending as fast as ACKs
//!   come back, for a few seconds, for each audit fsync policy.
//!
//! Run: `cargo bench -p medvigil-guard --bench throughput`
//! (`GUARD_BENCH_SECS` sets the seconds per throughput run, default 3).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use medvigil_guard::mllp::{MllpDecoder, encode};
use medvigil_guard::{Config, Guard};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn echo_gateway() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let _ = s.set_nodelay(true);
            tokio::spawn(async move {
                let mut dec = MllpDecoder::new(1 << 20);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 16384];
                let ack = encode(b"MSH|^~\\&|IOC|HOSP|BCMA|W3|20250101120000+0000||ACK^O15^ACK|G1|P|2.6\rMSA|AA|1\r");
                loop {
                    while let Ok(Some(f)) = dec.decode(&buf) {
                        buf.drain(..f.consumed);
                        if s.write_all(&ack).await.is_err() {
                            return;
                        }
                    }
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    addr
}

fn dopamine(msh10: &str, orc2: &str) -> Vec<u8> {
    let (now, _) = medvigil_guard::time::now();
    let t = medvigil_guard::time::hl7_utc(now - 30);
    encode(format!(
        "MSH|^~\\&|BCMA|WARD3|IOC|HOSP|{t}||RGV^O15^RGV_O15|{msh10}|P|2.6|||AL|ER||ASCII|EN^English^ISO639||IHE_PCD_PIV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^ISO\r\
PID|||98765^^^IHE^PI||Doe^John^^^^^L||19660101|M\rPV1||I|ICU^10^1\r\
ORC|RE|{orc2}|||||||{t}|||||||||||N0001\r\
RXG|1|||1234^Dopamine|250||263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM||||||||10|265619^MDC_DIM_MICRO_G_PER_KG_PER_MIN^MDC^ug/kg/min^ug/kg/min^UCUM|400|263890^MDC_DIM_MILLI_G^MDC^mg^mg^UCUM|||||250|263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM\r\
RXR|IV||IVP\rOBX|1||69986^MDC_DEV_PUMP_INFUS_VMD^MDC||||||||X|||||||A0001^^PUMPVENDOR\r\
OBX|2|NM|68063^MDC_ATTR_PT_WEIGHT^MDC||85.0|263875^MDC_DIM_KILO_G^MDC^kg^kg^UCUM\r"
    )
    .as_bytes())
}

async fn start_guard(
    dir: &Path,
    upstream: SocketAddr,
    fsync: &str,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let text = format!(
        r#"
listen = "127.0.0.1:0"
upstream = "{upstream}"
audit_log = "audit-{fsync}.jsonl"
audit_fsync = "{fsync}"
[limits]
max_messages_per_minute = 100000000
[[senders]]
name = "bench"
networks = ["127.0.0.0/8"]
message_types = ["RGV^O15"]
[[drugs]]
code = "1234"
name = "Dopamine"
dose_unit = "ug/kg/min"
hard_min = 1
hard_max = 20
max_vtbi_ml = 500
concentrations = ["400 mg/250 mL"]
"#
    );
    let c = Config::from_toml(&text, Path::new("bench.toml"), dir).unwrap();
    let g = Guard::bind(c).await.unwrap();
    let addr = g.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(g.serve(async {
        let _ = rx.await;
    }));
    (addr, tx)
}

struct Conn {
    s: TcpStream,
    dec: MllpDecoder,
    buf: Vec<u8>,
}

impl Conn {
    async fn new(addr: SocketAddr) -> Conn {
        let s = TcpStream::connect(addr).await.unwrap();
        s.set_nodelay(true).unwrap();
        Conn {
            s,
            dec: MllpDecoder::new(1 << 20),
            buf: Vec::new(),
        }
    }

    async fn round_trip(&mut self, frame: &[u8]) {
        self.s.write_all(frame).await.unwrap();
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(f) = self.dec.decode(&self.buf).unwrap() {
                assert!(
                    self.buf[f.payload.clone()]
                        .windows(7)
                        .any(|w| w == b"MSA|AA|"),
                    "not accepted"
                );
                self.buf.drain(..f.consumed);
                return;
            }
            let n = self.s.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

static SEQ: AtomicU64 = AtomicU64::new(0);

fn next_message() -> Vec<u8> {
    let i = SEQ.fetch_add(1, Ordering::Relaxed);
    dopamine(&format!("B{i}"), &format!("BO{i}"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn latencies(addr: SocketAddr, n: usize) -> Vec<Duration> {
    let msgs: Vec<Vec<u8>> = (0..n + 200).map(|_| next_message()).collect();
    let mut c = Conn::new(addr).await;
    let mut out = Vec::with_capacity(n);
    for (i, m) in msgs.iter().enumerate() {
        let t = Instant::now();
        c.round_trip(m).await;
        if i >= 200 {
            out.push(t.elapsed()); // the first 200 warm up
        }
    }
    out.sort();
    out
}

async fn throughput(addr: SocketAddr, senders: usize, secs: f64) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Instant::now() + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let done = done.clone();
        // Pre-build enough messages so building them is not measured.
        let per = (30_000.0 * secs) as usize / senders + 100;
        let msgs: Vec<Vec<u8>> = (0..per).map(|_| next_message()).collect();
        tasks.push(tokio::spawn(async move {
            let mut c = Conn::new(addr).await;
            for m in &msgs {
                if Instant::now() >= stop {
                    break;
                }
                c.round_trip(m).await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let t = Instant::now();
    for task in tasks {
        task.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / t.elapsed().as_secs_f64()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing special.
    let quick =
        std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench");
    let secs: f64 = std::env::var("GUARD_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if quick { 0.2 } else { 3.0 });
    let n_lat = if quick { 200 } else { 20_000 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let gw = echo_gateway().await;
        println!(
            "machine: {} CPUs available to this process",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0)
        );
        let direct = latencies(gw, n_lat).await;
        for fsync in ["always", "interval", "never"] {
            let (guard, _stop) = start_guard(dir.path(), gw, fsync).await;
            let through = latencies(guard, n_lat).await;
            println!("\n== audit_fsync = {fsync}");
            println!(
                "latency, 1 sender, {} sequential round trips:",
                through.len()
            );
            println!(
                "  {:>6} {:>12} {:>12} {:>12}",
                "", "direct", "via guard", "added"
            );
            for (name, p) in [
                ("p50", 0.50),
                ("p90", 0.90),
                ("p99", 0.99),
                ("p99.9", 0.999),
            ] {
                let (d, g) = (percentile(&direct, p), percentile(&through, p));
                println!(
                    "  {name:>6} {:>10.1}us {:>10.1}us {:>10.1}us",
                    d.as_secs_f64() * 1e6,
                    g.as_secs_f64() * 1e6,
                    (g.as_secs_f64() - d.as_secs_f64()) * 1e6
                );
            }
            for senders in [1, 8, 32, 128] {
                let rate = throughput(guard, senders, secs).await;
                println!(
                    "throughput, {senders:>3} concurrent senders, {secs} s: {rate:>9.0} messages/s"
                );
            }
        }
        let rate = throughput(gw, 32, secs).await;
        println!("\n(reference: the echo gateway alone, 32 senders: {rate:.0} messages/s)");
    });
}
