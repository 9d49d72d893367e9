//! Shared JSON plumbing: typed deserialization with positions, and string limits.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{KbError, KbFormat, MAX_STRING_BYTES};

/// Deserializes `bytes` into `T`, reporting line, column and JSON pointer on failure.
pub(crate) fn from_slice<T: DeserializeOwned>(
    format: KbFormat,
    bytes: &[u8],
) -> Result<T, KbError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| path_error(format, e))?;
    de.end().map_err(|e| json_error(format, e, None))?;
    Ok(value)
}

/// [`from_slice`] for types that borrow from the input (e.g. `&RawValue` spans).
pub(crate) fn from_slice_borrowed<'a, T: Deserialize<'a>>(
    format: KbFormat,
    bytes: &'a [u8],
) -> Result<T, KbError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| path_error(format, e))?;
    de.end().map_err(|e| json_error(format, e, None))?;
    Ok(value)
}

fn path_error(format: KbFormat, e: serde_path_to_error::Error<serde_json::Error>) -> KbError {
    let pointer = pointer_of(e.path());
    json_error(format, e.into_inner(), Some(pointer))
}

/// A serde_json error as a [`KbError`], moving "at line L column C" into fields.
pub(crate) fn json_error(
    format: KbFormat,
    e: serde_json::Error,
    pointer: Option<String>,
) -> KbError {
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    if e.is_eof() {
        message.push_str(" (the file is truncated)");
    }
    let (line, column) = if e.line() > 0 {
        (Some(e.line()), Some(e.column()))
    } else {
        (None, None)
    };
    KbError {
        format: Some(format),
        line,
        column,
        pointer,
        message,
    }
}

/// serde_path_to_error's path as an RFC 6901 JSON pointer.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => out.push_str(variant),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// Rejects a string over [`MAX_STRING_BYTES`]: such input is hostile or broken, and
/// storing it would bloat every query that reads the record.
pub(crate) fn limit(format: KbFormat, pointer: &str, s: &str) -> Result<(), KbError> {
    if s.len() > MAX_STRING_BYTES {
        return Err(KbError::at(
            format,
            pointer,
            format!(
                "string of {} bytes is over the {} byte limit",
                s.len(),
                MAX_STRING_BYTES
            ),
        ));
    }
    Ok(())
}

/// [`limit`] for an optional string.
pub(crate) fn limit_opt(
    format: KbFormat,
    pointer: &str,
    s: &Option<String>,
) -> Result<(), KbError> {
    match s {
        Some(s) => limit(format, pointer, s),
        None => Ok(()),
    }
}

/// Sorts and deduplicates aliases and removes the record's own id from them.
pub(crate) fn tidy_aliases(id: &str, aliases: &mut Vec<String>) {
    aliases.retain(|a| a != id && !a.trim().is_empty());
    aliases.sort();
    aliases.dedup();
}

/// Appends `cwe` unless already present.
pub(crate) fn push_cwe(cwes: &mut Vec<String>, cwe: &str) {
    let cwe = cwe.trim();
    if cwe.starts_with("CWE-") && !cwes.iter().any(|c| c == cwe) {
        cwes.push(cwe.to_string());
    }
}
