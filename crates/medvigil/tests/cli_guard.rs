//! `medvigil guard` through the real binary: configuration errors, a live rejection over
//! MLLP on loopback, and audit-log verification that catches an edited line.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

fn bin() -> std::process::Command {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("medvigil"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn example_config_checks_and_bad_config_names_its_line() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../medvigil-guard/examples/guard.toml"
    );
    Command::cargo_bin("medvigil")
        .unwrap()
        .args(["guard", "check-config", example])
        .assert()
        .success();
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "listen = \"127.0.0.1:2575\"\nupstream = \"127.0.0.1:3000\"\naudit_log = \"a.jsonl\"\nlisten_backlog = 5\n").unwrap();
    Command::cargo_bin("medvigil")
        .unwrap()
        .args(["guard", "check-config"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":4:").and(predicate::str::contains("listen_backlog")));
}

#[test]
fn unauthorised_sender_is_refused_audited_and_the_log_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let audit = tmp.path().join("audit.jsonl");
    let config = tmp.path().join("guard.toml");
    // The only sender allowed is on another network: loopback must be refused (AR) and
    // nothing reaches the upstream (which does not even exist).
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\nupstream = \"127.0.0.1:{}\"\naudit_log = \"{}\"\n\
             [[senders]]\nname = \"bcma\"\nnetworks = [\"10.20.30.0/24\"]\nmessage_types = [\"RGV^O15\"]\n\
             [[drugs]]\ncode = \"5678\"\nname = \"Saline\"\ndose_unit = \"mL/h\"\nhard_min = 1\nhard_max = 999\nmax_vtbi_ml = 1000\n",
            free_port(),
            audit.display()
        ),
    )
    .unwrap();
    let child = bin()
        .arg("guard")
        .arg("--config")
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let guard = Guard(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("guard did not start: {e}"),
        }
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let msg = "MSH|^~\\&|BCMA|HOSP|PUMPGW|HOSP|20261128120000||RGV^O15^RGV_O15|MSG0001|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_PIV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^ISO\r\
PID|||12345^^^HOSP^MR||Doe^Jane\r\
ORC|RE|ORD1||||||||20261128115900\r\
RXG|1||||5678^Saline^local|100||mL^mL^UCUM|||||||125|mL/h^mL/h^UCUM\r";
    stream
        .write_all(format!("\x0b{msg}\x1c\r").as_bytes())
        .unwrap();
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    while !reply.ends_with(b"\x1c\r") {
        let n = stream.read(&mut buf).expect("an ACK within 10 s");
        assert!(n > 0, "guard closed without answering");
        reply.extend_from_slice(&buf[..n]);
    }
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.contains("MSA|AR|"), "{reply}");
    assert!(
        reply.contains("ERR|") && reply.contains("does not match any configured sender"),
        "{reply}"
    );
    drop(stream);
    drop(guard);

    Command::cargo_bin("medvigil")
        .unwrap()
        .args(["guard", "verify-log"])
        .arg(&audit)
        .assert()
        .success();
    let text = std::fs::read_to_string(&audit).unwrap();
    assert!(
        text.contains("\"reject\""),
        "the refusal is audited: {text}"
    );
    assert!(!text.contains("Doe"), "no patient name in the audit log");
    // Whitewash the refusal: the chain no longer verifies.
    std::fs::write(&audit, text.replacen("\"reject\"", "\"forward\"", 1)).unwrap();
    Command::cargo_bin("medvigil")
        .unwrap()
        .args(["guard", "verify-log"])
        .arg(&audit)
        .assert()
        .code(1);
}
