//! Text positions for error messages: byte offsets to 1-based line and column, and
//! JSON pointers to the place in the text where their value starts.
//!
//! serde_json reports positions only for syntax errors; semantic errors (a bad MAC
//! address inside the third resource of a Bundle) are found on a parsed value. To still
//! tell the user `file:line:column`, [`locate_pointer`] walks the raw text once to the
//! value a JSON pointer names. It assumes the text already parsed as JSON.

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters.
    pub column: u64,
}

impl Position {
    /// The first character of the input.
    pub const START: Position = Position { line: 1, column: 1 };

    /// The position of byte `offset` in `text` (clamped to its end).
    pub fn of_offset(text: &[u8], offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
        // Count characters, not bytes: UTF-8 continuation bytes do not start one.
        let column = 1 + before[line_start..]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count() as u64;
        Position { line, column }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Byte offsets to positions in one text, in O(log lines) each after one O(n) pass.
///
/// [`Position::of_offset`] rescans from the start; readers that report a position for
/// every record use this instead, or a large file becomes quadratic.
pub struct LineIndex<'a> {
    text: &'a [u8],
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a [u8]) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex { text, line_starts }
    }

    /// The position of byte `offset` (clamped to the end of the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = 1 + self.text[start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count() as u64;
        Position {
            line: line as u64 + 1,
            column,
        }
    }
}

fn memchr_iter(needle: u8, text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(move |(_, b)| **b == needle)
        .map(|(i, _)| i)
}

/// The offsets where the elements of the JSON array starting at `array_start` begin, in
/// one pass. `None` if no array starts there.
pub fn array_element_offsets(text: &[u8], array_start: usize) -> Option<Vec<usize>> {
    if text.get(array_start)? != &b'[' {
        return None;
    }
    let mut out = Vec::new();
    let mut pos = skip_ws(text, array_start + 1);
    if text.get(pos)? == &b']' {
        return Some(out);
    }
    loop {
        out.push(pos);
        pos = skip_ws(text, skip_value(text, pos)?);
        match text.get(pos)? {
            b',' => pos = skip_ws(text, pos + 1),
            b']' => return Some(out),
            _ => return None,
        }
    }
}

/// The first invalid UTF-8 byte of `bytes`, if any, as a byte offset.
pub fn first_invalid_utf8(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes).err().map(|e| e.valid_up_to())
}

/// The byte offset where the value named by `pointer` (RFC 6901, e.g. `/entry/2/resource`)
/// starts in the JSON `text`, or `None` if the pointer does not resolve.
pub fn locate_pointer(text: &[u8], pointer: &str) -> Option<usize> {
    let mut pos = skip_ws(text, 0);
    if pointer.is_empty() {
        return Some(pos);
    }
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        match *text.get(pos)? {
            b'{' => {
                pos += 1;
                loop {
                    pos = skip_ws(text, pos);
                    if text.get(pos)? == &b'}' {
                        return None;
                    }
                    let key_end = skip_string(text, pos)?;
                    let key: String = serde_json::from_slice(&text[pos..key_end]).ok()?;
                    pos = skip_ws(text, key_end);
                    if text.get(pos)? != &b':' {
                        return None;
                    }
                    pos = skip_ws(text, pos + 1);
                    if key == token {
                        break;
                    }
                    pos = skip_ws(text, skip_value(text, pos)?);
                    if text.get(pos)? == &b',' {
                        pos += 1;
                    }
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                pos = skip_ws(text, pos + 1);
                for _ in 0..index {
                    if text.get(pos)? == &b']' {
                        return None;
                    }
                    pos = skip_ws(text, skip_value(text, pos)?);
                    if text.get(pos)? != &b',' {
                        return None;
                    }
                    pos = skip_ws(text, pos + 1);
                }
                if text.get(pos)? == &b']' {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(pos)
}

fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while matches!(text.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// `pos` is at an opening quote; returns the offset just past the closing one.
fn skip_string(text: &[u8], pos: usize) -> Option<usize> {
    if text.get(pos)? != &b'"' {
        return None;
    }
    let mut i = pos + 1;
    loop {
        match *text.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Returns the offset just past the value starting at `pos`. Iterative, so deep nesting
/// cannot overflow the stack.
fn skip_value(text: &[u8], pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = pos;
    loop {
        match *text.get(i)? {
            b'"' => i = skip_string(text, i)?,
            b'{' | b'[' => {
                depth += 1;
                i += 1
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1
            }
            _ if depth == 0 => {
                // A scalar: runs until a delimiter.
                while !matches!(
                    text.get(i),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_line_and_character_column() {
        let t = "ab\nçd\nx".as_bytes();
        assert_eq!(Position::of_offset(t, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of_offset(t, 3), Position { line: 2, column: 1 });
        // 'd' follows a two-byte 'ç': byte 5 is character column 2.
        assert_eq!(Position::of_offset(t, 5), Position { line: 2, column: 2 });
        assert_eq!(Position::of_offset(t, 999), Position { line: 3, column: 2 });
    }

    #[test]
    fn pointers_resolve_to_value_starts() {
        let t = br#"{ "a": {"x": "}\"]", "b": [1, {"c": [true, "v"]}, 3]}, "e~/": null }"#;
        let at = |p: &str| locate_pointer(t, p).map(|o| &t[o..o + 3]);
        assert_eq!(at("/a/b/1/c/1"), Some(&b"\"v\""[..]));
        assert_eq!(at("/a/b/2"), Some(&b"3]}"[..]));
        assert_eq!(at("/e~0~1"), Some(&b"nul"[..]));
        assert_eq!(locate_pointer(t, "/a/b/3"), None);
        assert_eq!(locate_pointer(t, "/zz"), None);
        assert_eq!(locate_pointer(t, "/a/b/x"), None);
    }

    #[test]
    fn line_index_agrees_with_rescanning() {
        let t = "ab\nçd\n\nx".as_bytes();
        let idx = LineIndex::new(t);
        for off in 0..=t.len() + 2 {
            assert_eq!(
                idx.position(off),
                Position::of_offset(t, off),
                "offset {off}"
            );
        }
    }

    #[test]
    fn array_elements_in_one_pass() {
        let t = br#"{"e": [ {"a": [1, "]"]}, 2 ,"x" ]}"#;
        let start = locate_pointer(t, "/e").unwrap();
        let offs = array_element_offsets(t, start).unwrap();
        let firsts: Vec<u8> = offs.iter().map(|&o| t[o]).collect();
        assert_eq!(firsts, [b'{', b'2', b'"']);
        assert_eq!(array_element_offsets(b"[]", 0), Some(vec![]));
        assert_eq!(array_element_offsets(b"{}", 0), None);
    }

    #[test]
    fn finds_first_invalid_utf8() {
        assert_eq!(first_invalid_utf8(b"ok"), None);
        assert_eq!(first_invalid_utf8(b"ok\xff"), Some(2));
    }
}
