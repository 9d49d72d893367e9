//! The guard between real Python peers: python-hl7's `MLLPClient` as the sender and
//! python-hl7's asyncio MLLP server as the pump gateway.
//!
//! Skips (visibly) only when `CI` is unset and python-hl7 is missing; in CI it must run
//! (`.ci/setup.d/guard.sh` installs it).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

fn python_hl7_available() -> bool {
    Command::new("python3")
        .args(["-c", "import hl7.client, hl7.mllp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills the child (our own process, by handle) when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn script(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

/// Lines of a child's stdout, read on a thread so every wait can be bounded.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_through_the_guard_to_a_python_gateway() {
    if !python_hl7_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but python-hl7 is missing: run .ci/setup.d/guard.sh"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED python_client_through_the_guard_to_a_python_gateway: python3 module `hl7` missing (pip install hl7)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let received = dir.path().join("gateway-received.txt");

    // The Python gateway.
    let mut gw = Reaped(
        Command::new("python3")
            .arg(script("gateway.py"))
            .arg(&received)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs"),
    );
    let gw_lines = lines_of(&mut gw.0);
    let first = gw_lines
        .recv_timeout(WAIT)
        .expect("the gateway prints its port");
    let port: u16 = first
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .expect("PORT <n>");

    let g = start(
        dir.path(),
        &config_text(dir.path(), ([127, 0, 0, 1], port).into(), "", ""),
    )
    .await;

    let messages = vec![
        dopamine("PY1", "PO1", "10"),                             // allowed
        dopamine("PY2", "PO2", "25"),                             // hard limit
        dopamine("PY3", "PO3", "10").replace("1234^", "0000^"),   // unknown drug
        dopamine("PY4", "PO4", "10").replace("RE|PO4", "NW|PO4"), // ORC-1
        dopamine("PY1", "PO5", "10"),                             // replayed MSH-10
        dopamine("PY6", "PO6", "16"),                             // soft limit: forwarded
    ];
    let mut client = Reaped(
        Command::new("python3")
            .arg(script("client.py"))
            .arg("127.0.0.1")
            .arg(g.addr.port().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs"),
    );
    {
        let mut stdin = client.0.stdin.take().unwrap();
        stdin
            .write_all(serde_json::to_string(&messages).unwrap().as_bytes())
            .unwrap();
    }
    let replies = lines_of(&mut client.0);
    let mut got = Vec::new();
    for _ in 0..messages.len() {
        let line = replies
            .recv_timeout(Duration::from_secs(20))
            .expect("a reply per message from the Python client");
        got.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
    }
    let summary: Vec<(String, String, Option<String>)> = got
        .iter()
        .map(|v| {
            (
                v["msa1"].as_str().unwrap().to_string(),
                v["msa2"].as_str().unwrap().to_string(),
                v["err5"].as_str().map(String::from),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: Option<&str>| (a.to_string(), b.to_string(), c.map(String::from));
    assert_eq!(
        summary,
        vec![
            s("AA", "PY1", None),
            s("AR", "PY2", Some("9024")),
            s("AR", "PY3", Some("9010")),
            s("AR", "PY4", Some("9004")),
            s("AR", "PY1", Some("9016")),
            s("AA", "PY6", None),
        ]
    );
    // Accepted replies are the Python gateway's own ACKs, relayed.
    assert_eq!(got[0]["from"], "PY_IOC");
    assert_eq!(got[1]["from"], "MEDVIGIL_GUARD");
    g.stop().await;
    let seen = std::fs::read_to_string(&received).unwrap();
    assert_eq!(
        seen.lines().collect::<Vec<_>>(),
        ["PY1", "PY6"],
        "only allowed programs reach the gateway"
    );
    medvigil_guard::verify_log(&dir.path().join("audit.jsonl")).unwrap();
}
