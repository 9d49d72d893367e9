//! The append-only, hash-chained JSON-lines audit log, and its verifier.
//!
//! Each line is one JSON object. Its last member is `"hash"`: the SHA-256 (hex) of the
//! line's text up to that member, closed with `}`. Among the other members are `seq`
//! (1, 2, 3, ...) and `prev_hash` (the previous line's `hash`; 64 zeros on line 1). So:
//! an edited line no longer matches its own hash; an inserted or deleted line breaks
//! `seq` and the next line's `prev_hash`. What a chain alone cannot show is a cut at
//! the *end* of the file: [`verify_log`] reports the last `seq` and head hash so that
//! they can be compared with a copy kept elsewhere (the guard logs the head hash at
//! shutdown).
//!
//! **Durability** ([`FsyncPolicy`]): each record is written to the OS (one `write`
//! call, under a lock that keeps the chain in order) before its decision takes effect.
//! With `always` (the default) the writer then waits for an `fdatasync` that covers
//! its line; a separate sync thread runs them back to back, so concurrent connections
//! share each fsync (group commit). `interval` syncs every 100 ms when there is
//! something new (a power cut may lose the last 100 ms; a guard crash loses nothing),
//! `never` leaves it to the OS. If a write or fsync fails the log is marked failed and
//! every later record is refused: the guard then fails closed (it forwards nothing).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::FsyncPolicy;

/// `prev_hash` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const HASH_SUFFIX_LEN: usize = ",\"hash\":\"".len() + 64 + 2;

/// One audited event. Field names are the log's stable schema.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Event {
    /// `decision` (one per message), `upstream` (the gateway's answer), `connection`
    /// (a connection-level problem such as bad framing), `start`, `stop`.
    pub event: &'static str,
    /// Configured sender name, when the connection matched one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Peer address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// TLS client certificate subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_subject: Option<String>,
    /// MSH-9 `CODE^TRIGGER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    /// MSH-10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msh10: Option<String>,
    /// ORC-2.1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orc2: Option<String>,
    /// RXG-4.1 and library name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drug: Option<String>,
    /// RXG-15 as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// RXG-16 as understood.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_unit: Option<String>,
    /// The rate in the library's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library_rate: Option<f64>,
    /// The library's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library_unit: Option<String>,
    /// RXG-5 in mL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vtbi_ml: Option<f64>,
    /// `forward`, `forward_with_warning`, `reject` or `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<&'static str>,
    /// The rule that decided (`drug_hard_limit`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Readable reason (no patient data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// IHE PCD error code sent in ERR-5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pcd_error: Option<u16>,
    /// MSA-1 sent to the sender (ours or the gateway's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack: Option<String>,
    /// Soft-limit warnings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// SHA-256 of the message bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

#[derive(Serialize)]
struct Line<'a> {
    seq: u64,
    time: String,
    #[serde(flatten)]
    event: &'a Event,
    prev_hash: &'a str,
}

