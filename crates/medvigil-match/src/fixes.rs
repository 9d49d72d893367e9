//! Fixed versions an advisory states in prose.
//!
//! CISA's product trees give the affected versions; the fixed one is often only in a
//! vendor-fix remediation: "Smiths Medical has released update Version 1.6.1", "Users
//! can find Delta/Infinity Explorer VF10.1 software releases", "an updated firmware
//! image (Version 1.14)". A device
//! already at such a version has the fix, even when the tree says "all versions" or
//! lists a release whose line the fix belongs to ("1.6" and the fix 1.6.1). People
//! reading the advisory decide so; this module lets the matcher do the same.
//!
//! Only versions written next to a word that says so ("version", "release",
//! "firmware", "software", "update") are read, so "Windows 8.1" or "TLS 1.2" are not.

use medvigil_model::vuln::Advisory;
use medvigil_version::{Scheme, Version, VersionRange};

/// Words after which a version names a release ("Version 1.6.1", "update 4.80").
const BEFORE: [&str; 5] = ["version", "versions", "release", "firmware", "software"];
/// Words saying that a release is the fix, before "version" ("update to version 1.20").
const FIX_WORDS: [&str; 13] = [
    "released",
    // ("Philips plans a new release (IBE B.13)".)
    "release",
    "update",
    "updated",
    "upgrade",
    "upgraded",
    "fix",
    "fixed",
    "fixes",
    "patch",
    "patched",
    "available",
    "remediated",
];
/// Words before which a version names a release ("VF10.1 software releases").
const AFTER: [&str; 4] = ["software", "release", "releases", "firmware"];

/// The versions the advisory's vendor-fix remediations state for a product.
pub fn stated_fixes(advisory: &Advisory, product_id: &str) -> Vec<Version> {
    let mut out: Vec<Version> = Vec::new();
    for r in advisory
        .vulnerabilities
        .iter()
        .flat_map(|v| &v.remediations)
        .filter(|r| r.category == "vendor_fix" && r.product_ids.iter().any(|p| p == product_id))
    {
        for text in versions_in(&r.details) {
            if let Ok(v) = Version::parse(Scheme::Vendor, &text)
                && !out.contains(&v)
            {
                out.push(v);
            }
        }
    }
    out
}

/// The versions a sentence names as releases.
fn versions_in(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ';' | ':' | '"')))
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_end_matches('.');
        if !version_like(w) {
            continue;
        }
        // ("... Release 10.1 or later to monitor" states no fix; "Update to version
        // 1.20", "has released update Version 1.6.1" do.)
        let after_keyword = i > 0
            && BEFORE.contains(&lower[i - 1].as_str())
            && lower[i.saturating_sub(6)..i - 1]
                .iter()
                .any(|w| FIX_WORDS.contains(&w.as_str()));
        let before_keyword = lower
            .get(i + 1)
            .is_some_and(|n| AFTER.contains(&n.trim_end_matches('.')));
        // ("Natus has released NeuroWorks/SleepWorks 8.5 GMA 3", "update to Alaris
        // 12.1.2": the release after the product's name, right after the fix word.)
        let after_name = (2..=3).any(|k| {
            i >= k
                && FIX_WORDS.contains(&lower[i - k].as_str())
                && words[i - k + 1..i]
                    .iter()
                    .zip(&lower[i - k + 1..i])
                    .enumerate()
                    .all(|(j, (w, l))| {
                        (j == 0 && l == "to")
                            || product_name_word(w) && !PLATFORMS.contains(&l.as_str())
                    })
                && words[i - k + 1..i].iter().any(|w| product_name_word(w))
        });
        if !(after_keyword || before_keyword || after_name) {
            continue;
        }
        out.push(with_qualifier(w, &words[i + 1..]));
    }
    out
}

/// Software a release may run on or use, whose own versions are not the product's
/// ("update Windows 10.1", "upgraded to TLS 1.2").
const PLATFORMS: [&str; 12] = [
    "windows", "win", "linux", "android", "ios", "macos", "java", "jre", "tls", "ssl", "openssl",
    "iis",
];

/// A word of a product's name as advisories write it: a capital letter first, no digit
/// ("NeuroWorks/SleepWorks", "Alaris").
fn product_name_word(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_uppercase()) && !w.chars().any(|c| c.is_ascii_digit())
}

