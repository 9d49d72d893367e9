//! medvigil-match: which device, model or SBOM component each advisory really affects.
#![deny(missing_docs)]

pub mod purl;

pub use purl::{Purl, PurlError};
