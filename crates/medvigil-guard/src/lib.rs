//! medvigil-guard: a guard in front of infusion-pump gateways.
//!
//! Hospitals cannot patch the pumps, but they can put a guard in the path of the
//! programming commands. Senders (bar-code medication administration systems, EHRs)
//! connect to the guard instead of the pump gateway; each IHE PCD-03 infusion program
//! (HL7 v2 `RGV^O15` over MLLP) is authenticated, checked against the drug library and
//! for sanity, recorded in a hash-chained audit log, and only then forwarded.
//!
//! The layers, bottom up (each does no I/O unless said so):
//!
//! * [`mllp`]: MLLP framing, "need more bytes" or a frame, with the size cap checked
//!   before buffering.
//! * [`hl7`]: HL7 v2 parsing (separators from MSH, repetitions, components,
//!   subcomponents, escapes).
//! * [`units`]: infusion units and conversions through concentration and weight.
//! * [`config`]: the strict TOML configuration (senders, limits, drug library).
//! * [`policy`]: the decision per message, with the IHE PCD error codes of [`pcd`].
//! * [`ack`]: the ACKs (`AR`/`AE` with ERR) the guard sends itself.
//! * [`audit`]: the append-only, hash-chained JSON-lines log (file I/O) and its
//!   verifier.
//! * [`proxy`]: the tokio proxy that ties them together (network I/O): TCP, TLS or
//!   mutual TLS from senders; TCP or TLS to the gateway.
//!
//! **Invariant:** a message reaches the gateway only after a `forward` decision has
//! been written to the audit log; on any internal failure the guard forwards nothing.
//!
//! # Example
//!
//! ```
//! use medvigil_guard::{hl7::Message, mllp::{MllpDecoder, encode}};
//!
//! let wire = encode(b"MSH|^~\\&|BCMA|W3|IOC|H|20250101120000+0000||RGV^O15^RGV_O15|42|P|2.6\r");
//! let mut decoder = MllpDecoder::new(65_536);
//! assert_eq!(decoder.decode(&wire[..5]).unwrap(), None); // needs more bytes
//! let frame = decoder.decode(&wire).unwrap().unwrap();
//! let msg = Message::parse_bytes(&wire[frame.payload]).unwrap();
//! assert_eq!(msg.message_type(), "RGV^O15");
//! assert_eq!(msg.control_id(), "42");
//! ```
#![deny(missing_docs)]

pub mod ack;
pub mod audit;
pub mod config;
pub mod hl7;
pub mod mllp;
pub mod pcd;
pub mod policy;
pub mod proxy;
pub mod time;
pub mod units;

pub use audit::{VerifyReport, verify_log};
pub use config::{Config, ConfigError};
pub use proxy::{Guard, GuardError};