/// Audit log problems.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The file cannot be opened, read or written.
    #[error("audit log {}: {source}", path.display())]
    Io {
        /// The log.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The existing log ends in a way the guard cannot continue from.
    #[error("audit log {}: {problem}; run `medvigil guard verify-log` on it", path.display())]
    BadTail {
        /// The log.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// An earlier write failed; the log accepts nothing more.
    #[error("the audit log failed earlier and accepts no more records")]
    Failed,
}

/// Handle to the audit log. Cheap to clone; all clones append to the same chain.
#[derive(Clone)]
pub struct AuditLog {
    shared: Arc<Shared>,
}

struct Shared {
    policy: FsyncPolicy,
    /// The file, the last `seq` and the head hash. Held only while one line is
    /// serialised, hashed and written (one `write` call), so the chain stays in order.
    state: Mutex<State>,
    failed: AtomicBool,
    closed: AtomicBool,
    /// Last `seq` written to the OS.
    written: AtomicU64,
    /// Last `seq` known to be on stable storage (`u64::MAX` after a failure, to
    /// release waiters, who then see `failed`).
    synced: tokio::sync::watch::Sender<u64>,
    /// Wakes the sync thread.
    wake: (Mutex<bool>, Condvar),
    syncer: Mutex<Option<std::thread::JoinHandle<()>>>,
}

struct State {
    file: File,
    seq: u64,
    head: String,
}

impl AuditLog {
    /// Opens (or creates) the log, continuing the chain of its last line.
    pub fn open(path: &Path, policy: FsyncPolicy) -> Result<AuditLog, AuditError> {
        let io = |source| AuditError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(io)?;
        let (seq, head) = read_tail(&mut file).map_err(|problem| match problem {
            TailError::Io(e) => io(e),
            TailError::Bad(problem) => AuditError::BadTail {
                path: path.to_path_buf(),
                problem,
            },
        })?;
        let sync_file = file.try_clone().map_err(io)?;
        let (synced, _) = tokio::sync::watch::channel(seq);
        let shared = Arc::new(Shared {
            policy,
            state: Mutex::new(State { file, seq, head }),
            failed: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            written: AtomicU64::new(seq),
            synced,
            wake: (Mutex::new(false), Condvar::new()),
            syncer: Mutex::new(None),
        });
        let worker = shared.clone();
        let handle = std::thread::Builder::new()
            .name("medvigil-audit-sync".into())
            .spawn(move || worker.sync_loop(sync_file, seq))
            .map_err(io)?;
        *lock(&shared.syncer) = Some(handle);
        Ok(AuditLog { shared })
    }

    /// Appends `event` and waits until it is as durable as the policy promises.
    pub async fn record(&self, event: Event) -> Result<(), AuditError> {
        let seq = self.shared.append(&event)?;
        if self.shared.policy != FsyncPolicy::Always {
            return Ok(());
        }
        let mut rx = self.shared.synced.subscribe();
        self.shared.request_sync();
        let _ = rx.wait_for(|&v| v >= seq).await;
        if self.shared.failed.load(Ordering::Acquire) {
            return Err(AuditError::Failed);
        }
        Ok(())
    }

    /// Appends `event` without waiting for stable storage (for outcomes that follow a
    /// recorded decision). It still reaches the OS before this returns.
    pub fn record_nowait(&self, event: Event) {
        if let Err(e) = self.shared.append(&event) {
            tracing::error!("audit log: {e}");
        }
    }

    /// Whether the log has failed (the guard then forwards nothing).
    pub fn is_failed(&self) -> bool {
        self.shared.failed.load(Ordering::Acquire)
    }

    /// Syncs everything written so far, stops the sync thread and returns the head
    /// hash. Later records are refused.
    pub fn close(&self) -> Option<String> {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.request_sync();
        if let Some(h) = lock(&self.shared.syncer).take() {
            let _ = h.join();
        }
        Some(lock(&self.shared.state).head.clone())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn append(&self, event: &Event) -> Result<u64, AuditError> {
        if self.failed.load(Ordering::Acquire) || self.closed.load(Ordering::Acquire) {
            return Err(AuditError::Failed);
        }
        let mut st = lock(&self.state);
        let (secs, micros) = crate::time::now();
        let line = Line {
            seq: st.seq + 1,
            time: crate::time::rfc3339(secs, micros),
            event,
            prev_hash: &st.head,
        };
        let written = serde_json::to_string(&line)
            .map_err(std::io::Error::other)
            .and_then(|body| {
                let hash = hex::encode(Sha256::digest(body.as_bytes()));
                let mut out = String::with_capacity(body.len() + HASH_SUFFIX_LEN + 1);
                out.push_str(&body[..body.len() - 1]);
                out.push_str(",\"hash\":\"");
                out.push_str(&hash);
                out.push_str("\"}\n");
                // One write call per line: a crash leaves at most one partial line.
                (&st.file).write_all(out.as_bytes()).map(|_| hash)
            });
        match written {
            Ok(hash) => {
                st.seq += 1;
                st.head = hash;
                self.written.store(st.seq, Ordering::Release);
                Ok(st.seq)
            }
            Err(e) => {
                tracing::error!("audit log write failed: {e}");
                self.fail();
                Err(AuditError::Failed)
            }
        }
    }

    fn fail(&self) {
        self.failed.store(true, Ordering::Release);
        self.synced.send_replace(u64::MAX);
    }

    fn request_sync(&self) {
        let (m, cv) = &self.wake;
        *lock(m) = true;
        cv.notify_one();
    }

    /// The sync thread: `fdatasync` on request (policy `always`; requests that arrive
    /// during a sync are served by the next one, so concurrent writers share it), every
    /// 100 ms when there is something new (`interval`), and once at close.
    fn sync_loop(&self, file: File, mut synced: u64) {
        loop {
            let requested = {
                let (m, cv) = &self.wake;
                let mut flag = lock(m);
                if !*flag {
                    flag = cv
                        .wait_timeout(flag, Duration::from_millis(100))
                        .map(|(g, _)| g)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
                std::mem::replace(&mut *flag, false)
            };
            let closing = self.closed.load(Ordering::Acquire);
            let target = self.written.load(Ordering::Acquire);
            let due = match self.policy {
                FsyncPolicy::Always => requested || closing,
                FsyncPolicy::Interval => true,
                FsyncPolicy::Never => closing,
            };
            if due && target > synced {
                match file.sync_data() {
                    Ok(()) => {
                        synced = target;
                        if !self.failed.load(Ordering::Acquire) {
                            self.synced.send_replace(target);
                        }
                    }
                    Err(e) => {
                        tracing::error!("audit log fsync failed: {e}");
                        self.fail();
                    }
                }
            }
            if closing {
                return;
            }
        }
    }
}

/// How much of the end of the log [`recent_decisions`] reads.
const RECENT_BYTES: u64 = 64 << 20;

/// `(sender, MSH-10, Unix time)` of the decisions recorded at or after `since` (Unix
/// seconds), from the last 64 MiB of the log: what the guard needs to keep catching
/// MSH-10 replays across a restart. Lines it cannot read are skipped (the chain is
/// `verify_log`'s business).
pub fn recent_decisions(path: &Path, since: i64) -> Result<Vec<(String, String, i64)>, AuditError> {
    let io = |source| AuditError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(e)),
    };
    let len = file.metadata().map_err(io)?.len();
    let start = len.saturating_sub(RECENT_BYTES);
    file.seek(SeekFrom::Start(start)).map_err(io)?;
    // Never past the size seen: device files such as /dev/zero never end.
    let mut reader = BufReader::new(file.take(len - start));
    let mut line = Vec::new();
    if start > 0 {
        // Skip the partial first line.
        reader.read_until(b'\n', &mut line).map_err(io)?;
    }
    let since = crate::time::rfc3339(since, 0);
    let mut out = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
            break;
        }
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) else {
            continue;
        };
        let field = |k: &str| v.get(k).and_then(|x| x.as_str());
        // RFC 3339 UTC times in one fixed format sort as strings.
        let (Some("decision"), Some(time), Some(sender), Some(msh10)) = (
            field("event"),
            field("time"),
            field("sender"),
            field("msh10"),
        ) else {
            continue;
        };
        if time < since.as_str() {
            continue;
        }
        if let Some(at) = crate::time::parse_rfc3339_utc(time) {
            out.push((sender.to_string(), msh10.to_string(), at));
        }
    }
    Ok(out)
}

