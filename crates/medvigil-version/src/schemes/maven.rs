//! Maven artifact versions, as Maven's `ComparableVersion` (3.x) orders them.
//!
//! The string is lowercased and split into items at `.`, `-` and digit/letter transitions;
//! `-` and a transition start a nested list. Items are numbers, qualifiers or lists.
//! Qualifiers order `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` < `""` = `ga`
//! = `final` = `release` < `sp` < any other qualifier (those compare alphabetically); `a1`,
//! `b1`, `m1` (a letter followed by a digit) mean alpha, beta, milestone. Trailing "null"
//! items (0, `""`, empty lists) are dropped from each list, so `1 == 1.0 == 1.0.0 == 1-ga`.
//! Comparing an item with a missing one ("padding") uses these null values: a number
//! against nothing is greater unless it is 0; a qualifier against nothing compares with the
//! release qualifier `""`.
//!
//! This is Maven's order, faithfully, including a flaw of it: because a sub-list always
//! sorts above a qualifier in the same position, the order is not transitive for some
//! strings (`8-SNAPSHOT < 8 < 8.m < 8-SNAPSHOT`: an unknown qualifier after a dot;
//! `10a < 10final0alpha1 < 10`). Versions of the usual shapes (`1.2.3`, `1.0-beta-2`,
//! `2.0.RELEASE`, `3.1-SNAPSHOT`) do not hit it; the property tests generate those.

use std::cmp::Ordering;

use crate::{Error, Scheme};

/// The rank of the empty ("release") qualifier among the known ones.
const RELEASE_RANK: u8 = 5;

#[derive(Debug, Clone)]
enum Item {
    /// Digits without leading zeros ("" is zero); compared by length then digits.
    Int(Box<str>),
    /// A qualifier: its rank (0..=6 known, 7 unknown) and, for unknown ones, the text.
    Str(u8, Box<str>),
    List(Vec<Item>),
}

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub(crate) struct MavenVersion {
    items: Vec<Item>,
}

enum Raw {
    Int(Box<str>),
    Str(u8, Box<str>),
    List(usize),
}

fn parse_item(is_digit: bool, text: &str, followed_by_digit: bool) -> Raw {
    if is_digit {
        return Raw::Int(text.trim_start_matches('0').into());
    }
    let mut q = text;
    if followed_by_digit && q.len() == 1 {
        q = match q {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        };
    }
    let q = match q {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    match ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]
        .iter()
        .position(|k| *k == q)
    {
        Some(rank) => Raw::Str(rank as u8, "".into()),
        None => Raw::Str(7, q.into()),
    }
}

fn is_null(raw: &Raw, lists: &[Vec<Raw>]) -> bool {
    match raw {
        Raw::Int(d) => d.is_empty(),
        Raw::Str(rank, _) => *rank == RELEASE_RANK,
        Raw::List(i) => lists[*i].is_empty(),
    }
}

fn build(lists: &mut Vec<Vec<Raw>>, idx: usize) -> Vec<Item> {
    let raws = std::mem::take(&mut lists[idx]);
    raws.into_iter()
        .map(|r| match r {
            Raw::Int(d) => Item::Int(d),
            Raw::Str(rank, s) => Item::Str(rank, s),
            Raw::List(i) => Item::List(build(lists, i)),
        })
        .collect()
}

