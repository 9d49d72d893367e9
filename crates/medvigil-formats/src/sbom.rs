//! SBOM readers (issue 3): CycloneDX JSON/XML 1.2-1.7, SPDX 2.2/2.3 JSON and tag-value,
//! SPDX 3.0 JSON-LD, all into one [`medvigil_model::sbom::Sbom`].
//!
//! [`parse`] detects the format and version from the content (gzip is unwrapped first),
//! validates the document's structure in code (no schema files are needed at run time)
//! and converts it. A structurally invalid document gives one [`SbomError`] naming the
//! position (line/column where the parser knows it) and the path of the offending field.
//! [`check()`](check::check) adds the semantic checks and the NTIA completeness score.
//!
//! ```
//! use medvigil_formats::sbom;
//! let doc = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
//!   "components":[{"type":"library","name":"zlib","version":"1.3.1",
//!   "purl":"pkg:generic/zlib@1.3.1"}]}"#;
//! let bom = sbom::parse(doc).unwrap();
//! assert_eq!(bom.components[0].name, "zlib");
//! assert!(sbom::parse(br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"x"}]}"#).is_err());
//! ```

use std::fmt;
use std::io::Read;

use medvigil_model::sbom::Sbom;

mod cdx;
pub mod check;
mod common;
mod cyclonedx_json;
mod cyclonedx_xml;
pub mod detect;
mod spdx3;
mod spdx_json;
mod spdx_tv;

pub use check::{
    CheckReport, Completeness, ComponentCompleteness, ElementCoverage, Finding, Severity, check,
};
pub use detect::{Detected, detect};

/// Largest document accepted after gzip decompression (bytes). Caps decompression bombs;
/// real SBOMs are a few MB, the largest seen in the wild tens of MB.
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

/// Deepest nesting accepted: JSON objects and arrays, or XML elements. Real SBOMs stay far
/// below (CycloneDX sub-components add two levels each); the cap is checked before any
/// recursive parsing, so hostile nesting (10,000 levels) is a clear error and stack use
/// stays bounded on any thread.
pub const MAX_DEPTH: usize = 64;

/// Why a document was rejected: where, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbomError {
    /// 1-based line, when the parser knows it.
    pub line: Option<u64>,
    /// 1-based column, when the parser knows it.
    pub column: Option<u64>,
    /// The path of the offending field inside the document
    /// (`components[1].hashes[0].content`, `/bom/components/component[2]`), when known.
    pub path: Option<String>,
    /// What is wrong, in the format's own words.
    pub message: String,
}

impl SbomError {
    /// An error with only a message.
    pub fn msg(message: impl Into<String>) -> SbomError {
        SbomError {
            line: None,
            column: None,
            path: None,
            message: message.into(),
        }
    }

    /// An error at a document path.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> SbomError {
        SbomError {
            path: Some(path.into()),
            ..SbomError::msg(message)
        }
    }

    /// An error at a line and column.
    pub fn at_line(line: u64, column: u64, message: impl Into<String>) -> SbomError {
        SbomError {
            line: Some(line),
            column: Some(column),
            ..SbomError::msg(message)
        }
    }
}

impl fmt::Display for SbomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: ")?,
            (Some(l), None) => write!(f, "line {l}: ")?,
            _ => {}
        }
        if let Some(p) = &self.path
            && !p.is_empty()
        {
            write!(f, "at {p}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SbomError {}

/// Detects the format, validates the structure and reads the document.
pub fn parse(bytes: &[u8]) -> Result<Sbom, SbomError> {
    let data = maybe_gunzip(bytes)?;
    let detected = detect(&data)?;
    parse_detected(&data, &detected)
}

/// Reads a document whose format was already detected (after [`maybe_gunzip`]).
pub fn parse_detected(data: &[u8], detected: &Detected) -> Result<Sbom, SbomError> {
    use medvigil_model::sbom::SbomFormat::*;
    let text = std::str::from_utf8(data).map_err(|e| utf8_error(data, e))?;
    match detected.format {
        CyclonedxJson => cyclonedx_json::parse(text),
        CyclonedxXml => cyclonedx_xml::parse(text),
        SpdxJson => spdx_json::parse(text),
        SpdxTagValue => spdx_tv::parse(text),
        Spdx3JsonLd => spdx3::parse(text),
    }
}

/// Unwraps gzip (recognized by its magic bytes) with the [`MAX_DOCUMENT_BYTES`] cap;
/// other input is returned as is.
pub fn maybe_gunzip(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, SbomError> {
    maybe_gunzip_capped(bytes, MAX_DOCUMENT_BYTES)
}

/// [`maybe_gunzip`] with an explicit cap on the decompressed size (bytes). Decompression
/// stops as soon as the cap is passed, so memory stays bounded by it.
pub fn maybe_gunzip_capped(
    bytes: &[u8],
    cap: u64,
) -> Result<std::borrow::Cow<'_, [u8]>, SbomError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    let mut out = Vec::new();
    let mut dec = flate2::read::MultiGzDecoder::new(bytes).take(cap + 1);
    dec.read_to_end(&mut out)
        .map_err(|e| SbomError::msg(format!("corrupt gzip data: {e}")))?;
    if out.len() as u64 > cap {
        return Err(SbomError::msg(format!(
            "gzip data expands to more than {} MB, refusing it (decompression bomb?)",
            cap / (1024 * 1024)
        )));
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// An invalid UTF-8 error with the line and column of the first bad byte.
pub(crate) fn utf8_error(data: &[u8], e: std::str::Utf8Error) -> SbomError {
    let at = e.valid_up_to();
    let (line, col) = line_col(data, at);
    SbomError::at_line(
        line,
        col,
        format!("invalid UTF-8 (byte offset {at}); SBOMs must be UTF-8"),
    )
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(data: &[u8], offset: usize) -> (u64, u64) {
    let before = &data[..offset.min(data.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() as u64 + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const MINI: &str =
        r#"{"bomFormat":"CycloneDX","specVersion":"1.4","version":1,"components":[]}"#;

    #[test]
    fn gzip_is_unwrapped() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(MINI.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(parse(&gz).unwrap().spec_version, "1.4");
    }

    #[test]
    fn corrupt_gzip_is_an_error() {
        let e = parse(&[0x1f, 0x8b, 8, 0, 0, 0]).unwrap_err();
        assert!(e.message.contains("gzip"), "{e}");
    }

    #[test]
    fn invalid_utf8_names_the_position() {
        let mut doc = MINI.as_bytes().to_vec();
        doc.insert(20, 0xff);
        let e = parse(&doc).unwrap_err();
        assert!(e.to_string().contains("UTF-8"), "{e}");
        assert_eq!(e.line, Some(1));
    }
}
