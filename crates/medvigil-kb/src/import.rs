//! Importing knowledge-base files, directories and zip archives into a store.
//!
//! The work runs in three stages per chunk of files, all inside one store transaction:
//!
//! 1. **Load** (sequential): read each file, or each entry of a zip archive, or a
//!    gzip-compressed file, under size limits that stop decompression bombs; entries
//!    whose names escape the archive (`../x`, `/etc/x`) are rejected.
//! 2. **Parse** (parallel, rayon): detect the format from the content, check the CSAF
//!    `.sha512` next to the file, parse into model records.
//! 3. **Write** (sequential): hand each file's records to the store's sink.
//!
//! A rejected file is reported with its path and reason; the rest of the import goes on
//! ([`OnError::KeepGoing`]) or the whole import is rolled back ([`OnError::Stop`]).
//! Memory stays bounded by the chunk size, so a 250,000-record NVD set streams through.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use medvigil_formats::kb::{self as formats, KbFormat};
use medvigil_model::vuln::{KbBatch, KbCounts, KbSource};
use medvigil_store::KbStore;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha512};

/// What to do when a file is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Report it and import everything else (the default).
    #[default]
    KeepGoing,
    /// Stop and roll back: nothing of this import is written.
    Stop,
}

/// Limits that keep hostile input from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest single file (or archive entry, or decompressed `.gz`) read.
    pub max_file_bytes: u64,
    /// Most entries read from one archive.
    pub max_archive_entries: usize,
    /// Most bytes decompressed from one archive in total.
    pub max_archive_bytes: u64,
    /// Largest compression ratio accepted for an entry over 1 MiB (real JSON compresses
    /// about 10:1; bombs reach 1000:1).
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 << 20,
            max_archive_entries: 2_000_000,
            max_archive_bytes: 16 << 30,
            max_ratio: 200,
        }
    }
}

/// How an import behaves.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Reject CSAF files that have no `.sha512` beside them.
    pub require_hash: bool,
    /// Keep going or stop at the first rejected file.
    pub on_error: OnError,
    /// Size limits.
    pub limits: Limits,
}

/// A file (or archive entry) that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The file, or `archive.zip!entry`.
    pub path: String,
    /// The source its format belongs to, when it was recognised.
    pub source: Option<KbSource>,
    /// Why, with position and field where known.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Files and archive entries looked at.
    pub files: u64,
    /// Per source: new / updated / unchanged / stale / rejected records or files.
    pub counts: KbCounts,
    /// Every rejected file with its reason.
    pub rejections: Vec<Rejection>,
    /// Files that are not knowledge-base data (ROLIE feeds, JSON schemas), with why.
    pub skipped: Vec<(String, String)>,
    /// Whether the import was written (false when stopped at an error).
    pub committed: bool,
}

/// Errors that stop an import before or outside the per-file handling.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A path given to import does not exist or cannot be read.
    #[error("{path}: {source}")]
    Input {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The store failed; nothing was written.
    #[error(transparent)]
    Store(#[from] medvigil_store::StoreError),
}

/// A unit of input discovered by the walk.
enum Unit {
    File(PathBuf),
    Archive(PathBuf),
}

/// One loaded file, ready to parse.
struct Item {
    path: String,
    name: String,
    bytes: Result<Vec<u8>, String>,
    /// The expected SHA-512 (hex) from a `.sha512` beside the file, if any.
    expected_hash: Option<Result<String, String>>,
}

/// The result of parsing one item.
enum Parsed {
    Batch(KbBatch),
    Rejected(Rejection),
    Skipped(String, String),
}

/// Names that are never knowledge-base data: checksums, signatures, docs.
fn is_data_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.starts_with('.')
        && [".json", ".yaml", ".yml", ".csv", ".gz", ".zip"]
            .iter()
            .any(|e| lower.ends_with(e))
}

fn walk(path: &Path, out: &mut Vec<Unit>) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if e.is_dir() {
                if !name.starts_with('.') {
                    walk(&e, out)?;
                }
            } else if is_data_name(name) {
                push_file(e, out);
            }
        }
    } else {
        push_file(path.to_path_buf(), out);
    }
    Ok(())
}

fn push_file(p: PathBuf, out: &mut Vec<Unit>) {
    if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
        out.push(Unit::Archive(p));
    } else {
        out.push(Unit::File(p));
    }
}

