//! The project's own fixtures: one infusion-pump SBOM written in all five encodings must
//! read into the same components, and bad input must fail with positioned errors.

use std::io::Write;

use medvigil_formats::sbom::{self, Severity};
use medvigil_model::sbom::{ComponentKind, Sbom, SbomFormat};

fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sbom")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn pump(name: &str, format: SbomFormat) -> Sbom {
    let s = sbom::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(s.format, format, "{name}");
    s
}

#[test]
fn the_same_pump_reads_the_same_in_every_format() {
    let all = [
        pump("infusion-pump.cdx.json", SbomFormat::CyclonedxJson),
        pump("infusion-pump.cdx.xml", SbomFormat::CyclonedxXml),
        pump("infusion-pump.spdx.json", SbomFormat::SpdxJson),
        pump("infusion-pump.spdx", SbomFormat::SpdxTagValue),
        pump("infusion-pump.spdx3.json", SbomFormat::Spdx3JsonLd),
    ];
    for s in &all {
        let what = s.format;
        let names: Vec<&str> = s.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "InfuMax 3000",
                "FreeRTOS-Kernel",
                "wolfssl",
                "pump-bootloader",
                "crc32"
            ],
            "{what}"
        );
        assert_eq!(
            s.timestamp.as_deref(),
            Some("2025-03-01T09:30:00Z"),
            "{what}"
        );
        assert!(
            s.authors
                .iter()
                .any(|a| a == "Example Medical Devices" || a == "Product Security Team"),
            "{what}: {:?}",
            s.authors
        );
        let subject = s.subject.as_deref().expect("subject");
        assert_eq!(
            s.components
                .iter()
                .find(|c| c.reference == subject)
                .unwrap()
                .name,
            "InfuMax 3000",
            "{what}"
        );

        let rtos = &s.components[1];
        assert_eq!(rtos.kind, ComponentKind::OperatingSystem, "{what}");
        assert_eq!(rtos.version.as_deref(), Some("10.4.3"), "{what}");
        assert_eq!(
            rtos.supplier.as_deref(),
            Some("Amazon Web Services"),
            "{what}"
        );
        assert_eq!(
            rtos.purls,
            ["pkg:github/freertos/freertos-kernel@V10.4.3"],
            "{what}"
        );
        assert_eq!(
            rtos.cpes,
            ["cpe:2.3:o:amazon:freertos:10.4.3:*:*:*:*:*:*:*"],
            "{what}"
        );
        assert_eq!(rtos.licenses, ["MIT"], "{what}");
        assert_eq!(
            rtos.support_level.as_deref(),
            Some("Actively maintained"),
            "{what}"
        );
        assert!(
            rtos.end_of_support
                .as_deref()
                .unwrap()
                .starts_with("2027-12-31"),
            "{what}"
        );

        let wolf = &s.components[2];
        assert_eq!(
            wolf.hashes[0].value,
            "f498a8ff2dd007e29c2074f5e4b01a9a01775c3ff3aeaf6906ea503bc5791b7b",
            "{what}"
        );
        assert_eq!(
            wolf.support_level.as_deref(),
            Some("Security fixes only"),
            "{what}"
        );
        assert_eq!(wolf.end_of_support.as_deref(), Some("2026-06-30"), "{what}");

        // An empty version is no version.
        assert_eq!(s.components[3].version, None, "{what}");
        assert_eq!(s.components[3].kind, ComponentKind::Firmware, "{what}");

        // pump -> freertos, wolfssl, bootloader and wolfssl -> freertos in every format.
        let edges = |from: &str| -> Vec<String> {
            let r = &s
                .components
                .iter()
                .find(|c| c.name == from)
                .unwrap()
                .reference;
            let mut to: Vec<String> = s
                .dependencies
                .iter()
                .filter(|d| &d.from == r)
                .flat_map(|d| d.to.iter())
                .map(|t| {
                    s.components
                        .iter()
                        .find(|c| &c.reference == t)
                        .unwrap()
                        .name
                        .clone()
                })
                .collect();
            to.sort();
            to
        };
        assert_eq!(
            edges("InfuMax 3000"),
            ["FreeRTOS-Kernel", "pump-bootloader", "wolfssl"],
            "{what}"
        );
        assert_eq!(edges("wolfssl"), ["FreeRTOS-Kernel"], "{what}");

        let report = sbom::check(s);
        assert!(!report.has_errors(), "{what}: {:?}", report.findings);
    }
}

