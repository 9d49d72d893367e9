//! The MLLP proxy: accepts senders over TCP or TLS (optionally mutual TLS), frames and
//! judges each message with [`Policy`], records the decision in the [`AuditLog`], and
//! only then forwards it to the pump gateway (over TCP or TLS) and relays the
//! gateway's ACK.
//!
//! **Fail closed.** A message is forwarded only after its `forward` decision is in the
//! audit log. Audit failure, a panic in the policy, an unreachable or silent gateway,
//! or an unreadable gateway answer all give the sender `AE` and forward nothing (or,
//! once the message is on the wire, tell the sender its fate is unknown). Nothing is
//! dropped silently: every frame gets an ACK or the connection is closed and the
//! reason audited.
//!
//! **Bounded.** At most `max_connections` senders, `max_message_bytes` per frame (the
//! size is checked before buffering), `idle_timeout_seconds` without a complete
//! message (slow or half-open senders are cut off), `upstream_timeout_seconds` for the
//! gateway.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout, timeout_at};

use crate::ack::build_ack;
use crate::audit::{AuditError, AuditLog, Event};
use crate::config::{Config, TlsConfig};
use crate::hl7::Message;
use crate::mllp::{FrameError, MllpDecoder, encode};
use crate::pcd::PcdError;
use crate::policy::{AckCode, Hl7Error, Policy, Rejection, SenderId, Verdict};

/// Why the guard cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GuardError {
    /// The listening socket.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// Certificates, keys or TLS settings.
    #[error("TLS setup: {0}")]
    Tls(String),
    /// The audit log.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

struct Inner {
    config: Config,
    policy: Policy,
    audit: AuditLog,
    tls: Option<tokio_rustls::TlsAcceptor>,
    upstream_tls: Option<(
        tokio_rustls::TlsConnector,
        rustls::pki_types::ServerName<'static>,
    )>,
    connections: Arc<Semaphore>,
}

/// A guard bound to its listening address, ready to [`serve`](Guard::serve).
pub struct Guard {
    listener: TcpListener,
    inner: Arc<Inner>,
}

impl Guard {
    /// Loads TLS material, opens the audit log and binds the listener.
    pub async fn bind(config: Config) -> Result<Guard, GuardError> {
        let tls = config.tls.as_ref().map(tls_acceptor).transpose()?;
        let upstream_tls = config
            .upstream_tls
            .as_ref()
            .map(tls_connector)
            .transpose()?;
        let audit = AuditLog::open(&config.audit_log, config.audit_fsync)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| GuardError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let policy = Policy::new(&config);
        let since = crate::time::now().0 - crate::policy::MSH10_WINDOW_SECS;
        let seen = crate::audit::recent_decisions(&config.audit_log, since)?;
        let restored = policy.restore_msh10(seen);
        tracing::info!(restored, "MSH-10 values restored from the audit log");
        let inner = Arc::new(Inner {
            policy,
            connections: Arc::new(Semaphore::new(config.limits.max_connections)),
            config,
            audit,
            tls,
            upstream_tls,
        });
        Ok(Guard { listener, inner })
    }

    /// The address actually listened on (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.inner.config.listen)
    }

    /// Serves until `shutdown` completes, then stops accepting, gives open
    /// connections up to 5 s to finish, and syncs the audit log. Returns the audit
    /// log's head hash.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<String, GuardError> {
        let inner = self.inner;
        let local = self.listener.local_addr().ok();
        inner
            .audit
            .record(Event {
                event: "start",
                reason: Some(format!(
                    "listening on {} ({}), forwarding to {}",
                    local.map(|a| a.to_string()).unwrap_or_default(),
                    if inner.tls.is_some() { "TLS" } else { "TCP" },
                    inner.config.upstream
                )),
                ..Event::default()
            })
            .await?;
        tracing::info!(listen = ?local, upstream = %inner.config.upstream, "guard started");
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                _ = &mut shutdown => break,
                a = self.listener.accept() => a,
            };
            let (stream, peer) = match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(permit) = inner.connections.clone().try_acquire_owned() else {
                tracing::warn!(%peer, "connection refused: max_connections reached");
                continue;
            };
            let _ = stream.set_nodelay(true);
            let inner = inner.clone();
            tokio::spawn(async move {
                inner.connection(stream, peer).await;
                drop(permit);
            });
        }
        drop(self.listener);
        let max = inner.config.limits.max_connections as u32;
        let _ = timeout(Duration::from_secs(5), inner.connections.acquire_many(max)).await;
        inner.audit.record_nowait(Event {
            event: "stop",
            ..Event::default()
        });
        let audit = inner.audit.clone();
        let head = tokio::task::spawn_blocking(move || audit.close())
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        tracing::info!(audit_head = %head, "guard stopped; audit log head hash");
        Ok(head)
    }
}

