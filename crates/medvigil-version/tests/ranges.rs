//! Table tests per range source: `vers`, OSV events, NVD cpeMatch bounds, CVE 5 entries
//! and CISA's prose.

/// `(version, expected containment)` pairs.
type Checks<'a> = &'a [(&'a str, bool)];

use medvigil_version::cve5::{self, Entry, Status};
use medvigil_version::osv::{self, Event};
use medvigil_version::{Error, Scheme, Vers, Version, nvd, prose};

fn v(scheme: Scheme, s: &str) -> Version {
    Version::parse(scheme, s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

// ---------------------------------------------------------------- vers: parsing

#[test]
fn vers_parses_normalizes_and_renders_canonically() {
    let cases = [
        ("vers:npm/1.2.3", "vers:npm/1.2.3"),
        ("vers:npm/=1.2.3", "vers:npm/1.2.3"),
        ("vers:npm/ >=1.0.0 | <2.0.0 ", "vers:npm/>=1.0.0|<2.0.0"),
        ("vers:npm/<2.0.0|>=1.0.0", "vers:npm/>=1.0.0|<2.0.0"),
        ("vers:pypi/||>=0.0.0|<0.4.2||", "vers:pypi/>=0.0.0|<0.4.2"),
        (
            "vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1",
            "vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1",
        ),
        (
            "vers:tomee/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7",
            "vers:tomee/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7",
        ),
        (
            "vers:deb/>=2.9.3-1|!=2.9.3-2|<2.9.4",
            "vers:deb/>=2.9.3-1|!=2.9.3-2|<2.9.4",
        ),
        (
            "vers:maven/>=1.0-beta|<1.0|>=2.0|<2.1",
            "vers:maven/>=1.0-beta|<1.0|>=2.0|<2.1",
        ),
        (
            "vers:gem/>=2.2.0|!=2.2.1|<2.3.0",
            "vers:gem/>=2.2.0|!=2.2.1|<2.3.0",
        ),
        (
            "vers:golang/>=v1.2.3|<v2.0.0",
            "vers:golang/>=v1.2.3|<v2.0.0",
        ),
        ("vers:generic/>=1.0%7C2|<2", "vers:generic/>=1.0%7C2|<2"),
        ("vers:all/*", "vers:all/*"),
        ("vers:npm/*", "vers:npm/*"),
    ];
    for (input, canonical) in cases {
        let r = Vers::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(r.to_string(), canonical, "{input}");
        // The canonical form parses back to itself.
        assert_eq!(Vers::parse(canonical).unwrap().to_string(), canonical);
    }
    assert!(Vers::parse("vers:tomee/1.0").unwrap().fallback());
    assert!(!Vers::parse("vers:npm/1.0.0").unwrap().fallback());
    assert_eq!(
        Vers::parse("vers:pypi/1.0").unwrap().scheme(),
        Scheme::Pep440
    );
}

#[test]
fn vers_rejects_invalid_ranges_with_a_reason() {
    let cases = [
        ("npm/1.0.0", "vers:"),
        ("VERS:npm/1.0.0", "lowercase"),
        ("vers:NPM/1.0.0", "lowercase"),
        ("vers:npm", "'/'"),
        ("vers:/1.0.0", "empty versioning scheme"),
        ("vers:npm/", "no constraints"),
        ("vers:npm/|||", "no constraints"),
        ("vers:npm/*|>=1.0.0", "alone"),
        ("vers:npm/>=", "empty version"),
        ("vers:npm/1.0.0|1.0.0", "more than once"),
        ("vers:npm/>=1.0.0|<=1.0.0", "more than once"),
        ("vers:npm/<1.0.0|<2.0.0", "alternate"),
        ("vers:npm/>1.0.0|>=2.0.0", "alternate"),
        ("vers:npm/1.0.0|<2.0.0", "redundant"),
        ("vers:npm/not-a-version", "not a valid npm version"),
        ("vers:generic/%zz", "hex"),
        ("vers:all/1.0", "only allows '*'"),
    ];
    for (input, why) in cases {
        match Vers::parse(input) {
            Err(Error::InvalidRange {
                reason, input: got, ..
            }) => {
                assert!(
                    reason.contains(why),
                    "{input}: reason {reason:?} should mention {why:?}"
                );
                assert_eq!(got, input);
            }
            other => panic!("{input} should be invalid, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- vers: containment

#[test]
fn vers_containment_follows_the_spec_procedure() {
    let cases: &[(&str, Checks)] = &[
        ("vers:npm/*", &[("0.0.1", true), ("99.0.0", true)]),
        ("vers:npm/1.2.3", &[("1.2.3", true), ("1.2.4", false)]),
        ("vers:npm/!=1.2.3", &[("1.2.3", false), ("1.2.4", false)]),
        (
            "vers:npm/<2.0.0",
            &[("1.9.9", true), ("2.0.0", false), ("2.0.0-rc.1", true)],
        ),
        ("vers:npm/<=2.0.0", &[("2.0.0", true), ("2.0.1", false)]),
        ("vers:npm/>1.0.0", &[("1.0.0", false), ("1.0.1", true)]),
        (
            "vers:npm/>=1.0.0|<2.0.0",
            &[
                ("0.9.0", false),
                ("1.0.0", true),
                ("1.5.0", true),
                ("2.0.0", false),
            ],
        ),
        (
            "vers:npm/>=1.0.0|!=1.5.0|<2.0.0",
            &[("1.5.0", false), ("1.5.1", true)],
        ),
        (
            "vers:npm/<1.0.0|>=2.0.0|<3.0.0|>=4.0.0",
            &[
                ("0.1.0", true),
                ("1.0.0", false),
                ("2.5.0", true),
                ("3.5.0", false),
                ("4.0.0", true),
                ("9.0.0", true),
            ],
        ),
        (
            "vers:npm/1.0.0|>=2.0.0",
            &[("1.0.0", true), ("1.5.0", false), ("2.1.0", true)],
        ),
        (
            "vers:pypi/>=1.0|<1.4.2|!=1.2.0",
            &[
                ("1.4.2rc1", true),
                ("1.2.0", false),
                ("1.2", false),
                ("1.4.2", false),
            ],
        ),
        (
            "vers:deb/>=2.9.3-1|<2.9.4",
            &[("2.9.3-1", true), ("2.9.4~rc1-1", true), ("2.9.4-1", false)],
        ),
        ("vers:rpm/<1.0", &[("1.0~rc1", true), ("1.0^git1", false)]),
        (
            "vers:maven/>=1.0-beta|<1.0",
            &[("1.0-rc1", true), ("1.0", false)],
        ),
        (
            "vers:golang/<v1.2.4",
            &[("v1.2.4-0.20191109021931-daa7c04131f5", true)],
        ),
        (
            "vers:nuget/<1.0.0.1",
            &[("1.0", true), ("1.0.0.1-BETA", true)],
        ),
    ];
    for (range, checks) in cases {
        let r = Vers::parse(range).unwrap();
        let as_range = r.to_range();
        for (version, want) in *checks {
            let ver = v(r.scheme(), version);
            assert_eq!(r.contains(&ver).unwrap(), *want, "{version} in {range}");
            // The interval form agrees with the spec's procedure.
            assert_eq!(
                as_range.contains(&ver).unwrap(),
                *want,
                "{version} in {range} as {as_range}"
            );
        }
    }
}

#[test]
fn vers_containment_refuses_other_schemes_except_all() {
    let r = Vers::parse("vers:npm/>=1.0.0").unwrap();
    assert!(matches!(
        r.contains(&v(Scheme::Pep440, "1.0")),
        Err(Error::SchemeMismatch { .. })
    ));
    let all = Vers::parse("vers:all/*").unwrap();
    assert!(all.contains(&v(Scheme::Pep440, "1.0")).unwrap());
    let none = Vers::parse("vers:none/*").unwrap();
    assert!(!none.contains(&v(Scheme::Pep440, "1.0")).unwrap());
    assert!(none.to_range().is_empty());
    assert_eq!(none.to_string(), "vers:none/*");
    assert!(Vers::parse("vers:none/1.0").is_err());
}

// ---------------------------------------------------------------- OSV

#[test]
fn osv_events_walk_to_intervals() {
    let s = Scheme::Semver;
    let cases: &[(&[Event], &str, Checks)] = &[
        (
            &[Event::Introduced("0"), Event::Fixed("1.0.1")],
            "vers:semver/<1.0.1",
            &[("0.0.1", true), ("1.0.0", true), ("1.0.1", false)],
        ),
        (
            &[Event::Introduced("1.0.0"), Event::LastAffected("1.2.0")],
            "vers:semver/>=1.0.0|<=1.2.0",
            &[("1.2.0", true), ("1.2.1", false), ("0.9.0", false)],
        ),
        (
            &[Event::Introduced("1.0.0")],
            "vers:semver/>=1.0.0",
            &[("99.0.0", true), ("0.1.0", false)],
        ),
        // Two affected runs, given out of order: the schema says sort first.
        (
            &[
                Event::Introduced("2.0.0"),
                Event::Fixed("2.1.3"),
                Event::Introduced("1.0.0"),
                Event::Fixed("1.4.7"),
            ],
            "vers:semver/>=1.0.0|<1.4.7|>=2.0.0|<2.1.3",
            &[
                ("1.4.7", false),
                ("1.5.0", false),
                ("2.0.0", true),
                ("2.1.2", true),
                ("2.1.3", false),
            ],
        ),
        // A second introduced inside a run changes nothing.
        (
            &[
                Event::Introduced("1.0.0"),
                Event::Introduced("1.1.0"),
                Event::Fixed("1.2.0"),
            ],
            "vers:semver/>=1.0.0|<1.2.0",
            &[("1.0.5", true)],
        ),
        // A fixed with no run open changes nothing.
        (
            &[
                Event::Fixed("0.5.0"),
                Event::Introduced("1.0.0"),
                Event::Fixed("1.2.0"),
            ],
            "vers:semver/>=1.0.0|<1.2.0",
            &[("0.1.0", false)],
        ),
        // Limits cap the range.
        (
            &[Event::Introduced("0"), Event::Limit("1.5.0")],
            "vers:semver/<1.5.0",
            &[("1.4.0", true), ("1.5.0", false)],
        ),
        (
            &[Event::Introduced("0"), Event::Limit("*")],
            "vers:semver/*",
            &[("1.4.0", true)],
        ),
    ];
    for (events, vers, checks) in cases {
        let r = osv::range(s, "SEMVER", events).unwrap();
        assert_eq!(r.to_vers(), *vers, "{events:?}");
        for (version, want) in *checks {
            assert_eq!(
                r.contains(&v(s, version)).unwrap(),
                *want,
                "{version} in {events:?}"
            );
        }
    }
    // ECOSYSTEM ranges use the ecosystem's own order.
    let r = osv::range(
        Scheme::Pep440,
        "ECOSYSTEM",
        &[Event::Introduced("0"), Event::Fixed("2.0rc1")],
    )
    .unwrap();
    assert!(r.contains(&v(Scheme::Pep440, "2.0b3")).unwrap());
    assert!(!r.contains(&v(Scheme::Pep440, "2.0")).unwrap());
}

#[test]
fn osv_refuses_git_ranges_and_semver_under_other_schemes() {
    assert!(matches!(
        osv::range(Scheme::Semver, "GIT", &[Event::Introduced("0")]),
        Err(Error::UnsupportedRangeType(t)) if t == "GIT"
    ));
    assert!(osv::range(Scheme::Pep440, "SEMVER", &[Event::Introduced("0")]).is_err());
    let e = osv::range(
        Scheme::Semver,
        "SEMVER",
        &[Event::Introduced("0"), Event::Fixed("1.0")],
    )
    .unwrap_err();
    assert!(e.to_string().contains("event 1"), "{e}");
    assert_eq!(
        Event::from_field("last_affected", "1.0"),
        Some(Event::LastAffected("1.0"))
    );
    assert_eq!(Event::from_field("bogus", "1.0"), None);
}

// ---------------------------------------------------------------- NVD

#[test]
fn nvd_cpe_match_bounds() {
    let g = Scheme::Generic;
    let b = |si, se, ei, ee| nvd::Bounds {
        start_including: si,
        start_excluding: se,
        end_including: ei,
        end_excluding: ee,
    };
    let cases: &[(Option<&str>, nvd::Bounds, &str, Checks)] = &[
        (
            Some("*"),
            b(None, None, None, Some("3.1.2")),
            "vers:generic/<3.1.2",
            &[("3.1.1", true), ("3.1.2", false)],
        ),
        (
            Some("*"),
            b(Some("2.0"), None, Some("2.4.1"), None),
            "vers:generic/>=2.0|<=2.4.1",
            &[
                ("2.0", true),
                ("2.4.1", true),
                ("2.4.2", false),
                ("1.9", false),
            ],
        ),
        (
            Some("*"),
            b(None, Some("2.0"), None, None),
            "vers:generic/>2.0",
            &[("2.0", false), ("2.0.1", true)],
        ),
        (
            Some("10.2.1"),
            b(None, None, None, None),
            "vers:generic/10.2.1",
            &[("10.2.1", true), ("10.2.2", false)],
        ),
        (
            Some("1.0\\:beta"),
            b(None, None, None, None),
            "vers:generic/1.0:beta",
            &[("1.0:beta", true)],
        ),
        (
            Some("*"),
            b(None, None, None, None),
            "vers:generic/*",
            &[("1", true)],
        ),
        (
            None,
            b(None, None, None, None),
            "vers:generic/*",
            &[("1", true)],
        ),
        (
            Some("-"),
            b(None, None, None, None),
            "vers:generic/",
            &[("1", false)],
        ),
    ];
    for (cpe_version, bounds, vers, checks) in cases {
        let r = nvd::range(g, *cpe_version, *bounds).unwrap();
        assert_eq!(r.to_vers(), *vers);
        for (version, want) in *checks {
            assert_eq!(
                r.contains(&v(g, version)).unwrap(),
                *want,
                "{version} in {vers}"
            );
        }
    }
    assert!(nvd::range(g, Some("*"), b(Some("1"), Some("1"), None, None)).is_err());
    assert!(nvd::range(g, Some("*"), b(Some("3"), None, Some("2"), None)).is_err());
}

// ---------------------------------------------------------------- CVE 5

#[test]
fn cve5_versions_entries() {
    let g = Scheme::Generic;
    let entries = vec![
        Entry {
            version: "0",
            status: "affected",
            less_than: Some("1.2"),
            ..Default::default()
        },
        Entry {
            version: "2.0",
            status: "affected",
            less_than_or_equal: Some("2.4"),
            changes: vec![("2.2.1", "unaffected"), ("2.3", "affected")],
            ..Default::default()
        },
        Entry {
            version: "3.0.5",
            status: "affected",
            ..Default::default()
        },
        Entry {
            version: "4.0",
            status: "unaffected",
            less_than: Some("*"),
            ..Default::default()
        },
    ];
    let st = |s: &str| cve5::status(g, &v(g, s), &entries, Status::Unknown).unwrap();
    assert_eq!(st("1.1"), Status::Affected);
    assert_eq!(st("1.2"), Status::Unknown);
    assert_eq!(st("2.2"), Status::Affected);
    assert_eq!(st("2.2.1"), Status::Unaffected);
    assert_eq!(st("2.2.9"), Status::Unaffected);
    assert_eq!(st("2.3"), Status::Affected);
    assert_eq!(st("2.4"), Status::Affected);
    assert_eq!(st("2.5"), Status::Unknown);
    assert_eq!(st("3.0.5"), Status::Affected);
    assert_eq!(st("9.0"), Status::Unaffected);
    let r = cve5::affected(g, &entries, Status::Unknown).unwrap();
    assert_eq!(
        r.to_vers(),
        "vers:generic/<1.2|>=2.0|<2.2.1|>=2.3|<=2.4|3.0.5"
    );
    // An affected default with single unaffected versions.
    let e2 = vec![Entry {
        version: "1.0",
        status: "unaffected",
        ..Default::default()
    }];
    let r = cve5::affected(g, &e2, Status::Affected).unwrap();
    assert!(!r.contains(&v(g, "1.0")).unwrap());
    assert!(r.contains(&v(g, "1.1")).unwrap());
    // Bad entries name themselves.
    let bad = vec![Entry {
        version: "1.0",
        status: "vulnerable",
        ..Default::default()
    }];
    let e = cve5::status(g, &v(g, "1.0"), &bad, Status::Unknown).unwrap_err();
    assert!(e.to_string().contains("versions[0].status"), "{e}");
    let bad = vec![Entry {
        version: "1.0",
        status: "affected",
        less_than: Some("2"),
        less_than_or_equal: Some("2"),
        ..Default::default()
    }];
    assert!(cve5::affected(g, &bad, Status::Unknown).is_err());
}

// ---------------------------------------------------------------- CISA prose

#[test]
fn prose_forms_cisa_writes() {
    let cases: &[(&str, &str)] = &[
        ("<= 4.2", "vers:vendor/<=4.2"),
        ("<=4.2", "vers:vendor/<=4.2"),
        ("=< 4.2", "vers:vendor/<=4.2"),
        ("All versions", "vers:vendor/*"),
        ("all", "vers:vendor/*"),
        ("*", "vers:vendor/*"),
        ("vers:all/*", "vers:vendor/*"),
        ("prior to 3.1", "vers:vendor/<3.1"),
        ("before 3.1", "vers:vendor/<3.1"),
        ("versions before 2.2.1", "vers:vendor/<2.2.1"),
        (
            "All versions prior to Version B.06.18",
            "vers:vendor/<B.06.18",
        ),
        ("versions prior to v2.43.02", "vers:vendor/<v2.43.02"),
        ("4.0 through 4.3", "vers:vendor/>=4.0|<=4.3"),
        ("Versions 4.0 through 4.3", "vers:vendor/>=4.0|<=4.3"),
        ("4.0 to 4.3", "vers:vendor/>=4.0|<=4.3"),
        ("from 4.0 to 4.3", "vers:vendor/>=4.0|<=4.3"),
        ("between 4.0 and 4.3", "vers:vendor/>=4.0|<=4.3"),
        ("4.2 and prior", "vers:vendor/<=4.2"),
        ("Versions 4.2 and prior", "vers:vendor/<=4.2"),
        (
            "Version 2.0.14.0 and prior versions",
            "vers:vendor/<=2.0.14.0",
        ),
        ("Versions 9.33.1 and earlier", "vers:vendor/<=9.33.1"),
        ("Software versions 2.4A or lower", "vers:vendor/<=2.4A"),
        (
            "Version 3.0.0.0 and previous versions",
            "vers:vendor/<=3.0.0.0",
        ),
        ("Firmware Versions 9.0.3 and older", "vers:vendor/<=9.0.3"),
        ("all versions up to 7.6.2", "vers:vendor/<=7.6.2"),
        ("v2.0 and later", "vers:vendor/>=v2.0"),
        ("All Versions 2.0 and later", "vers:vendor/>=2.0"),
        ("2.X", "vers:vendor/>=2|<3"),
        ("version 1.x", "vers:vendor/>=1|<2"),
        ("14. x", "vers:vendor/>=14|<15"),
        ("11.x and earlier", "vers:vendor/<12"),
        ("all versions prior to 3.x", "vers:vendor/<3"),
        ("< 3.0", "vers:vendor/<3.0"),
        (">= 1.2 < 2.0", "vers:vendor/>=1.2|<2.0"),
        (">= 1.2 | < 2.0", "vers:vendor/>=1.2|<2.0"),
        ("1.0, 1.1, and 2.0", "vers:vendor/1.0|1.1|2.0"),
        (
            "Versions 1.1.7.333 and 2.1.1.3069",
            "vers:vendor/1.1.7.333|2.1.1.3069",
        ),
        ("Versions 4.X and 5.X", "vers:vendor/>=4|<6"),
        (
            "Versions 4.20 4.20 SR1 and 4.30",
            "vers:vendor/4.20|4.20%20SR1|4.30",
        ),
        ("Versions B.02 C.02 C.03", "vers:vendor/B.02|C.02|C.03"),
        (
            "Version 2.01 and prior (end-of-life Nov 2017)",
            "vers:vendor/<=2.01",
        ),
        ("v4.1 build 118", "vers:vendor/v4.1%20build%20118"),
        ("Rev C", "vers:vendor/Rev%20C"),
        ("Rev B-M", "vers:vendor/>=B|<=M"),
        (
            "all versions released before November 29 2017",
            "vers:vendor/<November%2029%202017",
        ),
        ("<8/30/2024", "vers:vendor/<8%2F30%2F2024"),
    ];
    for (text, vers) in cases {
        let p = prose::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(p.range.to_vers(), *vers, "{text:?}");
        assert_eq!(p.range.scheme(), Scheme::Vendor);
    }
    // Clauses and remarks are set aside as notes, not read as versions.
    for (text, vers, note) in [
        (
            "<= 1.54 (integrated into GE MobileLink)",
            "vers:vendor/<=1.54",
            "integrated into GE MobileLink",
        ),
        (
            "L81 and earlier that have been installed in a Space pump",
            "vers:vendor/<=L81",
            "that have been installed in a Space pump",
        ),
        (
            "11.2 and prior running on Windows 8.1",
            "vers:vendor/<=11.2",
            "running on Windows 8.1",
        ),
        (
            "v8.x with Wireless Battery Modules v17",
            "vers:vendor/>=8|<9",
            "with Wireless Battery Modules v17",
        ),
        (
            "(v9.x) model 35700BAX3",
            "vers:vendor/>=9|<10",
            "model 35700BAX3",
        ),
        ("(all models)", "vers:vendor/*", "models"),
        (
            "vers:all/<V4.3.8",
            "vers:vendor/<V4.3.8",
            "vers:all with constraints is not valid vers; read under the vendor scheme",
        ),
    ] {
        let p = prose::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(p.range.to_vers(), vers, "{text}");
        assert_eq!(p.notes, vec![note.to_string()], "{text}");
    }
    let p = prose::parse("U61 and earlier (United States) L81 and earlier (elsewhere)").unwrap();
    assert_eq!(
        p.range.intervals().len(),
        1,
        "two upper bounds from the beginning merge: {}",
        p.range
    );
    assert_eq!(p.notes.len(), 2);
    let p = prose::parse("<= 1.54 (integrated into GE MobileLink)").unwrap();
    assert_eq!(p.notes, vec!["integrated into GE MobileLink".to_string()]);
}

#[test]
fn prose_containment_near_the_edges() {
    let x = |s: &str| v(Scheme::Vendor, s);
    let cases: &[(&str, &str, bool)] = &[
        ("Versions 4.2 and prior", "4.2", true),
        ("Versions 4.2 and prior", "4.2.0", true),
        ("Versions 4.2 and prior", "4.2 SP1", false),
        ("Versions 4.2 and prior", "4.3", false),
        ("prior to 3.1", "3.0.99", true),
        ("prior to 3.1", "3.1", false),
        ("prior to 3.1", "V3.1.0", false),
        ("4.0 through 4.3", "4.3 build 7", false),
        ("4.0 through 4.3", "4.2.9", true),
        ("4.0 through 4.3", "3.9", false),
        ("2.X", "2", true),
        ("2.X", "2.0.1 build 4", true),
        ("2.X", "3", false),
        ("2.X", "1.9", false),
        ("v2.0 and later", "10.0", true),
        ("v2.0 and later", "1.99", false),
    ];
    for (range, version, want) in cases {
        let r = prose::parse(range).unwrap().range;
        assert_eq!(
            r.contains(&x(version)).unwrap(),
            *want,
            "{version:?} in {range:?}"
        );
    }
}

#[test]
fn prose_refuses_what_is_not_a_version() {
    for text in [
        "",
        "with wireless option (shipped between 2016-August 2018)",
        "Accu-Chek Inform II",
        "Model 3002",
        "manufactured prior to August 28",
        "Version A, Firmware A.03.09",
        "4.3 through 4.0",
        "2.x.5",
        "vers:npm/<1|<2",
    ] {
        assert!(prose::parse(text).is_err(), "{text:?} should be refused");
    }
}

#[test]
fn complement_and_affected_default() {
    let g = Scheme::Generic;
    let r = Vers::parse("vers:generic/>=1.0|<2.0|!=1.5|>=3.0|<=4.0")
        .unwrap()
        .to_range();
    let c = r.complement();
    assert_eq!(c.to_vers(), "vers:generic/<1.0|1.5|>=2.0|<3.0|>4.0");
    for s in ["0.9", "1.0", "1.5", "1.7", "2.0", "3.5", "4.0", "4.1"] {
        let x = v(g, s);
        assert_ne!(r.contains(&x).unwrap(), c.contains(&x).unwrap(), "{s}");
    }
    assert!(
        medvigil_version::VersionRange::all(g)
            .complement()
            .is_empty()
    );
    assert!(
        medvigil_version::VersionRange::none(g)
            .complement()
            .is_all()
    );
    // CVE 5: an affected default with an unaffected range.
    let e = vec![Entry {
        version: "1.2",
        status: "unaffected",
        less_than: Some("1.4"),
        ..Default::default()
    }];
    let r = cve5::affected(g, &e, Status::Affected).unwrap();
    assert_eq!(r.to_vers(), "vers:generic/<1.2|>=1.4");
}

#[test]
fn prose_survives_non_ascii_next_to_numbers() {
    for text in [
        "é5.x",
        "ß12.X",
        "v5é.x",
        "İ2.x and prior",
        "2.xé",
        "(é)1.0",
        "1.0 — 2.0",
        "≤ 4.2",
    ] {
        let _ = prose::parse(text);
    }
}

#[test]
fn reparse_moves_a_range_to_another_scheme() {
    let r = Vers::parse("vers:pypi/>=1.0|<2.0").unwrap().to_range();
    let legacy = "1.5p1"; // not PEP 440
    assert!(Version::parse(Scheme::Pep440, legacy).is_err());
    let g = r.reparse(Scheme::Generic).unwrap();
    assert_eq!(g.to_vers(), "vers:generic/>=1.0|<2.0");
    assert!(g.contains(&v(Scheme::Generic, legacy)).unwrap());
    // A bound that is not valid under the target scheme is an error, not a guess.
    let p = prose::parse("<= 2.4A").unwrap().range;
    assert!(p.reparse(Scheme::Semver).is_err());
}

#[test]
fn contains_line_covers_the_advisory_versions_line() {
    let x = |s: &str| v(Scheme::Vendor, s);
    let cases: &[(&str, &str, bool, bool)] = &[
        // (range, device version, contains, contains_line)
        ("Versions 4.2 and prior", "v4.2 build 118", false, true),
        ("Versions 4.2 and prior", "4.2 SP1", false, true),
        ("Versions 4.2 and prior", "4.2.0.118", false, true),
        ("Versions 4.2 and prior", "4.2 Patch 3", false, true),
        // After an upper bound the next patch release is the fix; a major version is a
        // whole line.
        ("Versions 4.2 and prior", "4.2.1", false, false),
        ("<= 1.52", "1.52.01", false, false),
        ("<= 1.52", "1.52.00", true, true),
        ("Versions 7 and prior", "7.2.1", false, true),
        // A line the advisory splits itself names the release alone.
        ("4.20 | 4.20 SR1 | 4.30", "4.20 SR1", true, true),
        ("4.20 | 4.20 SR1 | 4.30", "4.20 SR2", false, false),
        ("4.20 | 4.30", "4.20 SR2", false, true),
        // An exact version names its whole line.
        ("B.02 | C.03", "C.03.06", false, true),
        ("9.19 | 12.1", "12.1.2", false, true),
        ("Versions 4.2 and prior", "4.3", false, false),
        ("Versions 4.2 and prior", "4.1", true, true),
        ("9.7", "9.7 build 12", false, true),
        ("9.7", "9.8", false, false),
        ("prior to 3.1", "3.1 build 2", false, false),
        ("4.0 through 4.3", "4.3 SP2", false, true),
        ("4.0 through 4.3", "3.9 SP2", false, false),
        ("2.X", "2.9 SP1", true, true),
    ];
    for (range, version, plain, line) in cases {
        let r = prose::parse(range).unwrap().range;
        assert_eq!(
            r.contains(&x(version)).unwrap(),
            *plain,
            "{version} in {range}"
        );
        assert_eq!(
            r.contains_line(&x(version)).unwrap(),
            *line,
            "{version} in the line of {range}"
        );
    }
    // Other schemes: plain containment.
    let r = Vers::parse("vers:semver/<=4.2.0").unwrap().to_range();
    assert!(!r.contains_line(&v(Scheme::Semver, "4.2.1")).unwrap());
}

#[test]
fn prose_errors_point_at_the_offending_part() {
    match prose::parse("Versions 4.0 through Gemini Dual") {
        Err(Error::InvalidRange {
            position, reason, ..
        }) => {
            assert_eq!(position, "Versions 4.0 through ".len(), "{reason}");
            assert!(reason.contains("gemini"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}