enum TailError {
    Io(std::io::Error),
    Bad(String),
}

/// The last line's `seq` and `hash` (0 and [`GENESIS`] for an empty log).
fn read_tail(file: &mut File) -> Result<(u64, String), TailError> {
    let len = file.metadata().map_err(TailError::Io)?.len();
    if len == 0 {
        return Ok((0, GENESIS.to_string()));
    }
    let start = len.saturating_sub(1 << 20);
    file.seek(SeekFrom::Start(start)).map_err(TailError::Io)?;
    let mut tail = Vec::new();
    (&mut *file)
        .take(len - start)
        .read_to_end(&mut tail)
        .map_err(TailError::Io)?;
    if tail.last() != Some(&b'\n') {
        return Err(TailError::Bad(
            "the last line is incomplete (no newline): an interrupted write?".into(),
        ));
    }
    let body = &tail[..tail.len() - 1];
    let last = body.rsplit(|&b| b == b'\n').next().unwrap_or(body);
    let checked = check_line(last).map_err(TailError::Bad)?;
    Ok((checked.seq, checked.hash))
}

struct CheckedLine {
    seq: u64,
    prev_hash: String,
    hash: String,
}

/// Checks one line's own hash and reads its `seq` and `prev_hash`.
fn check_line(line: &[u8]) -> Result<CheckedLine, String> {
    let text = std::str::from_utf8(line).map_err(|_| "the line is not UTF-8".to_string())?;
    if text.len() < HASH_SUFFIX_LEN + 2 || !text.ends_with("\"}") {
        return Err("the line does not end with a \"hash\" member".into());
    }
    let split = text.len() - HASH_SUFFIX_LEN;
    let (head, suffix) = text.split_at(split);
    let hash = suffix
        .strip_prefix(",\"hash\":\"")
        .and_then(|s| s.strip_suffix("\"}"))
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or("the line does not end with a \"hash\" member")?;
    let body = format!("{head}}}");
    let actual = hex::encode(Sha256::digest(body.as_bytes()));
    if actual != hash {
        return Err(format!(
            "the line was modified: its content hashes to {actual}, the line says {hash}"
        ));
    }
    let v: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("not a JSON object: {e}"))?;
    let seq = v
        .get("seq")
        .and_then(|s| s.as_u64())
        .ok_or("no \"seq\" member")?;
    let prev_hash = v
        .get("prev_hash")
        .and_then(|s| s.as_str())
        .ok_or("no \"prev_hash\" member")?
        .to_string();
    Ok(CheckedLine {
        seq,
        prev_hash,
        hash: hash.to_string(),
    })
}

