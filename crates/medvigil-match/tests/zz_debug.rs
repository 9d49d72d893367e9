//! Scratch: prints matches and model details for lines of /tmp/dbg.txt (ADV|MFR|MODEL|VER).
mod support;
use medvigil_match::csaf::{PreparedDevice, match_model, prepare};
use medvigil_match::names::VendorTable;

#[test]
fn zz_debug() {
    let table = VendorTable::builtin();
    let Ok(text) = std::fs::read_to_string("/tmp/dbg.txt") else {
        return;
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('|').collect();
        let stem = f[0].to_lowercase();
        let path = glob(&stem);
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let adv = support::advisory(&doc);
        let prods = prepare(&adv, &table);
        let dev = PreparedDevice::from_names(f[1], f[2], &table).unwrap();
        println!("=== {line}\n device: {:?}", dev);
        for p in &prods {
            let m = match_model(&dev, p);
            if m.is_some() || std::env::var("ALL").is_ok() {
                println!(
                    "  {} | {} {:?} | {:?} -> {:?} verdict {:?}",
                    p.vendor,
                    p.name,
                    p.names.iter().map(|n| n.seq.join(" ")).collect::<Vec<_>>(),
                    p.version_text,
                    m.map(|m| m.confidence),
                    p.verdict(f.get(3).copied().filter(|v| !v.is_empty()))
                );
            }
        }
    }
}

fn glob(stem: &str) -> std::path::PathBuf {
    for root in ["/work/shared/data/csaf/cisa-ot", "/tmp/cisa-new"] {
        for y in 2017..2027 {
            let p = std::path::Path::new(root)
                .join(y.to_string())
                .join(format!("{stem}.json"));
            if p.exists() {
                return p;
            }
        }
    }
    panic!("{stem}");
}

#[test]
fn zz_versions() {
    use medvigil_version::prose::AdvisoryRange;
    for (r, v) in [
        ("<= U61 |<= L81", "U39"),
        ("<= U61 |<= L81", "U61"),
        ("<= U61 |<= L81", "U62"),
        ("<= U61 |<= L81", "L93"),
        ("<= U61 |<= L81", "L80"),
        ("<= U61 |<= L81", "012U000061"),
        ("<= 012U000061", "011L000093"),
        ("<= 028U000061", "U61"),
    ] {
        println!(
            "{r:?} {v:?} -> {:?}",
            AdvisoryRange::read(r).verdict(Some(v))
        );
    }
}
