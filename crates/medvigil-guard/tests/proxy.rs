//! The guard over real loopback sockets: a Rust MLLP client, the guard, and a Rust
//! pump-gateway stand-in. Every wait is bounded.

mod common;

use std::time::Duration;

use common::*;
use medvigil_guard::mllp::{END_BLOCK, START_BLOCK, encode};
use tokio::io::AsyncWriteExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_program_is_forwarded_and_the_gateway_ack_relayed() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let g = start(dir.path(), &config_text(dir.path(), gw.addr, "", "")).await;
    let mut c = connect(g.addr).await;
    let reply = c.send(&dopamine("A1", "O1", "10")).await;
    assert_eq!(
        reply.msh().field(3).value(),
        "IOC_GATEWAY",
        "the gateway's own ACK"
    );
    assert_eq!(ack_of(&reply).0, "AA");
    assert_eq!(gw.received.lock().unwrap().len(), 1);
    assert_eq!(
        gw.received.lock().unwrap()[0],
        dopamine("A1", "O1", "10").as_bytes(),
        "forwarded unchanged"
    );

    // Soft limit: forwarded, with a warning in the audit log.
    let reply = c.send(&dopamine("A2", "O2", "17")).await;
    assert_eq!(ack_of(&reply).0, "AA");
    let head = g.stop().await;
    let lines = audit_lines(&dir.path().join("audit.jsonl"));
    let decisions: Vec<_> = lines.iter().filter(|l| l["event"] == "decision").collect();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["decision"], "forward");
    assert_eq!(decisions[0]["msh10"], "A1");
    assert_eq!(decisions[0]["orc2"], "O1");
    assert_eq!(decisions[0]["drug"], "1234 Dopamine");
    assert_eq!(decisions[0]["rate"], 10.0);
    assert_eq!(decisions[0]["vtbi_ml"], 250.0);
    assert_eq!(decisions[0]["sender"], "bcma");
    assert!(
        decisions[0]["peer"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert_eq!(decisions[0]["digest"].as_str().unwrap().len(), 64);
    assert_eq!(decisions[1]["decision"], "forward_with_warning");
    assert!(
        decisions[1]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("soft maximum")
    );
    let upstream: Vec<_> = lines.iter().filter(|l| l["event"] == "upstream").collect();
    assert_eq!(upstream.len(), 2);
    assert_eq!(upstream[0]["ack"], "AA");
    // No patient data in the log.
    let text = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(!text.contains("Doe") && !text.contains("98765"));
    let report = medvigil_guard::verify_log(&dir.path().join("audit.jsonl")).unwrap();
    assert_eq!(report.head, head);
    assert_eq!(report.lines as usize, lines.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_programs_never_reach_the_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let g = start(dir.path(), &config_text(dir.path(), gw.addr, "", "")).await;
    let mut c = connect(g.addr).await;
    let reply = c.send(&dopamine("R1", "O1", "25")).await;
    let (msa, pcd, reason) = ack_of(&reply);
    assert_eq!((msa.as_str(), pcd.as_deref()), ("AR", Some("9024")));
    assert!(reason.contains("hard maximum"), "{reason}");
    assert_eq!(reply.segment("MSA").unwrap().field(2).value(), "R1");
    assert_eq!(reply.message_type(), "ACK^O15");

    let reply = c
        .send(&dopamine("R2", "O2", "10").replace("1234^Dopamine", "9999^Unknown"))
        .await;
    assert_eq!(ack_of(&reply).1.as_deref(), Some("9010"));
    // A replayed MSH-10 after an allowed message.
    assert_eq!(ack_of(&c.send(&dopamine("R3", "O3", "10")).await).0, "AA");
    let (msa, _, reason) = ack_of(&c.send(&dopamine("R3", "O4", "10")).await);
    assert_eq!(msa, "AR");
    assert!(reason.contains("MSH-10"), "{reason}");
    // Not HL7 at all, but framed: AR, the connection stays usable.
    let m = c.send("this is not HL7").await;
    assert_eq!(ack_of(&m).0, "AR");
    assert_eq!(ack_of(&c.send(&dopamine("R5", "O5", "10")).await).0, "AA");
    assert_eq!(
        gw.received.lock().unwrap().len(),
        2,
        "only the two allowed programs"
    );
    g.stop().await;
    let rules: Vec<String> = audit_lines(&dir.path().join("audit.jsonl"))
        .iter()
        .filter(|l| l["event"] == "decision" && l["decision"] == "reject")
        .map(|l| l["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        rules,
        [
            "drug_hard_limit",
            "drug_unknown",
            "msh10_replay",
            "hl7_parse"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_down_or_silent_gives_ae_and_the_guard_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    // A port with nothing listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let g = start(dir.path(), &config_text(dir.path(), closed, "", "")).await;
    let mut c = connect(g.addr).await;
    let (msa, pcd, _) = ack_of(&c.send(&dopamine("D1", "O1", "10")).await);
    assert_eq!((msa.as_str(), pcd.as_deref()), ("AE", Some("9007")));
    // Not delivered, so the same message may be retransmitted.
    let (msa, pcd, _) = ack_of(&c.send(&dopamine("D1", "O1", "10")).await);
    assert_eq!((msa.as_str(), pcd.as_deref()), ("AE", Some("9007")));
    g.stop().await;

    let dir = tempfile::tempdir().unwrap();
    let silent = gateway(true).await;
    let g = start(dir.path(), &config_text(dir.path(), silent.addr, "", "")).await;
    let mut c = connect(g.addr).await;
    let (msa, pcd, reason) = ack_of(&c.send(&dopamine("S1", "O1", "10")).await);
    assert_eq!((msa.as_str(), pcd.as_deref()), ("AE", Some("9015")));
    assert!(reason.contains("may or may not"), "{reason}");
    assert_eq!(silent.received.lock().unwrap().len(), 1);
    g.stop().await;
    let lines = audit_lines(&dir.path().join("audit.jsonl"));
    assert!(
        lines
            .iter()
            .any(|l| l["event"] == "upstream" && l["rule"] == "upstream_timeout")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_connections_do_not_stop_the_guard() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let g = start(dir.path(), &config_text(dir.path(), gw.addr, "", "")).await;

    // Oversized frame: refused with AR before the end arrives, then closed.
    let mut big = connect(g.addr).await;
    let mut frame = vec![START_BLOCK];
    frame.extend(std::iter::repeat_n(b'A', 9000));
    big.stream.write_all(&frame).await.unwrap();
    let reply = big.read().await.expect("an ACK for the oversized frame");
    let (msa, _, reason) = ack_of(&reply);
    assert_eq!(msa, "AR");
    assert!(reason.contains("8192"), "{reason}");
    assert!(big.closed_within(WAIT).await);

    // Garbage bytes (an HTTP request): closed.
    let mut junk = connect(g.addr).await;
    junk.stream
        .write_all(b"GET / HTTP/1.1\r\nHost: pump\r\n\r\n")
        .await
        .unwrap();
    assert!(junk.closed_within(WAIT).await);

    // Half-open: connects and says nothing; closed after the idle timeout (2 s).
    let mut quiet = connect(g.addr).await;
    // Slowloris: half a frame, then silence.
    let mut slow = connect(g.addr).await;
    slow.stream
        .write_all(&encode(dopamine("H1", "O1", "10").as_bytes())[..100])
        .await
        .unwrap();
    // A sender that vanishes mid-frame.
    let mut gone = connect(g.addr).await;
    gone.stream
        .write_all(&[START_BLOCK, b'M', b'S', b'H'])
        .await
        .unwrap();
    drop(gone);

    // Meanwhile a slow but honest sender, 64 bytes at a time, is served.
    let mut honest = connect(g.addr).await;
    let wire = encode(dopamine("H2", "O2", "10").as_bytes());
    for part in wire.chunks(64) {
        honest.stream.write_all(part).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(ack_of(&honest.read().await.unwrap()).0, "AA");

    assert!(
        quiet.closed_within(Duration::from_secs(6)).await,
        "idle connection closed"
    );
    assert!(
        slow.closed_within(Duration::from_secs(6)).await,
        "stalled frame closed"
    );
    // A nested start block and a missing CR after the end block close too.
    for bad in [
        vec![START_BLOCK, b'a', START_BLOCK],
        vec![START_BLOCK, b'a', END_BLOCK, b'x'],
    ] {
        let mut c = connect(g.addr).await;
        c.stream.write_all(&bad).await.unwrap();
        assert!(c.closed_within(WAIT).await);
    }
    // And the guard still serves.
    let mut c = connect(g.addr).await;
    assert_eq!(ack_of(&c.send(&dopamine("H3", "O3", "10")).await).0, "AA");
    g.stop().await;
    let rules: Vec<String> = audit_lines(&dir.path().join("audit.jsonl"))
        .iter()
        .filter(|l| l["event"] == "connection")
        .map(|l| l["rule"].as_str().unwrap().to_string())
        .collect();
    for want in ["frame_too_large", "framing", "idle_timeout", "truncated"] {
        assert!(rules.iter().any(|r| r == want), "{want} in {rules:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn msh10_replays_are_caught_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let text = config_text(dir.path(), gw.addr, "", "");
    let g = start(dir.path(), &text).await;
    let mut c = connect(g.addr).await;
    assert_eq!(ack_of(&c.send(&dopamine("X1", "XO1", "10")).await).0, "AA");
    g.stop().await;
    // A new guard process on the same audit log.
    let g = start(dir.path(), &text).await;
    let mut c = connect(g.addr).await;
    let (msa, _, reason) = ack_of(&c.send(&dopamine("X1", "XO1", "10")).await);
    assert_eq!(msa, "AR");
    assert!(reason.contains("MSH-10"), "{reason}");
    assert_eq!(ack_of(&c.send(&dopamine("X2", "XO2", "10")).await).0, "AA");
    g.stop().await;
    assert_eq!(gw.received.lock().unwrap().len(), 2);
    let report = medvigil_guard::verify_log(&dir.path().join("audit.jsonl")).unwrap();
    assert!(report.lines >= 8, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_senders_are_refused_and_disconnected() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let text = config_text(dir.path(), gw.addr, "", "").replace("127.0.0.0/8", "10.99.0.0/16");
    let g = start(dir.path(), &text).await;
    let mut c = connect(g.addr).await;
    let (msa, pcd, reason) = ack_of(&c.send(&dopamine("U1", "O1", "10")).await);
    assert_eq!((msa.as_str(), pcd), ("AR", None));
    assert!(
        reason.contains("does not match any configured sender"),
        "{reason}"
    );
    assert!(c.closed_within(WAIT).await);
    assert!(gw.received.lock().unwrap().is_empty());
    g.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_per_sender() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let text = config_text(dir.path(), gw.addr, "", "").replace(
        "max_messages_per_minute = 100000",
        "max_messages_per_minute = 3",
    );
    let g = start(dir.path(), &text).await;
    let mut c = connect(g.addr).await;
    for i in 0..3 {
        assert_eq!(
            ack_of(
                &c.send(&dopamine(&format!("L{i}"), &format!("O{i}"), "10"))
                    .await
            )
            .0,
            "AA"
        );
    }
    let (msa, pcd, _) = ack_of(&c.send(&dopamine("L9", "O9", "10")).await);
    assert_eq!(
        (msa.as_str(), pcd),
        ("AE", None),
        "rate limited before the message is read"
    );
    g.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_connections() {
    // 1,000 senders, 1,000 guard-side sockets, 1,000 upstream sockets and 1,000
    // gateway-side sockets live in this one process: raise the soft descriptor limit
    // (up to the hard limit) if the environment starts lower, as many CI runners do.
    let limit = rlimit::increase_nofile_limit(8192).unwrap_or(0);
    assert!(
        limit >= 4200,
        "this test needs about 4,100 file descriptors; the hard limit allows {limit}"
    );
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    // Generous timeouts: on a loaded 2-core machine 1,000 fsync-backed decisions
    // and 1,000 gateway round trips take a while; the point is that all are served.
    let text = config_text(dir.path(), gw.addr, "", "")
        .replace("idle_timeout_seconds = 2", "idle_timeout_seconds = 60")
        .replace(
            "upstream_timeout_seconds = 2",
            "upstream_timeout_seconds = 30",
        );
    let g = start(dir.path(), &text).await;
    let addr = g.addr;
    // Open all 1,000 connections first, then send on all of them at once.
    let mut clients = Vec::new();
    for _ in 0..1000 {
        clients.push(connect(addr).await);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            tokio::spawn(async move {
                let reply = c
                    .send(&dopamine(&format!("C{i}"), &format!("CO{i}"), "10"))
                    .await;
                ack_of(&reply).0
            })
        })
        .collect();
    let mut acks = std::collections::BTreeMap::new();
    for t in tasks {
        let ack = tokio::time::timeout(WAIT * 6, t).await.unwrap().unwrap();
        *acks.entry(ack).or_insert(0) += 1;
    }
    assert_eq!(acks.get("AA"), Some(&1000), "{acks:?}");
    assert_eq!(gw.received.lock().unwrap().len(), 1000);
    let mut c = connect(addr).await;
    assert_eq!(
        ack_of(&c.send(&dopamine("after", "after", "10")).await).0,
        "AA"
    );
    g.stop().await;
    let report = medvigil_guard::verify_log(&dir.path().join("audit.jsonl")).unwrap();
    assert!(report.lines >= 2002, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_without_client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let gw = gateway(false).await;
    let tls = format!(
        "[tls]\ncert = \"{0}/server.pem\"\nkey = \"{0}/server-key.pem\"\n",
        dir.path().display()
    );
    // The [tls] table must come before the arrays of tables: put it first.
    let text = format!("{}\n", config_text(dir.path(), gw.addr, "", "")).replacen(
        "[limits]",
        &format!("{tls}\n[limits]"),
        1,
    );
    let g = start(dir.path(), &text).await;
    let mut c = pki.connect(g.addr, None).await.unwrap();
    assert_eq!(ack_of(&c.send(&dopamine("T1", "O1", "10")).await).0, "AA");
    assert_eq!(
        ack_of(&c.send(&dopamine("T2", "O2", "30")).await)
            .1
            .as_deref(),
        Some("9024")
    );
    // Plain MLLP to a TLS port is not a TLS handshake: closed.
    let mut plain = connect(g.addr).await;
    plain
        .stream
        .write_all(&encode(dopamine("T3", "O3", "10").as_bytes()))
        .await
        .unwrap();
    assert!(plain.closed_within(WAIT).await);
    g.stop().await;
    let lines = audit_lines(&dir.path().join("audit.jsonl"));
    assert!(lines.iter().any(|l| l["rule"] == "tls_handshake"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_identifies_senders_by_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let gw = gateway(false).await;
    let d = dir.path().display();
    let tls = format!(
        "[tls]\ncert = \"{d}/server.pem\"\nkey = \"{d}/server-key.pem\"\nclient_ca = \"{d}/ca.pem\"\nrequire_client_cert = true\n"
    );
    let text = config_text(dir.path(), gw.addr, "", "")
        .replacen("[limits]", &format!("{tls}\n[limits]"), 1)
        .replace(
            "name = \"bcma\"",
            "name = \"bcma\"\nclient_cert_subject = \"CN=bcma.test.example\"",
        );
    let g = start(dir.path(), &text).await;

    // The right certificate: served, and the subject is audited.
    let mut c = pki
        .connect(g.addr, Some(pki.issue("bcma.test.example", false)))
        .await
        .unwrap();
    assert_eq!(ack_of(&c.send(&dopamine("M1", "O1", "10")).await).0, "AA");

    // A valid certificate of someone else: not a configured sender.
    let mut other = pki
        .connect(g.addr, Some(pki.issue("laptop.test.example", false)))
        .await
        .unwrap();
    let (msa, _, reason) = ack_of(&other.send(&dopamine("M2", "O2", "10")).await);
    assert_eq!(msa, "AR");
    assert!(reason.contains("configured sender"), "{reason}");

    // No certificate: the handshake is refused.
    let refused = match pki.connect(g.addr, None).await {
        Err(_) => true,
        Ok(mut c) => {
            let _ = c
                .stream
                .write_all(&encode(dopamine("M3", "O3", "10").as_bytes()))
                .await;
            c.read().await.is_none()
        }
    };
    assert!(
        refused,
        "a sender without a client certificate must not be served"
    );

    // A certificate from another CA: refused too.
    let rogue_dir = tempfile::tempdir().unwrap();
    let rogue = Pki::new(rogue_dir.path());
    let refused = match pki
        .connect(g.addr, Some(rogue.issue("bcma.test.example", false)))
        .await
    {
        Err(_) => true,
        Ok(mut c) => {
            let _ = c
                .stream
                .write_all(&encode(dopamine("M4", "O4", "10").as_bytes()))
                .await;
            c.read().await.is_none()
        }
    };
    assert!(
        refused,
        "a certificate from an unknown CA must not be served"
    );
    assert_eq!(gw.received.lock().unwrap().len(), 1);
    g.stop().await;
    let lines = audit_lines(&dir.path().join("audit.jsonl"));
    let served = lines
        .iter()
        .find(|l| l["msh10"] == "M1" && l["event"] == "decision")
        .unwrap();
    assert!(
        served["cert_subject"]
            .as_str()
            .unwrap()
            .contains("CN=bcma.test.example"),
        "{served}"
    );
}

#[test]
fn the_example_configuration_is_valid() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/guard.toml");
    let c = medvigil_guard::Config::load(&path).unwrap();
    assert_eq!(c.listen.port(), 2575);
    assert!(c.drugs.len() >= 5);
    assert!(c.tls.is_none());
    assert_eq!(c.senders[0].message_types, ["RGV^O15"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_answering_garbage_gives_ae() {
    let dir = tempfile::tempdir().unwrap();
    let bad = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bad_addr = bad.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = bad.accept().await {
            tokio::spawn(async move {
                let mut b = [0u8; 4096];
                use tokio::io::AsyncReadExt;
                while let Ok(n) = s.read(&mut b).await {
                    if n == 0 || s.write_all(b"HTTP/1.1 500 Oops\r\n\r\n").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let g = start(dir.path(), &config_text(dir.path(), bad_addr, "", "")).await;
    let mut c = connect(g.addr).await;
    let (msa, pcd, reason) = ack_of(&c.send(&dopamine("G1", "O1", "10")).await);
    assert_eq!((msa.as_str(), pcd.as_deref()), ("AE", Some("9016")));
    assert!(reason.contains("invalid frame"), "{reason}");
    g.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_limit_are_closed_and_the_rest_served() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let text = config_text(dir.path(), gw.addr, "max_connections = 2", "");
    let g = start(dir.path(), &text).await;
    let mut a = connect(g.addr).await;
    let mut b = connect(g.addr).await;
    assert_eq!(ack_of(&a.send(&dopamine("K1", "O1", "10")).await).0, "AA");
    assert_eq!(ack_of(&b.send(&dopamine("K2", "O2", "10")).await).0, "AA");
    let mut third = connect(g.addr).await;
    assert!(
        third.closed_within(WAIT).await,
        "the third connection is closed"
    );
    assert_eq!(ack_of(&a.send(&dopamine("K3", "O3", "10")).await).0, "AA");
    drop(b);
    // A freed slot is usable again (the guard notices the close, then accepts).
    let mut ok = false;
    for _ in 0..50 {
        let mut d = connect(g.addr).await;
        let _ = d
            .stream
            .write_all(&encode(dopamine("K4", "O4", "10").as_bytes()))
            .await;
        if let Some(m) = d.read().await {
            assert_eq!(ack_of(&m).0, "AA");
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(ok, "a slot freed by a closed connection is reused");
    g.stop().await;
}

/// A TLS pump gateway (certificate for `localhost` from `pki`), optionally requiring
/// client certificates from the same CA. Answers `MSA|AA` from `TLS_GATEWAY`.
async fn tls_gateway(pki: &Pki, require_client_cert: bool) -> std::net::SocketAddr {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::sync::Arc;
    let certs = vec![CertificateDer::from_pem_file(pki.dir.join("server.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(pki.dir.join("server-key.pem")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let b = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let b = if require_client_cert {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(pki.ca_pem.as_bytes()).unwrap())
            .unwrap();
        let v =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        b.with_client_cert_verifier(v)
    } else {
        b.with_no_client_auth()
    };
    let acceptor =
        tokio_rustls::TlsAcceptor::from(Arc::new(b.with_single_cert(certs, key).unwrap()));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(s).await else {
                    return;
                };
                let mut c = Client::new(tls);
                while let Some(m) = c.read().await {
                    let id = m.control_id().into_owned();
                    let ack = format!(
                        "MSH|^~\\&|TLS_GATEWAY|H|B|W|20250101120000+0000||ACK^O15^ACK|G|P|2.6\rMSA|AA|{id}\r"
                    );
                    if c.stream.write_all(&encode(ack.as_bytes())).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_towards_the_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new(dir.path());
    let d = dir.path().display();
    // Server-authenticated TLS to the gateway.
    let gw = tls_gateway(&pki, false).await;
    let upstream_tls =
        format!("[upstream_tls]\nca = \"{d}/ca.pem\"\nserver_name = \"localhost\"\n");
    let text = config_text(dir.path(), gw, "", "").replacen(
        "[limits]",
        &format!("{upstream_tls}\n[limits]"),
        1,
    );
    let g = start(dir.path(), &text).await;
    let mut c = connect(g.addr).await;
    let reply = c.send(&dopamine("U1", "O1", "10")).await;
    assert_eq!(reply.msh().field(3).value(), "TLS_GATEWAY");
    g.stop().await;

    // The gateway's certificate does not name the configured server: never sent.
    let wrong = text.replace(
        "server_name = \"localhost\"",
        "server_name = \"pumps.example\"",
    );
    let g = start(dir.path(), &wrong).await;
    let mut c = connect(g.addr).await;
    let (msa, pcd, reason) = ack_of(&c.send(&dopamine("U2", "O2", "10")).await);
    assert_eq!((msa.as_str(), pcd.as_deref()), ("AE", Some("9007")));
    assert!(reason.contains("TLS"), "{reason}");
    g.stop().await;

    // A gateway that wants a client certificate gets the guard's.
    let gw = tls_gateway(&pki, true).await;
    let (cert, key) = pki.issue("guard.test.example", false);
    std::fs::write(dir.path().join("guard-client.pem"), cert).unwrap();
    std::fs::write(dir.path().join("guard-client-key.pem"), key).unwrap();
    let upstream_tls = format!(
        "[upstream_tls]\nca = \"{d}/ca.pem\"\nserver_name = \"localhost\"\ncert = \"{d}/guard-client.pem\"\nkey = \"{d}/guard-client-key.pem\"\n"
    );
    let text = config_text(dir.path(), gw, "", "").replacen(
        "[limits]",
        &format!("{upstream_tls}\n[limits]"),
        1,
    );
    let g = start(dir.path(), &text).await;
    let mut c = connect(g.addr).await;
    assert_eq!(
        c.send(&dopamine("U3", "O3", "10"))
            .await
            .msh()
            .field(3)
            .value(),
        "TLS_GATEWAY"
    );
    g.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_hangs_up_gives_ae() {
    let dir = tempfile::tempdir().unwrap();
    let rude = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let rude_addr = rude.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = rude.accept().await {
            use tokio::io::AsyncReadExt;
            let mut b = [0u8; 16];
            let _ = s.read(&mut b).await;
            drop(s); // reads a little, answers nothing, hangs up
        }
    });
    let g = start(dir.path(), &config_text(dir.path(), rude_addr, "", "")).await;
    let mut c = connect(g.addr).await;
    let (msa, pcd, reason) = ack_of(&c.send(&dopamine("H1", "O1", "10")).await);
    assert_eq!((msa.as_str(), pcd.as_deref()), ("AE", Some("9007")));
    assert!(reason.contains("may or may not"), "{reason}");
    // The next message opens a fresh gateway connection (and fails the same way).
    let (msa, _, _) = ack_of(&c.send(&dopamine("H2", "O2", "10")).await);
    assert_eq!(msa, "AE");
    g.stop().await;
}

/// Fail closed at start: with an audit log that cannot be written, the guard refuses
/// to serve at all.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_audit_log_no_guard() {
    let dir = tempfile::tempdir().unwrap();
    let gw = gateway(false).await;
    let text = config_text(dir.path(), gw.addr, "", "").replace(
        &format!(
            "audit_log = \"{}\"",
            dir.path().join("audit.jsonl").display()
        ),
        "audit_log = \"/dev/full\"",
    );
    let config =
        medvigil_guard::Config::from_toml(&text, std::path::Path::new("t.toml"), dir.path())
            .unwrap();
    assert_eq!(config.audit_log, std::path::Path::new("/dev/full"));
    let guard = medvigil_guard::Guard::bind(config).await.unwrap();
    let served = tokio::time::timeout(WAIT, guard.serve(std::future::pending())).await;
    assert!(
        matches!(served, Ok(Err(medvigil_guard::GuardError::Audit(_)))),
        "{served:?}"
    );
}
