//! `medvigil netwatch`: passive discovery of devices and risky traffic from captures.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use medvigil_model::device::DEFAULT_SITE;
use medvigil_netwatch::oui::OuiRegistry;
use medvigil_netwatch::{Analyzer, KnownDevice, Options, Report};
use medvigil_store::{DeviceFilter, ImportSummary};

use crate::context::Context;
use crate::exit::input_error;
use crate::table;

/// Arguments of `medvigil netwatch`.
///
/// Reads pcap or pcapng captures (for example from a switch's mirror port), recognises
/// HL7/MLLP, DICOM, DHCP, HTTP, TLS, SMB, Telnet and FTP by content on any port, and
/// reports the devices seen and risky traffic (patient data in clear, SMBv1, Telnet, FTP
/// logins, clinical devices reaching the internet, unknown hosts talking to infusion
/// pumps), each with the frames it rests on. Patient data and passwords are never copied
/// into the output. Manufacturers come from the IEEE OUI registry (Debian package
/// `ieee-data`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Capture files (pcap or pcapng).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the full report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Merge the discovered devices into the inventory of --site (by MAC, then IP;
    /// never overwriting what the inventory import supplied).
    #[arg(long)]
    pub import: bool,
    /// The site the captures come from; its inventory labels known devices and
    /// infusion pumps [default: "default"].
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,
    /// The IEEE OUI registry file [default: /usr/share/ieee-data/oui.txt].
    #[arg(long, value_name = "FILE")]
    pub oui: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let oui = match &args.oui {
        Some(p) => Some(OuiRegistry::load(p).map_err(|e| input_error(e.to_string()))?),
        None => match OuiRegistry::load_default() {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!("{e}; devices will have no manufacturer");
                None
            }
        },
    };
    let site = args
        .site
        .clone()
        .unwrap_or_else(|| DEFAULT_SITE.to_string());
    // The inventory is consulted only when the user points at a site or imports, so a
    // plain analysis never creates a database as a side effect.
    let mut store = if args.import || args.site.is_some() {
        Some(ctx.open_store()?)
    } else {
        None
    };
    let known: Vec<KnownDevice> = match &store {
        Some(s) => s
            .list_devices(&DeviceFilter {
                site: Some(site.clone()),
                asset_id: None,
            })?
            .iter()
            .filter(|d| d.origin == medvigil_model::DeviceOrigin::Inventory)
            .map(KnownDevice::from)
            .collect(),
        None => Vec::new(),
    };
    let mut analyzer = Analyzer::new(Options {
        oui,
        known,
        ..Options::default()
    });
    let bar = crate::progress::bar(ctx, args.files.len() as u64, "captures");
    let mut unreadable = Vec::new();
    for path in &args.files {
        match analyzer.read_file(path) {
            Ok(summary) => {
                if let Some(p) = &summary.problem {
                    tracing::warn!(
                        "{}: stopped at byte {} (frame {}): {}",
                        path.display(),
                        p.offset,
                        p.frame,
                        p.detail
                    );
                }
            }
            Err(e) => unreadable.push(format!("{}: {e}", path.display())),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if unreadable.len() == args.files.len() {
        return Err(input_error(unreadable.join("\n")));
    }
    let report = analyzer.finish();
    let summary = match store.as_mut() {
        Some(s) if args.import => {
            let devices: Vec<_> = report.devices.iter().map(|d| d.to_device(&site)).collect();
            Some(s.merge_discovered(&site, &devices)?)
        }
        _ => None,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        // The report as is, plus the inventory merge summary when --import was given.
        let mut value = serde_json::to_value(&report)?;
        if let (Some(s), Some(obj)) = (&summary, value.as_object_mut()) {
            obj.insert("import".to_string(), serde_json::to_value(s)?);
        }
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &report, summary.as_ref(), &site)?;
    }
    if !unreadable.is_empty() {
        return Err(input_error(unreadable.join("\n")));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(
    out: &mut dyn Write,
    r: &Report,
    import: Option<&ImportSummary>,
    site: &str,
) -> anyhow::Result<()> {
    let protos: Vec<String> = r
        .flows
        .by_protocol
        .iter()
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    writeln!(
        out,
        "{} file(s), {} frames, {} bytes, {} flows ({})",
        r.files.len(),
        r.frames,
        r.bytes,
        r.flows.total,
        protos.join(", ")
    )?;
    writeln!(out, "\nDevices ({}):", r.devices.len())?;
    let rows: Vec<Vec<String>> = r
        .devices
        .iter()
        .map(|d| {
            vec![
                d.mac.map(|m| m.to_string()).unwrap_or_default(),
                d.ips
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                d.manufacturer.clone().unwrap_or_default(),
                d.roles.join(","),
                d.identifiers
                    .iter()
                    .map(|i| format!("{}={}", i.kind, i.value))
                    .collect::<Vec<_>>()
                    .join("; "),
                d.clinical.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table::write(
        out,
        &[
            "MAC",
            "IP",
            "MANUFACTURER",
            "ROLES",
            "IDENTIFIERS",
            "CLINICAL",
        ],
        &rows,
        60,
    )?;
    writeln!(out, "\nFindings ({}):", r.findings.len())?;
    for f in &r.findings {
        let e = &f.evidence;
        writeln!(out, "  [{}] {}: {}", f.severity, f.kind, f.summary)?;
        for (k, v) in &f.details {
            writeln!(out, "      {k}: {v}")?;
        }
        writeln!(
            out,
            "      evidence: {} {} in {} flow(s), {} frame {} ({}) .. {} frame {} ({})",
            e.count,
            e.count_of,
            e.flows,
            e.first.file,
            e.first.frame,
            e.first.time,
            e.last.file,
            e.last.frame,
            e.last.time
        )?;
    }
    if !r.dicom_associations.is_empty() {
        writeln!(
            out,
            "\nDICOM associations ({}):",
            r.dicom_associations.len()
        )?;
        for a in &r.dicom_associations {
            writeln!(
                out,
                "  {} ({}) -> {}:{} ({}): {}, {} context(s) proposed, commands {:?}",
                a.requestor,
                a.calling_ae,
                a.acceptor,
                a.port,
                a.called_ae,
                a.result,
                a.abstract_syntaxes.len(),
                a.commands
            )?;
        }
    }
    if !r.hl7_conversations.is_empty() {
        writeln!(out, "\nHL7 ({}):", r.hl7_conversations.len())?;
        for c in &r.hl7_conversations {
            writeln!(
                out,
                "  {} ({}|{}) -> {} ({}|{}), port {}: {} x{}{}{}",
                c.sender,
                c.sending_application,
                c.sending_facility,
                c.receiver,
                c.receiving_application,
                c.receiving_facility,
                c.port,
                c.message_type.trim_end_matches('^'),
                c.messages,
                c.ihe_profile
                    .map(|p| format!(" [IHE {p}]"))
                    .unwrap_or_default(),
                if c.with_patient_data > 0 {
                    format!(", {} with patient data", c.with_patient_data)
                } else {
                    String::new()
                }
            )?;
        }
    }
    writeln!(out, "\nErrors: {}", r.errors.total)?;
    for (k, n) in &r.errors.by_kind {
        writeln!(out, "  {k}: {n}")?;
    }
    for f in &r.files {
        if let Some(p) = &f.problem {
            writeln!(
                out,
                "  {}: stopped at byte {} (frame {}): {}",
                f.file, p.offset, p.frame, p.detail
            )?;
        }
    }
    if let Some(s) = import {
        writeln!(
            out,
            "\nInventory of site {site}: {} added, {} updated, {} unchanged",
            s.added, s.updated, s.unchanged
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use medvigil_netwatch::report::{Evidence, NetworkFinding, PacketRef};
    use medvigil_netwatch::time::Timestamp;

    use super::*;

    #[test]
    fn text_report_names_the_evidence_frames() {
        let at = |frame| PacketRef {
            file: "ward3.pcap".into(),
            frame,
            time: Timestamp::from_parts(1_700_000_000, 0),
        };
        let mut r = Report::default();
        r.errors.total = 2;
        r.errors.by_kind.insert("tcp_gap", 2);
        r.findings.push(NetworkFinding {
            kind: "telnet",
            severity: "high",
            summary: "Telnet session from 10.0.0.77 to 10.0.0.9:23".into(),
            client: "10.0.0.77".parse().unwrap(),
            server: "10.0.0.9".parse().unwrap(),
            server_port: Some(23),
            details: BTreeMap::new(),
            evidence: Evidence {
                first: at(4),
                last: at(92),
                count: 87,
                count_of: "packets",
                flows: 1,
            },
        });
        let mut out = Vec::new();
        print_text(&mut out, &r, None, "north").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("[high] telnet: Telnet session"), "{text}");
        assert!(
            text.contains("87 packets in 1 flow(s), ward3.pcap frame 4 (2023-11-14T22:13:20.000000Z) .. ward3.pcap frame 92"),
            "{text}"
        );
        assert!(text.contains("Errors: 2\n  tcp_gap: 2"), "{text}");
    }
}