/// Reads at most `limit` bytes; more is an error (the caller reports it).
fn read_capped(r: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    r.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {what}: {e}"))?;
    if buf.len() as u64 > limit {
        return Err(format!("{what} is larger than the {limit} byte limit"));
    }
    Ok(buf)
}

/// Decompresses `.gz` content (capped), returning the name without `.gz`.
fn gunzip_if_needed(
    name: &str,
    bytes: Vec<u8>,
    limits: &Limits,
) -> (String, Result<Vec<u8>, String>) {
    match name.strip_suffix(".gz") {
        Some(inner) => {
            let dec = flate2::read::GzDecoder::new(&bytes[..]);
            (
                inner.to_string(),
                read_capped(dec, limits.max_file_bytes, "the decompressed content")
                    .map_err(|e| format!("gzip: {e}")),
            )
        }
        None => (name.to_string(), Ok(bytes)),
    }
}

fn load_file(path: &Path, limits: &Limits) -> Item {
    let display = path.display().to_string();
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string();
    let bytes = File::open(path)
        .map_err(|e| format!("cannot open: {e}"))
        .and_then(|f| read_capped(f, limits.max_file_bytes, "the file"));
    let (name, bytes) = match bytes {
        Ok(b) => gunzip_if_needed(&name, b, limits),
        Err(e) => (name, Err(e)),
    };
    let hash_path = PathBuf::from(format!("{display}.sha512"));
    let expected_hash = hash_path.exists().then(|| {
        std::fs::read_to_string(&hash_path)
            .map_err(|e| format!("cannot read {}: {e}", hash_path.display()))
    });
    Item {
        path: display,
        name,
        bytes,
        expected_hash,
    }
}

/// Loads the entries of one zip archive, calling `each` per entry.
fn load_archive(path: &Path, limits: &Limits, each: &mut dyn FnMut(Item) -> bool) {
    let display = path.display().to_string();
    let reject = |reason: String| Item {
        path: display.clone(),
        name: String::new(),
        bytes: Err(reason),
        expected_hash: None,
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            each(reject(format!("cannot open: {e}")));
            return;
        }
    };
    let mut zip = match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(z) => z,
        Err(e) => {
            each(reject(format!("not a readable zip archive: {e}")));
            return;
        }
    };
    if zip.len() > limits.max_archive_entries {
        each(reject(format!(
            "archive has {} entries, over the limit of {}",
            zip.len(),
            limits.max_archive_entries
        )));
        return;
    }
    let names: HashSet<String> = zip
        .file_names()
        .filter_map(|n| n.ok())
        .map(|n| n.into_owned())
        .collect();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let (entry_name, item) = {
            let mut entry = match zip.by_index(i) {
                Ok(e) => e,
                Err(e) => {
                    if !each(reject(format!("entry {i}: {e}"))) {
                        return;
                    }
                    continue;
                }
            };
            let raw_name = entry
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| format!("#{i}"));
            let at = format!("{display}!{raw_name}");
            if entry.is_dir() {
                continue;
            }
            let base = raw_name.rsplit('/').next().unwrap_or(&raw_name).to_string();
            if entry.enclosed_name().is_none() || raw_name.contains('\\') {
                let item = Item {
                    path: at,
                    name: base,
                    bytes: Err(format!(
                        "unsafe entry name {raw_name:?}: it escapes the archive (path traversal)"
                    )),
                    expected_hash: None,
                };
                if !each(item) {
                    return;
                }
                continue;
            }
            if !is_data_name(&base) {
                continue;
            }
            let size = entry.size();
            let packed = entry.compressed_size().max(1);
            let bytes = if size > limits.max_file_bytes {
                Err(format!(
                    "entry declares {size} bytes, over the {} byte limit",
                    limits.max_file_bytes
                ))
            } else if size > (1 << 20) && size / packed > limits.max_ratio {
                Err(format!(
                    "entry expands {}:1 ({packed} to {size} bytes), over the {}:1 limit (zip bomb?)",
                    size / packed,
                    limits.max_ratio
                ))
            } else if total.saturating_add(size) > limits.max_archive_bytes {
                Err(format!(
                    "archive expands past the {} byte limit",
                    limits.max_archive_bytes
                ))
            } else {
                // The declared size can lie; the cap holds regardless.
                read_capped(
                    &mut entry,
                    limits.max_file_bytes.min(size.max(1) * 2 + 1024),
                    "the entry",
                )
            };
            if let Ok(b) = &bytes {
                total += b.len() as u64;
            }
            let (name, bytes) = match bytes {
                Ok(b) => gunzip_if_needed(&base, b, limits),
                Err(e) => (base, Err(e)),
            };
            (
                raw_name,
                Item {
                    path: at,
                    name,
                    bytes,
                    expected_hash: None,
                },
            )
        };
        let mut item = item;
        let hash_name = format!("{entry_name}.sha512");
        if names.contains(&hash_name) {
            item.expected_hash = Some(
                zip.by_name(&hash_name)
                    .map_err(|e| format!("cannot read {hash_name}: {e}"))
                    .and_then(|h| read_capped(h, 4096, "the hash file"))
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
            );
        }
        if !each(item) {
            return;
        }
    }
}

