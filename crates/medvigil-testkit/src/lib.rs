//! Test support shared by the workspace's crates (a dev-dependency only).
//!
//! The corpus of real public data lives outside the repository (`../shared/data` in CI).
//! Tests over it call [`corpus`]:
//!
//! * `MEDVIGIL_CORPUS` set: the corpus is required. A missing folder fails the test, so
//!   CI cannot go green without having run it.
//! * `MEDVIGIL_CORPUS` unset: the test says on stderr that it was skipped (written past
//!   the test harness's capture, so it shows in `cargo test` output) and returns `None`.
//!
//! ```no_run
//! #[test]
//! fn corpus_osv_go() {
//!     let Some(dir) = medvigil_testkit::corpus("osv/go") else { return };
//!     // ... read every file under dir
//! }
//! ```
#![deny(missing_docs)]

use std::io::Write;
use std::path::PathBuf;

/// The environment variable naming the shared corpus root (e.g. `../shared/data`).
pub const CORPUS_ENV: &str = "MEDVIGIL_CORPUS";

/// The path of `sub` inside the corpus, or `None` (with a visible skip notice) when
/// `MEDVIGIL_CORPUS` is unset.
///
/// # Panics
/// When `MEDVIGIL_CORPUS` is set but `sub` does not exist under it: a run that asked for
/// the corpus must not pass without it.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    match std::env::var_os(CORPUS_ENV) {
        Some(root) => {
            let root = PathBuf::from(root);
            // Relative roots are taken from the workspace root, where CI runs.
            let root = if root.is_relative() {
                workspace_root().join(root)
            } else {
                root
            };
            let path = root.join(sub);
            assert!(
                path.exists(),
                "{CORPUS_ENV} is set to {} but {} does not exist",
                root.display(),
                path.display()
            );
            Some(path)
        }
        None => {
            let test = std::thread::current().name().unwrap_or("?").to_string();
            // Bypass the harness's output capture so the skip is visible.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: needs corpus folder {sub:?}; set {CORPUS_ENV}=../shared/data to run it"
            );
            None
        }
    }
}

/// The workspace root (the folder holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root exists")
}

/// Every file under `dir` (recursively) whose name satisfies `keep`, sorted.
pub fn files_under(dir: &std::path::Path, keep: impl Fn(&str) -> bool + Copy) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(keep) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
