//! A small HL7 v2 (ER7, "pipe and hat") parser: separators from MSH, segments, fields,
//! repetitions, components, subcomponents and escape sequences.
//!
//! The parser keeps the message text and only records where each segment and field
//! starts; components are split on demand. That keeps it cheap on the guard's hot path
//! and means it never has to understand fields it does not look at.
//!
//! Field numbers follow HL7 conventions: `MSH-1` is the field separator itself,
//! `MSH-2` the encoding characters, and for other segments `XXX-1` is the first field
//! after the segment name. Components and subcomponents count from 1.

use std::borrow::Cow;
use std::ops::Range;

/// The separators and escape character a message declares in MSH-1 and MSH-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Separators {
    /// Field separator (MSH-1), usually `|`.
    pub field: char,
    /// Component separator, usually `^`.
    pub component: char,
    /// Repetition separator, usually `~`.
    pub repetition: char,
    /// Escape character, usually `\`; `None` when the message declares none.
    pub escape: Option<char>,
    /// Subcomponent separator, usually `&`.
    pub subcomponent: char,
}

impl Default for Separators {
    fn default() -> Self {
        Separators {
            field: '|',
            component: '^',
            repetition: '~',
            escape: Some('\\'),
            subcomponent: '&',
        }
    }
}

/// Why a payload is not an HL7 v2 message this parser can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HL7 parse error at byte {offset} (segment {segment}): {kind}")]
pub struct ParseError {
    /// Byte offset in the message text.
    pub offset: usize,
    /// 1-based segment number.
    pub segment: usize,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// The kinds of [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The message is empty.
    #[error("empty message")]
    Empty,
    /// The first segment is not MSH.
    #[error("message does not start with an MSH segment")]
    NoMsh,
    /// MSH-1/MSH-2 are missing or reuse a character.
    #[error("invalid separators in MSH-1/MSH-2: {0}")]
    BadSeparators(String),
    /// A segment name is not three upper-case letters or digits. The text itself is
    /// not kept: a stray line may hold patient data, and errors reach logs and ACKs.
    #[error("the segment does not start with a name of three upper-case letters or digits")]
    BadSegmentName,
}

#[derive(Debug, Clone)]
struct SegmentIndex {
    /// Range of each field in the text; index 0 is the segment name.
    fields: Vec<Range<usize>>,
}

/// A parsed HL7 v2 message.
#[derive(Debug, Clone)]
pub struct Message {
    text: String,
    separators: Separators,
    segments: Vec<SegmentIndex>,
}

impl Message {
    /// Parses `bytes`: UTF-8 when valid, otherwise ISO-8859-1 (every byte one
    /// character), so any byte string yields either a message or a [`ParseError`].
    pub fn parse_bytes(bytes: &[u8]) -> Result<Message, ParseError> {
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => bytes.iter().map(|&b| b as char).collect(),
        };
        Message::parse(text)
    }

    /// Parses one message. Segments end with CR; LF and CRLF are accepted too, since
    /// many senders and test tools use them.
    pub fn parse(text: String) -> Result<Message, ParseError> {
        let err = |offset, segment, kind| ParseError {
            offset,
            segment,
            kind,
        };
        if text.trim().is_empty() {
            return Err(err(0, 1, ParseErrorKind::Empty));
        }
        let separators = read_separators(&text).map_err(|k| err(0, 1, k))?;
        let fsep = separators.field;
        let mut segments = Vec::new();
        let mut pos = 0;
        for line in text.split(['\r', '\n']) {
            let start = pos;
            pos += line.len() + 1;
            if line.is_empty() {
                continue;
            }
            let number = segments.len() + 1;
            let mut fields = Vec::new();
            let mut field_start = start;
            for (i, c) in line.char_indices() {
                if c == fsep {
                    fields.push(field_start..start + i);
                    field_start = start + i + c.len_utf8();
                }
            }
            fields.push(field_start..start + line.len());
            let name = &text[fields[0].clone()];
            if name.len() != 3
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                return Err(err(start, number, ParseErrorKind::BadSegmentName));
            }
            if number == 1 && name != "MSH" {
                return Err(err(start, 1, ParseErrorKind::NoMsh));
            }
            if name == "MSH" {
                // MSH-1 is the separator itself: insert its range so field numbers line
                // up with the standard (fields[1] = MSH-1, fields[2] = MSH-2, ...).
                let sep_at = fields[0].end;
                fields.insert(1, sep_at..sep_at + fsep.len_utf8());
            }
            segments.push(SegmentIndex { fields });
        }
        Ok(Message {
            text,
            separators,
            segments,
        })
    }

    /// The whole message text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The separators declared in MSH.
    pub fn separators(&self) -> Separators {
        self.separators
    }

    /// All segments in order.
    pub fn segments(&self) -> impl Iterator<Item = Segment<'_>> {
        self.segments
            .iter()
            .map(|index| Segment { msg: self, index })
    }

    /// Segments named `name`, in order.
    pub fn segments_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Segment<'a>> {
        self.segments().filter(move |s| s.name() == name)
    }

    /// The first segment named `name`.
    pub fn segment(&self, name: &str) -> Option<Segment<'_>> {
        self.segments().find(|s| s.name() == name)
    }

    /// The MSH segment (always present in a parsed message).
    pub fn msh(&self) -> Segment<'_> {
        Segment {
            msg: self,
            index: &self.segments[0],
        }
    }

    /// MSH-9 as `CODE^TRIGGER` (e.g. `RGV^O15`), the form sender policies use.
    pub fn message_type(&self) -> String {
        let f = self.msh().field(9);
        format!("{}^{}", f.component(1).raw(), f.component(2).raw())
    }

    /// MSH-10, the message control id.
    pub fn control_id(&self) -> Cow<'_, str> {
        self.msh().field(10).value()
    }
}

