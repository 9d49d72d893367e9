//! `kb sync`: pulling the public feeds into a local cache, then importing what changed.
//!
//! Sources (configurable, see [`SyncConfig`]):
//!
//! * `csaf-rolie`: a CSAF ROLIE feed document (`{"feed": {"entry": [...]}}`, CSAF 2.0
//!   section 7.1.20): the feed, then each advisory it lists (`rel: self`) and its hash
//!   (`rel: hash`, a `.sha512`), verified before import.
//! * `osv-zip`: an osv.dev ecosystem export (`<ecosystem>/all.zip`).
//! * `kev`: the CISA KEV catalog JSON.
//! * `epss`: the EPSS scores CSV, usually gzip-compressed.
//!
//! A feed's advisories are fetched by four workers in parallel.
//!
//! Every download is conditional (`If-None-Match` with the stored ETag,
//! `If-Modified-Since` with the stored Last-Modified), so an unchanged feed costs one
//! 304 per file. A download that breaks off leaves a `.part` file that the next run
//! resumes with `Range` + `If-Range`. The cache state (ETags, which files are imported)
//! lives in `state.json` in the cache directory and is saved as work progresses, so an
//! interrupted sync resumes where it stopped; a file is marked imported only after the
//! import transaction committed.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use medvigil_store::KbStore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};

use crate::import::{ImportError, ImportOptions, ImportReport, import_paths};

/// What kind of feed a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A CSAF ROLIE feed and the advisories it lists.
    CsafRolie,
    /// An OSV zip export.
    OsvZip,
    /// The CISA KEV catalog.
    Kev,
    /// EPSS scores (CSV or CSV.gz).
    Epss,
}

/// One configured source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceConfig {
    /// A short name, also the cache sub-directory ("cisa-csaf-ot", "osv-pypi").
    pub name: String,
    /// The kind of feed.
    pub kind: SourceKind,
    /// Where to fetch it (https://, or http:// for a local mirror).
    pub url: String,
}

/// The sources to sync. In a TOML file:
///
/// ```toml
/// [[source]]
/// name = "kev"
/// kind = "kev"
/// url = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncConfig {
    /// The sources, synced in this order.
    #[serde(rename = "source", default)]
    pub sources: Vec<SourceConfig>,
}

impl SyncConfig {
    /// The public feeds: CISA's CSAF OT advisories, KEV and EPSS, and the OSV exports
    /// of the ecosystems medical-device software is built from.
    pub fn defaults() -> SyncConfig {
        let s = |name: &str, kind, url: &str| SourceConfig {
            name: name.into(),
            kind,
            url: url.into(),
        };
        let osv = |eco: &str| {
            s(
                &format!("osv-{}", eco.to_ascii_lowercase().replace('.', "-")),
                SourceKind::OsvZip,
                &format!("https://osv-vulnerabilities.storage.googleapis.com/{eco}/all.zip"),
            )
        };
        SyncConfig {
            sources: vec![
                s(
                    "cisa-csaf-ot",
                    SourceKind::CsafRolie,
                    "https://raw.githubusercontent.com/cisagov/CSAF/develop/csaf_files/OT/white/cisa-csaf-ot-feed-tlp-white.json",
                ),
                s(
                    "kev",
                    SourceKind::Kev,
                    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
                ),
                s(
                    "epss",
                    SourceKind::Epss,
                    "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
                ),
                osv("PyPI"),
                osv("Go"),
                osv("crates.io"),
                osv("npm"),
                osv("Maven"),
            ],
        }
    }

    /// Reads a TOML configuration.
    pub fn from_toml(text: &str) -> Result<SyncConfig, SyncError> {
        let c: SyncConfig = toml::from_str(text).map_err(|e| SyncError::Config(e.to_string()))?;
        let mut seen = std::collections::HashSet::new();
        for s in &c.sources {
            if !seen.insert(&s.name) {
                return Err(SyncError::Config(format!(
                    "source name {:?} appears twice",
                    s.name
                )));
            }
            if s.name.is_empty()
                || !s
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                || s.name.starts_with('.')
            {
                return Err(SyncError::Config(format!(
                    "source name {:?} must be letters, digits, '-', '_' or '.' (it names a cache folder)",
                    s.name
                )));
            }
            if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
                return Err(SyncError::Config(format!(
                    "source {:?}: url {:?} is not http(s)",
                    s.name, s.url
                )));
            }
        }
        Ok(c)
    }
}

