//! Dates where a version belongs.
//!
//! Some advisories bound the affected units by date rather than by release: "with
//! wireless option (shipped between 26-June-2017 through 07-August 2018)", "<May 2018",
//! "< november 29 2017". Inventories answer in kind: "shipped 2016-03-01", "Auslieferung
//! 11/2015", "A.07.07.07 (Jan 2020)", "post 11/29/2017 cyber update". The version
//! reader cannot order a release against a date, so this module reads the dates on
//! both sides and decides when it can.

/// A calendar date read from text, as precise as the text was: a month or day of 0 is
/// unknown ("2016", "May 2018").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    year: u16,
    month: u8,
    day: u8,
}

impl Day {
    /// Orders two dates as far as both are known.
    fn cmp_known(&self, other: &Day) -> std::cmp::Ordering {
        let month = if self.month == 0 || other.month == 0 {
            0
        } else {
            1
        };
        let day = if month == 0 || self.day == 0 || other.day == 0 {
            0
        } else {
            1
        };
        (self.year, self.month * month, self.day * day).cmp(&(
            other.year,
            other.month * month,
            other.day * day,
        ))
    }
}

/// The dates an advisory's version text bounds the affected units by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    /// Units dated before this day ("<May 2018").
    Before(Day),
    /// Units dated from the first day through the second, both included.
    Between(Day, Day),
}

impl Window {
    /// Reads the window a version text states, if it states one.
    pub fn read(text: &str) -> Option<Window> {
        let lower = text.to_ascii_lowercase();
        let dates = dates_in(&lower);
        let before = ["<", "before", "prior to", "until"]
            .iter()
            .any(|w| lower.trim_start().starts_with(w));
        match dates.as_slice() {
            [from, to] if lower.contains("between") || lower.contains("through") => {
                Some(Window::Between(*from, *to))
            }
            [day] if before => Some(Window::Before(*day)),
            _ => None,
        }
    }

    /// Whether a device whose version text is `device` is inside the window: `None`
    /// when the text gives no date.
    pub fn contains(&self, device: &str) -> Option<bool> {
        let lower = device.to_ascii_lowercase();
        let day = *dates_in(&lower).first()?;
        // "post 11/29/2017 cyber update", "update 11/29/2017 applied": the unit has what
        // was released that day.
        let says = |words: &[&str]| {
            lower
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|t| words.contains(&t))
        };
        // ("pre-Nov 2017 cyber update (not applied)": before it.)
        let before = says(&["pre", "before", "prior", "antes", "vor"]);
        let after = !before && says(&["post", "after", "since", "posterior", "applied", "nach"]);
        use std::cmp::Ordering::{Equal, Greater, Less};
        Some(match self {
            Window::Before(end) => match day.cmp_known(end) {
                Less => !after,
                Equal => before,
                Greater => false,
            },
            Window::Between(from, to) => {
                day.cmp_known(from) != Less && day.cmp_known(to) != Greater
            }
        })
    }
}

/// The month a word names ("June", "aug", "Sept"), 1 to 12.
fn month(word: &str) -> Option<u8> {
    medvigil_version::schemes::vendor::month_name(word).map(|m| m as u8)
}