fn read_separators(text: &str) -> Result<Separators, ParseErrorKind> {
    let rest = text.strip_prefix("MSH").ok_or(ParseErrorKind::NoMsh)?;
    let mut chars = rest.chars();
    let field = chars
        .next()
        .ok_or_else(|| ParseErrorKind::BadSeparators("no field separator".into()))?;
    let enc: String = chars.take_while(|&c| c != field).collect();
    let enc: Vec<char> = enc.chars().collect();
    if field.is_alphanumeric() || field == '\r' || field == '\n' {
        return Err(ParseErrorKind::BadSeparators(format!(
            "field separator {field:?} must be a punctuation character"
        )));
    }
    if enc.len() < 2 || enc.len() > 5 {
        return Err(ParseErrorKind::BadSeparators(format!(
            "MSH-2 must hold 2 to 5 encoding characters, found {}",
            enc.len()
        )));
    }
    let escape = enc.get(2).copied();
    let seps = Separators {
        field,
        component: enc[0],
        repetition: enc[1],
        escape,
        subcomponent: enc.get(3).copied().unwrap_or('&'),
    };
    let mut all = vec![
        seps.field,
        seps.component,
        seps.repetition,
        seps.subcomponent,
    ];
    all.extend(escape);
    for (i, c) in all.iter().enumerate() {
        if c.is_alphanumeric() || c.is_whitespace() || all[..i].contains(c) {
            return Err(ParseErrorKind::BadSeparators(format!(
                "encoding character {c:?} is alphanumeric, blank or repeated"
            )));
        }
    }
    Ok(seps)
}

/// One segment of a [`Message`].
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    msg: &'a Message,
    index: &'a SegmentIndex,
}

impl<'a> Segment<'a> {
    /// The three-character segment name.
    pub fn name(&self) -> &'a str {
        &self.msg.text[self.index.fields[0].clone()]
    }

    /// Field `n` (HL7 numbering); empty when the segment has fewer fields.
    pub fn field(&self, n: usize) -> Field<'a> {
        let raw = self
            .index
            .fields
            .get(n)
            .map(|r| &self.msg.text[r.clone()])
            .unwrap_or("");
        // MSH-1 and MSH-2 are never split or unescaped.
        let literal = self.name() == "MSH" && (n == 1 || n == 2);
        Field {
            raw,
            seps: self.msg.separators,
            literal,
        }
    }

    /// The number of fields present (not counting the name).
    pub fn field_count(&self) -> usize {
        self.index.fields.len() - 1
    }
}

/// A field, a repetition, a component or a subcomponent: raw text plus the separators
/// needed to split it further.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    raw: &'a str,
    seps: Separators,
    literal: bool,
}