/// Number of items an archive will yield (for progress), without decompressing.
fn archive_len(path: &Path) -> u64 {
    File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(BufReader::new(f)).ok())
        .map_or(1, |z| z.len() as u64)
}

/// A JSON document that is not knowledge-base data but commonly sits beside it.
fn auxiliary_json(bytes: &[u8]) -> Option<&'static str> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let o = v.as_object()?;
    if o.contains_key("feed") {
        Some("a ROLIE feed document (use `kb sync` to follow it)")
    } else if o.contains_key("$schema") && (o.contains_key("properties") || o.contains_key("$defs"))
    {
        Some("a JSON schema")
    } else if o.contains_key("canonical_url") && o.contains_key("publisher") {
        Some("a CSAF provider-metadata document")
    } else if o.contains_key("aggregator") && o.contains_key("csaf_providers") {
        Some("a CSAF aggregator document")
    } else if o.contains_key("service") || o.contains_key("categories") {
        Some("a ROLIE service or category document")
    } else if o.contains_key("tests") && o.contains_key("testschema_version") {
        Some("a CSAF validator test index")
    } else {
        None
    }
}

fn check_hash(bytes: &[u8], expected: &str) -> Result<(), String> {
    let want = expected
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if want.len() != 128 || !want.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the .sha512 file does not hold a SHA-512 hex digest".into());
    }
    let got = hex::encode(Sha512::digest(bytes));
    if got != want {
        return Err(format!(
            "SHA-512 mismatch: the .sha512 file says {want}, the content hashes to {got}"
        ));
    }
    Ok(())
}

fn parse_item(item: Item, opts: &ImportOptions) -> Parsed {
    let reject = |source: Option<KbSource>, reason: String| {
        Parsed::Rejected(Rejection {
            path: item.path.clone(),
            source,
            reason,
        })
    };
    let bytes = match &item.bytes {
        Ok(b) => b,
        Err(e) => return reject(None, e.clone()),
    };
    let format = match formats::detect(bytes, Some(&item.name)) {
        Ok(f) => f,
        Err(e) => {
            if let Some(why) = bytes
                .first()
                .filter(|b| **b == b'{')
                .and_then(|_| auxiliary_json(bytes))
            {
                return Parsed::Skipped(item.path.clone(), why.to_string());
            }
            return reject(None, e.to_string());
        }
    };
    let source = format.source();
    match &item.expected_hash {
        Some(Ok(h)) => {
            if let Err(e) = check_hash(bytes, h) {
                return reject(Some(source), e);
            }
        }
        Some(Err(e)) => return reject(Some(source), e.clone()),
        None if opts.require_hash && format == KbFormat::Csaf => {
            return reject(
                Some(source),
                "no .sha512 beside this CSAF file and --require-hash is set".into(),
            );
        }
        None => {}
    }
    match formats::parse_as(format, bytes) {
        Ok(batch) => Parsed::Batch(batch),
        Err(e) => reject(Some(source), e.to_string()),
    }
}

/// How much to load before parsing a chunk in parallel: enough to keep both cores busy,
/// little enough to bound memory.
const CHUNK_FILES: usize = 512;
const CHUNK_BYTES: usize = 64 << 20;