/// How to sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Where downloads and `state.json` live.
    pub cache_dir: PathBuf,
    /// Only these sources (by name or kind, e.g. "kev", "osv-zip"); empty means all.
    pub only: Vec<String>,
    /// How the downloaded files are imported.
    pub import: ImportOptions,
    /// Timeout for one request, body included.
    pub timeout: Duration,
    /// Largest download accepted.
    pub max_download_bytes: u64,
}

impl SyncOptions {
    /// Defaults with the cache in `cache_dir`.
    pub fn new(cache_dir: PathBuf) -> SyncOptions {
        SyncOptions {
            cache_dir,
            only: Vec::new(),
            import: ImportOptions::default(),
            timeout: Duration::from_secs(300),
            max_download_bytes: 2 << 30,
        }
    }
}

/// What happened to one source.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceOutcome {
    /// The source's name.
    pub name: String,
    /// Files downloaded (changed).
    pub downloaded: u64,
    /// Files the server said were unchanged (304).
    pub not_modified: u64,
    /// Downloads resumed from a partial file.
    pub resumed: u64,
    /// Files handed to the import.
    pub to_import: u64,
    /// Failures (URL and reason); the rest of the source still syncs.
    pub failures: Vec<(String, String)>,
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    /// Per source.
    pub sources: Vec<SourceOutcome>,
    /// The import of everything that changed (none when nothing did).
    pub import: Option<ImportReport>,
}

