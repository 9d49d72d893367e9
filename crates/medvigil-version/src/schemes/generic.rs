//! The `vers` generic scheme, also the fuzzy fallback for ecosystems without a comparator.
//!
//! The string is cut into runs of digits and runs of letters; everything else separates.
//! Digit runs compare numerically, letter runs case-insensitively; a letter run sorts
//! before a number in the same position (`1.0a < 1.0.1`), and a version that is a prefix of
//! another sorts first (`1.0 < 1.0a`). Trailing zero numbers are insignificant
//! (`1.0 == 1`). This is a total order that never fails on odd input, which is what a
//! fallback needs; matchers report when they had to use it.

use std::cmp::Ordering;

use crate::{Error, Scheme};

/// A run of a generic version. Words sort before numbers (variant order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    Word(Box<str>),
    /// Digits without leading zeros ("" is zero).
    Num(Box<str>),
}

impl Ord for Token {
    fn cmp(&self, other: &Token) -> Ordering {
        match (self, other) {
            (Token::Word(a), Token::Word(b)) => a.cmp(b),
            (Token::Word(_), Token::Num(_)) => Ordering::Less,
            (Token::Num(_), Token::Word(_)) => Ordering::Greater,
            (Token::Num(a), Token::Num(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}
impl PartialOrd for Token {
    fn partial_cmp(&self, other: &Token) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Cuts `s` into digit and letter runs.
pub(crate) fn tokens(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                end = j + 1;
                chars.next();
            }
            out.push(Token::Num(s[i..end].trim_start_matches('0').into()));
        } else if c.is_alphabetic() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_alphabetic() {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            out.push(Token::Word(s[i..end].to_lowercase().into()));
        }
    }
    out
}

/// A parsed generic version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GenericVersion {
    tokens: Vec<Token>,
}

impl GenericVersion {
    pub(crate) fn parse(input: &str) -> Result<GenericVersion, Error> {
        let mut tokens = tokens(input);
        if tokens.is_empty() {
            return Err(Error::version(
                Scheme::Generic,
                input,
                0,
                "a version needs at least one letter or digit",
            ));
        }
        while matches!(tokens.last(), Some(Token::Num(d)) if d.is_empty()) {
            tokens.pop();
        }
        Ok(GenericVersion { tokens })
    }
}
