//! Property tests: for every scheme the order is total, antisymmetric and transitive,
//! parsing keeps the raw string, and range containment agrees with the bounds (also
//! after a trip through the `vers` string).

use std::cmp::Ordering;

use medvigil_version::{Bound, Interval, Scheme, Vers, Version, VersionRange};
use proptest::prelude::*;

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(options).prop_map(str::to_string)
}

/// Strings that are (mostly) valid versions of `scheme`, built from its own vocabulary.
fn raw(scheme: Scheme) -> BoxedStrategy<String> {
    let n = || 0u32..12;
    match scheme {
        Scheme::Semver | Scheme::Cargo | Scheme::Npm | Scheme::Go => (
            n(),
            n(),
            n(),
            proptest::collection::vec(
                pick(&["0", "1", "2", "10", "alpha", "beta", "rc", "a-b", "x1"]),
                0..3,
            ),
            proptest::option::of(pick(&["build.1", "incompatible", "sha.5114f85"])),
        )
            .prop_map(move |(a, b, c, pre, build)| {
                let mut s = format!("{a}.{b}.{c}");
                if scheme == Scheme::Go {
                    s.insert(0, 'v');
                }
                if !pre.is_empty() {
                    s.push('-');
                    s.push_str(&pre.join("."));
                }
                if let Some(b) = build {
                    s.push('+');
                    s.push_str(&b);
                }
                s
            })
            .boxed(),
        Scheme::Pep440 => (
            proptest::option::of(0u32..3),
            proptest::collection::vec(n(), 1..4),
            proptest::option::of((
                pick(&["a", "b", "rc", "alpha", "c", "-beta."]),
                proptest::option::of(n()),
            )),
            proptest::option::of((pick(&[".post", "-", "_r", "post"]), n())),
            proptest::option::of((pick(&[".dev", "dev", "-dev"]), n())),
            proptest::option::of(pick(&["+local", "+ubuntu.1", "+5", "+abc.7"])),
        )
            .prop_map(|(epoch, rel, pre, post, dev, local)| {
                let mut s = String::new();
                if let Some(e) = epoch {
                    s.push_str(&format!("{e}!"));
                }
                s.push_str(&rel.iter().map(u32::to_string).collect::<Vec<_>>().join("."));
                if let Some((l, k)) = pre {
                    s.push_str(&l);
                    if let Some(k) = k {
                        s.push_str(&k.to_string());
                    }
                }
                if let Some((l, k)) = post {
                    s.push_str(&format!("{l}{k}"));
                }
                if let Some((l, k)) = dev {
                    s.push_str(&format!("{l}{k}"));
                }
                if let Some(l) = local {
                    s.push_str(&l);
                }
                s
            })
            .boxed(),
        Scheme::Debian => (
            proptest::option::of(0u32..3),
            n(),
            proptest::collection::vec(
                pick(&[
                    ".", "0", "1", "12", "a", "b", "~", "~~", "+", "+dfsg", "~rc1", "-",
                ]),
                0..5,
            ),
            proptest::option::of(pick(&["1", "2", "1ubuntu1", "0~bpo1", "1.1"])),
        )
            .prop_map(|(epoch, first, rest, rev)| {
                let mut s = String::new();
                if let Some(e) = epoch {
                    s.push_str(&format!("{e}:"));
                }
                s.push_str(&first.to_string());
                s.push_str(&rest.concat().replace('-', "."));
                if let Some(r) = rev {
                    s.push('-');
                    s.push_str(&r);
                }
                s
            })
            .boxed(),
        Scheme::Rpm => (
            proptest::option::of(0u32..3),
            proptest::collection::vec(
                pick(&[
                    "0", "1", "2", "10", "001", "a", "b", "rc", ".", "_", "~", "^", "git",
                ]),
                1..6,
            ),
            proptest::option::of(pick(&["1", "2.el9", "1.fc38", "0.1"])),
        )
            .prop_map(|(epoch, parts, rel)| {
                let mut s = String::new();
                if let Some(e) = epoch {
                    s.push_str(&format!("{e}:"));
                }
                s.push_str(&parts.concat());
                if let Some(r) = rel {
                    s.push('-');
                    s.push_str(&r);
                }
                s
            })
            .boxed(),
        // Maven's own order is not transitive for some strings (see schemes/maven.rs),
        // so versions here have the shapes artifacts use: numbers, then a `-qualifier`
        // with an optional number or a `.Final`-style alias, then an optional -SNAPSHOT.
        Scheme::Maven => (
            proptest::collection::vec(n(), 1..4),
            proptest::option::of(prop_oneof![
                (
                    Just("-"),
                    pick(&["alpha", "beta", "rc", "cr", "m", "sp", "final", "ga", "xyz"]),
                    proptest::option::of((pick(&["", "-", "."]), n())),
                ),
                (Just("."), pick(&["Final", "RELEASE", "GA"]), Just(None)),
            ]),
            any::<bool>(),
        )
            .prop_map(|(nums, qual, snapshot)| {
                let mut s = nums
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                if let Some((sep, q, num)) = qual {
                    let q: String = q;
                    s.push_str(&format!("{sep}{q}"));
                    if let Some((sep, k)) = num {
                        s.push_str(&format!("{sep}{k}"));
                    }
                }
                if snapshot {
                    s.push_str("-SNAPSHOT");
                }
                s
            })
            .boxed(),
        Scheme::NuGet => (
            proptest::collection::vec(n(), 1..5),
            proptest::collection::vec(
                pick(&["1", "2", "10", "alpha", "Alpha", "BETA", "rc"]),
                0..3,
            ),
        )
            .prop_map(|(nums, pre)| {
                let mut s = nums
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".");
                if !pre.is_empty() {
                    s.push('-');
                    s.push_str(&pre.join("."));
                }
                s
            })
            .boxed(),
        Scheme::Generic => proptest::collection::vec(
            pick(&["1", "2", "0", "10", ".", "-", "_", "a", "RC", "build", " "]),
            1..7,
        )
        .prop_map(|p| p.concat())
        .boxed(),
        Scheme::Vendor => (
            proptest::option::of(pick(&["v", "V", "Version ", "Rev ", "firmware "])),
            proptest::collection::vec(
                pick(&[
                    "1",
                    "2",
                    "0",
                    "10",
                    "4.2",
                    ".",
                    " ",
                    "SP1",
                    "SP2",
                    "build 118",
                    "beta",
                    "rc1",
                    "A",
                    "C",
                    "D15",
                    "VE",
                ]),
                1..6,
            ),
        )
            .prop_map(|(label, parts)| format!("{}{}", label.unwrap_or_default(), parts.concat()))
            .boxed(),
        _ => unreachable!(),
    }
}