impl<'a> Field<'a> {
    /// The raw (still escaped) text.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// Whether the field is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The repetitions of the field (at least one, possibly empty).
    pub fn repetitions(&self) -> impl Iterator<Item = Field<'a>> + 'a {
        let (seps, literal) = (self.seps, self.literal);
        let parts: Box<dyn Iterator<Item = &'a str>> = if literal {
            Box::new(std::iter::once(self.raw))
        } else {
            Box::new(self.raw.split(seps.repetition))
        };
        parts.map(move |raw| Field { raw, seps, literal })
    }

    /// Component `c` (from 1) of the first repetition.
    pub fn component(&self, c: usize) -> Field<'a> {
        let first = self.first_repetition();
        self.nth_part(first, self.seps.component, c)
    }

    /// Subcomponent `s` (from 1) of this field taken as a component.
    pub fn subcomponent(&self, s: usize) -> Field<'a> {
        self.nth_part(self.raw, self.seps.subcomponent, s)
    }

    /// The unescaped text of the first repetition's first component's first
    /// subcomponent: what a simple (ST, NM, ID) field holds.
    pub fn value(&self) -> Cow<'a, str> {
        if self.literal {
            return Cow::Borrowed(self.raw);
        }
        let first = self.first_repetition();
        let comp = first.split(self.seps.component).next().unwrap_or("");
        let sub = comp.split(self.seps.subcomponent).next().unwrap_or("");
        unescape(sub, &self.seps)
    }

    /// The unescaped text of the whole field (separators kept as they are).
    pub fn text(&self) -> Cow<'a, str> {
        if self.literal {
            return Cow::Borrowed(self.raw);
        }
        unescape(self.raw, &self.seps)
    }

    fn first_repetition(&self) -> &'a str {
        if self.literal {
            return self.raw;
        }
        self.raw.split(self.seps.repetition).next().unwrap_or("")
    }

    fn nth_part(&self, raw: &'a str, sep: char, n: usize) -> Field<'a> {
        let raw = if self.literal || n == 0 {
            if n == 1 { raw } else { "" }
        } else {
            raw.split(sep).nth(n - 1).unwrap_or("")
        };
        Field {
            raw,
            seps: self.seps,
            literal: self.literal,
        }
    }
}