fn tls_connector(
    t: &crate::config::UpstreamTls,
) -> Result<
    (
        tokio_rustls::TlsConnector,
        rustls::pki_types::ServerName<'static>,
    ),
    GuardError,
> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let err = |what: &str, path: &std::path::Path, e: &dyn std::fmt::Display| {
        GuardError::Tls(format!("[upstream_tls] {what} {}: {e}", path.display()))
    };
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(&t.ca).map_err(|e| err("ca", &t.ca, &e))? {
        let c = c.map_err(|e| err("ca", &t.ca, &e))?;
        roots.add(c).map_err(|e| err("ca", &t.ca, &e))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| GuardError::Tls(e.to_string()))?
        .with_root_certificates(roots);
    let config = match &t.client_cert {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
                .and_then(|i| i.collect::<Result<_, _>>())
                .map_err(|e| err("cert", cert, &e))?;
            let k = PrivateKeyDer::from_pem_file(key).map_err(|e| err("key", key, &e))?;
            builder
                .with_client_auth_cert(certs, k)
                .map_err(|e| err("cert/key pair", cert, &e))?
        }
    };
    let name = ServerName::try_from(t.server_name.clone()).map_err(|e| {
        GuardError::Tls(format!(
            "[upstream_tls] server_name {:?}: {e}",
            t.server_name
        ))
    })?;
    Ok((tokio_rustls::TlsConnector::from(Arc::new(config)), name))
}

/// Loads the TLS material of both sides, as `bind` would, without listening: for
/// `medvigil guard check-config`.
pub fn check_tls(config: &Config) -> Result<(), GuardError> {
    if let Some(t) = &config.tls {
        tls_acceptor(t)?;
    }
    if let Some(t) = &config.upstream_tls {
        tls_connector(t)?;
    }
    Ok(())
}

fn tls_acceptor(t: &TlsConfig) -> Result<tokio_rustls::TlsAcceptor, GuardError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let err = |what: &str, path: &std::path::Path, e: &dyn std::fmt::Display| {
        GuardError::Tls(format!("{what} {}: {e}", path.display()))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&t.cert)
        .and_then(|i| i.collect::<Result<_, _>>())
        .map_err(|e| err("certificate", &t.cert, &e))?;
    if certs.is_empty() {
        return Err(err("certificate", &t.cert, &"no PEM certificate found"));
    }
    let key = PrivateKeyDer::from_pem_file(&t.key).map_err(|e| err("private key", &t.key, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| GuardError::Tls(e.to_string()))?;
    let builder = match &t.client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_file_iter(ca).map_err(|e| err("client CA", ca, &e))? {
                let c = c.map_err(|e| err("client CA", ca, &e))?;
                roots.add(c).map_err(|e| err("client CA", ca, &e))?;
            }
            let v = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            );
            let v = if t.require_client_cert {
                v
            } else {
                v.allow_unauthenticated()
            };
            builder.with_client_cert_verifier(v.build().map_err(|e| err("client CA", ca, &e))?)
        }
        None => builder.with_no_client_auth(),
    };
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| err("certificate/key pair", &t.cert, &e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The subject of a DER certificate in RFC 4514 style (`CN=x, O=y`).
fn cert_subject(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.subject().to_string())
}

fn now_ms() -> i64 {
    let (s, us) = crate::time::now();
    s * 1000 + i64::from(us / 1000)
}

/// A connection to the pump gateway, kept for the life of the sender's connection.
/// A byte stream to the gateway: plain TCP or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Upstream {
    stream: Box<dyn Io>,
    buf: Vec<u8>,
    decoder: MllpDecoder,
}

enum UpstreamError {
    Connect(String),
    Timeout,
    Io(String),
    Frame(FrameError),
}

struct Conn {
    peer: SocketAddr,
    subject: Option<String>,
    sender: Option<SenderId>,
    upstream: Option<Upstream>,
}