#[test]
fn semantic_errors_are_found() {
    let s = sbom::parse(&fixture("semantic-errors.cdx.json")).unwrap();
    let r = sbom::check(&s);
    let errors: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect();
    assert_eq!(
        errors,
        ["malformed_purl", "malformed_cpe", "dangling_dependency"]
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.code == "missing_version" && f.location.contains("beta"))
    );
    assert!(
        r.completeness
            .elements
            .iter()
            .any(|e| e.element == "sbom_author" && e.present == 0)
    );
}

#[test]
fn bad_input_gives_positioned_errors() {
    let good = String::from_utf8(fixture("infusion-pump.cdx.json")).unwrap();
    // Truncated JSON.
    let e = sbom::parse(&good.as_bytes()[..good.len() / 2]).unwrap_err();
    assert!(e.line.is_some() && e.message.contains("truncated"), "{e}");
    // Wrong type.
    let e = sbom::parse(
        good.replace("\"version\": 1,", "\"version\": \"one\",")
            .as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.path.as_deref(), Some("version"), "{e}");
    // Invalid UTF-8 in the middle of a name.
    let mut bytes = good.clone().into_bytes();
    let at = good.find("wolfssl").unwrap();
    bytes[at] = 0xC3;
    let e = sbom::parse(&bytes).unwrap_err();
    assert!(e.message.contains("UTF-8") && e.line.is_some(), "{e}");
    // Truncated XML.
    let xml = String::from_utf8(fixture("infusion-pump.cdx.xml")).unwrap();
    let e = sbom::parse(&xml.as_bytes()[..xml.len() / 2]).unwrap_err();
    assert!(e.line.is_some(), "{e}");
    // Truncated tag-value.
    let tv = String::from_utf8(fixture("infusion-pump.spdx")).unwrap();
    let cut = tv.find("End-of-Support").unwrap();
    let e = sbom::parse(&tv.as_bytes()[..cut]).unwrap_err();
    assert!(e.message.contains("truncated"), "{e}");
}

#[test]
fn a_gzip_bomb_is_refused_without_inflating_it_all() {
    // 64 MB of spaces compresses to about 64 KB; with an 8 MB cap decompression stops
    // there (the production cap, MAX_DOCUMENT_BYTES, works the same way at 512 MB).
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&spaces).unwrap();
    }
    let gz = enc.finish().unwrap();
    assert!(gz.len() < 1 << 20);
    let e = sbom::maybe_gunzip_capped(&gz, 8 << 20).unwrap_err();
    assert!(e.message.contains("decompression bomb"), "{e}");
    assert!(sbom::maybe_gunzip_capped(&gz, 128 << 20).is_ok());
}

/// Every prefix and many single-byte corruptions of every fixture give a result, never
/// a panic (a cheap stand-in for fuzzing, deterministic so failures reproduce).
#[test]
fn truncations_and_corruptions_never_panic() {
    let names = [
        "infusion-pump.cdx.json",
        "infusion-pump.cdx.xml",
        "infusion-pump.spdx.json",
        "infusion-pump.spdx",
        "infusion-pump.spdx3.json",
        "semantic-errors.cdx.json",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        // xorshift64
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for name in names {
        let doc = fixture(name);
        for cut in (0..doc.len()).step_by(7) {
            let _ = sbom::parse(&doc[..cut]);
        }
        for _ in 0..400 {
            let mut d = doc.clone();
            let at = (next() as usize) % d.len();
            let bytes = b"{}[]<>\"':,\\&;\x00\xff";
            d[at] = bytes[(next() as usize) % bytes.len()];
            if let Ok(s) = sbom::parse(&d) {
                let _ = sbom::check(&s);
            }
        }
    }
}
