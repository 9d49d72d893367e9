//! The vulnerability knowledge base: importing and syncing OSV, NVD, CVE 5, CSAF, KEV,
//! EPSS and openFDA data into a store, and reading it back as one view per vulnerability.
//!
//! * [`import_paths`] walks files, directories and zip archives (with limits against
//!   decompression bombs and path traversal), detects each file's format, verifies CSAF
//!   `.sha512` files, parses in parallel and writes everything in one transaction,
//!   reporting new / updated / unchanged / stale / rejected per source.
//! * [`sync`] pulls the public feeds over HTTPS (CISA's CSAF ROLIE feed and the
//!   advisories it lists, OSV zip exports, the KEV catalog, EPSS scores) with conditional
//!   requests, resumable downloads and hash checks, then imports what changed.
//! * [`merge`] folds the records stored for an id and its aliases into one
//!   [`Vulnerability`](medvigil_model::vuln::Vulnerability).
//!
//! **Invariant:** parsing lives in `medvigil-formats` and SQL in `medvigil-store`; this
//! crate only moves bytes between them (and the network) and decides nothing about
//! matching.
//!
//! ```
//! use medvigil_kb::{import_paths, ImportOptions};
//! use medvigil_store::{open_sqlite_in_memory, KbStore};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("GO-2020-0001.json"), r#"{"id":"GO-2020-0001",
//!   "modified":"2023-01-01T00:00:00Z","aliases":["CVE-2020-36567"]}"#).unwrap();
//! let mut store = open_sqlite_in_memory().unwrap();
//! let report = import_paths(&mut store, &[dir.path().to_path_buf()],
//!     &ImportOptions::default(), &mut |_, _| {}).unwrap();
//! assert!(report.rejections.is_empty());
//! let found = store.kb_lookup("cve-2020-36567").unwrap();
//! assert_eq!(medvigil_kb::merge(&found, "cve-2020-36567").unwrap().id, "CVE-2020-36567");
//! ```
#![deny(missing_docs)]

mod import;
pub mod sync;
mod view;

pub use import::{
    ImportError, ImportOptions, ImportReport, Limits, OnError, Rejection, import_paths,
};
pub use view::merge;
