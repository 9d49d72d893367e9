//! The IEEE registry as Debian's `ieee-data` ships it: loaded at run time, and used for the
//! manufacturers of devices in a real capture. Required when `CI` is set (the setup script
//! installs `ieee-data`); skipped visibly otherwise when the file is absent.

use std::io::Write;

use medvigil_netwatch::oui::OuiRegistry;
use medvigil_netwatch::{Analyzer, Options};

fn registry() -> Option<OuiRegistry> {
    match OuiRegistry::load_default() {
        Ok(r) => Some(r),
        Err(e) if std::env::var_os("CI").is_some() => panic!("CI is set but: {e}"),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED oui_registry: {e}");
            None
        }
    }
}

#[test]
fn debian_registry_names_manufacturers() {
    let Some(reg) = registry() else { return };
    assert!(reg.len() > 30_000, "only {} assignments", reg.len());
    assert_eq!(
        reg.lookup([0x00, 0x0c, 0x29, 1, 2, 3]),
        Some("VMware, Inc.")
    );
    assert_eq!(
        reg.lookup([0x08, 0x00, 0x27, 1, 2, 3]),
        Some("PCS Systemtechnik GmbH")
    );
    let Some(dir) = medvigil_testkit::corpus("pcap/ndpi") else {
        return;
    };
    let mut a = Analyzer::new(Options {
        oui: Some(reg),
        ..Options::default()
    });
    a.read_file(&dir.join("pcap/hl7.pcap")).unwrap();
    let r = a.finish();
    let by_ip = |ip: &str| {
        r.devices
            .iter()
            .find(|d| d.ips.contains(&ip.parse().unwrap()))
            .and_then(|d| d.manufacturer.clone())
    };
    // The HL7 sender runs in VMware, the receiver in VirtualBox (Oracle's OUI 08:00:27 is
    // still registered to PCS Systemtechnik).
    assert_eq!(by_ip("10.0.0.155").as_deref(), Some("VMware, Inc."));
    assert_eq!(
        by_ip("10.0.0.126").as_deref(),
        Some("PCS Systemtechnik GmbH")
    );
}

#[test]
fn missing_registry_is_a_clear_error() {
    let e = OuiRegistry::load(std::path::Path::new("/nonexistent/oui.txt")).unwrap_err();
    assert!(e.to_string().starts_with("/nonexistent/oui.txt:"), "{e}");
    let msg = medvigil_netwatch::oui::OuiError::NotFound.to_string();
    assert!(msg.contains("apt-get install ieee-data"), "{msg}");
}