/// Resolves HL7 escape sequences: `\F\ \S\ \T\ \R\ \E\` to the separators, `\Xhh..\`
/// to bytes, `\.br\` to a line break; highlighting and character-set escapes are
/// dropped. A lone or unterminated escape character is kept as text.
pub fn unescape<'a>(raw: &'a str, seps: &Separators) -> Cow<'a, str> {
    let Some(esc) = seps.escape else {
        return Cow::Borrowed(raw);
    };
    if !raw.contains(esc) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(esc) {
        out.push_str(&rest[..i]);
        let after = &rest[i + esc.len_utf8()..];
        let Some(j) = after.find(esc) else {
            out.push_str(&rest[i..]);
            return Cow::Owned(out);
        };
        let seq = &after[..j];
        match seq {
            "F" => out.push(seps.field),
            "S" => out.push(seps.component),
            "T" => out.push(seps.subcomponent),
            "R" => out.push(seps.repetition),
            "E" => out.push(esc),
            ".br" => out.push('\n'),
            _ if seq.starts_with('X') && seq.len() % 2 == 1 && seq.len() > 1 => {
                let bytes: Option<Vec<u8>> = (1..seq.len())
                    .step_by(2)
                    .map(|k| u8::from_str_radix(seq.get(k..k + 2)?, 16).ok())
                    .collect();
                match bytes {
                    Some(b) => match String::from_utf8(b) {
                        Ok(s) => out.push_str(&s),
                        Err(e) => out.extend(e.into_bytes().iter().map(|&b| b as char)),
                    },
                    None => {
                        out.push(esc);
                        out.push_str(seq);
                        out.push(esc);
                    }
                }
            }
            // Highlighting (\H\ \N\), character sets (\C..\ \M..\), other formatting
            // commands (\.sp\ ...) and locally defined escapes (\Z..\) carry no text.
            _ if seq == "H"
                || seq == "N"
                || seq.starts_with('C')
                || seq.starts_with('M')
                || seq.starts_with('.')
                || seq.starts_with('Z') => {}
            _ => {
                out.push(esc);
                out.push_str(seq);
                out.push(esc);
            }
        }
        rest = &after[j + esc.len_utf8()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Escapes `text` for use inside a field; CR and LF become `\X0D\` and `\X0A\`.
pub fn escape(text: &str, seps: &Separators) -> String {
    let esc = seps.escape.unwrap_or('\\');
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = if c == esc {
            Some("E")
        } else if c == seps.field {
            Some("F")
        } else if c == seps.component {
            Some("S")
        } else if c == seps.subcomponent {
            Some("T")
        } else if c == seps.repetition {
            Some("R")
        } else if c == '\r' {
            Some("X0D")
        } else if c == '\n' {
            Some("X0A")
        } else {
            None
        };
        match code {
            Some(code) => {
                out.push(esc);
                out.push_str(code);
                out.push(esc);
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RGV: &str = "MSH|^~\\&|IOP^1234^EUI-64|FAC|IOC|FAC|20080101123456-0600||RGV^O15^RGV_O15|MSG1|P|2.6|||AL|ER||ASCII|EN^English^ISO659||IHE_PCD_PIV_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.3.1^ISO\r\
PID|||98765^^^IHE^PI||Doe^John^^^^^L||19660101|M\r\
ORC|RE|12345|||||||20080101123000-0600\r\
RXG|1|||1234^Dopamine|250||263762^MDC_DIM_MILLI_L^MDC~mL^mL^UCUM\r\
OBX|2|NM|68063^MDC_ATTR_PT_WEIGHT^MDC||85.0|kg^kg^UCUM|\r";

    #[test]
    fn fields_components_repetitions() {
        let m = Message::parse(RGV.into()).unwrap();
        assert_eq!(m.segments().count(), 5);
        assert_eq!(m.message_type(), "RGV^O15");
        assert_eq!(m.control_id(), "MSG1");
        let msh = m.msh();
        assert_eq!(msh.field(1).raw(), "|");
        assert_eq!(msh.field(2).raw(), "^~\\&");
        assert_eq!(msh.field(2).value(), "^~\\&");
        assert_eq!(msh.field(3).component(2).raw(), "1234");
        assert_eq!(
            msh.field(21).component(3).raw(),
            "1.3.6.1.4.1.19376.1.6.1.3.1"
        );
        let rxg = m.segment("RXG").unwrap();
        assert_eq!(rxg.field(4).component(2).value(), "Dopamine");
        let reps: Vec<_> = rxg
            .field(7)
            .repetitions()
            .map(|r| r.component(1).raw())
            .collect();
        assert_eq!(reps, ["263762", "mL"]);
        assert!(rxg.field(99).is_empty());
        assert_eq!(m.segment("OBX").unwrap().field(5).value(), "85.0");
        assert!(m.segment("PV1").is_none());
    }

    #[test]
    fn custom_separators_and_subcomponents() {
        let m = Message::parse("MSH#*!$%#A#B\nTQ1#1#######*x%y!z\n".into()).unwrap();
        let s = m.separators();
        assert_eq!(
            (s.field, s.component, s.repetition, s.escape, s.subcomponent),
            ('#', '*', '!', Some('$'), '%')
        );
        let tq1 = m.segment("TQ1").unwrap();
        let f = tq1.field(8);
        assert_eq!(f.component(2).subcomponent(2).raw(), "y");
        assert_eq!(f.repetitions().count(), 2);
    }

    #[test]
    fn escapes_resolve_and_round_trip() {
        let seps = Separators::default();
        assert_eq!(unescape(r"a\F\b\S\c\T\d\R\e\E\f", &seps), "a|b^c&d~e\\f");
        assert_eq!(unescape(r"\X41\\XC3A9\", &seps), "Aé");
        assert_eq!(unescape(r"x\H\bold\N\y\.br\z", &seps), "xboldy\nz");
        assert_eq!(unescape(r"trailing \ alone", &seps), r"trailing \ alone");
        assert_eq!(unescape(r"\Xzz\", &seps), r"\Xzz\");
        let text = "rate|5^x&y~z\\ end\r";
        let escaped = escape(text, &seps);
        assert!(!escaped.contains(['|', '^', '&', '~', '\r']));
        assert_eq!(unescape(&escaped, &seps), text);
    }

    #[test]
    fn bad_messages_are_errors_with_positions() {
        let e = Message::parse("".into()).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Empty);
        let e = Message::parse("PID|1\r".into()).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::NoMsh);
        let e = Message::parse("MSH|^^\\&|x\r".into()).unwrap_err();
        assert!(matches!(e.kind, ParseErrorKind::BadSeparators(_)));
        let e = Message::parse("MSH|^~\\&|x\rPID|1\rrx|2\r".into()).unwrap_err();
        assert_eq!(e.segment, 3);
        assert_eq!(e.offset, 17);
        assert!(e.to_string().contains("segment 3"), "{e}");
    }

    #[test]
    fn latin1_and_random_bytes_never_panic() {
        let m = Message::parse_bytes(b"MSH|^~\\&|\xE9t\xE9\rPID|||1\r").unwrap();
        assert_eq!(m.msh().field(3).value(), "été");
        let mut x: u64 = 99;
        for len in 0..300 {
            let mut bytes = b"MSH|^~\\&|".to_vec();
            for _ in 0..len {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                bytes.push(b"|^~\\&\rAB1X"[(x >> 60) as usize % 10]);
            }
            if let Ok(m) = Message::parse_bytes(&bytes) {
                for s in m.segments() {
                    for n in 0..s.field_count() + 2 {
                        let f = s.field(n);
                        let _ = (f.value(), f.component(3).subcomponent(2).value(), f.text());
                        let _ = f.repetitions().count();
                    }
                }
            }
        }
    }
}
