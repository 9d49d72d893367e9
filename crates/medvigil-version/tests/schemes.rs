//! Table tests per scheme. Cases are taken from each ecosystem's own reference behaviour
//! (semver.org's precedence example, PEP 440's ordering and normalization sections,
//! dpkg's and Debian policy's `~` rules, rpm's rpmvercmp test cases, Maven's
//! ComparableVersion test lists, NuGet's docs), rewritten as our own tables.

use std::cmp::Ordering;

use medvigil_version::{Error, Scheme, Version};

fn v(scheme: Scheme, s: &str) -> Version {
    Version::parse(scheme, s).unwrap_or_else(|e| panic!("{scheme} {s:?} should parse: {e}"))
}

/// Checks `a op b` and its mirror `b op' a`.
fn check(scheme: Scheme, cases: &[(&str, &str, &str)]) {
    for (a, op, b) in cases {
        let want = match *op {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            _ => panic!("bad op {op}"),
        };
        let (va, vb) = (v(scheme, a), v(scheme, b));
        assert_eq!(va.try_cmp(&vb).unwrap(), want, "{scheme}: {a} {op} {b}");
        assert_eq!(
            vb.try_cmp(&va).unwrap(),
            want.reverse(),
            "{scheme}: mirror of {a} {op} {b}"
        );
    }
}

/// Checks that each version sorts strictly before every later one in the list.
fn ascending(scheme: Scheme, list: &[&str]) {
    for i in 0..list.len() {
        for j in i + 1..list.len() {
            let (a, b) = (v(scheme, list[i]), v(scheme, list[j]));
            assert_eq!(
                a.try_cmp(&b).unwrap(),
                Ordering::Less,
                "{scheme}: {} < {}",
                list[i],
                list[j]
            );
        }
    }
}