/// A log that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Number of lines (= the last `seq`).
    pub lines: u64,
    /// The last line's hash ([`GENESIS`] for an empty log).
    pub head: String,
}

/// The first problem found in a log.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {problem}", path.display())]
pub struct VerifyError {
    /// The log.
    pub path: PathBuf,
    /// 1-based line number (0: the file itself).
    pub line: u64,
    /// What is wrong.
    pub problem: String,
}

/// Verifies every line's hash, the `seq` numbering and the chain of `prev_hash`.
pub fn verify_log(path: &Path) -> Result<VerifyReport, VerifyError> {
    let fail = |line, problem: String| VerifyError {
        path: path.to_path_buf(),
        line,
        problem,
    };
    let file = File::open(path).map_err(|e| fail(0, format!("cannot open: {e}")))?;
    let len = file
        .metadata()
        .map_err(|e| fail(0, format!("cannot read: {e}")))?
        .len();
    // Never past the size seen: device files such as /dev/zero never end.
    let mut reader = BufReader::new(file.take(len));
    let mut prev = GENESIS.to_string();
    let mut n = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| fail(n + 1, format!("cannot read: {e}")))?;
        if read == 0 {
            break;
        }
        n += 1;
        if buf.last() != Some(&b'\n') {
            return Err(fail(n, "the last line is incomplete (no newline)".into()));
        }
        let line = &buf[..buf.len() - 1];
        let c = check_line(line).map_err(|p| fail(n, p))?;
        if c.seq != n {
            return Err(fail(
                n,
                format!(
                    "seq is {} but this is line {n}: a line was inserted or deleted",
                    c.seq
                ),
            ));
        }
        if c.prev_hash != prev {
            return Err(fail(
                n,
                "prev_hash does not match the previous line's hash: a line before it was changed, inserted or deleted".into(),
            ));
        }
        prev = c.hash;
    }
    Ok(VerifyReport {
        lines: n,
        head: prev,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: u32) -> Event {
        Event {
            event: "decision",
            sender: Some("bcma".into()),
            msh10: Some(format!("M{i}")),
            decision: Some("forward"),
            rate: Some(12.5),
            ..Event::default()
        }
    }

    fn write(path: &Path, n: u32, policy: FsyncPolicy) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let log = AuditLog::open(path, policy).unwrap();
        rt.block_on(async {
            for i in 0..n {
                log.record(event(i)).await.unwrap();
            }
        });
        log.close().unwrap()
    }

    #[test]
    fn chain_verifies_and_continues_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        let head1 = write(&p, 3, FsyncPolicy::Always);
        assert_eq!(
            verify_log(&p).unwrap(),
            VerifyReport {
                lines: 3,
                head: head1
            }
        );
        let head2 = write(&p, 2, FsyncPolicy::Never);
        assert_eq!(
            verify_log(&p).unwrap(),
            VerifyReport {
                lines: 5,
                head: head2
            }
        );
        let text = std::fs::read_to_string(&p).unwrap();
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["prev_hash"], GENESIS);
        assert_eq!(first["seq"], 1);
        assert_eq!(first["msh10"], "M0");
        assert!(first.get("orc2").is_none());
    }

    fn tampered(edit: impl Fn(&mut Vec<String>)) -> VerifyError {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        write(&p, 5, FsyncPolicy::Always);
        let mut lines: Vec<String> = std::fs::read_to_string(&p)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        edit(&mut lines);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        verify_log(&p).unwrap_err()
    }

    #[test]
    fn edited_inserted_deleted_lines_are_detected() {
        let e = tampered(|l| l[2] = l[2].replace("12.5", "125"));
        assert_eq!(e.line, 3);
        assert!(e.problem.contains("modified"), "{e}");
        // Re-hashing the edited line itself still breaks the next line's prev_hash.
        let e = tampered(|l| {
            let edited = l[2].replace("\"M2\"", "\"M9\"");
            let head = &edited[..edited.len() - HASH_SUFFIX_LEN];
            let h = hex::encode(Sha256::digest(format!("{head}}}").as_bytes()));
            l[2] = format!("{head},\"hash\":\"{h}\"}}");
        });
        assert_eq!(e.line, 4, "{e}");
        let e = tampered(|l| {
            l.remove(1);
        });
        assert_eq!(e.line, 2);
        assert!(e.problem.contains("inserted or deleted"), "{e}");
        let e = tampered(|l| {
            let dup = l[1].clone();
            l.insert(1, dup);
        });
        assert_eq!(e.line, 3, "{e}");
        let e = tampered(|l| l[4].push(' '));
        assert_eq!(e.line, 5, "{e}");
    }

    #[test]
    fn incomplete_tail_refuses_to_continue() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.jsonl");
        write(&p, 2, FsyncPolicy::Always);
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"seq\":3,").unwrap();
        assert!(matches!(
            AuditLog::open(&p, FsyncPolicy::Always),
            Err(AuditError::BadTail { .. })
        ));
        assert_eq!(verify_log(&p).unwrap_err().line, 3);
    }

    /// A full disk: the record is refused and the log stays failed, so the guard
    /// forwards nothing more.
    #[cfg(target_os = "linux")]
    #[test]
    fn write_failure_fails_closed() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let log = AuditLog::open(Path::new("/dev/full"), FsyncPolicy::Always).unwrap();
        rt.block_on(async {
            assert!(matches!(
                log.record(event(1)).await,
                Err(AuditError::Failed)
            ));
            assert!(log.is_failed());
            assert!(matches!(
                log.record(event(2)).await,
                Err(AuditError::Failed)
            ));
        });
        log.close();
    }
}
