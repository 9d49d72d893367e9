//! medvigil-netwatch: passive discovery of medical devices and risky traffic from captures.
//!
//! One job: turn pcap/pcapng captures (a switch's mirror port) into device observations
//! and network findings, each with packet evidence, without active scanning.
//!
//! Pipeline: [`capture`] streams frames with a bounded buffer → [`packet`] decodes
//! Ethernet/802.1Q/QinQ/SLL/SLL2/raw IP and IPv4/IPv6 (etherparse) → [`defrag`] reassembles
//! IP fragments → the [`Analyzer`] keeps flows and reassembles TCP per direction
//! ([`stream`]) → [`dissect`] recognises HL7/MLLP, DICOM, HTTP, TLS, SMB, Telnet, FTP, DHCP,
//! Modbus and DNP3 by content on any port → [`Report`] (devices, findings, DICOM
//! associations, HL7 conversations, error counts).
//!
//! **Invariant:** no patient data or password from the traffic reaches the report; the
//! library does no I/O beyond reading the captures and the OUI registry it is given, and
//! never writes to the store.
//!
//! ```
//! use medvigil_netwatch::{Analyzer, Options};
//! // A pcap header with no packets.
//! let mut pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
//! pcap.extend(65535u32.to_le_bytes());
//! pcap.extend(1u32.to_le_bytes());
//! let mut a = Analyzer::new(Options::default());
//! a.read_capture("empty.pcap", &pcap[..]).unwrap();
//! let report = a.finish();
//! assert_eq!(report.frames, 0);
//! assert_eq!(report.errors.total, 0);
//! ```
#![deny(missing_docs)]

mod analyzer;
pub mod capture;
pub mod defrag;
pub mod dissect;
pub mod oui;
pub mod packet;
pub mod report;
pub mod stream;
pub mod time;

pub use analyzer::{Analyzer, KnownDevice, Limits, Options};
pub use report::Report;
