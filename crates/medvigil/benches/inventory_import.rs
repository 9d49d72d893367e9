//! Benchmark: `medvigil inventory import` of a 100,000-row CMMS CSV through the real
//! binary, into a fresh store, then the same file again (all unchanged).
//!
//! Target (issue 2): under 3 s with peak memory under 200 MB.
//! Run: `cargo bench -p medvigil --bench inventory_import`
//! Wall time and peak RSS come from GNU time (`/usr/bin/time -f "%e %M"`), measuring the
//! child process alone.

use std::fmt::Write as _;
use std::process::Command;

const ROWS: usize = 100_000;

fn generate(path: &std::path::Path) {
    let mut s = String::with_capacity(ROWS * 160);
    s.push_str("Equipment ID,Manufacturer Name,Model Number,Software Version,Serial Number,Facility,Location,IP Address,MAC Address,Device Type,Clinical Function,Network Zone,Cost Center\n");
    let models = [
        ("BD", "Alaris 8015 PC Unit", "Infusion Pump", "therapeutic"),
        (
            "GE Healthcare",
            "CARESCAPE B450",
            "Patient Monitor",
            "monitoring",
        ),
        ("Draeger", "Evita V500", "Ventilator", "life_sustaining"),
        (
            "Philips",
            "IntelliVue MX450",
            "Patient Monitor",
            "monitoring",
        ),
        (
            "Roche Diagnostics",
            "Accu-Chek Inform II",
            "POC Glucose Meter",
            "diagnostic",
        ),
    ];
    for i in 0..ROWS {
        let (mfr, model, class, function) = models[i % models.len()];
        let zone = ["clinical_vlan", "hospital_lan", "isolated", ""][i % 4];
        writeln!(
            s,
            "EQ-{i:07},{mfr},{model},{}.{}.{},SN{i:08},Site {},Dept {},10.{}.{}.{},02:00:{:02x}:{:02x}:{:02x}:{:02x},{class},{function},{zone},{}",
            i % 7,
            i % 13,
            i % 3,
            i % 5,
            i % 40,
            (i >> 16) & 255,
            (i >> 8) & 255,
            i & 255,
            (i >> 24) & 255,
            (i >> 16) & 255,
            (i >> 8) & 255,
            i & 255,
            4000 + i % 9
        )
        .unwrap();
    }
    std::fs::write(path, s).unwrap();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("inventory.csv");
    generate(&csv);
    let size = std::fs::metadata(&csv).unwrap().len();
    println!(
        "inventory_import: {ROWS} rows, {:.1} MB CSV",
        size as f64 / 1e6
    );
    for pass in ["fresh store", "re-import (unchanged)"] {
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%e %M"])
            .arg(env!("CARGO_BIN_EXE_medvigil"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["inventory", "import"])
            .arg(&csv)
            .output()
            .expect("GNU time (/usr/bin/time) is needed for this benchmark");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        let mut it = last.split_whitespace();
        let secs: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
        let kb: f64 = it.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
        println!(
            "  {pass:<22} {secs:>6.2} s   peak RSS {:>6.1} MB   ({})",
            kb / 1024.0,
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
}