/// Errors that stop a sync.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The configuration is invalid.
    #[error("sync configuration: {0}")]
    Config(String),
    /// No configured source matches `--source`.
    #[error("no source named or of kind {0:?} (configured: {1})")]
    UnknownSource(String, String),
    /// The cache directory cannot be used.
    #[error("cache {path}: {source}")]
    Cache {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The import failed (nothing was written).
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Per-URL cache state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Entry {
    etag: Option<String>,
    last_modified: Option<String>,
    /// The ETag of the download in progress (for `If-Range`).
    partial_etag: Option<String>,
    /// The file, relative to the cache directory.
    file: String,
    /// Whether the current content was imported (committed).
    imported: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    entries: BTreeMap<String, Entry>,
}

struct Cache {
    dir: PathBuf,
    state: State,
    dirty: u32,
}

impl Cache {
    fn open(dir: &Path) -> Result<Cache, SyncError> {
        fs::create_dir_all(dir).map_err(|source| SyncError::Cache {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join("state.json");
        // A damaged state file only costs re-downloads: start over rather than fail.
        let state = fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Ok(Cache {
            dir: dir.to_path_buf(),
            state,
            dirty: 0,
        })
    }

    fn save(&mut self) -> Result<(), SyncError> {
        let path = self.dir.join("state.json");
        let tmp = self.dir.join("state.json.tmp");
        let write = || -> io::Result<()> {
            fs::write(
                &tmp,
                serde_json::to_vec_pretty(&self.state).expect("plain data"),
            )?;
            fs::rename(&tmp, &path)
        };
        write().map_err(|source| SyncError::Cache { path, source })?;
        self.dirty = 0;
        Ok(())
    }

    /// Saves every few changes so an interrupted sync keeps most of its progress.
    fn touch(&mut self) -> Result<(), SyncError> {
        self.dirty += 1;
        if self.dirty >= 50 {
            self.save()
        } else {
            Ok(())
        }
    }
}

/// Locks the cache; a worker that panicked mid-update leaves state that is at worst
/// stale, which only costs a re-download, so poisoning is ignored.
fn lock(cache: &Mutex<Cache>) -> MutexGuard<'_, Cache> {
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

enum Fetched {
    NotModified,
    Downloaded { resumed: bool },
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Fetches `url` into `rel` (relative to the cache dir), conditionally and resumably.
fn fetch(
    agent: &ureq::Agent,
    cache: &Mutex<Cache>,
    url: &str,
    rel: &str,
    max: u64,
) -> Result<Fetched, String> {
    let dir = lock(cache).dir.clone();
    let dest = dir.join(rel);
    let part = dir.join(format!("{rel}.part"));
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let entry = lock(cache)
        .state
        .entries
        .get(url)
        .cloned()
        .unwrap_or_default();
    let mut req = agent.get(url);
    if dest.exists() && entry.file == rel {
        if let Some(e) = &entry.etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(lm) = &entry.last_modified {
            req = req.header("If-Modified-Since", lm);
        }
    }
    let have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let resuming = have > 0 && entry.partial_etag.is_some();
    if resuming {
        req = req.header("Range", format!("bytes={have}-")).header(
            "If-Range",
            entry.partial_etag.as_deref().unwrap_or_default(),
        );
    }
    let resp = req.call().map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    match status {
        304 => return Ok(Fetched::NotModified),
        200 | 206 => {}
        other => return Err(format!("HTTP {other}")),
    }
    let etag = header(&resp, "etag");
    let last_modified = header(&resp, "last-modified");
    let append = status == 206 && resuming;
    {
        let mut c = lock(cache);
        let e = c.state.entries.entry(url.to_string()).or_default();
        e.partial_etag = etag.clone();
        e.file = rel.to_string();
        // Persist the partial ETag now for downloads worth resuming (big or of unknown
        // size); small ones are saved in batches.
        let big = header(&resp, "content-length")
            .and_then(|l| l.parse::<u64>().ok())
            .is_none_or(|l| l > 1 << 20);
        if big {
            c.save().map_err(|e| e.to_string())?;
        } else {
            c.touch().map_err(|e| e.to_string())?;
        }
    }
    let mut out = OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&part)
        .map_err(|e| format!("cannot write {}: {e}", part.display()))?;
    let already = if append { have } else { 0 };
    let mut body = resp
        .into_body()
        .into_reader()
        .take(max.saturating_sub(already) + 1);
    let copied = io::copy(&mut body, &mut out).map_err(|e| format!("download broke off: {e}"))?;
    if already + copied > max {
        drop(out);
        let _ = fs::remove_file(&part);
        return Err(format!("larger than the {max} byte limit"));
    }
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    fs::rename(&part, &dest)
        .map_err(|e| format!("cannot move {} into place: {e}", part.display()))?;
    let mut c = lock(cache);
    let e = c.state.entries.entry(url.to_string()).or_default();
    e.etag = etag;
    e.last_modified = last_modified;
    e.partial_etag = None;
    e.imported = false;
    Ok(Fetched::Downloaded { resumed: append })
}

/// The last path segment of a URL, if it is a safe file name.
fn file_name_of(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    ok.then(|| name.to_string())
}

/// One fetch, recorded in the outcome; returns the file to import when it changed or was
/// never imported.
fn fetch_into(
    agent: &ureq::Agent,
    cache: &Mutex<Cache>,
    outcome: &mut SourceOutcome,
    url: &str,
    rel: &str,
    max: u64,
) -> Option<PathBuf> {
    match fetch(agent, cache, url, rel, max) {
        Ok(Fetched::NotModified) => {
            outcome.not_modified += 1;
            let c = lock(cache);
            let imported = c.state.entries.get(url).is_some_and(|e| e.imported);
            (!imported).then(|| c.dir.join(rel))
        }
        Ok(Fetched::Downloaded { resumed }) => {
            outcome.downloaded += 1;
            outcome.resumed += u64::from(resumed);
            Some(lock(cache).dir.join(rel))
        }
        Err(e) => {
            outcome.failures.push((url.to_string(), e));
            None
        }
    }
}

#[derive(Deserialize)]
struct Feed {
    feed: FeedBody,
}

#[derive(Deserialize)]
struct FeedBody {
    #[serde(default)]
    entry: Vec<FeedEntry>,
}

#[derive(Deserialize)]
struct FeedEntry {
    #[serde(default)]
    link: Vec<FeedLink>,
    content: Option<FeedContent>,
}

#[derive(Deserialize)]
struct FeedLink {
    rel: String,
    href: String,
}

#[derive(Deserialize)]
struct FeedContent {
    src: Option<String>,
}

/// Parallel downloads for a feed's advisories: enough to hide network latency, few
/// enough to be polite to the publisher.
const DOWNLOAD_WORKERS: usize = 4;

fn sync_rolie(
    agent: &ureq::Agent,
    cache: &Mutex<Cache>,
    source: &SourceConfig,
    opts: &SyncOptions,
    outcome: &mut SourceOutcome,
    to_import: &mut Vec<(String, PathBuf)>,
    progress: &mut dyn FnMut(&str),
) -> Result<(), SyncError> {
    let dir = lock(cache).dir.clone();
    let feed_rel = format!("{}/feed.json", source.name);
    // The feed is always read from the cache: an unchanged feed (304) can still list
    // advisories a broken-off earlier run did not finish.
    match fetch(
        agent,
        cache,
        &source.url,
        &feed_rel,
        opts.max_download_bytes,
    ) {
        Ok(Fetched::NotModified) => outcome.not_modified += 1,
        Ok(Fetched::Downloaded { resumed }) => {
            outcome.downloaded += 1;
            outcome.resumed += u64::from(resumed);
        }
        Err(e) => {
            outcome.failures.push((source.url.clone(), e));
            if !dir.join(&feed_rel).exists() {
                return Ok(());
            }
        }
    }
    let bytes = fs::read(dir.join(&feed_rel)).map_err(|e| SyncError::Cache {
        path: dir.join(&feed_rel),
        source: e,
    })?;
    let feed: Feed = match serde_json::from_slice(&bytes) {
        Ok(f) => f,
        Err(e) => {
            outcome
                .failures
                .push((source.url.clone(), format!("not a ROLIE feed: {e}")));
            return Ok(());
        }
    };
    // (advisory URL, cache path relative to the cache dir, hash URL)
    let mut jobs: Vec<(String, String, Option<String>)> = Vec::new();
    for (i, entry) in feed.feed.entry.iter().enumerate() {
        let href = entry
            .link
            .iter()
            .find(|l| l.rel == "self")
            .map(|l| l.href.clone())
            .or_else(|| entry.content.as_ref().and_then(|c| c.src.clone()));
        let Some(href) = href else {
            outcome.failures.push((
                source.url.clone(),
                format!("feed entry {i} has no self link"),
            ));
            continue;
        };
        let Some(name) = file_name_of(&href) else {
            outcome.failures.push((href, "not a safe file name".into()));
            continue;
        };
        let rel = format!("{}/advisories/{name}", source.name);
        let hash_href = entry
            .link
            .iter()
            .find(|l| l.rel == "hash")
            .map(|l| l.href.clone());
        jobs.push((href, rel, hash_href));
    }
    progress(&format!(
        "{}: {} advisories listed",
        source.name,
        jobs.len()
    ));
    let next = AtomicUsize::new(0);
    let results: Vec<(SourceOutcome, Vec<(String, PathBuf)>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..DOWNLOAD_WORKERS)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = SourceOutcome::default();
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((href, rel, hash_href)) = jobs.get(i) else {
                            break;
                        };
                        let max = opts.max_download_bytes;
                        let doc = fetch_into(agent, cache, &mut out, href, rel, max);
                        let hash = hash_href.as_ref().and_then(|h| {
                            fetch_into(agent, cache, &mut out, h, &format!("{rel}.sha512"), 4096)
                        });
                        if doc.is_none() && hash.is_none() {
                            continue;
                        }
                        let doc_path = dir.join(rel);
                        if let Some(err) = verify(&doc_path, hash_href.is_some()) {
                            out.failures.push((href.clone(), err));
                            // Forget it so the next run downloads both again.
                            let _ = fs::remove_file(&doc_path);
                            lock(cache).state.entries.remove(href);
                            continue;
                        }
                        if doc.is_some() {
                            mine.push((href.clone(), doc_path));
                        }
                    }
                    (out, mine)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for (o, mine) in results {
        outcome.downloaded += o.downloaded;
        outcome.not_modified += o.not_modified;
        outcome.resumed += o.resumed;
        outcome.failures.extend(o.failures);
        to_import.extend(mine);
    }
    // Workers finish in any order; keep reports and imports in feed order.
    let order: std::collections::HashMap<&str, usize> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.0.as_str(), i))
        .collect();
    to_import.sort_by_key(|(u, _)| order.get(u.as_str()).copied().unwrap_or(usize::MAX));
    outcome.to_import = to_import.len() as u64;
    lock(cache).save()
}

