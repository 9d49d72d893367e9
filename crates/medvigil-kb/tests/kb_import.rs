//! Import from zip archives and `.gz` files, with progress, using the project's fixtures.

use std::io::Write;
use std::path::PathBuf;

use medvigil_kb::{ImportOptions, OnError, import_paths};
use medvigil_model::vuln::KbSource;
use medvigil_store::{KbStore, open_sqlite_in_memory};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../medvigil-formats/tests/fixtures/kb")
}

#[test]
fn zip_with_hashes_and_gz_import_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    // An archive in osv.dev's layout (flat records), plus a CSAF advisory with its hash
    // inside the same archive.
    let zip_path = dir.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for name in [
        "osv-GHSA-aaaa-bbbb-cccc.json",
        "osv-PYSEC-2099-1.yaml",
        "csaf-acme-2099-01.json",
        "csaf-acme-2099-01.json.sha512",
        "README.md",
    ] {
        zip.start_file(format!("vulns/{name}"), opts).unwrap();
        let bytes = std::fs::read(fixtures().join(name)).unwrap_or_else(|_| b"# docs".to_vec());
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
    let gz_path = dir.path().join("epss_scores-current.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz_path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(&std::fs::read(fixtures().join("epss-scores.csv")).unwrap())
        .unwrap();
    gz.finish().unwrap();

    let mut store = open_sqlite_in_memory().unwrap();
    let mut calls = Vec::new();
    let opts = ImportOptions {
        require_hash: true,
        on_error: OnError::Stop,
        ..ImportOptions::default()
    };
    let r = import_paths(
        &mut store,
        &[zip_path, gz_path],
        &opts,
        &mut |done, total| calls.push((done, total)),
    )
    .unwrap();
    assert!(r.rejections.is_empty(), "{:?}", r.rejections);
    assert!(r.committed);
    assert_eq!(r.counts[&KbSource::Osv].new, 2);
    assert_eq!(
        r.counts[&KbSource::Csaf].new,
        1,
        "the hash inside the archive was found and checked"
    );
    assert_eq!(r.counts[&KbSource::Epss].new, 2);
    let (done, total) = *calls.last().unwrap();
    assert_eq!(done, 4, "README and the .sha512 are not data");
    assert_eq!(
        total, 6,
        "the progress total counts the archive's entries up front"
    );
    assert_eq!(store.kb_lookup("CVE-2099-0001").unwrap().epss.len(), 1);
}

#[test]
fn tampered_hash_inside_archive_stops_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("csaf.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("a.json", opts).unwrap();
    let mut doc = std::fs::read(fixtures().join("csaf-acme-2099-01.json")).unwrap();
    doc.push(b'\n');
    zip.write_all(&doc).unwrap();
    zip.start_file("a.json.sha512", opts).unwrap();
    zip.write_all(&std::fs::read(fixtures().join("csaf-acme-2099-01.json.sha512")).unwrap())
        .unwrap();
    zip.start_file("b.json", opts).unwrap();
    zip.write_all(&std::fs::read(fixtures().join("osv-GHSA-aaaa-bbbb-cccc.json")).unwrap())
        .unwrap();
    zip.finish().unwrap();
    let mut store = open_sqlite_in_memory().unwrap();
    let opts = ImportOptions {
        on_error: OnError::Stop,
        ..ImportOptions::default()
    };
    let r = import_paths(&mut store, &[zip_path], &opts, &mut |_, _| {}).unwrap();
    assert!(!r.committed);
    assert!(r.rejections[0].path.ends_with("csaf.zip!a.json"));
    assert!(r.rejections[0].reason.contains("SHA-512 mismatch"));
    assert!(
        store.kb_vulnerabilities(None).unwrap().is_empty(),
        "nothing half-written"
    );
}