/// The dates in lower-case text, in order.
fn dates_in(text: &str) -> Vec<Day> {
    // Tokens with the separator that followed each.
    let mut toks: Vec<(&str, char)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            toks.push((&text[s..i], c));
        }
    }
    if let Some(s) = start {
        toks.push((&text[s..], ' '));
    }
    let number = |t: &str, max: u32| {
        (t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u32>().ok())
            .flatten()
            .filter(|n| (1..=max).contains(n))
            .map(|n| n as u8)
    };
    let year = |t: &str| {
        (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u16>().ok())
            .flatten()
            .filter(|y| (1990..=2099).contains(y))
    };
    let mut out = Vec::new();
    let mut used = vec![false; toks.len()];
    for i in 0..toks.len() {
        // ("2023.3 build 9342" is a release named by its year, no date.)
        let in_release = toks[i].1 == '.' || i > 0 && toks[i - 1].1 == '.';
        let Some(y) = year(toks[i].0).filter(|_| !in_release) else {
            continue;
        };
        let tok = |k: usize| toks.get(k).map(|t| t.0).unwrap_or("");
        let free = |k: usize| !used[k];
        // "2016-03-01", "2018-11": the year first, with hyphens.
        if toks[i].1 == '-'
            && let Some(m) = number(tok(i + 1), 12)
        {
            let d = (toks[i + 1].1 == '-')
                .then(|| number(tok(i + 2), 31))
                .flatten();
            used[i] = true;
            used[i + 1] = true;
            if d.is_some() {
                used[i + 2] = true;
            }
            out.push(Day {
                year: y,
                month: m,
                day: d.unwrap_or(0),
            });
            continue;
        }
        // "26-June-2017", "november 29 2017", "May 2018", "11/29/2017", "11/2015".
        // (Not the last part of a release: "A.07.07.07 (Jan 2020)".)
        let day = |k: usize| {
            (k < i && free(k) && toks[k].1 != '.' && (k == 0 || toks[k - 1].1 != '.'))
                .then(|| number(tok(k), 31))
                .flatten()
        };
        let mon = |k: usize| (k < i && free(k)).then(|| month(tok(k))).flatten();
        let (m, d) = if i >= 1
            && let Some(m) = mon(i - 1)
        {
            (m, if i >= 2 { day(i - 2) } else { None })
        } else if i >= 2
            && let (Some(d), Some(m)) = (day(i - 1), mon(i - 2))
        {
            (m, Some(d))
        } else if i >= 2
            && toks[i - 1].1 == '/'
            && let (Some(d), Some(m)) = (day(i - 1), number(tok(i - 2), 12).filter(|_| free(i - 2)))
        {
            (m, Some(d))
        } else if i >= 1
            && toks[i - 1].1 == '/'
            && let Some(m) = number(tok(i - 1), 12).filter(|_| free(i - 1))
        {
            (m, None)
        } else {
            (0, None)
        };
        used[i] = true;
        out.push(Day {
            year: y,
            month: m,
            day: d.unwrap_or(0),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: u16, month: u8, day: u8) -> Day {
        Day { year, month, day }
    }

    #[test]
    fn dates_as_inventories_and_advisories_write_them() {
        assert_eq!(dates_in("shipped 2016-03-01"), [day(2016, 3, 1)]);
        assert_eq!(dates_in("shipped 2018-11"), [day(2018, 11, 0)]);
        assert_eq!(dates_in("auslieferung 11/2015"), [day(2015, 11, 0)]);
        assert_eq!(
            dates_in("post 11/29/2017 cyber update"),
            [day(2017, 11, 29)]
        );
        assert_eq!(dates_in("a.07.07.07 (jan 2020)"), [day(2020, 1, 0)]);
        assert_eq!(
            dates_in("shipped between 26-june-2017 through 07-august 2018"),
            [day(2017, 6, 26), day(2018, 8, 7)]
        );
        assert_eq!(dates_in("<  november 29 2017"), [day(2017, 11, 29)]);
        assert_eq!(
            dates_in("shipped between 2016-august 2018"),
            [day(2016, 0, 0), day(2018, 8, 0)]
        );
        // Releases and other numbers are no dates.
        assert!(dates_in("3.06.1803").is_empty());
        assert!(dates_in("9.19 (pre 9.33 upgrade)").is_empty());
        assert!(dates_in("rev m.04").is_empty());
    }

    #[test]
    fn windows_decide_what_a_date_can() {
        let shipped = Window::read(
            "with wireless option (shipped between 26-June-2017 through 07-August 2018)",
        )
        .unwrap();
        assert_eq!(shipped.contains("shipped 2018-03"), Some(true));
        assert_eq!(shipped.contains("shipped 2016-03-01"), Some(false));
        assert_eq!(shipped.contains("shipped 2018-11"), Some(false));
        assert_eq!(shipped.contains(""), None);
        let before = Window::read("<May 2018").unwrap();
        assert_eq!(before.contains("A.07.07.07 (Jan 2020)"), Some(false));
        assert_eq!(before.contains("Jan 2018"), Some(true));
        let gen11 = Window::read("<  november 29 2017").unwrap();
        assert_eq!(gen11.contains("post 11/29/2017 cyber update"), Some(false));
        assert_eq!(
            gen11.contains("field cyber update 11/29/2017 applied"),
            Some(false)
        );
        assert_eq!(gen11.contains("11/2016"), Some(true));
        assert_eq!(
            gen11.contains("pre-Nov 2017 cyber update (not applied)"),
            Some(true)
        );
        // A release named by its year is no date.
        assert_eq!(Window::read("< 2023.3"), None);
        assert!(dates_in("2023.3 build 9342").is_empty());
        assert_eq!(Window::read("<= 4.2"), None);
        assert_eq!(Window::read("2.X"), None);
    }
}
