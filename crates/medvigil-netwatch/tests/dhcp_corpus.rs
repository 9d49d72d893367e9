//! nDPI's fuzzed DHCP capture (pcapng): the options before the damaged one are still read,
//! they agree with tshark's DHCP dissector, and the damage is counted.

use std::process::Command;

use medvigil_netwatch::{Analyzer, Options};

#[test]
fn fuzzed_dhcp_keeps_what_is_readable_and_agrees_with_tshark() {
    let Some(dir) = medvigil_testkit::corpus("pcap/ndpi") else {
        return;
    };
    let path = dir.join("pcap/dhcp-fuzz.pcapng");
    let mut a = Analyzer::new(Options::default());
    a.read_file(&path).unwrap();
    let r = a.finish();
    assert_eq!(r.frames, 1);
    assert_eq!(
        r.errors.by_kind.get("dhcp_option_overruns_packet"),
        Some(&1)
    );
    assert_eq!(r.flows.by_protocol.get("dhcp"), Some(&1));
    let dev = r
        .devices
        .iter()
        .find(|d| d.roles.iter().any(|x| x == "dhcp_client"))
        .expect("the DHCP client is a device");
    let hostname = dev
        .identifiers
        .iter()
        .find(|i| i.kind == "dhcp_hostname")
        .map(|i| i.value.clone());
    // Facts of this public capture, as tshark decodes them.
    assert_eq!(dev.mac.unwrap().to_string(), "00:1f:29:da:2d:79");
    assert_eq!(hostname.as_deref(), Some("MK03862"));
    let tshark = Command::new("tshark")
        .arg("-r")
        .arg(&path)
        .args([
            "-T",
            "fields",
            "-e",
            "dhcp.option.hostname",
            "-e",
            "dhcp.hw.mac_addr",
        ])
        .output();
    match tshark {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let row: Vec<&str> = text.trim().split('\t').collect();
            assert_eq!(Some(row[0]), hostname.as_deref());
            assert!(row[1].starts_with(&dev.mac.unwrap().to_string()));
        }
        _ if std::env::var_os("CI").is_some() => panic!("CI is set but tshark is missing"),
        _ => {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED tshark comparison: tshark missing"
            );
        }
    }
}