impl Inner {
    async fn connection(self: Arc<Self>, stream: TcpStream, peer: SocketAddr) {
        let idle = Duration::from_secs(self.config.limits.idle_timeout_seconds);
        match &self.tls {
            None => self.session(stream, peer, None).await,
            Some(acceptor) => {
                match timeout(idle.min(Duration::from_secs(30)), acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => {
                        let subject = tls
                            .get_ref()
                            .1
                            .peer_certificates()
                            .and_then(|c| c.first())
                            .and_then(|c| cert_subject(c));
                        self.session(tls, peer, subject).await
                    }
                    Ok(Err(e)) => self.connection_event(peer, None, "tls_handshake", e.to_string()),
                    Err(_) => self.connection_event(
                        peer,
                        None,
                        "tls_handshake",
                        "TLS handshake timed out".into(),
                    ),
                }
            }
        }
    }

    fn connection_event(&self, peer: SocketAddr, conn: Option<&Conn>, rule: &str, reason: String) {
        tracing::info!(%peer, rule, "connection closed: {reason}");
        self.audit.record_nowait(Event {
            event: "connection",
            peer: Some(peer.to_string()),
            sender: conn
                .and_then(|c| c.sender)
                .map(|s| self.policy.sender_name(s).to_string()),
            cert_subject: conn.and_then(|c| c.subject.clone()),
            decision: Some("reject"),
            rule: Some(rule.to_string()),
            reason: Some(reason),
            ..Event::default()
        });
    }