/// A parsed version of `scheme`, generated through its raw strategy.
fn version(scheme: Scheme) -> impl Strategy<Value = Version> {
    raw(scheme).prop_filter_map("not a valid version", move |s| {
        Version::parse(scheme, &s).ok()
    })
}

fn any_scheme() -> impl Strategy<Value = Scheme> {
    proptest::sample::select(Scheme::ALL.to_vec())
}

fn triple() -> impl Strategy<Value = (Version, Version, Version)> {
    any_scheme().prop_flat_map(|s| (version(s), version(s), version(s)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn order_is_total_antisymmetric_and_transitive((a, b, c) in triple()) {
        let ab = a.try_cmp(&b).unwrap();
        prop_assert_eq!(b.try_cmp(&a).unwrap(), ab.reverse(), "{} vs {}", a, b);
        prop_assert_eq!(a.try_cmp(&a).unwrap(), Ordering::Equal);
        let bc = b.try_cmp(&c).unwrap();
        let ac = a.try_cmp(&c).unwrap();
        if ab != Ordering::Greater && bc != Ordering::Greater {
            prop_assert_ne!(ac, Ordering::Greater, "{} <= {} <= {} but {} > {}", a, b, c, a, c);
        }
        if ab == Ordering::Equal && bc == Ordering::Equal {
            prop_assert_eq!(ac, Ordering::Equal);
        }
        // PartialEq/PartialOrd agree with try_cmp.
        prop_assert_eq!(a.partial_cmp(&b), Some(ab));
        prop_assert_eq!(a == b, ab == Ordering::Equal);
    }

    #[test]
    fn parse_display_round_trips((scheme, s) in any_scheme().prop_flat_map(|s| (Just(s), raw(s)))) {
        if let Ok(v) = Version::parse(scheme, &s) {
            prop_assert_eq!(v.raw(), s.trim());
            prop_assert_eq!(v.to_string(), s.trim());
            let again = Version::parse(scheme, &v.to_string()).unwrap();
            prop_assert_eq!(again.try_cmp(&v).unwrap(), Ordering::Equal);
        }
    }

    #[test]
    fn containment_agrees_with_bounds(
        (a, b, t) in triple(),
        lower_incl in any::<bool>(),
        upper_incl in any::<bool>(),
        has_lower in any::<bool>(),
        has_upper in any::<bool>(),
    ) {
        let (lo, hi) = if a.try_cmp(&b).unwrap() == Ordering::Greater { (b, a) } else { (a, b) };
        let lower = has_lower.then(|| Bound { version: lo.clone(), inclusive: lower_incl });
        let upper = has_upper.then(|| Bound { version: hi.clone(), inclusive: upper_incl });
        let Ok(range) = VersionRange::new(t.scheme(), vec![Interval { lower, upper }], vec![]) else {
            // Only an empty interval (lo == hi, not both inclusive) is refused.
            prop_assert_eq!(lo.try_cmp(&hi).unwrap(), Ordering::Equal);
            return Ok(());
        };
        let above = !has_lower || match t.try_cmp(&lo).unwrap() {
            Ordering::Greater => true,
            Ordering::Equal => lower_incl,
            Ordering::Less => false,
        };
        let below = !has_upper || match t.try_cmp(&hi).unwrap() {
            Ordering::Less => true,
            Ordering::Equal => upper_incl,
            Ordering::Greater => false,
        };
        prop_assert_eq!(range.contains(&t).unwrap(), above && below, "{} in {}", t, range);
        // Line containment only ever adds versions.
        if above && below {
            prop_assert!(range.contains_line(&t).unwrap());
        }
        // The complement holds exactly the others.
        prop_assert_eq!(range.complement().contains(&t).unwrap(), !(above && below), "{} in complement of {}", t, range);
        // The same answer through the vers string, by the spec's own procedure, except
        // where the vers notation cannot keep two equal-but-differently-written bounds.
        if lo.try_cmp(&hi).unwrap() != Ordering::Equal || !(has_lower && has_upper) {
            let text = range.to_vers();
            let vers = Vers::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            prop_assert_eq!(vers.contains(&t).unwrap(), above && below, "{} in {}", t, text);
        }
    }

    #[test]
    fn union_contains_exactly_both(
        (a, b, c, d, t) in any_scheme().prop_flat_map(|s| (version(s), version(s), version(s), version(s), version(s)))
    ) {
        let mk = |x: &Version, y: &Version| {
            let (lo, hi) = if x.try_cmp(y).unwrap() == Ordering::Greater { (y, x) } else { (x, y) };
            let i = Interval { lower: Some(Bound::inclusive(lo.clone())), upper: Some(Bound::inclusive(hi.clone())) };
            VersionRange::new(t.scheme(), vec![i], vec![]).unwrap()
        };
        let (r1, r2) = (mk(&a, &b), mk(&c, &d));
        let u = r1.union(&r2).unwrap();
        prop_assert_eq!(u.contains(&t).unwrap(), r1.contains(&t).unwrap() || r2.contains(&t).unwrap(), "{} in {} = {} | {}", t, u, r1, r2);
    }
}

/// Text that looks like versions and ranges, with the characters parsers split on, plus
/// some non-ASCII.
fn messy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            pick(&[
                "1",
                "0",
                "12",
                ".",
                "-",
                "_",
                "~",
                "^",
                "+",
                ":",
                "!",
                "|",
                "*",
                "x",
                "X",
                "<",
                "<=",
                ">",
                ">=",
                "=",
                "!=",
                " ",
                "(",
                ")",
                ",",
                "/",
                "%",
                "%2",
                "%7C",
                "v",
                "V",
                "a",
                "rc",
                "beta",
                "dev",
                "post",
                "SP",
                "build",
                "Rev",
                "and",
                "prior",
                "to",
                "through",
                "all",
                "versions",
                "vers:",
                "vers:npm/",
                "vers:all/",
                "pypi",
                "May",
                "2018",
                "é",
                "ß",
                "İ",
                "\u{0}",
                "\t",
            ]),
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..14,
    )
    .prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    /// Bad input never panics: every parser returns a value or an error.
    #[test]
    fn parsers_never_panic(s in messy()) {
        for scheme in Scheme::ALL {
            let _ = Version::parse(scheme, &s);
        }
        let _ = Vers::parse(&s);
        if let Ok(p) = medvigil_version::prose::parse(&s) {
            let _ = p.range.to_vers();
            let _ = p.range.complement();
        }
        let _ = medvigil_version::osv::range(Scheme::Semver, "SEMVER", &[medvigil_version::osv::Event::Introduced(&s)]);
    }

    /// A small alphabet, so that non-ASCII letters land next to numbers and wildcards.
    #[test]
    fn parsers_never_panic_near_non_ascii(
        s in proptest::collection::vec(
            pick(&["é", "İ", "ẞ", "1", "2", ".", "x", "X", "*", " ", "-", "<", "=", "|", "and", "prior", "v", "(", ")"]),
            0..10,
        )
        .prop_map(|p| p.concat())
    ) {
        for scheme in Scheme::ALL {
            let _ = Version::parse(scheme, &s);
        }
        let _ = Vers::parse(&s);
        let _ = medvigil_version::prose::parse(&s);
    }

    #[test]
    fn parsers_never_panic_on_any_string(s in any::<String>()) {
        for scheme in Scheme::ALL {
            let _ = Version::parse(scheme, &s);
        }
        let _ = Vers::parse(&s);
        let _ = medvigil_version::prose::parse(&s);
    }
}