/// Checks a downloaded advisory against its `.sha512`; `None` when fine.
fn verify(doc: &Path, has_hash: bool) -> Option<String> {
    let hash_path = PathBuf::from(format!("{}.sha512", doc.display()));
    if !has_hash {
        return None;
    }
    let want = match fs::read_to_string(&hash_path) {
        Ok(s) => s
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase(),
        Err(e) => return Some(format!("hash file missing: {e}")),
    };
    let mut f = match File::open(doc) {
        Ok(f) => f,
        Err(e) => return Some(format!("advisory missing: {e}")),
    };
    let mut hasher = Sha512::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) => return Some(e.to_string()),
        }
    }
    let got = hex::encode(hasher.finalize());
    (got != want)
        .then(|| format!("SHA-512 mismatch: the .sha512 says {want}, the download hashes to {got}"))
}

/// Syncs the configured sources into the cache and imports what changed, in one
/// transaction.
pub fn sync(
    store: &mut dyn KbStore,
    config: &SyncConfig,
    opts: &SyncOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<SyncReport, SyncError> {
    let selected: Vec<&SourceConfig> = if opts.only.is_empty() {
        config.sources.iter().collect()
    } else {
        let mut sel = Vec::new();
        for want in &opts.only {
            let matched: Vec<&SourceConfig> = config
                .sources
                .iter()
                .filter(|s| {
                    s.name == *want
                        || serde_json::to_value(s.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(|k| k == want))
                            .unwrap_or(false)
                })
                .collect();
            if matched.is_empty() {
                let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
                return Err(SyncError::UnknownSource(want.clone(), names.join(", ")));
            }
            sel.extend(matched);
        }
        sel
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("medvigil/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let cache = Mutex::new(Cache::open(&opts.cache_dir)?);
    let mut report = SyncReport::default();
    let mut to_import: Vec<(String, PathBuf)> = Vec::new();
    for source in selected {
        progress(&format!("{}: {}", source.name, source.url));
        let mut outcome = SourceOutcome {
            name: source.name.clone(),
            ..Default::default()
        };
        match source.kind {
            SourceKind::CsafRolie => {
                let mut files = Vec::new();
                sync_rolie(
                    &agent,
                    &cache,
                    source,
                    opts,
                    &mut outcome,
                    &mut files,
                    progress,
                )?;
                to_import.extend(files);
            }
            SourceKind::OsvZip | SourceKind::Kev | SourceKind::Epss => {
                let name = file_name_of(&source.url).unwrap_or_else(|| "download".into());
                let rel = format!("{}/{name}", source.name);
                if let Some(p) = fetch_into(
                    &agent,
                    &cache,
                    &mut outcome,
                    &source.url,
                    &rel,
                    opts.max_download_bytes,
                ) {
                    outcome.to_import = 1;
                    to_import.push((source.url.clone(), p));
                }
            }
        }
        lock(&cache).save()?;
        report.sources.push(outcome);
    }
    if !to_import.is_empty() {
        let paths: Vec<PathBuf> = to_import.iter().map(|(_, p)| p.clone()).collect();
        progress(&format!("importing {} files", paths.len()));
        let imported = import_paths(store, &paths, &opts.import, &mut |_, _| {})?;
        if imported.committed {
            for (url, _) in &to_import {
                if let Some(e) = lock(&cache).state.entries.get_mut(url) {
                    e.imported = true;
                }
            }
        }
        lock(&cache).save()?;
        report.import = Some(imported);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parses_and_rejects_bad_names() {
        let c = SyncConfig::from_toml(
            "[[source]]\nname = \"kev\"\nkind = \"kev\"\nurl = \"https://example.org/kev.json\"\n",
        )
        .unwrap();
        assert_eq!(c.sources[0].kind, SourceKind::Kev);
        assert!(
            SyncConfig::from_toml(
                "[[source]]\nname = \"../x\"\nkind = \"kev\"\nurl = \"https://e/k\"\n"
            )
            .is_err()
        );
        assert!(
            SyncConfig::from_toml(
                "[[source]]\nname = \"x\"\nkind = \"ftp\"\nurl = \"https://e/k\"\n"
            )
            .is_err()
        );
        assert!(
            SyncConfig::from_toml(
                "[[source]]\nname = \"x\"\nkind = \"kev\"\nurl = \"file:///etc/passwd\"\n"
            )
            .is_err()
        );
        assert_eq!(SyncConfig::defaults().sources.len(), 8);
    }

    #[test]
    fn file_names_from_urls_are_safe() {
        assert_eq!(
            file_name_of("https://h/a/icsa-24-004-01.json").as_deref(),
            Some("icsa-24-004-01.json")
        );
        assert_eq!(
            file_name_of("https://h/PyPI/all.zip?x=1").as_deref(),
            Some("all.zip")
        );
        assert_eq!(file_name_of("https://h/a/.."), None);
        assert_eq!(file_name_of("https://h/a/"), None);
    }
}
