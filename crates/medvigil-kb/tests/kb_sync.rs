//! `kb sync` against a loopback HTTP server that serves the corpus in the feeds'
//! published layouts: a CSAF ROLIE feed with each advisory and its `.sha512` under
//! `/<year>/`, the KEV catalog, an EPSS `.csv.gz` and an OSV `all.zip`.
//!
//! The shared corpus holds the CISA advisories but not CISA's ROLIE feed document, so the
//! server builds one from the folder in the shape of the CSAF standard's example feed.
//!
//! `MEDVIGIL_CORPUS=../shared/data cargo test -p medvigil-kb --test kb_sync`

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use medvigil_kb::sync::{SourceConfig, SourceKind, SyncConfig, SyncOptions, sync};
use medvigil_model::vuln::KbSource;
use medvigil_store::{KbStore, open_sqlite};

/// What the server serves, and how it misbehaves on request.
#[derive(Default)]
struct Site {
    /// URL path -> content.
    files: HashMap<String, Vec<u8>>,
    /// Paths whose next response breaks off after this many body bytes.
    break_after: HashMap<String, usize>,
    /// Requests seen, as (path, status).
    log: Vec<(String, u16)>,
}

struct Server {
    base: String,
    site: Arc<Mutex<Site>>,
    requests: Arc<AtomicUsize>,
}

fn etag(bytes: &[u8]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("\"{:x}-{}\"", h.finish(), bytes.len())
}

fn handle(mut stream: TcpStream, site: &Mutex<Site>) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let mut site = site.lock().unwrap();
    let Some(body) = site.files.get(&path).cloned() else {
        site.log.push((path, 404));
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    };
    let tag = etag(&body);
    if headers.get("if-none-match") == Some(&tag) {
        site.log.push((path, 304));
        let _ = write!(
            stream,
            "HTTP/1.1 304 Not Modified\r\netag: {tag}\r\nconnection: close\r\n\r\n"
        );
        return;
    }
    let range_start = headers
        .get("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|_| headers.get("if-range") == Some(&tag))
        .filter(|n| *n < body.len());
    let (status, slice) = match range_start {
        Some(n) => (206, &body[n..]),
        None => (200, &body[..]),
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\netag: {tag}\r\nlast-modified: Mon, 01 Jan 2024 00:00:00 GMT\r\ncontent-length: {}\r\nconnection: close\r\n",
        if status == 206 {
            "Partial Content"
        } else {
            "OK"
        },
        slice.len()
    );
    if let Some(n) = range_start {
        head.push_str(&format!(
            "content-range: bytes {n}-{}/{}\r\n",
            body.len() - 1,
            body.len()
        ));
    }
    head.push_str("\r\n");
    site.log.push((path.clone(), status));
    let cut = site.break_after.remove(&path);
    drop(site);
    let _ = stream.write_all(head.as_bytes());
    match cut {
        Some(n) => {
            let _ = stream.write_all(&slice[..n.min(slice.len())]);
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        None => {
            let _ = stream.write_all(slice);
        }
    }
}

fn serve(site: Site) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let site = Arc::new(Mutex::new(site));
    let requests = Arc::new(AtomicUsize::new(0));
    let (s, r) = (site.clone(), requests.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            r.fetch_add(1, Ordering::SeqCst);
            let s = s.clone();
            std::thread::spawn(move || handle(stream, &s));
        }
    });
    Server {
        base,
        site,
        requests,
    }
}