/// The release with the qualifier written after it: "8.5 GMA 3", "4.2 SP1",
/// "2.1 build 118" (the fix is that build, not the release it qualifies).
fn with_qualifier(version: &str, rest: &[&str]) -> String {
    let digits = |w: &str| !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit());
    let tag = |w: &str| {
        (2..=4).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_uppercase())
            || w.eq_ignore_ascii_case("build")
    };
    let service_pack = |w: &str| {
        let letters = w.trim_end_matches(|c: char| c.is_ascii_digit());
        letters.len() < w.len() && matches!(letters, "SP" | "SR" | "MR")
    };
    match rest {
        [t, n, ..] if tag(t) && digits(n.trim_end_matches('.')) => {
            format!("{version} {t} {}", n.trim_end_matches('.'))
        }
        [t, ..] if service_pack(t.trim_end_matches('.')) => {
            format!("{version} {}", t.trim_end_matches('.'))
        }
        _ => version.to_string(),
    }
}

/// A dotted release number, perhaps after a short line prefix ("1.6.1", "VF10.1",
/// "v4.80"); not an address or a date.
fn version_like(w: &str) -> bool {
    // (Philips writes a letter and a dot first: "B.13", "A.07.07".)
    let after_letters = w.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let (digits, lettered) = match after_letters.strip_prefix('.') {
        Some(rest) if w.len() - after_letters.len() == 1 => (rest, true),
        _ => (after_letters, false),
    };
    w.len() - digits.len() <= 3
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && (lettered || digits.contains('.'))
        && digits.matches('.').count() <= 3
        && digits
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// Whether a stated fix can be this product's, whose affected versions are `range`: not
/// a version the range lists as affected, nor one below every version it names (one
/// remediation often covers all of an advisory's products: "upgrade to ExactaMix
/// Version 1.4 (EM1200) and ExactaMix Version 1.13 (EM2400)").
pub fn fix_of(range: &VersionRange, fix: &Version) -> bool {
    if range.is_all() {
        return true;
    }
    // (Inside an open-ended interval it may still be the fix: "Viper LT 2.0 and later",
    // fixed in "an upcoming ... Version 4.80 software release".)
    let in_bounded = range.intervals().iter().any(|i| {
        let above = |b: &medvigil_version::Bound| {
            fix.try_cmp(&b.version).is_ok_and(|o| {
                o == std::cmp::Ordering::Greater || b.inclusive && o == std::cmp::Ordering::Equal
            })
        };
        let below = |b: &medvigil_version::Bound| {
            fix.try_cmp(&b.version).is_ok_and(|o| {
                o == std::cmp::Ordering::Less || b.inclusive && o == std::cmp::Ordering::Equal
            })
        };
        i.upper.as_ref().is_some_and(below) && i.lower.as_ref().is_none_or(above)
    });
    if in_bounded {
        return false;
    }
    let mut named = range
        .intervals()
        .iter()
        .flat_map(|i| i.lower.iter().chain(i.upper.iter()))
        .map(|b| &b.version)
        .chain(range.excluded())
        .filter_map(|b| fix.try_cmp(b).ok())
        .peekable();
    named.peek().is_none() || named.any(|o| o == std::cmp::Ordering::Greater)
}

/// Whether a device at `device` has one of the `fixes`: at or past a fix of the same
/// kind (a number after a number, the same letters before it: "VF10.1" says nothing of
/// "10.2").
pub fn has_fix(fixes: &[Version], device: &str) -> bool {
    let Ok(v) = Version::parse(Scheme::Vendor, device) else {
        return false;
    };
    // The letters before the number, after any label ("Softwarestand VF10.1" → "vf").
    let prefix = |s: &str| {
        let number = s
            .split_whitespace()
            .find(|w| w.chars().any(|c| c.is_ascii_digit()))
            .unwrap_or("");
        let letters: String = number
            .trim_start_matches(['v', 'V'])
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        (letters.len() < number.len()).then(|| letters.to_ascii_lowercase())
    };
    fixes.iter().any(|f| {
        prefix(v.raw()).is_some()
            && prefix(f.raw()) == prefix(v.raw())
            && v.try_cmp(f).is_ok_and(|o| o != std::cmp::Ordering::Less)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_named_as_releases() {
        assert_eq!(
            versions_in("Smiths Medical has released update Version 1.6.1 to mitigate"),
            ["1.6.1"]
        );
        assert_eq!(
            versions_in("Users can find Delta/Infinity Explorer VF10.1 software releases."),
            ["VF10.1"]
        );
        assert_eq!(
            versions_in("an updated firmware image (Version 1.14) for the GEH-SD-320AN"),
            ["1.14"]
        );
        // A release named after its product, right after the fix word, with the
        // qualifier that makes it the fix ("8.5" itself is affected).
        assert_eq!(
            versions_in("Natus has released NeuroWorks/SleepWorks 8.5 GMA 3, a software update"),
            ["8.5 GMA 3"]
        );
        assert_eq!(
            versions_in("A free software update to NeuroWorks/SleepWorks 8.5 GMA 3 is available"),
            ["8.5 GMA 3"]
        );
        assert_eq!(versions_in("upgrade to Version 4.2 SP1."), ["4.2 SP1"]);
        assert_eq!(
            versions_in("Philips plans a new release (IBE B.13) by the end of Q4 2020"),
            ["B.13"]
        );
        // Not a platform's release, nor a release named without a fix word before it.
        assert!(versions_in("has released Windows 10.1 images").is_empty());
        assert!(versions_in("affects NeuroWorks 8.5 and SleepWorks 8.4").is_empty());
        assert_eq!(
            versions_in("expected in an upcoming BD Viper LT system Version 4.80 software release"),
            ["4.80"]
        );
        assert_eq!(
            versions_in("PG8536 version 1.10: Update to version 1.20"),
            ["1.20"]
        );
        assert!(versions_in("a Metasys Server at Release 10.1 or later to monitor").is_empty());
        // Other numbers are not releases.
        assert!(
            versions_in("Windows 8.1 with IIS 7.5, TLS 1.2, call +1 (800) 258 5361").is_empty()
        );
        assert_eq!(
            versions_in("patched in version 10.0.0.1 at 192.168.0.1"),
            ["10.0.0.1"]
        );
    }

    #[test]
    fn a_device_at_or_past_a_fix_has_it() {
        let fixes = |s: &[&str]| -> Vec<Version> {
            s.iter()
                .map(|v| Version::parse(Scheme::Vendor, v).unwrap())
                .collect()
        };
        let f = fixes(&["1.6.1"]);
        assert!(has_fix(&f, "1.6.1"));
        assert!(has_fix(&f, "v1.7"));
        assert!(!has_fix(&f, "1.6"));
        assert!(!has_fix(&f, "1.5"));
        let f = fixes(&["VF10.1"]);
        assert!(has_fix(&f, "VF10.1"));
        assert!(has_fix(&f, "Softwarestand VF10.1"));
        assert!(!has_fix(&f, "VF9"));
        // Another line's number says nothing.
        assert!(!has_fix(&f, "10.2"));
        assert!(!has_fix(&fixes(&["1.14"]), "GEH-1.1"));
        let f = fixes(&["8.5 GMA 3"]);
        assert!(has_fix(&f, "8.5 GMA 3"));
        assert!(!has_fix(&f, "8.5"));
        assert!(!has_fix(&f, "8.4"));
    }

    #[test]
    fn a_fix_belongs_to_the_products_it_can_fix() {
        let range = |s: &str| medvigil_version::prose::parse(s).unwrap().range;
        let v = |s: &str| Version::parse(Scheme::Vendor, s).unwrap();
        // ExactaMix EM2400, "1.10 | 1.11 | 1.13 | 1.14": neither 1.13 (listed) nor the
        // EM1200's 1.4 (below every listed version) is its fix.
        let em2400 = range("1.10 | 1.11 | 1.13 | 1.14");
        assert!(!fix_of(&em2400, &v("1.13")));
        assert!(!fix_of(&em2400, &v("1.4")));
        assert!(fix_of(&em2400, &v("1.15")));
        assert!(fix_of(&range("1.1 | 1.5 | 1.6"), &v("1.6.1")));
        assert!(fix_of(&range("All versions"), &v("VF10.1")));
        assert!(fix_of(&range(">= 2.0"), &v("4.80")));
        assert!(!fix_of(&range(">= 2.0 | <= 5.0"), &v("4.80")));
    }
}