fn invalid(scheme: Scheme, cases: &[&str]) {
    for s in cases {
        match Version::parse(scheme, s) {
            Err(Error::InvalidVersion { input, reason, .. }) => {
                assert_eq!(input, s.trim());
                assert!(!reason.is_empty());
            }
            other => panic!("{scheme}: {s:?} should be invalid, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- semver / Cargo

#[test]
fn semver_precedence_example_from_the_spec() {
    for scheme in [Scheme::Semver, Scheme::Cargo, Scheme::Npm, Scheme::Go] {
        ascending(
            scheme,
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "2.0.0",
                "2.1.0",
                "2.1.1",
            ],
        );
    }
}

#[test]
fn semver_build_metadata_is_ignored_and_numbers_are_numeric() {
    check(
        Scheme::Semver,
        &[
            ("1.0.0+build.1", "=", "1.0.0+build.2"),
            ("1.0.0-rc.1+x", "<", "1.0.0"),
            ("1.10.0", ">", "1.9.0"),
            ("1.0.0-2", "<", "1.0.0-10"),
            ("1.0.0-10", "<", "1.0.0-a"),
            ("1.0.0-a-b", ">", "1.0.0-a"),
        ],
    );
}

#[test]
fn semver_rejects_what_the_spec_forbids() {
    invalid(
        Scheme::Semver,
        &[
            "",
            "1",
            "1.0",
            "1.0.0.0",
            "01.0.0",
            "1.0.0-01",
            "1.0.0-",
            "1.0.0+",
            "v1.0.0",
            "1.0.0-a..b",
            "1.0.0-é",
            "1.x.0",
        ],
    );
    invalid(Scheme::Cargo, &["1.2", "=1.2.3"]);
}

// ---------------------------------------------------------------- npm

#[test]
fn npm_tolerates_v_and_equals_prefixes() {
    check(
        Scheme::Npm,
        &[
            // node-semver's comparison fixtures, rewritten.
            ("0.0.0", ">", "0.0.0-foo"),
            ("0.0.1", ">", "0.0.0"),
            ("1.0.0", ">", "0.9.9"),
            ("0.10.0", ">", "0.9.0"),
            ("0.99.0", ">", "0.10.0"),
            ("2.0.0", ">", "1.2.3"),
            ("v0.0.0", ">", "0.0.0-foo"),
            ("1.2.3", ">", "1.2.3-asdf"),
            ("1.2.3", ">", "1.2.3-4"),
            ("1.2.3", ">", "1.2.3-4-foo"),
            ("1.2.3-5-foo", ">", "1.2.3-5"),
            ("1.2.3-5", ">", "1.2.3-4"),
            ("1.2.3-5-foo", ">", "1.2.3-5-Foo"),
            ("3.0.0", ">", "2.7.2+asdf"),
            ("1.2.3-a.10", ">", "1.2.3-a.5"),
            ("1.2.3-a.b", ">", "1.2.3-a.5"),
            ("1.2.3-a.b", ">", "1.2.3-a"),
            ("1.2.3-a.b.c.10.d.5", ">", "1.2.3-a.b.c.5.d.100"),
            ("1.2.3-r2", ">", "1.2.3-r100"),
            ("1.2.3-r100", ">", "1.2.3-R2"),
            ("v1.2.3", "=", "1.2.3"),
            ("=1.2.3", "=", "1.2.3"),
            ("1.2.3-beta", "<", "1.2.3"),
        ],
    );
    invalid(Scheme::Npm, &["1.2", "x.y.z", ""]);
}

// ---------------------------------------------------------------- Go

#[test]
fn go_versions_pseudo_versions_and_incompatible() {
    check(
        Scheme::Go,
        &[
            ("v1.2.3", "<", "v1.2.4"),
            ("v1.2", "=", "v1.2.0"),
            ("v1", "=", "v1.0.0"),
            ("1.2.3", "=", "v1.2.3"),
            // A pseudo-version before any tag sorts below the first release.
            ("v0.0.0-20191109021931-daa7c04131f5", "<", "v0.1.0"),
            // A pseudo-version after v1.2.3 sorts between it and v1.2.4.
            ("v1.2.4-0.20191109021931-daa7c04131f5", ">", "v1.2.3"),
            ("v1.2.4-0.20191109021931-daa7c04131f5", "<", "v1.2.4"),
            (
                "v1.2.4-pre.0.20191109021931-daa7c04131f5",
                ">",
                "v1.2.4-pre",
            ),
            ("v2.0.0+incompatible", "=", "v2.0.0"),
        ],
    );
    assert_eq!(
        v(Scheme::Go, "v2.0.0+incompatible").build_metadata(),
        Some("incompatible")
    );
    use medvigil_version::schemes::semver::is_go_pseudo_version;
    assert!(is_go_pseudo_version("v0.0.0-20191109021931-daa7c04131f5"));
    assert!(is_go_pseudo_version("v1.2.4-0.20191109021931-daa7c04131f5"));
    assert!(is_go_pseudo_version(
        "v1.2.4-pre.0.20191109021931-daa7c04131f5+incompatible"
    ));
    assert!(!is_go_pseudo_version("v1.2.4-rc.1"));
    invalid(Scheme::Go, &["v1.2-pre", "vv1.2.3", "v1.2.3.4", ""]);
}

// ---------------------------------------------------------------- PEP 440

#[test]
fn pep440_ordering_from_the_spec() {
    ascending(
        Scheme::Pep440,
        &[
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
            "1!0.1",
        ],
    );
}

#[test]
fn pep440_normalization_equalities() {
    check(
        Scheme::Pep440,
        &[
            ("1.0ALPHA1", "=", "1.0a1"),
            ("1.0-alpha.1", "=", "1.0a1"),
            ("1.0a", "=", "1.0a0"),
            ("1.0c1", "=", "1.0rc1"),
            ("1.0pre", "=", "1.0rc0"),
            ("1.0preview2", "=", "1.0rc2"),
            ("1.0-1", "=", "1.0.post1"),
            ("1.0-r4", "=", "1.0.post4"),
            ("1.0rev", "=", "1.0.post0"),
            ("1.0_post_2", "=", "1.0.post2"),
            ("1.0.dev", "=", "1.0.dev0"),
            ("v1.0", "=", "1.0"),
            ("1.0", "=", "1.0.0"),
            ("0!1.0", "=", "1.0"),
            ("1.0+ubuntu-1", "=", "1.0+ubuntu.1"),
            ("1!1.0", ">", "2.0"),
            ("1.0.post1", ">", "1.0"),
            ("2.0", ">", "1.99"),
        ],
    );
}

#[test]
fn pep440_rejects_non_versions() {
    invalid(
        Scheme::Pep440,
        &[
            "",
            "foo",
            "1.0 beta junk",
            "1.0+",
            "1.0+abc..1",
            "1..0",
            "1.0-",
            "1.0a1b2",
            "1.0!",
        ],
    );
}

// ---------------------------------------------------------------- Debian

#[test]
fn debian_tilde_and_policy_examples() {
    // Debian policy 5.6.12: ~~ < ~~a < ~ < (end) < a; letters sort before non-letters.
    ascending(
        Scheme::Debian,
        &["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+"],
    );
    check(
        Scheme::Debian,
        &[
            ("1.0", "=", "1.0-0"),
            ("0:1.0", "=", "1.0"),
            ("1.01", "=", "1.1"),
            ("1:1.0", ">", "2.0"),
            ("1.0~rc1", "<", "1.0"),
            ("1.0-1", "<", "1.0-2"),
            ("1.0-1", "<", "1.0.1-1"),
            ("2.30-1", ">", "2.3-1"),
            ("1.0+dfsg-1", ">", "1.0-1"),
            ("1.0-1ubuntu1", ">", "1.0-1"),
            ("1.0-1~bpo11+1", "<", "1.0-1"),
            ("2:1.2.3-4", "=", "2:1.2.3-4"),
            ("1.2-3-4", ">", "1.2-3"),
            ("7.6p2-4", ">", "7.6-0"),
            ("1.0.3-3", ">", "1.0-1"),
            ("1.3", ">", "1.2.2-2"),
            ("1.3", ">", "1.2.2"),
            ("0-pre", "=", "0-pre"),
            ("0-pre", "<", "0-pree"),
            ("1.1.6r2-2", ">", "1.1.6r-1"),
            ("2.6b2-1", ">", "2.6b-2"),
            ("98.1-pre2-b6-2", ">", "98.1p5-1"),
            ("0.4a6-2", ">", "0.4-1"),
            ("1:3.0.5-2", "<", "1:3.1.0-1"),
            ("4.4.3-2", "<", "4.4.3-3"),
            ("1:2.0.7pre1-4", "<", "1:2.0.7r-1"),
            ("0:0-0-0", ">", "0-0"),
            ("0:1.0", "<", "0:1.0a"),
            ("10.11.1.3-2", ">", "10.11.1.3-1"),
        ],
    );
}

#[test]
fn debian_rejects_bad_syntax() {
    invalid(
        Scheme::Debian,
        &[
            "", "a1.0", "1.0 1", "1:", "x:1.0", "1.0-", "1.0-a_b", "1.0/2",
        ],
    );
}

// ---------------------------------------------------------------- RPM

#[test]
fn rpm_rpmvercmp_cases() {
    check(
        Scheme::Rpm,
        &[
            ("1.0", "=", "1.0"),
            ("1.0", "<", "2.0"),
            ("2.0.1", ">", "2.0"),
            ("2.0.1a", ">", "2.0.1"),
            ("5.5p1", "<", "5.5p2"),
            ("5.5p10", ">", "5.5p1"),
            ("10xyz", "<", "10.1xyz"),
            ("xyz10", "<", "xyz10.1"),
            ("xyz.4", "<", "8"),
            ("xyz.4", "<", "2"),
            ("5.5p2", "<", "5.6p1"),
            ("5.6p1", "<", "6.5p1"),
            ("6.0.rc1", ">", "6.0"),
            ("10b2", ">", "10a1"),
            ("10a2", "<", "10b2"),
            ("1.0aa", "=", "1.0aa"),
            ("1.0a", "<", "1.0aa"),
            ("10.0001", "=", "10.1"),
            ("10.0039", ">", "10.0001"),
            ("4.999.9", "<", "5.0"),
            ("20101121", ">", "20101120"),
            ("2_0", "=", "2.0"),
            ("a+", "=", "a_"),
            ("+_", "=", "_+"),
            // Tilde: before everything, even the end.
            ("1.0~rc1", "<", "1.0"),
            ("1.0~rc1", "<", "1.0~rc2"),
            ("1.0~rc1~git123", "<", "1.0~rc1"),
            // Caret: after the end, before anything else.
            ("1.0^", ">", "1.0"),
            ("1.0^git1", ">", "1.0"),
            ("1.0^git1", "<", "1.01"),
            ("1.0^20160101", "<", "1.0.1"),
            ("1.0^20160101^git1", ">", "1.0^20160101"),
            ("1.0~rc1^git1", ">", "1.0~rc1"),
            ("1.0~rc1^git1", "<", "1.0"),
            ("1.0^git1~pre", "<", "1.0^git1"),
            ("1.0^git1", "<", "1.0^git2"),
            // Epoch and release.
            ("1:1.0", ">", "2.0"),
            ("0:1.0", "=", "1.0"),
            ("1.0-2", ">", "1.0-1"),
            ("1.0-1.el9", "<", "1.0-1.el10"),
            ("2.4.6-1.fc38", "<", "2.4.7-1.fc37"),
        ],
    );
    invalid(
        Scheme::Rpm,
        &["", "1.0 1", "x:1.0", "1:2:3", "1.0-", ":1.0"],
    );
}

// ---------------------------------------------------------------- Maven

#[test]
fn maven_qualifier_order() {
    ascending(
        Scheme::Maven,
        &[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ],
    );
}

/// Maven 3.x order (since MNG-5568 a `-1` sublist sorts before a `.a` qualifier item).
#[test]
fn maven_number_order() {
    ascending(
        Scheme::Maven,
        &[
            "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b",
            "2.1-c", "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11",
            "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
        ],
    );
}

#[test]
fn maven_equalities_and_padding() {
    check(
        Scheme::Maven,
        &[
            ("1", "=", "1.0"),
            ("1", "=", "1.0.0"),
            ("1.0", "=", "1.0.0"),
            ("1", "=", "1-0"),
            ("1", "=", "1.0-0"),
            ("1.0-0", "=", "1.0.0-0"),
            ("1a", "=", "1-a"),
            ("1a", "=", "1.0-a"),
            ("1a1", "=", "1-alpha-1"),
            ("1b2", "=", "1-beta-2"),
            ("1m3", "=", "1-milestone-3"),
            ("1X", "=", "1x"),
            ("1A", "=", "1a"),
            ("1cr", "=", "1rc"),
            ("1ga", "=", "1"),
            ("1-ga", "=", "1"),
            ("1.final", "=", "1"),
            ("1.0.RELEASE", "=", "1.0"),
            ("1-FINAL", "=", "1"),
            ("2.0-SNAPSHOT", "<", "2.0"),
            ("2.0-alpha-1", "<", "2.0-beta-1"),
            ("2.0-beta-1", "<", "2.0-rc-1"),
            ("2.0-rc-1", "<", "2.0"),
            ("2.0", "<", "2.0-sp1"),
            ("2.0.0.Final", "<", "2.0.1"),
            ("1.0-alpha-1", "<", "1.0"),
        ],
    );
    assert!(v(Scheme::Maven, "2.0-SNAPSHOT").is_prerelease());
    assert!(!v(Scheme::Maven, "2.0-sp1").is_prerelease());
    invalid(Scheme::Maven, &["", "1.0 beta"]);
}

// ---------------------------------------------------------------- NuGet

#[test]
fn nuget_four_parts_and_case_insensitive_labels() {
    check(
        Scheme::NuGet,
        &[
            ("1.0", "=", "1.0.0"),
            ("1.0.0", "=", "1.0.0.0"),
            ("1", "=", "1.0.0.0"),
            ("1.01", "=", "1.1"),
            ("1.0.0-BETA", "=", "1.0.0-beta"),
            ("1.0.0-beta", "<", "1.0.0"),
            ("1.0.0.1", ">", "1.0.0"),
            ("1.0.0-alpha.2", "<", "1.0.0-alpha.10"),
            ("1.0.0-Alpha", "<", "1.0.0-beta"),
            ("1.0.0+meta", "=", "1.0.0"),
            ("4.5.1-rc.2", "<", "4.5.1"),
        ],
    );
    invalid(Scheme::NuGet, &["", "1.0.0.0.0", "a", "1.0.0-", "1..0"]);
}

// ---------------------------------------------------------------- generic

#[test]
fn generic_fallback_rules() {
    check(
        Scheme::Generic,
        &[
            ("1.0", "=", "1"),
            ("1.10", ">", "1.9"),
            ("1.0a", "<", "1.0.1"),
            ("1.0", "<", "1.0a"),
            ("1.0-RC1", "=", "1.0rc1"),
            ("2023.3_Build_9342", ">", "2023.3_Build_9341"),
            ("r12", "<", "r13"),
        ],
    );
    invalid(Scheme::Generic, &["", "...", "--"]);
}

// ---------------------------------------------------------------- vendor firmware

#[test]
fn vendor_firmware_strings() {
    check(
        Scheme::Vendor,
        &[
            ("V2.3.0.12", "=", "2.3.0.12"),
            ("v4.1 build 118", "<", "v4.1 build 200"),
            ("v4.1 build 118", ">", "4.1"),
            ("v4.1 build 118", "<", "4.2"),
            ("4.2", "<", "4.2 SP1"),
            ("4.2 SP1", "<", "4.2 SP2"),
            ("4.2 SP2", "<", "4.3"),
            ("4.2.0 SP1", "=", "4.2 SP1"),
            ("2.0", "=", "2"),
            ("2.0.0", "=", "2"),
            ("4.2 beta", "<", "4.2"),
            ("4.2 rc1", ">", "4.2 beta"),
            ("2.4A", ">", "2.4"),
            ("2.4A", "<", "2.4.1"),
            ("2.6A", ">", "2.4A"),
            ("Rev C", ">", "Rev B"),
            ("Rev C", "=", "c"),
            ("Rev M", ">", "Rev C"),
            ("3.0 D15", ">", "3.0"),
            ("BT03", "<", "BT06"),
            ("L81", ">", "L80"),
            ("VM5.0", "<", "VM5.1"),
            ("Version 1.5", "=", "1.5"),
            ("firmware v2.1", "=", "2.1"),
            ("1.1.3 MR Build 11", ">", "1.1.3 Build 10"),
            ("12.2.8.410", "<", "12.2.9"),
            ("2023.3_Build_9342", "=", "2023.3 build 9342"),
            ("4107600010.23", ">", "4107600010.1"),
            ("V2.3.0.12 VE", ">", "V2.3.0.12"),
            ("V2.3.0.12 VE", "<", "V2.3.0.13"),
            // Dates order in time, whatever their spelling.
            ("November 29 2017", "=", "11/29/2017"),
            ("26-June-2017", "<", "07-August-2018"),
            ("May 2018", "<", "July 1 2018"),
            ("8/30/2024", ">", "Nov 2023"),
        ],
    );
    assert!(v(Scheme::Vendor, "4.2 beta").is_prerelease());
    // Wildcards are series (ranges), not versions.
    invalid(
        Scheme::Vendor,
        &["2.X", "1.x", "5.x.x", "*", "", "---", "August 28"],
    );
}

// ---------------------------------------------------------------- across schemes

#[test]
fn comparing_across_schemes_is_an_error() {
    let a = v(Scheme::Pep440, "1.0");
    let b = v(Scheme::Semver, "1.0.0");
    assert!(a.partial_cmp(&b).is_none());
    assert!(a != b);
    match a.try_cmp(&b) {
        Err(Error::SchemeMismatch {
            left_scheme,
            right_scheme,
            left,
            right,
        }) => {
            assert_eq!(
                (left_scheme, right_scheme),
                (Scheme::Pep440, Scheme::Semver)
            );
            assert_eq!((left.as_str(), right.as_str()), ("1.0", "1.0.0"));
        }
        other => panic!("expected a scheme mismatch, got {other:?}"),
    }
}

#[test]
fn scheme_lookup_reports_the_generic_fallback() {
    for (name, scheme) in [
        ("PyPI", Scheme::Pep440),
        ("Go", Scheme::Go),
        ("crates.io", Scheme::Cargo),
        ("Debian:12", Scheme::Debian),
        ("Maven", Scheme::Maven),
        ("npm", Scheme::Npm),
        ("NuGet", Scheme::NuGet),
        ("deb", Scheme::Debian),
        ("golang", Scheme::Go),
        ("Red Hat", Scheme::Rpm),
        ("AlmaLinux:9", Scheme::Rpm),
    ] {
        let l = Scheme::lookup(name);
        assert_eq!((l.scheme, l.fallback), (scheme, false), "{name}");
    }
    let l = Scheme::lookup("Hackage");
    assert_eq!((l.scheme, l.fallback), (Scheme::Generic, true));
    assert!("hackage".parse::<Scheme>().is_err());
    for s in Scheme::ALL {
        assert_eq!(s.name().parse::<Scheme>().unwrap(), s);
    }
}

#[test]
fn raw_string_is_kept() {
    let x = v(Scheme::Pep440, "  1.0-Alpha.1 ");
    assert_eq!(x.raw(), "1.0-Alpha.1");
    assert_eq!(x.to_string(), "1.0-Alpha.1");
    assert_eq!(x.scheme(), Scheme::Pep440);
}

#[test]
fn hostile_lengths_are_refused_not_crashed() {
    let deep = "a1".repeat(100_000);
    for scheme in Scheme::ALL {
        match Version::parse(scheme, &deep) {
            Err(Error::InvalidVersion { reason, .. }) => {
                assert!(reason.contains("longer than"), "{reason}")
            }
            other => panic!("{scheme}: {other:?}"),
        }
    }
    // Just under the cap still parses (and compares) under Maven's nested lists.
    let ok = "1".to_string() + &"a1".repeat(120);
    let a = v(Scheme::Maven, &ok);
    assert_eq!(a.try_cmp(&a).unwrap(), Ordering::Equal);
}