    async fn session<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        mut stream: S,
        peer: SocketAddr,
        subject: Option<String>,
    ) {
        let limits = &self.config.limits;
        let idle = Duration::from_secs(limits.idle_timeout_seconds);
        let sender = self.policy.identify(peer.ip(), subject.as_deref());
        let mut conn = Conn {
            peer,
            subject,
            sender,
            upstream: None,
        };
        let mut decoder = MllpDecoder::new(limits.max_message_bytes);
        let mut buf: Vec<u8> = Vec::with_capacity(4096);
        let mut chunk = vec![0u8; 16 * 1024];
        let mut deadline = Instant::now() + idle;
        loop {
            match decoder.decode(&buf) {
                Ok(Some(frame)) => {
                    let payload = buf[frame.payload.clone()].to_vec();
                    buf.drain(..frame.consumed);
                    let (reply, close) = self.message(&mut conn, &payload).await;
                    if timeout_at(
                        deadline.max(Instant::now() + idle),
                        stream.write_all(&reply),
                    )
                    .await
                    .is_err()
                    {
                        self.connection_event(
                            peer,
                            Some(&conn),
                            "write_timeout",
                            "the sender does not read its ACKs".into(),
                        );
                        return;
                    }
                    if close {
                        let _ = stream.shutdown().await;
                        return;
                    }
                    deadline = Instant::now() + idle;
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    let rule = match e {
                        FrameError::TooLarge { .. } => "frame_too_large",
                        _ => "framing",
                    };
                    if let FrameError::TooLarge { limit } = e {
                        // An ACK tells a confused but honest sender why; then close,
                        // since the rest of the oversized frame cannot be trusted.
                        let r = Rejection {
                            ack: AckCode::Reject,
                            rule,
                            hl7_error: Hl7Error::SegmentSequence,
                            pcd_error: None,
                            location: None,
                            reason: format!("message larger than the limit of {limit} bytes"),
                        };
                        let ack = build_ack(None, &r, now_ms() / 1000);
                        let _ = timeout(
                            Duration::from_secs(2),
                            stream.write_all(&encode(ack.as_bytes())),
                        )
                        .await;
                    }
                    self.connection_event(peer, Some(&conn), rule, e.to_string());
                    let _ = timeout(Duration::from_secs(2), stream.shutdown()).await;
                    return;
                }
            }
            let room = decoder
                .max_buffer()
                .saturating_sub(buf.len())
                .clamp(1, chunk.len());
            match timeout_at(deadline, stream.read(&mut chunk[..room])).await {
                Err(_) => {
                    let what = if buf.is_empty() {
                        "idle"
                    } else {
                        "incomplete message"
                    };
                    self.connection_event(
                        peer,
                        Some(&conn),
                        "idle_timeout",
                        format!("{what} for {} s", idle.as_secs()),
                    );
                    return;
                }
                Ok(Ok(0)) => {
                    if !buf.iter().all(|b| *b == b'\r' || *b == b'\n') {
                        self.connection_event(
                            peer,
                            Some(&conn),
                            "truncated",
                            format!("connection closed inside a message ({} bytes)", buf.len()),
                        );
                    }
                    return;
                }
                Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
                Ok(Err(_)) => return,
            }
        }
    }

    /// Judges, audits and (maybe) forwards one message. Returns the MLLP-framed reply
    /// and whether to close the connection afterwards.
    async fn message(&self, conn: &mut Conn, payload: &[u8]) -> (Vec<u8>, bool) {
        let now = now_ms();
        let digest = hex::encode(Sha256::digest(payload));
        let assessed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.policy.assess(conn.sender, payload, now)
        }));
        let mut event = Event {
            event: "decision",
            sender: conn.sender.map(|s| self.policy.sender_name(s).to_string()),
            peer: Some(conn.peer.to_string()),
            cert_subject: conn.subject.clone(),
            digest: Some(digest),
            ..Event::default()
        };
        let a = match assessed {
            Ok(a) => a,
            Err(_) => {
                tracing::error!(peer = %conn.peer, "internal error in the policy; failing closed");
                let msg = Message::parse_bytes(payload).ok();
                let r = internal(
                    "the guard hit an internal error; nothing was forwarded".into(),
                    msg.as_ref(),
                );
                return self.answer(event, msg.as_ref(), r, false).await;
            }
        };
        let f = a.facts;
        event.message_type = f.message_type;
        event.msh10 = f.msh10;
        event.orc2 = f.orc2;
        event.drug = f.drug;
        event.rate = f.rate;
        event.rate_unit = f.rate_unit;
        event.library_rate = f.library_rate;
        event.library_unit = f.library_unit;
        event.vtbi_ml = f.vtbi_ml;
        let msg = a.message;
        let warnings = match a.verdict {
            Verdict::Reject(r) => {
                let close = r.rule == "unknown_sender";
                return self.answer(event, msg.as_deref(), r, close).await;
            }
            Verdict::Forward { warnings } => warnings,
        };
        let is_pcd03 = event.message_type.as_deref() == Some("RGV^O15");
        event.decision = Some(if warnings.is_empty() {
            "forward"
        } else {
            "forward_with_warning"
        });
        event.warnings = warnings;
        if !event.warnings.is_empty() {
            tracing::warn!(sender = ?event.sender, msh10 = ?event.msh10, "forwarding with warnings: {:?}", event.warnings);
        }
        // The decision is durable before anything reaches the gateway.
        if self.audit.record(event.clone()).await.is_err() {
            if let Some(k) = &a.msh10_key {
                self.policy.forget_msh10(k);
            }
            tracing::error!("audit log unavailable; failing closed");
            let mut r = internal(
                "the audit log is unavailable; nothing was forwarded".into(),
                msg.as_deref(),
            );
            r.rule = "audit_failed";
            let ack = build_ack(msg.as_deref(), &r, now / 1000);
            return (encode(ack.as_bytes()), false);
        }
        let mut outcome = Event {
            event: "upstream",
            sender: event.sender.clone(),
            peer: event.peer.clone(),
            msh10: event.msh10.clone(),
            orc2: event.orc2.clone(),
            ..Event::default()
        };
        match self.forward(conn, payload).await {
            Ok(reply) => {
                let ack = Message::parse_bytes(&reply).ok().map(|m| {
                    m.segment("MSA")
                        .map(|s| s.field(1).value().into_owned())
                        .unwrap_or_default()
                });
                outcome.decision = Some("forward");
                outcome.ack = ack;
                self.audit.record_nowait(outcome);
                (encode(&reply), false)
            }
            Err(e) => {
                conn.upstream = None;
                let (rule, pcd, reason) = match &e {
                    UpstreamError::Connect(why) => {
                        // Never sent: the sender may retransmit the same message.
                        if let Some(k) = &a.msh10_key {
                            self.policy.forget_msh10(k);
                        }
                        ("upstream_unreachable", PcdError::Offline, format!("the pump gateway is unreachable ({why}); nothing was forwarded"))
                    }
                    UpstreamError::Timeout => ("upstream_timeout", PcdError::TimedOut,
                        "the pump gateway did not answer in time; the program may or may not have been received".into()),
                    UpstreamError::Io(why) => ("upstream_io", PcdError::Offline,
                        format!("the connection to the pump gateway failed ({why}); the program may or may not have been received")),
                    UpstreamError::Frame(fe) => ("upstream_invalid", PcdError::Other,
                        format!("the pump gateway answered with an invalid frame ({fe})")),
                };
                tracing::warn!(sender = ?event.sender, msh10 = ?event.msh10, rule, "{reason}");
                let r = Rejection {
                    ack: AckCode::Error,
                    rule,
                    hl7_error: Hl7Error::Application,
                    pcd_error: is_pcd03.then_some(pcd),
                    location: None,
                    reason,
                };
                outcome.decision = Some("error");
                outcome.rule = Some(rule.into());
                outcome.reason = Some(r.reason.clone());
                outcome.pcd_error = r.pcd_error.map(PcdError::code);
                outcome.ack = Some("AE".into());
                self.audit.record_nowait(outcome);
                let ack = build_ack(msg.as_deref(), &r, now / 1000);
                (encode(ack.as_bytes()), false)
            }
        }
    }

    async fn answer(
        &self,
        mut event: Event,
        msg: Option<&Message>,
        r: Rejection,
        close: bool,
    ) -> (Vec<u8>, bool) {
        event.decision = Some(if r.ack == AckCode::Error {
            "error"
        } else {
            "reject"
        });
        event.rule = Some(r.rule.to_string());
        event.reason = Some(r.reason.clone());
        event.pcd_error = r.pcd_error.map(PcdError::code);
        event.ack = Some(r.ack.as_str().into());
        tracing::info!(sender = ?event.sender, peer = ?event.peer, msh10 = ?event.msh10, rule = r.rule, "rejected: {}", r.reason);
        // A refusal stands even if the audit log is down; the error is logged there.
        if let Err(e) = self.audit.record(event).await {
            tracing::error!("audit log unavailable for a rejection: {e}");
        }
        let ack = build_ack(msg, &r, now_ms() / 1000);
        (encode(ack.as_bytes()), close)
    }

    async fn forward(&self, conn: &mut Conn, payload: &[u8]) -> Result<Vec<u8>, UpstreamError> {
        let wait = Duration::from_secs(self.config.limits.upstream_timeout_seconds);
        if conn.upstream.is_none() {
            let stream = match timeout(wait, TcpStream::connect(&self.config.upstream)).await {
                Ok(Ok(s)) => s,
                Ok(Err(e)) => return Err(UpstreamError::Connect(e.to_string())),
                Err(_) => return Err(UpstreamError::Connect("connect timed out".into())),
            };
            let _ = stream.set_nodelay(true);
            let stream: Box<dyn Io> = match &self.upstream_tls {
                None => Box::new(stream),
                Some((connector, name)) => {
                    match timeout(wait, connector.connect(name.clone(), stream)).await {
                        Ok(Ok(tls)) => Box::new(tls),
                        Ok(Err(e)) => {
                            return Err(UpstreamError::Connect(format!("TLS handshake: {e}")));
                        }
                        Err(_) => {
                            return Err(UpstreamError::Connect("TLS handshake timed out".into()));
                        }
                    }
                }
            };
            conn.upstream = Some(Upstream {
                stream,
                buf: Vec::with_capacity(1024),
                decoder: MllpDecoder::new(self.config.limits.max_message_bytes),
            });
        }
        let Some(up) = conn.upstream.as_mut() else {
            return Err(UpstreamError::Connect("no connection".into()));
        };
        let deadline = Instant::now() + wait;
        let framed = encode(payload);
        match timeout_at(deadline, up.stream.write_all(&framed)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(UpstreamError::Io(e.to_string())),
            Err(_) => return Err(UpstreamError::Timeout),
        }
        let mut chunk = [0u8; 8192];
        loop {
            match up.decoder.decode(&up.buf) {
                Ok(Some(f)) => {
                    let reply = up.buf[f.payload.clone()].to_vec();
                    up.buf.drain(..f.consumed);
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(e) => return Err(UpstreamError::Frame(e)),
            }
            match timeout_at(deadline, up.stream.read(&mut chunk)).await {
                Ok(Ok(0)) => {
                    return Err(UpstreamError::Io(
                        "the gateway closed the connection".into(),
                    ));
                }
                Ok(Ok(n)) => up.buf.extend_from_slice(&chunk[..n]),
                Ok(Err(e)) => return Err(UpstreamError::Io(e.to_string())),
                Err(_) => return Err(UpstreamError::Timeout),
            }
        }
    }
}

fn internal(reason: String, msg: Option<&Message>) -> Rejection {
    let is_pcd03 = msg.is_some_and(|m| m.message_type() == "RGV^O15");
    Rejection {
        ack: AckCode::Error,
        rule: "internal_error",
        hl7_error: Hl7Error::Application,
        pcd_error: is_pcd03.then_some(PcdError::Other),
        location: None,
        reason,
    }
}