impl MavenVersion {
    pub(crate) fn parse(input: &str) -> Result<MavenVersion, Error> {
        if input.is_empty() {
            return Err(Error::version(Scheme::Maven, input, 0, "empty version"));
        }
        if let Some(pos) = input.find(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(Error::version(
                Scheme::Maven,
                input,
                pos,
                "version contains whitespace",
            ));
        }
        let v = input.to_lowercase();
        let bytes: Vec<char> = v.chars().collect();
        // An arena of lists; list 0 is the top. Children are created after their parents.
        let mut lists: Vec<Vec<Raw>> = vec![Vec::new()];
        let mut cur = 0;
        let mut is_digit = false;
        let mut start = 0;
        let text = |a: usize, b: usize| bytes[a..b].iter().collect::<String>();
        for (i, &c) in bytes.iter().enumerate() {
            if c == '.' || c == '-' {
                let item = if i == start {
                    Raw::Int("".into())
                } else {
                    parse_item(is_digit, &text(start, i), false)
                };
                lists[cur].push(item);
                start = i + 1;
                if c == '-' {
                    lists.push(Vec::new());
                    let new = lists.len() - 1;
                    lists[cur].push(Raw::List(new));
                    cur = new;
                }
            } else if c.is_ascii_digit() {
                if !is_digit && i > start {
                    // A qualifier directly followed by a number: "a1" is alpha-1.
                    let item = parse_item(false, &text(start, i), true);
                    lists[cur].push(item);
                    start = i;
                    lists.push(Vec::new());
                    let new = lists.len() - 1;
                    lists[cur].push(Raw::List(new));
                    cur = new;
                }
                is_digit = true;
            } else {
                if is_digit && i > start {
                    let item = parse_item(true, &text(start, i), false);
                    lists[cur].push(item);
                    start = i;
                    lists.push(Vec::new());
                    let new = lists.len() - 1;
                    lists[cur].push(Raw::List(new));
                    cur = new;
                }
                is_digit = false;
            }
        }
        if bytes.len() > start {
            let item = parse_item(is_digit, &text(start, bytes.len()), false);
            lists[cur].push(item);
        }
        // Normalize innermost lists first: drop trailing nulls up to the last non-list item.
        for idx in (0..lists.len()).rev() {
            let mut k = lists[idx].len();
            while k > 0 {
                k -= 1;
                if is_null(&lists[idx][k], &lists) {
                    lists[idx].remove(k);
                } else if !matches!(lists[idx][k], Raw::List(_)) {
                    break;
                }
            }
        }
        Ok(MavenVersion {
            items: build(&mut lists, 0),
        })
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        fn walk(items: &[Item]) -> bool {
            items.iter().any(|i| match i {
                Item::Str(rank, _) => *rank < RELEASE_RANK,
                Item::List(l) => walk(l),
                Item::Int(_) => false,
            })
        }
        walk(&self.items)
    }
}

fn cmp_digits(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares an item with a missing one (`ComparableVersion`'s `compareTo(null)`).
fn cmp_null(a: &Item) -> Ordering {
    match a {
        Item::Int(d) => {
            if d.is_empty() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Item::Str(rank, s) => (*rank, &**s).cmp(&(RELEASE_RANK, "")),
        Item::List(l) => l.first().map_or(Ordering::Equal, cmp_null),
    }
}

fn cmp_item(a: &Item, b: &Item) -> Ordering {
    use Item::*;
    match (a, b) {
        (Int(x), Int(y)) => cmp_digits(x, y),
        (Int(_), _) => Ordering::Greater,
        (Str(..), Int(_)) => Ordering::Less,
        (Str(r1, s1), Str(r2, s2)) => (r1, s1).cmp(&(r2, s2)),
        (Str(..), List(_)) => Ordering::Less,
        (List(_), Int(_)) => Ordering::Less,
        (List(_), Str(..)) => Ordering::Greater,
        (List(x), List(y)) => cmp_lists(x, y),
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for k in 0..a.len().max(b.len()) {
        let r = match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => cmp_item(x, y),
            (Some(x), None) => cmp_null(x),
            (None, Some(y)) => cmp_null(y).reverse(),
            (None, None) => Ordering::Equal,
        };
        if r != Ordering::Equal {
            return r;
        }
    }
    Ordering::Equal
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &MavenVersion) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}
impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &MavenVersion) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for MavenVersion {
    fn eq(&self, other: &MavenVersion) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for MavenVersion {}
