//! medvigil-match: which device, model or SBOM component each advisory really affects.
#![deny(missing_docs)]

pub mod cpe;
pub mod csaf;
pub mod engine;
pub mod firmware;
pub mod names;
pub mod purl;

pub use cpe::{Cpe, CpeError, CpeValue};
pub use purl::{Purl, PurlError};
