//! Every version and range string in the product trees of CISA's 144 medical advisories
//! (`csaf/cisa-ot/*/icsma-*.json`) must be read by [`prose::parse`], except the listed
//! ones, each with the reason it is not a version range at all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use medvigil_version::{Scheme, Version, prose};

/// Strings CISA put in a `product_version`/`product_version_range` branch that are not
/// versions or ranges, with why. Refusing them is the right answer: turning them into a
/// version would only ever match by accident.
const NOT_VERSIONS: &[(&str, &str)] = &[
    ("< august 28", "a date without a year"),
    (
        "distributed  < april 1, 2018",
        "a distribution date, not a version",
    ),
    ("Accu-Chek Inform II", "a product name"),
    ("Accu-Chek Inform II Base Unit Light", "a product name"),
    (
        "Accu-Chek Inform II Base Unit NEW with Software 04.00.00 or newer",
        "a product name with a condition",
    ),
    ("CoaguChek Pro II", "a product name"),
    ("CoaguChek XS Plus", "a product name"),
    ("CoaguChek XS Pro", "a product name"),
    ("cobas h 232 POC", "a product name"),
    ("CS2  Avance | Amingo | Avance CS2", "product names"),
    ("IGS", "a product name"),
    (
        "Product ID/Reorder number 19191 | 40160",
        "catalogue numbers, not versions",
    ),
    (
        "UDI/Model/NDC number ZXP425 (10-Pack) | ZXR425 (10-Pack Canada)",
        "catalogue numbers, not versions",
    ),
    (
        "Version A, Firmware A.03.09",
        "two versions (hardware and firmware) in one string",
    ),
    (
        "Version A, Firmware A.03.09, Part #: M8096-67501",
        "hardware version, firmware version and part number in one string",
    ),
    (
        "Version B, Firmware A.01.09, Part #: N/A (Replaced by Version C)",
        "hardware version, firmware version and part number in one string",
    ),
    (
        "Windows 10 Professional Operating System U.S. release",
        "an operating system, not a version",
    ),
    (
        "Windows 10 Professional Operating System, U.S. and Malaysian Releases, between November 2017 and November 2018",
        "an operating system and a shipping window",
    ),
    ("base units (BU)|handheld base units (HBU)", "product names"),
    (
        "with ViewForum option (shipped between 2016-August 2018)",
        "a shipping window and an option, not a version",
    ),
    (
        "with ViewForum option (shipped between 26-June-2017 through 07-August 2018)",
        "a shipping window and an option, not a version",
    ),
    (
        "with wireless option (shipped between 2016-August 2018)",
        "a shipping window and an option, not a version",
    ),
    (
        "with wireless option (shipped between 26-June-2017 through 07-August 2018)",
        "a shipping window and an option, not a version",
    ),
    (
        "<=11.2 on Windows 8.1 with IIS 7.5",
        "a version plus an operating-system condition",
    ),
    ("MMT-508 MiniMed pump", "a model number and name"),
    ("MMT-511 pump Paradigm", "a model number and name"),
    ("MMT-512 / MMT-712 Paradigm x12", "model numbers and name"),
    ("MMT-515 / MMT-715 Paradigm x15", "model numbers and name"),
    (
        "MMT-522 / MMT-722 Paradigm REAL-TIME",
        "model numbers and name",
    ),
    (
        "MMT-522(K) / MMT-722(K) Paradigm REAL-TIME",
        "model numbers and name",
    ),
    ("MMT-523 / MMT-723 Paradigm Revel", "model numbers and name"),
    ("MMT-523(K) / MMT-723(K) Paradigm", "model numbers and name"),
    ("MMT-551 / MMT-751 MiniMed 530G", "model numbers and name"),
    ("MMT-554 / MMT-754 MiniMed Veo", "model numbers and name"),
    ("882160 Gemini Dual", "a catalogue number and product name"),
    (
        "882300 Gemini 16 Slice",
        "a catalogue number and product name",
    ),
    (
        "882390 Gemini GXL 6 Slice",
        "a catalogue number and product name",
    ),
    (
        "882400 Gemini GXL 10 Slice",
        "a catalogue number and product name",
    ),
    (
        "882410 Gemini GXL 16 Slice",
        "a catalogue number and product name",
    ),
    ("882412 GEMINI LXL", "a catalogue number and product name"),
    (
        "882438 TruFlight Select PET/CT",
        "a catalogue number and product name",
    ),
    (
        "882470 Gemini TF 16 w/ TOF Performance",
        "a catalogue number and product name",
    ),
    (
        "882471 Gemini TF 64 w/ TOF Performance",
        "a catalogue number and product name",
    ),
    (
        "882473 Gemini TF Ready",
        "a catalogue number and product name",
    ),
    (
        "882476 Gemini TF Big Bore",
        "a catalogue number and product name",
    ),
    (
        "7100 | 7900 | 100 | Protiva Carestation View",
        "model numbers and a product name",
    ),
    ("7100 | 7900 MRI", "model numbers and a product name"),
    (
        "653 MCE 3.x",
        "a product name (VxWorks 653 MCE) and a series",
    ),
    ("CR-IR 357", "a product name"),
    (
        "LPI 3.5.12.P30",
        "a product code before the version; refused by the rule that a 3+ letter word is a name",
    ),
];

