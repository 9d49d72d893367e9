//! Knowledge-base sources: OSV, NVD CVE API 2.0, CVE JSON 5, CSAF 2.0, CISA KEV, EPSS and
//! openFDA device recalls.
//!
//! Every reader takes the bytes of one file and returns a [`KbBatch`] of
//! `medvigil-model` records, or a [`KbError`] that says where (line and column, JSON
//! pointer) and what is wrong. [`detect`] tells the format from the content, so a caller
//! walking a directory or a zip archive can hand any file to [`parse`].
//!
//! **Invariant:** no I/O. Checking a CSAF file's `.sha512`, walking archives and writing
//! to the store belong to `medvigil-kb`.
//!
//! ```
//! use medvigil_formats::kb::{self, KbFormat};
//! let osv = br#"{"id":"GO-2020-0001","modified":"2023-01-01T00:00:00Z",
//!   "aliases":["CVE-2020-36567"],
//!   "affected":[{"package":{"ecosystem":"Go","name":"github.com/gin-gonic/gin"},
//!     "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.6.0"}]}]}]}"#;
//! assert_eq!(kb::detect(osv, None).unwrap(), KbFormat::OsvJson);
//! let batch = kb::parse(osv, None).unwrap();
//! assert_eq!(batch.vulnerabilities[0].cve_id(), Some("CVE-2020-36567"));
//! ```

mod csaf;
mod cve5;
mod detect;
mod epss;
mod json;
mod kev;
mod nvd;
mod openfda;
mod osv;

use std::fmt;

use medvigil_model::vuln::{KbBatch, KbSource};

pub use csaf::parse_csaf;
pub use cve5::parse_cve5;
pub use detect::detect;
pub use epss::parse_epss;
pub use kev::parse_kev;
pub use nvd::{parse_nvd, parse_nvd_each};
pub use openfda::parse_openfda;
pub use osv::{parse_osv_json, parse_osv_yaml};

/// Largest input a reader accepts (a full NVD year feed is about 300 MB; nothing in the
/// knowledge base is larger). Bigger inputs are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 1 << 30;

/// Largest single string accepted in a record (descriptions run to a few tens of KB; a
/// multi-megabyte "summary" is hostile or broken input).
pub const MAX_STRING_BYTES: usize = 1 << 20;

/// A knowledge-base file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KbFormat {
    /// One OSV record in JSON.
    OsvJson,
    /// One OSV record in YAML (the PyPA advisory database's layout).
    OsvYaml,
    /// An NVD CVE API 2.0 response or feed file (`vulnerabilities[].cve`), or a single
    /// `cve` object, or `{"cve": ...}`.
    Nvd,
    /// A CVE JSON 5 record.
    Cve5,
    /// A CSAF 2.0 document (any profile, including VEX).
    Csaf,
    /// The CISA KEV catalog.
    Kev,
    /// An EPSS CSV.
    Epss,
    /// An openFDA device recall or enforcement response.
    Openfda,
}

impl KbFormat {
    /// Which source records in this format come from.
    pub fn source(self) -> KbSource {
        match self {
            KbFormat::OsvJson | KbFormat::OsvYaml => KbSource::Osv,
            KbFormat::Nvd => KbSource::Nvd,
            KbFormat::Cve5 => KbSource::Cve5,
            KbFormat::Csaf => KbSource::Csaf,
            KbFormat::Kev => KbSource::Kev,
            KbFormat::Epss => KbSource::Epss,
            KbFormat::Openfda => KbSource::Openfda,
        }
    }

    /// A short name for messages ("OSV JSON", "CSAF 2.0" ...).
    pub fn name(self) -> &'static str {
        match self {
            KbFormat::OsvJson => "OSV JSON",
            KbFormat::OsvYaml => "OSV YAML",
            KbFormat::Nvd => "NVD CVE API 2.0",
            KbFormat::Cve5 => "CVE JSON 5",
            KbFormat::Csaf => "CSAF 2.0",
            KbFormat::Kev => "CISA KEV",
            KbFormat::Epss => "EPSS CSV",
            KbFormat::Openfda => "openFDA device recalls",
        }
    }
}

impl fmt::Display for KbFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a knowledge-base file was rejected.
///
/// Displays as `line 3 column 14 at /vulnerabilities/0/cve/id: <message>`, omitting what
/// is unknown; the caller prefixes the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct KbError {
    /// The format being read, when known.
    pub format: Option<KbFormat>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// JSON pointer (or YAML path, or `row N` for CSV) of the offending value.
    pub pointer: Option<String>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl KbError {
    /// An error with only a message.
    pub fn new(format: Option<KbFormat>, message: impl Into<String>) -> KbError {
        KbError {
            format,
            line: None,
            column: None,
            pointer: None,
            message: message.into(),
        }
    }

    /// An error at a JSON pointer.
    pub fn at(format: KbFormat, pointer: impl Into<String>, message: impl Into<String>) -> KbError {
        KbError {
            format: Some(format),
            line: None,
            column: None,
            pointer: Some(pointer.into()),
            message: message.into(),
        }
    }

    fn render(&self) -> String {
        let mut s = String::new();
        if let Some(f) = self.format {
            s.push_str(f.name());
            s.push_str(": ");
        }
        if let Some(l) = self.line {
            s.push_str(&format!("line {l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(" column {c}"));
            }
            s.push(' ');
        }
        if let Some(p) = self.pointer.as_ref().filter(|p| !p.is_empty()) {
            s.push_str(&format!("at {p} "));
        }
        if s.ends_with(' ') {
            s.pop();
            s.push_str(": ");
        }
        s.push_str(&self.message);
        s
    }
}

/// Detects the format of `bytes` and parses them.
///
/// `file_name` only breaks ties the content cannot (a YAML file is recognised by its
/// content too).
pub fn parse(bytes: &[u8], file_name: Option<&str>) -> Result<KbBatch, KbError> {
    let format = detect(bytes, file_name)?;
    parse_as(format, bytes)
}

/// Parses `bytes` as `format`.
pub fn parse_as(format: KbFormat, bytes: &[u8]) -> Result<KbBatch, KbError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(KbError::new(
            Some(format),
            format!(
                "input is {} bytes, over the {} byte limit",
                bytes.len(),
                MAX_INPUT_BYTES
            ),
        ));
    }
    let mut batch = KbBatch::default();
    match format {
        KbFormat::OsvJson => batch.vulnerabilities.push(parse_osv_json(bytes)?),
        KbFormat::OsvYaml => batch.vulnerabilities.push(parse_osv_yaml(bytes)?),
        KbFormat::Nvd => batch.vulnerabilities = parse_nvd(bytes)?,
        KbFormat::Cve5 => batch.vulnerabilities.push(parse_cve5(bytes)?),
        KbFormat::Csaf => batch.advisories.push(parse_csaf(bytes)?),
        KbFormat::Kev => batch.kev = parse_kev(bytes)?,
        KbFormat::Epss => batch.epss = parse_epss(bytes)?,
        KbFormat::Openfda => batch.recalls = parse_openfda(bytes)?,
    }
    Ok(batch)
}
