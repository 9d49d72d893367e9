//! What every CLI end-to-end test needs: the real binary pointed at a throwaway data
//! directory, a folder for input files, and JSON output parsing.
#![allow(dead_code)] // each test file uses its own subset

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
        let mut c = Command::cargo_bin("medvigil").unwrap();
        c.arg("--data-dir")
            .arg(self.data.path())
            .env_remove("MEDVIGIL_DATA_DIR")
            .env_remove("MEDVIGIL_POLICY")
            .env_remove("RUST_LOG");
        c
    }

    /// Writes an input file and returns its path.
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let p = self.files.path().join(name);
        std::fs::write(&p, content).unwrap();
        p.display().to_string()
    }

    /// Runs a command that must succeed and parses its stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}
