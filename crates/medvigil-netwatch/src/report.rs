//! What netwatch reports: devices, findings with packet evidence, and error counts.
//!
//! **Invariant:** nothing here holds patient data or passwords taken from the traffic.
//! HL7 PID contents are summarised as the kinds of fields present; FTP passwords and user
//! names are reduced to "a login happened" (and whether it was anonymous).

use std::collections::BTreeMap;
use std::net::IpAddr;

use medvigil_model::MacAddr;
use serde::Serialize;

use crate::capture::CaptureProblem;
use crate::time::Timestamp;

/// A packet, named the way Wireshark would: file and frame number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PacketRef {
    /// The capture file (as given on the command line).
    pub file: String,
    /// 1-based frame number in that file.
    pub frame: u64,
    /// Capture time.
    pub time: Timestamp,
}

/// The packets a finding or observation rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The first packet.
    pub first: PacketRef,
    /// The last packet.
    pub last: PacketRef,
    /// How many packets (or application messages, see `count_of`).
    pub count: u64,
    /// What `count` counts: `packets`, `messages`, `associations`, `logins`.
    pub count_of: &'static str,
    /// Flows (connections) involved.
    pub flows: u64,
}

/// A device seen on the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceObservation {
    /// Its MAC address, when it is on the captured segment.
    pub mac: Option<MacAddr>,
    /// Its IP addresses.
    pub ips: Vec<IpAddr>,
    /// Manufacturer from the IEEE OUI registry.
    pub manufacturer: Option<String>,
    /// Roles it played: `dicom_scu`, `dicom_scp`, `hl7_sender`, `hl7_receiver`,
    /// `infusion_pump`, `dhcp_client`, `http_client`, `smb_server`, ...
    pub roles: Vec<String>,
    /// Identifiers it announced: AE titles, HL7 applications, DHCP host names, ...
    pub identifiers: Vec<Identifier>,
    /// Application protocols it spoke.
    pub protocols: Vec<String>,
    /// Whether it is treated as a clinical device, and why.
    pub clinical: Option<String>,
    /// The inventory asset it matched, if an inventory was given.
    pub asset_id: Option<String>,
    /// First packet seen from or to it.
    pub first_seen: PacketRef,
    /// Last packet time seen.
    pub last_seen: Timestamp,
}

/// One identifier a device announced, with the protocol field it came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Identifier {
    /// Which field: `dicom_ae_title`, `hl7_sending_application`, `dhcp_hostname`, ...
    pub kind: String,
    /// The value (printable ASCII, at most 128 characters).
    pub value: String,
}

/// A risky thing seen on the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkFinding {
    /// `patient_data_in_clear`, `smbv1`, `telnet`, `ftp_cleartext_login`,
    /// `clinical_device_internet`, `unknown_host_to_infusion_pump`.
    pub kind: &'static str,
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    /// One sentence for people.
    pub summary: String,
    /// The initiating host (client) or the device concerned.
    pub client: IpAddr,
    /// The other host.
    pub server: IpAddr,
    /// Server port, when a connection is concerned.
    pub server_port: Option<u16>,
    /// Extra facts (never PHI or secrets).
    pub details: BTreeMap<String, String>,
    /// The packets behind it.
    pub evidence: Evidence,
}

/// A DICOM association as negotiated on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DicomAssociation {
    /// The requestor (SCU unless role selection says otherwise).
    pub requestor: IpAddr,
    /// The acceptor.
    pub acceptor: IpAddr,
    /// Acceptor's TCP port.
    pub port: u16,
    /// Calling AE title.
    pub calling_ae: String,
    /// Called AE title.
    pub called_ae: String,
    /// Requestor's implementation class UID.
    pub implementation_class_uid: Option<String>,
    /// Requestor's implementation version name.
    pub implementation_version: Option<String>,
    /// Acceptor's implementation class UID.
    pub acceptor_implementation_class_uid: Option<String>,
    /// Acceptor's implementation version name.
    pub acceptor_implementation_version: Option<String>,
    /// Proposed abstract syntaxes (UIDs).
    pub abstract_syntaxes: Vec<String>,
    /// `accepted`, `rejected` or `no_answer`.
    pub result: &'static str,
    /// Presentation contexts accepted.
    pub accepted_contexts: u32,
    /// Presentation contexts rejected.
    pub rejected_contexts: u32,
    /// DIMSE commands seen, by name, with counts.
    pub commands: BTreeMap<String, u64>,
    /// The A-ASSOCIATE-RQ packet.
    pub request: PacketRef,
}

/// HL7 traffic between two hosts for one kind of message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hl7Conversation {
    /// The host that sent the messages.
    pub sender: IpAddr,
    /// The host that received them.
    pub receiver: IpAddr,
    /// The server port of the connection.
    pub port: u16,
    /// MSH-3.
    pub sending_application: String,
    /// MSH-4.
    pub sending_facility: String,
    /// MSH-5.
    pub receiving_application: String,
    /// MSH-6.
    pub receiving_facility: String,
    /// MSH-9 `type^trigger`.
    pub message_type: String,
    /// MSH-12.
    pub version: String,
    /// IHE PCD transaction recognised.
    pub ihe_profile: Option<&'static str>,
    /// Messages seen.
    pub messages: u64,
    /// Messages that carried a PID segment.
    pub with_patient_data: u64,
    /// Evidence.
    pub first: PacketRef,
}