fn collect(branches: &serde_json::Value, out: &mut BTreeMap<String, BTreeSet<String>>, file: &str) {
    let Some(list) = branches.as_array() else {
        return;
    };
    for b in list {
        let category = b["category"].as_str().unwrap_or("");
        if matches!(category, "product_version" | "product_version_range")
            && let Some(name) = b["name"].as_str()
        {
            out.entry(name.to_string())
                .or_default()
                .insert(file.to_string());
        }
        collect(&b["branches"], out, file);
    }
}

fn strings(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files =
        medvigil_testkit::files_under(dir, |n| n.starts_with("icsma-") && n.ends_with(".json"));
    assert_eq!(files.len(), 144, "expected the 144 medical advisories");
    let mut out = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        collect(&doc["product_tree"]["branches"], &mut out, &name);
    }
    out
}

#[test]
fn corpus_every_icsma_version_string_is_read_or_explained() {
    let Some(dir) = medvigil_testkit::corpus("csaf/cisa-ot") else {
        return;
    };
    let all = strings(&dir);
    assert!(all.len() > 250, "found only {} distinct strings", all.len());
    let exceptions: BTreeMap<&str, &str> = NOT_VERSIONS.iter().copied().collect();
    let mut unexplained = Vec::new();
    let mut stale = Vec::new();
    let mut read = 0;
    for (s, files) in &all {
        match (prose::parse(s), exceptions.get(s.as_str())) {
            (Ok(_), None) => read += 1,
            (Ok(p), Some(why)) => stale.push(format!(
                "{s:?} is listed as not a version ({why}) but parses as {}",
                p.range
            )),
            (Err(e), None) => {
                unexplained.push(format!("{s:?} (in {}): {e}", files.iter().next().unwrap()))
            }
            (Err(_), Some(_)) => {}
        }
    }
    for (s, _) in NOT_VERSIONS {
        assert!(
            all.contains_key(*s),
            "exception {s:?} no longer occurs in the corpus"
        );
    }
    if std::env::var_os("MEDVIGIL_SHOW_READINGS").is_some() {
        for s in all.keys() {
            if let Ok(p) = prose::parse(s) {
                eprintln!("{s:?} => {}", p.range);
            }
        }
    }
    eprintln!(
        "icsma product trees: {} distinct version strings, {read} read, {} explained as not versions",
        all.len(),
        all.len() - read
    );
    assert!(
        unexplained.is_empty(),
        "{} strings not understood:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}

/// Spot checks that what is read is read right, on strings taken from the corpus.
#[test]
fn corpus_icsma_readings_are_right() {
    let Some(dir) = medvigil_testkit::corpus("csaf/cisa-ot") else {
        return;
    };
    let all = strings(&dir);
    let v = |s: &str| Version::parse(Scheme::Vendor, s).unwrap();
    let cases: &[(&str, &str, bool)] = &[
        ("<= 4.2", "4.2", true),
        ("<= 4.2", "4.2 SP1", false),
        ("2.X", "2.9.9", true),
        ("2.X", "3.0", false),
        ("1.X", "1.0", true),
        ("< 3.x", "2.99", true),
        ("< 3.x", "3.0", false),
        ("<= 11.x", "11.5", true),
        ("<= 11.x", "12", false),
        ("<= 12.2.x.x", "12.2.9.1", true),
        ("<= 12.2.x.x", "12.3", false),
        (">= 1.1 | <= 1.3.2", "1.3.2", true),
        (">= 1.1 | <= 1.3.2", "1.3.3", false),
        (">= 1.1 | <= 1.3.2", "1.0.9", false),
        (">=BT02 | <= BT06", "BT04", true),
        (">=BT02 | <= BT06", "BT08", false),
        ("BT05 | BT08", "BT08", true),
        ("BT05 | BT08", "BT06", false),
        ("<= U61 |<= L81", "L70", true),
        ("vers:all/*", "anything 1", true),
        ("1.1 | 1.2 | 1.4 | 1.5", "1.3", false),
        ("1.1 | 1.2 | 1.4 | 1.5", "1.4", true),
        ("<8/30/2024", "August 1 2024", true),
        ("<8/30/2024", "September 2024", false),
        ("<= 2.01 (end-of-life Nov 2017)", "2.01", true),
        ("< 1.8.4 Service Pack 01", "1.8.4", true),
        ("< 1.8.4 Service Pack 01", "1.8.4 Service Pack 01", false),
        ("2.3.6 and  below", "2.3.6", true),
        ("2.3.6 and  below", "2.3.7", false),
        ("Rev B-M", "Rev C", true),
        ("Rev B-M", "Rev N", false),
        ("<=2023.3_Build_9342", "2023.3 build 9000", true),
        ("(Release 1.3.2 1.4.0 1.4.1 1.4.3 1.4.5)", "1.4.1", true),
        ("(Release 1.3.2 1.4.0 1.4.1 1.4.3 1.4.5)", "1.4.2", false),
        ("4.20 | 4.20 SR1 | 4.30", "4.20 SR1", true),
        ("4.20 | 4.20 SR1 | 4.30", "4.20 SR2", false),
        ("1.1.3 MR Build 11", "1.1.3 MR Build 11", true),
        ("2131 and 2141", "2141", true),
        // "low <= high" spans; a wildcard last digit reaches the largest digit.
        ("A.01 <= C.0x | 4.0", "A.01", true),
        ("A.01 <= C.0x | 4.0", "C.03", true),
        ("A.01 <= C.0x | 4.0", "D.01", false),
        ("A.01 <= C.0x | 4.0", "4.0", true),
        // "low < high": the high end excluded, as written (the product name says "A10
        // and A11"; the matcher has always read the range this way).
        ("A10 < A11", "A10", true),
        ("A10 < A11", "A11", false),
        // A letter span in a piece; the parenthetical condition is set aside as a note.
        ("Rev J-M | (X3/MX100 for Rev M only)", "Rev K", true),
        ("Rev J-M | (X3/MX100 for Rev M only)", "Rev N", false),
        // Hardware editions are versions the inventory writes too.
        ("2nd Edition", "2nd Edition", true),
        ("2nd Edition", "3rd Edition", false),
    ];
    for (range, version, want) in cases {
        assert!(
            all.contains_key(*range),
            "{range:?} is not in the corpus (any more)"
        );
        let p = prose::parse(range).unwrap_or_else(|e| panic!("{range:?}: {e}"));
        assert_eq!(
            p.range.contains(&v(version)).unwrap(),
            *want,
            "{version:?} in {range:?} ({})",
            p.range
        );
    }
}

/// `vers:` strings in the corpus that are refused, with why. The strict parser follows the
/// spec's validation rules, which the CycloneDX examples break in three places.
const VERS_REFUSED: &[(&str, &str)] = &[
    (
        "vers:semver/2.7.0|<2.8.11.1",
        "2.8.11.1 is not semver, and '=2.7.0' before '<...' is redundant (spec: tools must report it)",
    ),
    (
        "vers:semver/2.9.0|<2.9.5",
        "'=2.9.0' followed by '<2.9.5' is redundant (spec: tools must report it)",
    ),
    (
        "vers:semver/<2.6.7.5",
        "2.6.7.5 is not semver (four numbers)",
    ),
];

/// Every `vers:` string anywhere in the CSAF corpus (all 2,384 CISA ICS advisories and
/// the OASIS examples and test cases) and in the CycloneDX examples and spec documents.
/// Valid ones must pass the strict [`Vers`] parser; CISA's `vers:all/<constraints>`
/// (invalid vers, 231 distinct strings) must be read by [`prose::parse`] under the vendor
/// scheme.
#[test]
fn corpus_every_vers_string_is_read() {
    let Some(csaf) = medvigil_testkit::corpus("csaf") else {
        return;
    };
    let Some(sbom) = medvigil_testkit::corpus("sbom") else {
        return;
    };
    let mut found = BTreeMap::<String, String>::new();
    let files = medvigil_testkit::files_under(&csaf, |n| n.ends_with(".json"))
        .into_iter()
        .chain(medvigil_testkit::files_under(&sbom, |n| {
            n.ends_with(".json")
        }));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("\"vers:") {
            let tail = &rest[i + 1..];
            let end = tail.find('"').unwrap_or(tail.len());
            found
                .entry(tail[..end].to_string())
                .or_insert_with(|| f.display().to_string());
            rest = &tail[end..];
        }
    }
    assert!(found.len() > 250, "only {} vers strings found", found.len());
    let refused: BTreeMap<&str, &str> = VERS_REFUSED.iter().copied().collect();
    for (s, _) in VERS_REFUSED {
        assert!(found.contains_key(*s), "{s} no longer in the corpus");
    }
    let mut problems = Vec::new();
    let (mut strict, mut lenient) = (0, 0);
    for (s, file) in &found {
        let strict_ok = medvigil_version::Vers::parse(s).is_ok();
        let read = prose::parse(s);
        match (read, refused.get(s.as_str())) {
            (Ok(p), None) => {
                if strict_ok {
                    strict += 1;
                } else {
                    lenient += 1;
                    assert!(
                        s.starts_with("vers:all/"),
                        "{s} is neither valid vers nor vers:all"
                    );
                    assert!(!p.notes.is_empty(), "{s}: the leniency must be noted");
                }
            }
            (Ok(p), Some(why)) => problems.push(format!(
                "{s:?} listed as refused ({why}) but reads as {}",
                p.range
            )),
            (Err(e), None) => problems.push(format!("{s:?} (in {file}): {e}")),
            (Err(_), Some(_)) => {}
        }
    }
    eprintln!(
        "vers strings (CSAF + CycloneDX): {} distinct, {strict} valid vers, {lenient} CISA vers:all/<...> read leniently",
        found.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Spot checks of what the lenient reading means.
    let v = |s: &str| Version::parse(Scheme::Vendor, s).unwrap();
    for (range, version, want) in [
        ("vers:all/<V4.3.8", "V4.3.7", true),
        ("vers:all/<V4.3.8", "4.3.8", false),
        ("vers:all/>=2.3<V3.0", "2.9", true),
        ("vers:all/>=2.3<V3.0", "3.0", false),
        ("vers:all/<V17 Update 5", "V17 Update 4", true),
        ("vers:all/<V17 Update 5", "V17 Update 5", false),
        ("vers:all/<V5.1 SP1 HF8", "V5.1 SP1 HF7", true),
        ("vers:all/<V5.1 SP1 HF8", "V5.1 SP2", false),
    ] {
        assert!(found.contains_key(range), "{range} not in the corpus");
        let r = prose::parse(range).unwrap().range;
        assert_eq!(
            r.contains(&v(version)).unwrap(),
            want,
            "{version} in {range} = {r}"
        );
    }
}

/// Markers of product-name version parts that are not versions, with why.
const NAME_PART_NOT_VERSIONS: &[(&str, &str)] = &[
    (
        "manufactured",
        "a manufacturing or distribution date, not a version",
    ),
    (
        "Windows",
        "an operating system, not a version of the product",
    ),
    ("shipped between", "a shipping window"),
    (
        "Wireless Battery Modules",
        "the versions of a second product (battery module) in one string",
    ),
    ("SN 138853", "serial numbers"),
    ("previously sold", "a sentence about sales"),
    ("all devices released", "devices by release date"),
    (
        "Part #",
        "hardware version, firmware version and part number",
    ),
    (
        "Version A Firmware",
        "hardware version and firmware version",
    ),
    ("LPI 3.5.12.P30", "a product code before the version"),
    (
        "SP Versions",
        "'SP Versions X and below' (service-pack versions) is not a form this reader takes",
    ),
    ("C.0x", "a partial wildcard (C.0x) in a revision span"),
    ("Rev J-M and", "a revision span plus a product condition"),
    ("UDI/Model", "catalogue numbers"),
    ("Product ID", "catalogue numbers"),
    ("MMT-", "model numbers"),
    ("Model", "model numbers"),
    ("CR-IR 357", "a product name"),
    ("BodyGuard", "a product name and hardware edition"),
    ("Aisys", "product names"),
    ("7100 7900", "model numbers and product names"),
    ("(IGS)", "a product name"),
];

/// The version part of CISA's product names (`CARESCAPE B450: Version 2.X`, `Alaris
/// Gateway Workstation: software Version 2.3.6 and below`) is where the prose forms
/// live. Every one is read, or refused for a listed reason.
#[test]
fn corpus_icsma_product_name_version_parts() {
    let Some(dir) = medvigil_testkit::corpus("csaf/cisa-ot") else {
        return;
    };
    fn names(b: &serde_json::Value, out: &mut BTreeSet<String>) {
        for x in b.as_array().into_iter().flatten() {
            if matches!(
                x["category"].as_str(),
                Some("product_version" | "product_version_range")
            ) && let Some(n) = x["product"]["name"].as_str()
            {
                out.insert(n.to_string());
            }
            names(&x["branches"], out);
        }
    }
    let mut all = BTreeSet::new();
    for f in
        medvigil_testkit::files_under(&dir, |n| n.starts_with("icsma-") && n.ends_with(".json"))
    {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        names(&doc["product_tree"]["branches"], &mut all);
    }
    let (mut read, mut refused) = (0, 0);
    let mut unexplained = Vec::new();
    let mut used = BTreeSet::new();
    for name in &all {
        let Some((_, part)) = name.split_once(": ") else {
            continue;
        };
        match prose::parse(part) {
            Ok(_) => read += 1,
            Err(e) => match NAME_PART_NOT_VERSIONS
                .iter()
                .find(|(m, _)| part.contains(m))
            {
                Some((m, _)) => {
                    refused += 1;
                    used.insert(*m);
                }
                None => unexplained.push(format!("{part:?}: {e}")),
            },
        }
    }
    eprintln!("icsma product names: {read} version parts read, {refused} refused with reasons");
    assert!(unexplained.is_empty(), "{}", unexplained.join("\n"));
    for (m, why) in NAME_PART_NOT_VERSIONS {
        assert!(
            used.contains(m),
            "marker {m:?} ({why}) no longer refuses anything: drop it"
        );
    }
    assert!(read > 400, "only {read} read");
    // What the prose forms mean, on name parts from the corpus.
    let v = |s: &str| Version::parse(Scheme::Vendor, s).unwrap();
    for (part, version, want) in [
        ("Versions 2.3.6 and prior", "2.3.6", true),
        ("software Version 2.3.6 and below", "2.4", false),
        ("All versions prior to 3.6.7", "3.6.6", true),
        ("versions prior to Version 8.2.2", "8.2.2", false),
        (
            "Version 2.X (Impacted by CVE-2020- 6962 and CVE-2020-6965)",
            "2.5",
            true,
        ),
        ("Versions 12.2.x.x and prior", "12.2.3.1", true),
        ("Versions 12.2.x.x and prior", "12.3", false),
        ("Versions 6.1.0 through 6.4.0", "6.4.0", true),
        ("Versions 6.1.0 through 6.4.0", "6.0.9", false),
        (
            "software Versions U61 and earlier (United States) L81 and earlier (outside the United States)",
            "L80",
            true,
        ),
        (
            "All software Versions A10 and A11 that have been installed in a Perfusor compactPlus Infusomat compactPlus or Infusomat P compactPlus pump",
            "A11",
            true,
        ),
        (
            "Version 11.2 and prior running on a Windows 8.1 machine with IIS/7.5",
            "11.2",
            true,
        ),
        (
            "v8.x with Wireless Battery Modules v17 v17D19 v20D29 to v20D32 and v22D24 to v22D28",
            "8.1",
            true,
        ),
        ("Versions 1.10 1.11 1.13 1.14", "1.12", false),
        ("All Versions 2.0 and later", "3.1", true),
    ] {
        assert!(
            all.iter().any(|n| n.ends_with(&format!(": {part}"))),
            "{part:?} not in the corpus"
        );
        let r = prose::parse(part)
            .unwrap_or_else(|e| panic!("{part}: {e}"))
            .range;
        assert_eq!(
            r.contains(&v(version)).unwrap(),
            want,
            "{version} in {part:?} = {r}"
        );
    }
}
