//! Bad input never panics: every parser of the crate is fed generated garbage built from
//! the characters that matter to it (separators, escapes, wildcards, multi-byte text).

mod support;

use medvigil_match::csaf::{PreparedDevice, match_model, prepare};
use medvigil_match::names::{ModelName, VendorTable};
use medvigil_match::{Cpe, Purl};
use medvigil_version::prose::AdvisoryRange;
use medvigil_version::{Scheme, Version};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const PIECES: &[&str] = &[
    "pkg:",
    "cpe:2.3:",
    "cpe:/",
    ":",
    "/",
    "@",
    "?",
    "#",
    "&",
    "=",
    "%",
    "%2",
    "%zz",
    "%41",
    "\\",
    "*",
    "?",
    "-",
    ".",
    "~",
    "a",
    "o",
    "h",
    "npm",
    "maven",
    "1.2.3",
    "v",
    "X",
    "x",
    "|",
    "<=",
    ">=",
    "<",
    "vers:",
    "all",
    "é",
    "ß",
    "日本",
    "🙂",
    " ",
    "(",
    ")",
    "and below",
    "prior to ",
    "Rev ",
    "B-M",
    "0",
    "99999999999999999999999",
    "build",
    "SP1",
    ",",
    // The inventory and advisory shapes the device matcher reads.
    "[",
    "]",
    "x38",
    "qty ",
    " on Windows",
    "GEH-",
    "012U000061",
    "U61",
    "Version ",
    "no ",
    " WLAN",
    "İ",
    " - ",
    "w/",
    "MMT-",
    "2490C",
    "Control Software",
    "Philips",
    "PIC iX",
];

#[test]
fn parsers_never_panic_on_garbage() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let table = VendorTable::builtin();
    for _ in 0..20_000 {
        let n = 1 + (rng.next() % 12) as usize;
        let s: String = (0..n)
            .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
            .collect();
        let _ = s.parse::<Purl>().map(|p| p.to_string());
        let _ = Purl::normalize(&s).map(|p| p.package_key());
        if let Ok(c) = s.parse::<Cpe>() {
            let _ = c.to_uri().parse::<Cpe>();
            let _ = c.matches(&c);
        }
        let range = AdvisoryRange::read(&s);
        let _ = range.verdict(Some(&s));
        let _ = range.verdict(None);
        let _ = range.to_string();
        let _ = Version::parse(Scheme::Vendor, &s);
        let _ = ModelName::new(&s, &s, &table);
        let _ = table.groups(&s);
    }
}

/// The device matcher on garbage inventories and garbage advisory products: preparing
/// both, comparing them and reading versions never panics.
#[test]
fn device_matcher_never_panics_on_garbage() {
    let mut rng = Rng(0x0bad_5eed_dead_beef);
    let table = VendorTable::builtin();
    let garbage = |rng: &mut Rng| -> String {
        let n = 1 + (rng.next() % 10) as usize;
        (0..n)
            .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
            .collect()
    };
    for i in 0..3_000 {
        let (vendor, product, version) = (garbage(&mut rng), garbage(&mut rng), garbage(&mut rng));
        let (remediation, title) = (garbage(&mut rng), garbage(&mut rng));
        let doc = serde_json::json!({
            "document": {"title": title, "tracking": {"id": format!("ICSMA-99-{i:05}")}},
            "product_tree": {"branches": [{"category": "vendor", "name": vendor, "branches": [
                {"category": "product_name", "name": product, "branches": [
                    {"category": "product_version_range", "name": version,
                     "product": {"product_id": "P1", "name": "garbage"}}]}]}]},
            "vulnerabilities": [{"product_status": {"known_affected": ["P1"]},
                "remediations": [{"category": "vendor_fix", "details": remediation,
                                  "product_ids": ["P1"]}]}]
        });
        let advisory = support::advisory(&doc);
        let products = prepare(&advisory, &table);
        let (maker, model, device_version) =
            (garbage(&mut rng), garbage(&mut rng), garbage(&mut rng));
        if let Some(d) = PreparedDevice::from_names(&maker, &model, &table) {
            for p in &products {
                let _ = match_model(&d, p);
                let _ = p.verdict(Some(&device_version));
            }
        }
    }
}