/// A finished flow, as handed to a flow sink.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowRecord {
    /// `tcp` or `udp`.
    pub transport: &'static str,
    /// The initiator's address and port.
    pub client: (IpAddr, u16),
    /// The responder's address and port.
    pub server: (IpAddr, u16),
    /// Application protocol recognised.
    pub protocol: Option<&'static str>,
    /// Packets client → server and server → client.
    pub packets: [u64; 2],
    /// Frame bytes (on the wire) client → server and server → client.
    pub bytes: [u64; 2],
    /// First packet.
    pub first: PacketRef,
    /// Last packet time.
    pub last: Timestamp,
}

/// Per-file reading summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    /// The file as named by the caller.
    pub file: String,
    /// Frames read.
    pub frames: u64,
    /// Bytes of captured frame data read.
    pub bytes: u64,
    /// What stopped reading early, if anything.
    pub problem: Option<CaptureProblem>,
}

/// Counts of everything that went wrong, by kind, with a few examples.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// Sum of all counts.
    pub total: u64,
    /// Count per stable snake_case kind.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// The first few occurrences, with where they happened.
    pub samples: Vec<ErrorSample>,
}

/// One error occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorSample {
    /// Kind (a key of `by_kind`).
    pub kind: &'static str,
    /// File.
    pub file: String,
    /// Frame number (0 when not tied to one frame).
    pub frame: u64,
}

/// Flow totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FlowStats {
    /// TCP and UDP flows seen.
    pub total: u64,
    /// TCP flows.
    pub tcp: u64,
    /// UDP flows.
    pub udp: u64,
    /// Flows per recognised protocol (`unknown` for the rest).
    pub by_protocol: BTreeMap<&'static str, u64>,
    /// Flows evicted before they went idle because the flow table was full.
    pub evicted_early: u64,
    /// Most flows held at once.
    pub peak_active: u64,
}

/// Everything netwatch learned from the captures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Per-file summaries.
    pub files: Vec<FileSummary>,
    /// Frames read over all files.
    pub frames: u64,
    /// Captured bytes read over all files.
    pub bytes: u64,
    /// Flow totals.
    pub flows: FlowStats,
    /// Devices observed (local addresses only; internet hosts appear in findings).
    pub devices: Vec<DeviceObservation>,
    /// Risky traffic.
    pub findings: Vec<NetworkFinding>,
    /// DICOM associations.
    pub dicom_associations: Vec<DicomAssociation>,
    /// HL7 message streams.
    pub hl7_conversations: Vec<Hl7Conversation>,
    /// Errors by kind.
    pub errors: ErrorReport,
}

impl DeviceObservation {
    /// The inventory asset id netwatch gives a discovered device: `mac-001b44113ab7`, or
    /// `ip-10-0-0-5` (`ip-fe80--1` for IPv6) when the device's MAC is not on the segment.
    pub fn discovered_asset_id(&self) -> String {
        match (self.mac, self.ips.first()) {
            (Some(m), _) => format!(
                "mac-{}",
                m.0.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ),
            (None, Some(ip)) => format!("ip-{}", ip.to_string().replace([':', '.'], "-")),
            (None, None) => "unknown".to_string(),
        }
    }

    /// As an inventory device of `site` with `origin = discovered`; roles, identifiers and
    /// first/last seen go to `attributes` so the inventory keeps what traffic taught us.
    pub fn to_device(&self, site: &str) -> medvigil_model::Device {
        let mut d = medvigil_model::Device::new(
            site,
            self.asset_id
                .clone()
                .unwrap_or_else(|| self.discovered_asset_id()),
        );
        d.origin = medvigil_model::DeviceOrigin::Discovered;
        d.manufacturer = self.manufacturer.clone();
        d.ips = self.ips.clone();
        d.macs = self.mac.into_iter().collect();
        if self.roles.iter().any(|r| r == "infusion_pump") {
            d.device_class = Some("Infusion Pump".to_string());
        }
        let a = &mut d.attributes;
        if !self.roles.is_empty() {
            a.insert("netwatch_roles".into(), self.roles.join(","));
        }
        if !self.protocols.is_empty() {
            a.insert("netwatch_protocols".into(), self.protocols.join(","));
        }
        for id in &self.identifiers {
            let key = format!("netwatch_{}", id.kind);
            let v = a.entry(key).or_default();
            if !v.is_empty() {
                v.push_str("; ");
            }
            v.push_str(&id.value);
        }
        a.insert(
            "netwatch_first_seen".into(),
            self.first_seen.time.to_string(),
        );
        a.insert("netwatch_last_seen".into(), self.last_seen.to_string());
        d
    }
}
