//! What every CLI end-to-end test needs: the real binary pointed at a throwaway data
//! directory, a folder for input files, and JSON output parsing.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// A fresh data directory and a folder for input files, both removed on drop.
pub struct Env {
    pub data: TempDir,
    pub files: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            data: TempDir::new().unwrap(),
            files: TempDir::new().unwrap(),
        }
    }

    /// `medvigil --data-dir <data>`, isolated from the caller's environment.
    pub fn cmd(&self) -> Command {
        cmd_in(self.data.path())
    }

    /// Runs `medvigil demo --json` in its own directory under the data directory (the
    /// demo resets only a directory it made) and returns that directory and the report.
    pub fn demo(&self) -> (PathBuf, Value) {
        let dir = self.data.path().join("demo");
        let report = json_in(&dir, &["demo", "--json"]);
        (dir, report)
    }

    /// Writes an input file and returns its path.
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let p = self.files.path().join(name);
        std::fs::write(&p, content).unwrap();
        p.display().to_string()
    }

    /// Runs a command that must succeed and parses its stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        json_in(self.data.path(), args)
    }
}

/// `medvigil --data-dir DIR`, isolated from the caller's environment.
pub fn cmd_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("medvigil").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("MEDVIGIL_DATA_DIR")
        .env_remove("MEDVIGIL_POLICY")
        .env_remove("RUST_LOG");
    c
}

/// Runs a command on the data directory DIR that must succeed and parses its stdout as
/// JSON.
pub fn json_in(dir: &Path, args: &[&str]) -> Value {
    let out = cmd_in(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
