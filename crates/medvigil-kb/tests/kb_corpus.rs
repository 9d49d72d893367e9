//! The whole knowledge-base corpus imports into a fresh store with the expected counts,
//! and a second import changes nothing.
//!
//! `MEDVIGIL_CORPUS=../shared/data cargo test -p medvigil-kb --test kb_corpus`

use medvigil_kb::{ImportOptions, import_paths};
use medvigil_model::vuln::KbSource;
use medvigil_store::{KbStore, open_sqlite};

#[test]
fn corpus_imports_everything_with_counts() {
    let Some(root) = medvigil_testkit::corpus("") else {
        return;
    };
    let paths: Vec<_> = [
        "csaf/cisa-ot",
        "osv/go",
        "osv/rustsec",
        "osv/pypi",
        "cve5",
        "kev",
        "nvd",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut store = open_sqlite(dir.path()).unwrap();
    let opts = ImportOptions {
        require_hash: true,
        ..ImportOptions::default()
    };
    let report = import_paths(&mut store, &paths, &opts, &mut |_, _| {}).unwrap();
    assert!(
        report.rejections.is_empty(),
        "{:#?}",
        &report.rejections[..report.rejections.len().min(10)]
    );
    // The KEV schema sits beside the catalog: skipped, not rejected.
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    let c = |s| report.counts.get(&s).cloned().unwrap_or_default();
    assert_eq!(c(KbSource::Osv).new, 4291 + 1206 + 2661);
    assert_eq!(c(KbSource::Csaf).new, 2379);
    assert_eq!(c(KbSource::Kev).new, 1404);
    assert_eq!(c(KbSource::Cve5).new, 239);
    assert_eq!(c(KbSource::Nvd).new, 78);
    assert!(report.committed);

    let stats = store.kb_stats().unwrap();
    assert_eq!(stats.advisories, 2379);
    assert_eq!(stats.kev, 1404);
    assert_eq!(stats.vulnerabilities[&KbSource::Osv], 8158);

    // Any alias finds the merged view: GO-2020-0001's GHSA id reaches the CVE 5 record too.
    let found = store.kb_lookup("GHSA-6vm3-jj99-7229").unwrap();
    let merged = medvigil_kb::merge(&found, "GHSA-6vm3-jj99-7229").unwrap();
    assert_eq!(merged.id, "CVE-2020-36567");
    assert!(merged.sources.contains(&KbSource::Osv) && merged.sources.contains(&KbSource::Cve5));
    // A medical advisory by its id, and the CVE it covers finds it back.
    assert_eq!(
        store.kb_lookup("icsma-20-023-01").unwrap().advisories.len(),
        1
    );
    let by_cve = store.kb_lookup("CVE-2020-6961").unwrap();
    assert!(by_cve.advisories.iter().any(|a| a.id == "ICSMA-20-023-01"));

    let again = import_paths(&mut store, &paths, &opts, &mut |_, _| {}).unwrap();
    for (source, counts) in &again.counts {
        assert_eq!((counts.new, counts.updated), (0, 0), "{source}: {counts:?}");
    }
}