/// A ROLIE feed for the advisories under `dir` (medical ones only, `icsma-*`, to keep
/// the test quick; the full folder is covered by the import corpus test).
fn build_csaf(site: &mut Site, base: &str, dir: &Path) -> usize {
    let mut entries = Vec::new();
    let mut years: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    years.sort();
    for year in years {
        let y = year.file_name().unwrap().to_str().unwrap().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&year)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_str().unwrap().to_string();
            if !name.starts_with("icsma") || !name.ends_with(".json") {
                continue;
            }
            let url_path = format!("/csaf/white/{y}/{name}");
            site.files
                .insert(url_path.clone(), std::fs::read(&f).unwrap());
            site.files.insert(
                format!("{url_path}.sha512"),
                std::fs::read(format!("{}.sha512", f.display())).unwrap(),
            );
            entries.push(serde_json::json!({
                "id": name.trim_end_matches(".json").to_ascii_uppercase(),
                "title": name,
                "link": [
                    {"rel": "self", "href": format!("{base}{url_path}")},
                    {"rel": "hash", "href": format!("{base}{url_path}.sha512")}
                ],
                "published": "2024-01-01T00:00:00Z",
                "updated": "2024-01-01T00:00:00Z",
                "content": {"type": "application/json", "src": format!("{base}{url_path}")},
                "format": {"schema": "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json", "version": "2.0"}
            }));
        }
    }
    let n = entries.len();
    let feed = serde_json::json!({"feed": {
        "id": "cisa-csaf-ot-feed-tlp-white",
        "title": "CISA CSAF OT feed (TLP:WHITE)",
        "link": [{"rel": "self", "href": format!("{base}/csaf/cisa-csaf-ot-feed-tlp-white.json")}],
        "category": [{"scheme": "urn:ietf:params:rolie:category:information-type", "term": "csaf"}],
        "updated": "2024-01-01T00:00:00Z",
        "entry": entries
    }});
    site.files.insert(
        "/csaf/cisa-csaf-ot-feed-tlp-white.json".into(),
        serde_json::to_vec(&feed).unwrap(),
    );
    n
}

fn osv_zip(dir: &Path) -> (Vec<u8>, usize) {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut n = 0;
    for f in medvigil_testkit::files_under(dir, |n| n.ends_with(".json")) {
        zip.start_file(f.file_name().unwrap().to_str().unwrap(), opts)
            .unwrap();
        zip.write_all(&std::fs::read(&f).unwrap()).unwrap();
        n += 1;
    }
    (zip.finish().unwrap().into_inner(), n)
}

fn epss_gz() -> Vec<u8> {
    let csv = "#model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000\ncve,epss,percentile\nCVE-2017-0144,0.94,0.999\nCVE-2020-6961,0.002,0.4\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn config(base: &str) -> SyncConfig {
    let s = |name: &str, kind, path: &str| SourceConfig {
        name: name.into(),
        kind,
        url: format!("{base}{path}"),
    };
    SyncConfig {
        sources: vec![
            s(
                "cisa-csaf-ot",
                SourceKind::CsafRolie,
                "/csaf/cisa-csaf-ot-feed-tlp-white.json",
            ),
            s(
                "kev",
                SourceKind::Kev,
                "/kev/known_exploited_vulnerabilities.json",
            ),
            s("epss", SourceKind::Epss, "/epss/epss_scores-current.csv.gz"),
            s("osv-rustsec", SourceKind::OsvZip, "/osv/crates.io/all.zip"),
        ],
    }
}

