//! Shared pieces of the guard's network tests: a pump gateway stand-in, a guard on a
//! free loopback port, an MLLP client, messages, and test certificates.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use medvigil_guard::hl7::Message;
use medvigil_guard::mllp::{MllpDecoder, encode};
use medvigil_guard::{Config, Guard};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every wait in these tests is bounded by this.
pub const WAIT: Duration = Duration::from_secs(10);

/// A pump gateway stand-in: answers each message with `MSA|AA|<MSH-10>` from
/// application `IOC_GATEWAY`, or stays silent.
pub struct Gateway {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Vec<u8>>>>,
}

pub async fn gateway(silent: bool) -> Gateway {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Arc::new(Mutex::new(Vec::new()));
    let rec = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let rec = rec.clone();
            tokio::spawn(async move {
                let mut dec = MllpDecoder::new(1 << 20);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                loop {
                    while let Ok(Some(f)) = dec.decode(&buf) {
                        let payload = buf[f.payload.clone()].to_vec();
                        buf.drain(..f.consumed);
                        let id = Message::parse_bytes(&payload)
                            .map(|m| m.control_id().into_owned())
                            .unwrap_or_default();
                        rec.lock().unwrap().push(payload);
                        if !silent {
                            let ack = format!(
                                "MSH|^~\\&|IOC_GATEWAY|HOSP|BCMA|WARD3|20250101120000+0000||ACK^O15^ACK|G{id}|P|2.6\rMSA|AA|{id}\r"
                            );
                            if s.write_all(&encode(ack.as_bytes())).await.is_err() {
                                return;
                            }
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
    Gateway { addr, received }
}

/// A running guard.
pub struct Running {
    pub addr: SocketAddr,
    pub audit: PathBuf,
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    pub task: tokio::task::JoinHandle<String>,
}

impl Running {
    /// Stops the guard and returns the audit head hash.
    pub async fn stop(mut self) -> String {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(WAIT, self.task)
            .await
            .unwrap()
            .unwrap()
    }
}

/// The base configuration: loopback sender `bcma`, dopamine, saline and heparin.
pub fn config_text(dir: &Path, upstream: SocketAddr, extra_limits: &str, extra: &str) -> String {
    format!(
        r#"
listen = "127.0.0.1:0"
upstream = "{upstream}"
audit_log = "{audit}"
audit_fsync = "always"

[limits]
max_message_bytes = 8192
max_messages_per_minute = 100000
stale_order_seconds = 600
idle_timeout_seconds = 2
upstream_timeout_seconds = 2
{extra_limits}

[[senders]]
name = "bcma"
networks = ["127.0.0.0/8"]
message_types = ["RGV^O15"]

[[drugs]]
code = "1234"
name = "Dopamine"
dose_unit = "ug/kg/min"
hard_min = 1
hard_max = 20
soft_max = 15
max_vtbi_ml = 500
concentrations = ["400 mg/250 mL"]

[[drugs]]
code = "5678"
name = "Normal Saline"
dose_unit = "mL/h"
hard_min = 1
hard_max = 999
max_vtbi_ml = 1000
{extra}
"#,
        audit = dir.join("audit.jsonl").display()
    )
}

pub async fn start(dir: &Path, text: &str) -> Running {
    let config = Config::from_toml(text, Path::new("test.toml"), dir).unwrap();
    let audit = config.audit_log.clone();
    let guard = Guard::bind(config).await.unwrap();
    let addr = guard.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        guard
            .serve(async {
                let _ = rx.await;
            })
            .await
            .unwrap()
    });
    Running {
        addr,
        audit,
        stop: Some(tx),
        task,
    }
}

/// An IHE PCD-03 dopamine program (IHE example 1 shape), ORC-9 one minute ago.
pub fn dopamine(msh10: &str, orc2: &str, rate: &str) -> String {
    let (now, _) = medvigil_guard::time::now();
    let orc9 = medvigil_guard::time::hl7_utc(now - 60);
    format!(
        "MSH|^~\\&|BCMA^1234560000000001^EUI-64|WARD3|IOC|HOSP|{orc9}||RGV^O15^RGV_O15|{msh10}|P|2.6|||AL|ER||ASCII|EN^English^ISO639||IHE_PCD_PIV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^ISO\r\
PID|||98765^^^IHE^PI||Doe^John^^^^^L||19660101|M\r\
PV1||I|ICU^10^1\r\
ORC|RE|{orc2}|||||||{orc9}|||||||||||N0001\r\
RXG|1|||1234^Dopamine|250||263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM||||||||{rate}|265619^MDC_DIM_MICRO_G_PER_KG_PER_MIN^MDC^ug/kg/min^ug/kg/min^UCUM|400|263890^MDC_DIM_MILLI_G^MDC^mg^mg^UCUM|||||250|263762^MDC_DIM_MILLI_L^MDC^mL^mL^UCUM\r\
RXR|IV||IVP\r\
OBX|1||69986^MDC_DEV_PUMP_INFUS_VMD^MDC||||||||X|||||||A0001^^PUMPVENDOR\r\
OBX|2|NM|68063^MDC_ATTR_PT_WEIGHT^MDC||85.0|263875^MDC_DIM_KILO_G^MDC^kg^kg^UCUM\r"
    )
}

/// An MLLP client over any stream.
pub struct Client<S> {
    pub stream: S,
    buf: Vec<u8>,
    dec: MllpDecoder,
}

pub async fn connect(addr: SocketAddr) -> Client<TcpStream> {
    let s = tokio::time::timeout(WAIT, TcpStream::connect(addr))
        .await
        .unwrap()
        .unwrap();
    Client::new(s)
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    pub fn new(stream: S) -> Client<S> {
        Client {
            stream,
            buf: Vec::new(),
            dec: MllpDecoder::new(1 << 20),
        }
    }

    /// Sends one message and returns the parsed reply.
    pub async fn send(&mut self, msg: &str) -> Message {
        self.stream
            .write_all(&encode(msg.as_bytes()))
            .await
            .unwrap();
        self.read().await.expect("a reply")
    }

    /// Reads one framed reply; `None` when the guard closed the connection.
    pub async fn read(&mut self) -> Option<Message> {
        let mut chunk = [0u8; 8192];
        loop {
            if let Some(f) = self.dec.decode(&self.buf).unwrap() {
                let m = Message::parse_bytes(&self.buf[f.payload.clone()]).unwrap();
                self.buf.drain(..f.consumed);
                return Some(m);
            }
            match tokio::time::timeout(WAIT, self.stream.read(&mut chunk))
                .await
                .expect("reply within the wait")
            {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    /// Waits until the guard closes the connection (true) or the wait ends (false).
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let mut chunk = [0u8; 1024];
        let end = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(end, self.stream.read(&mut chunk)).await {
                Err(_) => return false,
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => {}
            }
        }
    }
}

/// MSA-1, ERR-5.1 and ERR-8 of a reply.
pub fn ack_of(m: &Message) -> (String, Option<String>, String) {
    let msa = m.segment("MSA").expect("MSA").field(1).value().into_owned();
    let err = m.segment("ERR");
    let pcd = err
        .map(|e| e.field(5).component(1).value().into_owned())
        .filter(|s| !s.is_empty());
    let reason = err
        .map(|e| e.field(8).text().into_owned())
        .unwrap_or_default();
    (msa, pcd, reason)
}

/// The audit log's lines as JSON.
pub fn audit_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A test PKI: a CA, a server certificate for `localhost`, and client certificates.
pub struct Pki {
    pub dir: PathBuf,
    ca: rcgen::CertifiedIssuer<'static, rcgen::KeyPair>,
    pub ca_pem: String,
}

impl Pki {
    pub fn new(dir: &Path) -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.distinguished_name
            .push(DnType::CommonName, "medvigil test CA");
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = rcgen::CertifiedIssuer::self_signed(p, KeyPair::generate().unwrap()).unwrap();
        let ca_pem = ca.pem();
        std::fs::write(dir.join("ca.pem"), &ca_pem).unwrap();
        let pki = Pki {
            dir: dir.to_path_buf(),
            ca,
            ca_pem,
        };
        let (cert, key) = pki.issue("localhost", true);
        std::fs::write(dir.join("server.pem"), cert).unwrap();
        std::fs::write(dir.join("server-key.pem"), key).unwrap();
        pki
    }

    /// A certificate (PEM, key PEM) with common name `cn`.
    pub fn issue(&self, cn: &str, server: bool) -> (String, String) {
        use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair};
        let mut p =
            CertificateParams::new(if server { vec![cn.to_string()] } else { vec![] }).unwrap();
        p.distinguished_name
            .push(DnType::OrganizationName, "Test Hospital");
        p.distinguished_name.push(DnType::CommonName, cn);
        p.extended_key_usages = vec![if server {
            ExtendedKeyUsagePurpose::ServerAuth
        } else {
            ExtendedKeyUsagePurpose::ClientAuth
        }];
        let key = KeyPair::generate().unwrap();
        let cert = p.signed_by(&key, &self.ca).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    /// A TLS client connected to the guard, with an optional client certificate.
    pub async fn connect(
        &self,
        addr: SocketAddr,
        client: Option<(String, String)>,
    ) -> std::io::Result<Client<tokio_rustls::client::TlsStream<TcpStream>>> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(self.ca_pem.as_bytes()).unwrap())
            .unwrap();
        let b = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
        let cfg = match client {
            None => b.with_no_client_auth(),
            Some((cert, key)) => b
                .with_client_auth_cert(
                    vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
                    PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
                )
                .unwrap(),
        };
        let tcp = TcpStream::connect(addr).await?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
        let name = ServerName::try_from("localhost").unwrap();
        let mut tls = tokio::time::timeout(WAIT, connector.connect(name, tcp))
            .await
            .expect("handshake in time")?;
        // With TLS 1.3 the server checks the client certificate after the client
        // considers the handshake done; a round trip makes a refusal visible here.
        let _ = tls.flush().await;
        Ok(Client::new(tls))
    }
}