/// Imports `paths` (files, directories, zip archives) into `store` in one transaction.
///
/// `progress(done, total)` is called as files are processed.
pub fn import_paths(
    store: &mut dyn KbStore,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportReport, ImportError> {
    let mut units = Vec::new();
    for p in paths {
        walk(p, &mut units).map_err(|source| ImportError::Input {
            path: p.clone(),
            source,
        })?;
    }
    let total: u64 = units
        .iter()
        .map(|u| match u {
            Unit::File(_) => 1,
            Unit::Archive(p) => archive_len(p),
        })
        .sum();
    let mut report = ImportReport::default();
    let counts = store.import_kb(&mut |sink| {
        // Parsing of chunk N+1 (background thread, itself parallel) overlaps with
        // loading it and with writing chunk N (this thread, which owns the transaction).
        std::thread::scope(|scope| {
            let mut chunk: Vec<Item> = Vec::new();
            let mut chunk_bytes = 0usize;
            let mut stopped = false;
            let mut failure: Option<medvigil_store::StoreError> = None;
            let mut pending: Option<std::thread::ScopedJoinHandle<'_, Vec<Parsed>>> = None;
            let mut write = |parsed: Vec<Parsed>, report: &mut ImportReport| -> bool {
                for p in parsed {
                    report.files += 1;
                    match p {
                        Parsed::Batch(batch) => {
                            if let Err(e) = sink.put(batch) {
                                failure = Some(e);
                                return false;
                            }
                        }
                        Parsed::Rejected(r) => {
                            report.rejections.push(r);
                            if opts.on_error == OnError::Stop {
                                return false;
                            }
                        }
                        Parsed::Skipped(path, why) => report.skipped.push((path, why)),
                    }
                }
                progress(report.files, total);
                true
            };
            // Starts parsing `chunk` and writes the previously parsed one meanwhile.
            let mut submit = |chunk: Vec<Item>, report: &mut ImportReport| -> bool {
                let next = (!chunk.is_empty()).then(|| {
                    scope.spawn(move || -> Vec<Parsed> {
                        chunk
                            .into_par_iter()
                            .map(|item| parse_item(item, opts))
                            .collect()
                    })
                });
                match std::mem::replace(&mut pending, next) {
                    Some(h) => {
                        let parsed = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                        write(parsed, report)
                    }
                    None => true,
                }
            };
            let mut add = |item: Item, report: &mut ImportReport| -> bool {
                chunk_bytes += item.bytes.as_ref().map_or(0, |b| b.len());
                chunk.push(item);
                if chunk.len() >= CHUNK_FILES || chunk_bytes >= CHUNK_BYTES {
                    chunk_bytes = 0;
                    if !submit(std::mem::take(&mut chunk), report) {
                        stopped = true;
                        return false;
                    }
                }
                true
            };
            'units: for u in &units {
                match u {
                    Unit::File(p) => {
                        if !add(load_file(p, &opts.limits), &mut report) {
                            break 'units;
                        }
                    }
                    Unit::Archive(p) => {
                        let mut go_on = true;
                        load_archive(p, &opts.limits, &mut |item| {
                            go_on = add(item, &mut report);
                            go_on
                        });
                        if !go_on {
                            break 'units;
                        }
                    }
                }
            }
            // The last chunk, then drain what is still being parsed.
            if !stopped
                && (!submit(std::mem::take(&mut chunk), &mut report)
                    || !submit(Vec::new(), &mut report))
            {
                stopped = true;
            }
            if let Some(e) = failure {
                return Err(e);
            }
            Ok(!stopped)
        })
    })?;
    report.committed = opts.on_error == OnError::KeepGoing || report.rejections.is_empty();
    report.counts = counts;
    for r in &report.rejections {
        if let Some(s) = r.source {
            report.counts.entry(s).or_default().rejected += 1;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_check_accepts_sha512sum_output_and_rejects_mismatch() {
        let d = hex::encode(Sha512::digest(b"abc"));
        assert!(check_hash(b"abc", &format!("{d}  file.json\n")).is_ok());
        let e = check_hash(b"abd", &d).unwrap_err();
        assert!(e.contains("mismatch"), "{e}");
        assert!(check_hash(b"abc", "zz").is_err());
    }

    #[test]
    fn data_names() {
        assert!(is_data_name("icsa-24-004-01.json"));
        assert!(is_data_name("epss_scores-current.csv.gz"));
        assert!(!is_data_name("icsa-24-004-01.json.sha512"));
        assert!(!is_data_name("INDEX.tsv"));
        assert!(!is_data_name(".hidden.json"));
    }
}