#[test]
fn sync_from_loopback_mirror_then_conditional_then_resume_and_hash_failure() {
    let Some(root) = medvigil_testkit::corpus("") else {
        return;
    };
    let mut site = Site::default();
    // The port is needed for the feed's links before the files are in place: bind first.
    let server = serve(Site::default());
    let medical = build_csaf(&mut site, &server.base, &root.join("csaf/cisa-ot"));
    site.files.insert(
        "/kev/known_exploited_vulnerabilities.json".into(),
        std::fs::read(root.join("kev/known_exploited_vulnerabilities.json")).unwrap(),
    );
    site.files
        .insert("/epss/epss_scores-current.csv.gz".into(), epss_gz());
    let (zip, rustsec) = osv_zip(&root.join("osv/rustsec"));
    site.files.insert("/osv/crates.io/all.zip".into(), zip);
    // The OSV zip breaks off half way the first time: the next run must resume it.
    let half = site.files["/osv/crates.io/all.zip"].len() / 2;
    site.break_after
        .insert("/osv/crates.io/all.zip".into(), half);
    *server.site.lock().unwrap() = site;
    assert_eq!(medical, 144);

    let data = tempfile::tempdir().unwrap();
    let mut store = open_sqlite(data.path()).unwrap();
    let opts = SyncOptions::new(data.path().join("sync"));
    let cfg = config(&server.base);

    // First run: everything but the broken-off zip arrives and is imported.
    let r1 = sync(&mut store, &cfg, &opts, &mut |_| {}).unwrap();
    let by = |r: &medvigil_kb::sync::SyncReport, n: &str| {
        r.sources.iter().find(|s| s.name == n).unwrap().clone()
    };
    assert_eq!(by(&r1, "cisa-csaf-ot").downloaded, 1 + 2 * 144);
    assert!(
        by(&r1, "cisa-csaf-ot").failures.is_empty(),
        "{:?}",
        by(&r1, "cisa-csaf-ot").failures
    );
    assert_eq!(
        by(&r1, "osv-rustsec").failures.len(),
        1,
        "the zip broke off"
    );
    assert!(data.path().join("sync/osv-rustsec/all.zip.part").exists());
    let imp = r1.import.as_ref().unwrap();
    assert!(imp.rejections.is_empty(), "{:?}", imp.rejections);
    assert_eq!(imp.counts[&KbSource::Csaf].new, 144);
    assert_eq!(imp.counts[&KbSource::Kev].new, 1404);
    assert_eq!(imp.counts[&KbSource::Epss].new, 2);
    assert_eq!(
        store.kb_stats().unwrap().epss_model_version.as_deref(),
        Some("v2025.03.14")
    );

    // Second run: every file answers 304, and the zip resumes from where it broke off.
    server.site.lock().unwrap().log.clear();
    let r2 = sync(&mut store, &cfg, &opts, &mut |_| {}).unwrap();
    assert_eq!(by(&r2, "cisa-csaf-ot").not_modified, 1 + 2 * 144);
    assert_eq!(by(&r2, "cisa-csaf-ot").downloaded, 0);
    let osv = by(&r2, "osv-rustsec");
    assert_eq!((osv.downloaded, osv.resumed), (1, 1), "{osv:?}");
    let log = server.site.lock().unwrap().log.clone();
    assert!(
        log.contains(&("/osv/crates.io/all.zip".to_string(), 206)),
        "{log:?}"
    );
    let imp = r2.import.as_ref().unwrap();
    assert_eq!(imp.counts[&KbSource::Osv].new as usize, rustsec);
    assert!(
        !imp.counts.contains_key(&KbSource::Csaf),
        "unchanged advisories are not re-imported"
    );

    // An advisory changes upstream but its hash does not: rejected, reported, not imported.
    {
        let mut site = server.site.lock().unwrap();
        let key = site
            .files
            .keys()
            .find(|k| k.ends_with("icsma-20-023-01.json"))
            .unwrap()
            .clone();
        let mut doc = site.files[&key].clone();
        doc.extend_from_slice(b"\n");
        site.files.insert(key, doc);
    }
    let r3 = sync(&mut store, &cfg, &opts, &mut |_| {}).unwrap();
    let csaf = by(&r3, "cisa-csaf-ot");
    assert_eq!(csaf.failures.len(), 1, "{:?}", csaf.failures);
    assert!(
        csaf.failures[0].1.contains("SHA-512 mismatch"),
        "{:?}",
        csaf.failures
    );
    assert!(r3.import.is_none(), "nothing else changed");

    // Only one source, by kind.
    let mut only = opts.clone();
    only.only = vec!["kev".into()];
    let r4 = sync(&mut store, &cfg, &only, &mut |_| {}).unwrap();
    assert_eq!(r4.sources.len(), 1);
    only.only = vec!["nope".into()];
    assert!(sync(&mut store, &cfg, &only, &mut |_| {}).is_err());
    assert!(server.requests.load(Ordering::SeqCst) > 600);
}
