//! The device matcher: inventory devices against the products of CSAF advisories.
//!
//! Medical advisories name hardware in prose ("CARESCAPE B450: Version 2.X") and
//! hospital inventories spell vendors and models their own way ("GE Medical Systems",
//! "Carescape B-450", "v2.1 build 3"). A device matches an advisory product when
//!
//! 1. the manufacturer and the product's vendor share a vendor group
//!    ([`VendorTable`]: aliases, former companies, brands, a division written as its
//!    parent's name and a qualifier such as "Medtronic Diabetes"), or the product name
//!    starts with the device's maker ("CME BodyGuard Twins", sold by BD since it bought
//!    CME);
//! 2. the model and the product name agree ([`model_match`]): shared model numbers
//!    decide when both have them (a sibling such as B650 never matches B450), otherwise
//!    distinctive words must cover one side (device-class words such as "Ultrasound"
//!    are optional, and sharing only them is no match); a short name ("PIC iX" for
//!    "(PICiX)", "PC" for "Point-of-Care") or a brand alone ("Omnipod") also matches,
//!    at lower confidence. Parenthesized remarks ("(including RF, EC, CP)") are not
//!    part of a name, a parenthesized catalogue number ("Arkon (99999)") need not be
//!    given, and words written apart match a compound ("Multi Processor",
//!    "MultiProcessor"). A product named by the platform it is built on ("UPS using
//!    NMC3") covers a device of its kind carrying that platform; a product named only
//!    by class words ("Access Controller", "BINOM3 power meters") covers the maker's
//!    devices named by those words; a device's own remark in parentheses ("(loading
//!    dock)"), after a dash ("Alaris PCU 8015 - ED") or after "with"/"W/", and the
//!    parts of a purchase line around its model ("MONITOR, CARESCAPE B450, W/ E-PSMP
//!    MODULE") are context, or else another name; so is the kind written before a
//!    model ("PACS - iSite PACS"). Product names are read for what they hold besides a
//!    name: an excluded model ("Venue, not including Venue 40"), a version line ("Niagara
//!    AX 3.8u4", "IntelliSpace Portal 8.0.x"), an operating system ("Windows 7-Based"),
//!    a second product repeating the first word ("Alaris Gateway Workstation Alaris
//!    GS"), catalogue numbers or hardware in the version slot ("v8.x model 35700BAX2",
//!    "4.7u1 (JACE-8000)"), models listed where the versions belong ("GE Carestation:
//!    620 | 650 | 650c"), a part named by a short name under the title's product ("AP"
//!    of "B. Braun OnlineSuite"), an instrument named by its control software ("MiSeq
//!    Control Software"), a renamed product's other names (the alias table's
//!    `products`); an edition the product names and the device lacks ("XS Plus" for an
//!    "XS") is another model. Rooms in parentheses ("(CT2 ED)") and a DICOM AE title
//!    after a numbered model's dash are remarks; a number and the letters after it fuse
//!    ("CT750 HD" is the "CT750HD"); a device number written with a word of the
//!    product's name for its letters is the product's ("Discovery NM530c", "NM D530c");
//!    words that differ by a doubled letter or an "-ing" are one ("Millennium",
//!    "Millenium"; "Test", "Testing"); German device kinds are class words
//!    ("Narkosegerät", "Ruhe-EKG"); what a remark says the device lacks ("no
//!    wireless / no ViewForum") is not the device's;
//! 3. the firmware version falls under the product's version or range
//!    ([`AdvisoryRange`], read by `medvigil-version`'s CISA prose reader under the vendor
//!    firmware scheme); an unreadable range or a missing version still matches, at
//!    lower confidence, because missing a real exposure costs more than a check. A
//!    device at or past a fix the advisory's remediations state ([`crate::fixes`]) is
//!    not affected; B. Braun's long software ids ("012U000061") are compared with the
//!    short form an advisory may write ("<= U61"), each letter line with its own bound;
//!    a version led by the software's name ("AP 3.0") is read without it.
//!
//! Hospital lists write more than a model, and advisories more than a product; read so
//! (each with a unit test below):
//! - the maker: a product line in the manufacturer column ("Avalon", the alias table's
//!   `lines`); a service company's row naming the maker in the model ("TRIMEDX" /
//!   "Philips IntelliVue X2"); a vendor cut short in master data ("PHIL", "BAXT");
//! - the model's remarks: hospital units, rooms and wards ("ICU2 bed 4", "OR 3", "6
//!   East", "UCI box 3"), what a unit keeps it as ("spare", "pool"), host names, counts
//!   ("(x48)"), accessories after "+", "on", "con"; what it lacks, a negation holding
//!   across a slash ("no wireless/ViewForum option", "sin ... ni ..."); the model a
//!   description before a dash names ("Blood glucose meter (POC) - Accu-Chek Inform
//!   II"); an order code the product does not give ("SpaceStation 8713140U"); accents
//!   and Spanish or Portuguese device kinds;
//! - the product: a series' listed members ("MP Series (includingMP2/X2/...)"); models a
//!   version clause gives their own version ("X3/MX100 for Rev M only"); models numbered
//!   as the product but not it, which it goes with ("MMT-503 Remote Controller:
//!   MMT-522 / MMT-722"); the host a component's full name gives ("included in Capsule
//!   DTS"); a parenthesized restriction that is no other name ("(WLAN only)"); an
//!   option the units have ("with wireless option"); a shipping window or cut-off date
//!   ([`crate::dates`]); catalogue numbers after their label in the version slot;
//! - siblings: a sibling line named before a product whose models are listed in its
//!   version slot ("Engström Carestation"); another model of a line the advisory lists
//!   ("Revolution Apex" beside Revolution EVO/HD/CT); another of the maker's lines
//!   before a plain one-word product ("Versana Essential"); a product named more
//!   generally kept beside the device's own ("NovaSeq Control Software 1.8" beside
//!   "NovaSeq 6000 Control Software <= 1.7");
//! - versions: a two-part bound with a zero-led last part read as people read it by a
//!   device written in three parts ("2.0.3" is past "<= 2.01"); a release named after
//!   its product in a vendor fix, with its qualifier ("NeuroWorks/SleepWorks 8.5 GMA
//!   3", "release (IBE B.13)"); a version line in the model against a range ("Alaris
//!   8015 PC Unit v9", "<= 9.33").

use std::collections::{BTreeMap, BTreeSet};

use medvigil_model::Device;
use medvigil_model::finding::{AssetRef, Finding, FindingStatus, MatchDetails, MatchKind};
use medvigil_model::vuln::{Advisory, Product};
use medvigil_version::prose::{AdvisoryRange, Verdict};

use crate::names::{ModelName, VendorId, VendorTable, is_class_word};

/// The matcher's name in evidence.
pub const MATCHER: &str = "csaf_product_tree";

/// An advisory product made ready for matching.
#[derive(Debug, Clone)]
pub struct PreparedProduct {
    /// The advisory's id.
    pub advisory_id: String,
    /// The product's id in the advisory.
    pub product_id: String,
    /// Vendor as the advisory wrote it.
    pub vendor: String,
    /// Product name as the advisory wrote it (family and name).
    pub name: String,
    /// The vendor's groups.
    pub vendor_groups: BTreeSet<VendorId>,
    /// Ways to read the name (the name itself; the name with a version branch that
    /// is really a model, such as "Accu-Chek Inform II").
    pub names: Vec<ModelName>,
    /// The version text, raw.
    pub version_text: Option<String>,
    /// The version range, or the text that could not be read as one.
    pub spec: AdvisoryRange,
    /// The version line a product name states ("Desigo CC V5.0" → `5.0.x`), if any.
    pub name_line: Option<AdvisoryRange>,
    /// Models the name excludes ("Venue, not including Venue 40 R1-3"): a device that
    /// is one of them is not the product.
    pub excluded: Vec<ModelName>,
    /// Versions the advisory's vendor fixes name for the product ("has released update
    /// Version 1.6.1") that can be its fix: a device at or past one has it
    /// ([`crate::fixes`]).
    pub fixed_in: Vec<medvigil_version::Version>,
    /// Whether the name closes with "WLAN": the product is a wireless module fitted to
    /// the devices it names ("IntelliVue MP monitors MP20-MP90 WLAN").
    pub wireless_module: bool,
    /// The words of its name a version may be written after ("AP 3.0").
    pub(crate) own_name: OwnName,
    /// The dates the version text bounds the affected units by ("shipped between
    /// 26-June-2017 through 07-August 2018"), if any.
    pub(crate) dates: Option<crate::dates::Window>,
    /// The option the version text says the affected units have ("with wireless
    /// option"), if any: a device that says it lacks it is not affected.
    pub(crate) option: Option<String>,
    /// The range read with a zero-led last part spelled out ("<= 2.01" as "<= 2.0.1"),
    /// for devices whose versions have more parts ("2.0.3"), if the range has one.
    pub(crate) spelled_out: Option<AdvisoryRange>,
}

/// An inventory device made ready for matching.
#[derive(Debug, Clone)]
pub struct PreparedDevice {
    /// Manufacturer's groups.
    pub vendor_groups: BTreeSet<VendorId>,
    /// Model tokens.
    pub model: ModelName,
    /// The model read with the words of its parenthesized remarks, when it has any:
    /// a remark may be another name of the product ("SAFE visitor management
    /// (External Visitor Manager)").
    pub with_remarks: Option<ModelName>,
    /// The model a description before a dash names ("Blood glucose meter (POC) -
    /// Accu-Chek Inform II", "Pneumatic tube system - Translogic PTS Nexus Control
    /// Panel"), as a list written from forms joins them.
    pub described: Option<ModelName>,
    /// What the remarks say the device lacks ("(no wireless/ViewForum option)").
    pub lacks: BTreeSet<String>,
}

impl PreparedDevice {
    /// Prepares a device; `None` when it has no manufacturer or model to match on.
    pub fn new(device: &Device, table: &VendorTable) -> Option<PreparedDevice> {
        PreparedDevice::from_names(
            device.manufacturer.as_deref()?,
            device.model.as_deref()?,
            table,
        )
    }

    /// Prepares a manufacturer and model.
    pub fn from_names(
        manufacturer: &str,
        model_text: &str,
        table: &VendorTable,
    ) -> Option<PreparedDevice> {
        let mut vendor_groups = table.groups(manufacturer);
        // A service company or distributor in the manufacturer column ("Agiliti",
        // "TRIMEDX"), the maker named in the model ("Philips IntelliVue X2",
        // "Phoenix hemodialysis (Baxter)"): the device is the maker's too.
        if vendor_groups
            .iter()
            .all(|g| matches!(g, VendorId::Unknown(_)))
        {
            vendor_groups.extend(table.named_in(model_text));
        }
        let vendor_words = table.vendor_words(&vendor_groups);
        let brands = table.brand_words(&vendor_groups);
        // (Accents as plain letters: "con módulo WiFi - quirófano 2".)
        let model_text = crate::names::unaccented(model_text);
        // "NextSeq 550Dx [GEN-NS1]": a tag in square brackets (a LIS id, an asset
        // tag) is a remark.
        let (model_text, tags) = without_brackets(&model_text);
        let (line, mut line_remarks) = split_purchase_line(&model_text);
        line_remarks.extend(tags);
        let (written, after_dash) = split_dash_remark(&without_locations(&line));
        // (A description without a number before the dash: the part after it may be
        // the model.)
        let described = after_dash
            .as_deref()
            .filter(|_| !written.chars().any(|c| c.is_ascii_digit()))
            .map(|tail| without_locations_from(&without_negated(tail), 0))
            .map(|tail| {
                let mut m = ModelName::with_vendor_words(&tail, &vendor_words);
                m.mark_brands(&brands);
                m
            })
            .filter(|m| m.words.iter().any(|w| !is_class_word(w)) || !m.numbers.is_empty())
            // (Not the kind a list writes before its model: "PACS - Vue PACS".)
            .filter(|m| {
                let head = crate::names::model_tokens(&written);
                m.words.iter().chain(&m.numbers).any(|w| !head.contains(w))
                    && !crate::names::model_tokens(after_dash.as_deref().unwrap_or(""))
                        .iter()
                        .all(|t| head.contains(t) || is_class_word(t))
            });
        // "Niagara Enterprise Security 2.3u1": the release an inventory writes into the
        // model names no model.
        let written = match written.rsplit_once(' ') {
            Some((head, last))
                if dotted_release(last) && !head.chars().any(|c| c.is_ascii_digit()) =>
            {
                head.to_string()
            }
            _ => written,
        };
        // What the text said besides the model: a purchase line's other parts, the
        // remark after a dash.
        line_remarks.extend(after_dash);
        let text_remark = (!line_remarks.is_empty()).then(|| {
            line_remarks
                .iter()
                .map(|r| without_locations_from(&without_negated(r), 0))
                .collect::<Vec<_>>()
                .join(" ")
        });
        // Inventories add remarks in parentheses ("NetSurveillance DVR (loading dock)",
        // "Classic RS20 switch (Classic Platform RS)"): only a short name or a model
        // number there is part of the model; other words are context.
        let (outside, inside) = crate::names::split_parens(&written);
        let (kept, mut remarks): (Vec<&String>, Vec<&String>) = inside.iter().partition(|r| {
            let r = r.trim();
            // ("(OR 3)", "(Bay 12)", "(CT2 ED)", "(Ward 5W)": a place, its only numbers
            // short, standing alone or in a room's short name, beside a word.)
            let words: Vec<&str> = r.split_whitespace().collect();
            let digits = |w: &&str| w.chars().filter(char::is_ascii_digit).count();
            let place = words.len() >= 2
                && words.iter().any(|w| digits(w) == 0)
                && words.iter().filter(|w| digits(w) > 0).all(|w| {
                    w.len() <= 2 && digits(w) == w.len() || w.len() <= 3 && digits(w) == 1
                });
            // ("(x48)", "(qty 4)", "(12 uds.)": a count.)
            let count = without_locations_from(r, 0).is_empty()
                || words.len() == 2
                    && words[0].bytes().all(|b| b.is_ascii_digit())
                    && matches!(
                        words[1].trim_end_matches('.').to_ascii_lowercase().as_str(),
                        "units" | "unit" | "uds" | "unidades" | "pcs" | "ea" | "stk" | "stuck"
                    );
            !place && !count && r.chars().any(|c| c.is_ascii_digit())
                || ((2..=8).contains(&r.len())
                    && r.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        });
        remarks.extend(&text_remark);
        // (The reading with remarks reads them as words: "MiSeq Sequencer - MCS" may be
        // the MiSeq Control Software.)
        let written = match &text_remark {
            Some(r) => format!("{written} {r}"),
            None => written,
        };
        let without_remarks = kept.iter().fold(outside, |t, k| format!("{t} ({k})"));
        let mut model = ModelName::with_vendor_words(&without_remarks, &vendor_words);
        if model.is_empty() {
            // The model is only the vendor's name ("Omnipod" for Insulet): keep it.
            model = ModelName::with_vendor_words(&without_remarks, &BTreeSet::new());
            model.maker_only = true;
        }
        model.mark_brands(&brands);
        model.lines = model
            .words
            .intersection(&table.line_words(&vendor_groups))
            .cloned()
            .collect();
        // A product line named in the manufacturer column ("HMS Ewon" for the eWON
        // Flexy) may stand for a word of the product name; so may a remark in
        // parentheses.
        model.context = crate::names::model_tokens(manufacturer)
            .into_iter()
            .chain(
                remarks
                    .iter()
                    .flat_map(|r| crate::names::model_tokens(&without_negated(r))),
            )
            .map(crate::names::singular)
            .collect();
        // A model that starts with a company's name ("ABI PRISM 310" under Applied
        // Biosystems) may be listed under another company; the name counts too (as a
        // group, not as a vendor word to drop from the model).
        let model_company = former_maker(&without_remarks, table);
        let with_remarks = (!remarks.is_empty()).then(|| {
            let mut m = ModelName::with_vendor_words(&written, &vendor_words);
            m.mark_brands(&brands);
            m.context = model.context.clone();
            m
        });
        vendor_groups.extend(model_company.map(VendorId::Unknown));
        let lacks = inside
            .iter()
            .chain(&line_remarks)
            .flat_map(|r| lacks(r))
            .collect();
        (!vendor_groups.is_empty() && !model.is_empty()).then_some(PreparedDevice {
            vendor_groups,
            model: with_plain_form(model),
            with_remarks: with_remarks.map(with_plain_form),
            described: described.map(with_plain_form),
            lacks,
        })
    }

    /// How the model matches a product name: as written without its remarks, or else
    /// with them.
    pub fn model_match(&self, p: &ModelName) -> Option<ModelMatch> {
        model_match(&self.model, p)
            .or_else(|| model_match(self.with_remarks.as_ref()?, p))
            .or_else(|| model_match(self.described.as_ref()?, p))
    }
}

/// A remark without what it says the device lacks ("no wireless / no ViewForum",
/// "NO WIRELESS OPTION", "without Wi-Fi"): those words are not the device's.
fn without_negated(remark: &str) -> String {
    negated_parts(remark)
        .into_iter()
        .filter(|(_, negated)| !negated)
        .map(|(part, _)| part)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The parts of a remark, each with whether it says the device lacks it; a negation
/// holds over the parts after it joined by a slash ("no wireless/ViewForum option").
fn negated_parts(remark: &str) -> Vec<(String, bool)> {
    // ("sin opción inalámbrica ni ViewForum": each thing it lacks.)
    let remark = remark.replace(" ni ", "; ni ").replace(" nem ", "; nem ");
    let mut out = Vec::new();
    for clause in remark.split([',', ';']) {
        let mut negated = false;
        for part in clause.split('/') {
            let first = part
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            negated |= matches!(
                first.as_str(),
                "no" | "not" | "without" | "non" | "w/o" | "sin" | "sem" | "ni" | "nem"
            );
            out.push((part.to_string(), negated));
        }
    }
    out
}

/// The words of what a text says the device lacks ("no wireless/ViewForum option" →
/// wireless, viewforum).
fn lacks(text: &str) -> BTreeSet<String> {
    negated_parts(&crate::names::unaccented(text))
        .into_iter()
        .filter(|(_, negated)| *negated)
        .flat_map(|(part, _)| crate::names::model_tokens(&part))
        .collect()
}

/// The option a version text says affected units have: "with wireless option
/// (shipped ...)" → "wireless".
fn stated_option(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let rest = lower.trim_start().strip_prefix("with ")?;
    let (word, after) = rest.split_once(' ')?;
    after
        .starts_with("option")
        .then(|| crate::names::model_tokens(word).concat())
        .filter(|w| !w.is_empty())
}

/// A model without its tags in square brackets, and the tags.
fn without_brackets(model: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(model.len());
    let mut tags = Vec::new();
    let mut rest = model;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        out.push_str(&rest[..open]);
        tags.push(rest[open + 1..open + close].trim().to_string());
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    (out.split_whitespace().collect::<Vec<_>>().join(" "), tags)
}

/// A model without the location an inventory wrote into it ("CMS8000 monitor ward
/// 4B"): a location word and the short number after it; without a hardware revision
/// ("hw 1.6.20"); and without a count of identical devices ("Alaris PC unit 8015 x38",
/// "qty 4"), which a small hospital's sheet writes on one row.
fn without_locations(model: &str) -> String {
    without_locations_from(model, 1)
}

/// [`without_locations`] from the word at `first` on: a remark may start with a place
/// ("OR 4 anaesthesia tower"), a model may not ("ED triage").
fn without_locations_from(model: &str, first: usize) -> String {
    const PLACES: [&str; 23] = [
        "ward",
        "room",
        "rm",
        "bed",
        "bay",
        "floor",
        "level",
        "wing",
        "bldg",
        "pod",
        "suite",
        "theatre",
        "theater",
        "triage",
        "lab",
        // (Spanish and Portuguese: "UCI box 3", "quirófano 2", "Planta 4ª", "sala 5".)
        "box",
        "quirofano",
        "planta",
        "cama",
        "sala",
        "habitacion",
        "piso",
        "leito",
    ];
    // A ward named by a number and a side of the building ("6 East", "West 5").
    const SIDES: [&str; 4] = ["east", "west", "north", "south"];
    // Units of a hospital, in capitals, perhaps numbered ("MICU", "ICU2", "OR 3").
    const UNITS: [&str; 20] = [
        "ICU", "MICU", "SICU", "NICU", "PICU", "CCU", "CVICU", "CTICU", "NSICU", "ED", "ER",
        "PACU", "OR", "L&D", "UCI", "UCIN", "UCIP", "UTI", "REA", "URPA",
    ];
    // What a sheet says of the unit it keeps ("SICU spare", "ED pump pool").
    // (And the telemetry unit, "tele".)
    const KEPT_AS: [&str; 9] = [
        "spare", "spares", "loaner", "pool", "legacy", "backup", "demo", "shelf", "tele",
    ];
    let words: Vec<&str> = model.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i].to_ascii_lowercase();
        let short_number = words.get(i + 1).is_some_and(|n| {
            n.len() <= 4
                && n.chars().any(|c| c.is_ascii_digit())
                && n.chars().all(|c| c.is_ascii_alphanumeric())
        });
        let unit = UNITS.contains(&words[i].trim_end_matches(|c: char| c.is_ascii_digit()));
        let short = |w: &str| w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit());
        let next_lower = words.get(i + 1).map(|w| w.to_ascii_lowercase());
        if i >= first
            && (short(&word) && next_lower.as_deref().is_some_and(|n| SIDES.contains(&n))
                || SIDES.contains(&word.as_str()) && words.get(i + 1).is_some_and(|n| short(n)))
        {
            i += 2;
            continue;
        }
        if i >= first && (unit || KEPT_AS.contains(&word.as_str())) {
            // (With the number of a room after it: "OR 3", "tele 6".)
            let numbered = words
                .get(i + 1)
                .is_some_and(|n| n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()));
            i += if numbered { 2 } else { 1 };
            continue;
        }
        // A network profile's host name ("host alaris-4w-07").
        if i >= first
            && matches!(word.as_str(), "host" | "hostname" | "host:")
            && i + 1 < words.len()
        {
            i += 2;
            continue;
        }
        // ("Cath Lab 2", but "Valley lab LS10" is Valleylab's LS10.)
        let place = PLACES.contains(&word.as_str())
            && (word != "lab" || words.get(i + 1).is_some_and(|n| short(n)));
        // (And a hardware revision: "Encoder E1 hw 1.6.20".)
        let hardware = matches!(word.as_str(), "hw" | "hardware")
            && words.get(i + 1).is_some_and(|n| {
                n.starts_with(|c: char| c.is_ascii_digit())
                    && n.chars().all(|c| c.is_ascii_digit() || c == '.')
            });
        let count = |w: &str| {
            let digits = w.strip_prefix('x').or_else(|| w.strip_suffix('x'));
            digits.is_some_and(|d| {
                (1..=4).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
            })
        };
        // (Lower case only: "IntelliVue X2" is a model.)
        if count(words[i]) && i >= first {
            i += 1;
        } else if ((place || matches!(word.as_str(), "qty" | "qty:" | "quantity")) && short_number
            || hardware)
            && i >= first
        {
            i += 2;
        } else {
            out.push(words[i]);
            i += 1;
        }
    }
    out.join(" ")
}

/// Splits a model written as a purchase line ("MONITOR, CARESCAPE B450, W/ E-PSMP
/// MODULE, V2 SW", "ALARIS PC UNIT, MODEL 8015, W/ LVP MODULE 8100") into the model and
/// the rest: the device's class before it, the accessories "with" it and the options,
/// licences and notes after it are remarks. A "model ..." part belongs to the model.
fn split_purchase_line(model: &str) -> (String, Vec<String>) {
    let mut kept: Vec<&str> = Vec::new();
    let mut remarks = Vec::new();
    for part in model.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let lower = part.to_ascii_lowercase();
        // "W/ LVP MODULE 8100", "SPACESTATION W/ SPACECOM 2", "PXC128-U with PXA30-W2
        // web module": an accessory. (The reading with remarks still has it, for
        // products named by a platform: "UPS with NMC3".)
        let with_at = lower
            .find("w/")
            .filter(|&at| at == 0 || lower[..at].ends_with(' '))
            .map(|at| (at, 2))
            .or_else(|| lower.find(" with ").map(|at| (at + 1, 5)))
            // (Spanish and Portuguese: "Unidad PC Alaris 8015 con módulo WiFi".)
            .or_else(|| lower.find(" con ").map(|at| (at + 1, 4)))
            .or_else(|| lower.find(" com ").map(|at| (at + 1, 4)))
            // ("Alaris PC unit 8015 + 2x LVP 8100", "SpaceStation + SpaceCom".)
            .or_else(|| lower.find(" + ").map(|at| (at + 1, 2)))
            // ("Upgrade Utility on biomed XP laptop", "GEH-500 bridge on MAC 5500":
            // what it runs on or is fitted to.)
            .or_else(|| lower.find(" on ").map(|at| (at + 1, 3)))
            // (What it lacks, kept as a remark that says so: "sin opción inalámbrica".)
            .or_else(|| lower.find(" sin ").map(|at| (at + 1, 0)))
            .or_else(|| lower.find(" sem ").map(|at| (at + 1, 0)));
        let (part, with) = match with_at {
            Some((at, len)) => (part[..at].trim(), Some(part[at + len..].trim())),
            None => (part, None),
        };
        remarks.extend(with.filter(|w| !w.is_empty()).map(str::to_string));
        if part.is_empty() {
            continue;
        }
        let class_only = crate::names::model_tokens(part)
            .iter()
            .all(|t| is_class_word(&crate::names::singular(t.clone())));
        let model_part = lower.starts_with("model ") || lower.starts_with("model:");
        if model_part || (kept.is_empty() && !class_only) {
            kept.push(part);
        } else {
            remarks.push(part.to_string());
        }
    }
    if kept.is_empty() {
        return (model.to_string(), Vec::new());
    }
    (kept.join(" "), remarks)
}

/// Splits off the remark an inventory writes after a spaced dash: where the device
/// stands or what it is kept for ("Alaris PCU 8015 - ED", "MedStation 4000 cabinet - 3
/// South", "8000 PCU - old, spare shelf"). A model number after the dash ("Spectrum IQ
/// Infusion System - 35700BAX3") is part of the model, and so is the rest then.
fn split_dash_remark(model: &str) -> (String, Option<String>) {
    let Some((head, tail)) = [" - ", " – ", " — "]
        .iter()
        .find_map(|sep| model.split_once(sep))
    else {
        return (model.to_string(), None);
    };
    // (Three digits or more: "AHU-12", "DB-4" and "OR 3" name places. Unless the model
    // before the dash has its own: "Optima CT660 - CT1 AE CT1_OPT660" adds a DICOM AE
    // title.)
    let tail_toks = crate::names::model_tokens(tail);
    let numbered = |toks: &[String]| {
        toks.iter()
            .any(|t| t.bytes().filter(u8::is_ascii_digit).count() >= 3)
    };
    let model_number = numbered(&tail_toks) && !numbered(&crate::names::model_tokens(head));
    if head.trim().is_empty() || tail.trim().is_empty() || model_number {
        return (model.to_string(), None);
    }
    // "PACS - iSite PACS", "CT Scanner - Optima CT540": the device's kind, then its
    // model.
    let kind_first = crate::names::model_tokens(head)
        .iter()
        .all(|t| tail_toks.contains(t) || is_class_word(&crate::names::singular(t.clone())));
    if kind_first {
        return (tail.trim().to_string(), Some(head.trim().to_string()));
    }
    (head.trim().to_string(), Some(tail.trim().to_string()))
}

/// Flattens an advisory's products for matching.
///
/// A product defined by a CSAF relationship ("WebHMI installed with EPAS User
/// Interface", "... default component of EMO-L") is matched through its parts, each
/// reading carrying the combination's id, whose status the advisory gives: the
/// component always, and the other product too when that one contains the component
/// ("…_component_of") or is installed with it ("installed_with"); not the platform of
/// "installed_on", which runs many other things.
pub fn prepare(advisory: &Advisory, table: &VendorTable) -> Vec<PreparedProduct> {
    let mut products = prepare_products(&advisory.id, &advisory.title, &advisory.products, table);
    for p in &mut products {
        let range = p.spec.range().cloned();
        p.fixed_in = crate::fixes::stated_fixes(advisory, &p.product_id)
            .into_iter()
            .filter(|f| range.as_ref().is_none_or(|r| crate::fixes::fix_of(r, f)))
            .collect();
    }
    products
}

fn prepare_products(
    id: &str,
    title: &str,
    products: &[Product],
    table: &VendorTable,
) -> Vec<PreparedProduct> {
    let by_id: BTreeMap<&str, &Product> = products
        .iter()
        .map(|p| (p.product_id.as_str(), p))
        .collect();
    let mut out = Vec::new();
    for p in products {
        let Some(rel) = &p.relationship else {
            // "Rev J-M | (X3/MX100 for Rev M only)": the models the clause names are the
            // product at its version only; the others at the rest.
            match models_version_clause(p) {
                Some((rest, models)) => {
                    out.extend(prepare_product(id, title, &rest, table));
                    out.extend(prepare_product(id, title, &models, table));
                }
                None => out.extend(prepare_product(id, title, p, table)),
            }
            out.extend(host_of_component(p).and_then(|h| prepare_product(id, title, &h, table)));
            continue;
        };
        // "Firmware <V1.2.1.S0 installed on Lean Managed Switch 852-1813": the
        // device is the hardware, running the firmware's versions.
        if rel.category == "installed_on"
            && let Some(fw) = relationship_part(&rel.product_reference, &by_id)
            && let Some(hw) = relationship_part(&rel.relates_to_product_reference, &by_id)
            && is_firmware_of(fw, hw)
        {
            let mut reading = hw.clone();
            // (A hardware branch often holds the model where the version goes.)
            if let Some(model) = hw.version.as_ref().or(hw.version_range.as_ref()) {
                let name = hw.product_name.as_deref().unwrap_or(&hw.name);
                reading.product_name = Some(format!("{name} {model}"));
            }
            reading.version.clone_from(&fw.version);
            reading.version_range.clone_from(&fw.version_range);
            reading.product_id.clone_from(&p.product_id);
            out.extend(prepare_product(id, title, &reading, table));
            continue;
        }
        let mut parts = vec![rel.product_reference.as_str()];
        if rel.category != "installed_on" {
            parts.push(rel.relates_to_product_reference.as_str());
        }
        for part in parts {
            if let Some(base) = relationship_part(part, &by_id) {
                let mut reading = base.clone();
                reading.product_id.clone_from(&p.product_id);
                out.extend(prepare_product(id, title, &reading, table));
            }
        }
    }
    // The advisory's lines: words that lead two or more of its product names with
    // another word after them ("Revolution EVO", "Revolution HD").
    let mut followers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in &out {
        if let Some(n) = p.names.first()
            && let [first, second, ..] = n.seq.as_slice()
        {
            followers.entry(first).or_default().insert(second);
        }
    }
    let lines: std::sync::Arc<BTreeSet<String>> = std::sync::Arc::new(
        followers
            .into_iter()
            .filter(|(_, after)| after.len() >= 2)
            .map(|(w, _)| crate::names::singular(w.to_string()))
            .collect(),
    );
    let vocabulary: std::sync::Arc<BTreeSet<String>> = std::sync::Arc::new(
        out.iter()
            .flat_map(|p| &p.names)
            .flat_map(|n| n.words.iter().cloned())
            .collect(),
    );
    for p in &mut out {
        for n in &mut p.names {
            n.line_words = std::sync::Arc::clone(&lines);
            n.advisory_words = std::sync::Arc::clone(&vocabulary);
        }
    }
    out
}

/// Whether a product is named only "Firmware" (or "Software", "OS"...), or the
/// firmware of the hardware's family ("P3 Firmware" installed on the P3 camera "D24M"):
/// a version line for whatever it is installed on.
/// A product whose version slot gives some of its models their own version in a
/// clause, "Rev J-M | (X3/MX100 for Rev M only)": the product without the clause, and
/// the product named with those models at that version.
fn models_version_clause(p: &Product) -> Option<(Product, Product)> {
    let text = p.version.as_deref().or(p.version_range.as_deref())?;
    let open = text.find('(')?;
    let close = open + text[open..].find(')')?;
    let inner = &text[open + 1..close];
    let lower = inner.to_ascii_lowercase();
    let body = lower.strip_suffix(" only")?;
    let at = body.find(" for ")?;
    let (models, version) = (&inner[..at], inner[at + 5..body.len()].trim());
    let numbered = crate::names::model_tokens(models)
        .iter()
        .all(|t| t.bytes().any(|b| b.is_ascii_digit()));
    if !numbered || version.is_empty() || models.trim().is_empty() {
        return None;
    }
    let rest: String = format!("{}{}", &text[..open], &text[close + 1..]);
    let rest = rest.trim().trim_matches('|').trim().to_string();
    let with_version = |q: &mut Product, v: &str| {
        if p.version.is_some() {
            q.version = Some(v.to_string());
        } else {
            q.version_range = Some(v.to_string());
        }
    };
    let mut without = p.clone();
    with_version(&mut without, &rest);
    let mut named = p.clone();
    let name = p.product_name.as_deref().unwrap_or(&p.name);
    // (Only the clause's models: the name's own numbers and ranges are the others'.)
    let (outside, _) = crate::names::split_parens(name);
    let line: Vec<&str> = outside
        .split_whitespace()
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .collect();
    named.product_name = Some(format!("{} {}", line.join(" "), models.replace('/', " ")));
    with_version(&mut named, version);
    Some((without, named))
}

/// The product a component's full name says it is part of ("Allegro RomPager embedded
/// web server: versions 4.01 through 4.34 included in Capsule DTS all versions
/// affected", "GEH-500: <= 1.54 (integrated into GE MobileLink)"): inventories list the
/// host, so it is a reading of the product too, at every version when the name says
/// so, else at the component's versions (the host shows its module's firmware).
fn host_of_component(p: &Product) -> Option<Product> {
    const PHRASES: [&str; 6] = [
        " included in ",
        " embedded in ",
        " integrated into ",
        " integrated in ",
        " built into ",
        " used in ",
    ];
    let lower = p.name.to_ascii_lowercase();
    let (at, len) = PHRASES
        .iter()
        .find_map(|ph| lower.find(ph).map(|at| (at, ph.len())))?;
    let tail = &p.name[at + len..];
    let tail_lower = &lower[at + len..];
    let end = [" all versions", " versions", " version", ":", ")", ",", ";"]
        .iter()
        .filter_map(|stop| tail_lower.find(stop))
        .min()
        .unwrap_or(tail.len());
    let host = tail[..end].trim();
    if crate::names::model_tokens(host).is_empty() {
        return None;
    }
    let mut reading = p.clone();
    reading.product_family = None;
    reading.product_name = Some(host.to_string());
    if tail_lower.contains("all versions") {
        reading.version = None;
        reading.version_range = None;
    }
    Some(reading)
}

fn is_firmware_of(p: &Product, hw: &Product) -> bool {
    let name = p
        .product_name
        .as_deref()
        .or(p.product_family.as_deref())
        .unwrap_or(&p.name);
    let hw_toks: BTreeSet<String> = [&hw.product_family, &hw.product_name]
        .into_iter()
        .flatten()
        .flat_map(|n| crate::names::model_tokens(n))
        .collect();
    let toks = crate::names::model_tokens(name);
    toks.iter()
        .any(|t| crate::names::is_series_word(t) || t == "os")
        && toks
            .iter()
            .all(|t| crate::names::is_series_word(t) || t == "os" || hw_toks.contains(t))
}

/// The branch product a relationship part stands for, following nested relationships
/// through their components (a bounded number of steps: a hostile document may loop).
fn relationship_part<'a>(id: &str, by_id: &BTreeMap<&str, &'a Product>) -> Option<&'a Product> {
    let mut p = *by_id.get(id)?;
    for _ in 0..8 {
        match &p.relationship {
            None => return Some(p),
            Some(rel) => p = by_id.get(rel.product_reference.as_str())?,
        }
    }
    None
}

fn prepare_product(
    advisory_id: &str,
    title: &str,
    p: &Product,
    table: &VendorTable,
) -> Option<PreparedProduct> {
    let vendor = p.vendor.clone()?;
    let name = match (&p.product_family, &p.product_name) {
        (Some(f), Some(n)) if !n.to_lowercase().contains(&f.to_lowercase()) => format!("{f} {n}"),
        (_, Some(n)) => n.clone(),
        (Some(f), None) => f.clone(),
        (None, None) => p.name.clone(),
    };
    // "TUG Home Base Server a server used to control ...": the description is not the
    // name. "Desigo CC product family V5.0": the version in the name is not a model
    // number; it constrains the device's version to that line.
    // A product named "Version" (a slip in the advisory's tree, "Philips Alice 6
    // Vulnerabilities"): the title names it.
    let name = if crate::names::model_tokens(&name)
        .iter()
        .all(|t| crate::names::is_series_word(t))
    {
        title_product(title).unwrap_or(name)
    } else {
        name
    };
    let (name, excluded) = split_exclusions(&name);
    let (name, name_version) = split_name_version(&strip_description(&without_os(&name)));
    // "NPort" in the advisory "MOXA NPort IAW5000A-I/O Series": the title says which.
    let name = refine_by_title(&name, title);
    let mut vendor_groups = table.groups(&vendor);
    let words = table.vendor_words(&vendor_groups);
    let brands = table.brand_words(&vendor_groups);
    let version_text = p.version.clone().or_else(|| p.version_range.clone());
    // "<= GEH-1.1" for the GEH-SD-320AN, "LPI 3.5.12.P30" for LifePoint's portal: the
    // product's own name before the number is no part of the version.
    let own_name = OwnName::of(&format!("{vendor} {name}"));
    let spec = version_text
        .as_deref()
        .map(|v| own_name.strip(without_platform(v)))
        .map_or_else(AdvisoryRange::all, |v| AdvisoryRange::read(&v));
    // A product still carrying the name of the company that made it before an
    // acquisition ("CME BodyGuard Twins" from BD): inventories list it under that
    // company, so the leading word also names the vendor. (It stays in the name: for
    // a brand such as "Infusomat" it is the model's most distinctive word.)
    if let Some(first) = former_maker(&name, table) {
        vendor_groups.insert(VendorId::Unknown(first));
    }
    // CISA's titles start with the company an inventory knows ("Panduit IntraVUE" for
    // a product whose tree names Pronetiqs).
    if let Some(company) = title_company(title, &name) {
        vendor_groups.insert(VendorId::Unknown(company));
    }
    // So may a two-word company name ("Applied Biosystems 3500 Series ..." from Thermo
    // Fisher): a device listed under "Applied Biosystems" is the product's.
    if let Some(company) = leading_company(&name) {
        vendor_groups.insert(VendorId::Unknown(company));
    }
    let mut names = vec![ModelName::with_vendor_words(&name, &words)];
    if names[0].is_empty() {
        // The product is named only by the vendor's name ("OpenClinic GA" from
        // OpenClinic GA): keep it, as for devices.
        names[0] = ModelName::with_vendor_words(&name, &BTreeSet::new());
        names[0].maker_only = true;
    }
    // Products sharing a name ("Ultrasound EPIQ/Affiniti"), and other names given in
    // parentheses ("(IPM Infrastructure)", "(Previously called RSLinx Enterprise)"):
    // each is a name.
    for alt in slash_alternatives(&name)
        .into_iter()
        .chain(repeated_first_word(&name))
        .chain(and_alternatives(&name))
        .chain(listed_short_names(&name))
        .chain(included_models(&name))
        .chain(crate::names::parenthesized_names(&name))
        .chain(part_of_title_product(&name, title))
        .chain(instrument_of_software(&name))
        .chain(table.product_synonyms(&vendor_groups, &crate::names::split_parens(&name).0))
    {
        names.push(ModelName::with_vendor_words(&alt, &words));
    }
    // (Unless they are numbered as the product is, but are not it: the "MMT-503
    // Remote Controller: MMT-522 / MMT-722 Paradigm REAL-TIME" is the remote sold for
    // that pump, not the pump; "MiniMed 670G: MMT-1780" is the 670G's own catalogue
    // number.)
    let companions = version_text
        .as_deref()
        .is_some_and(|v| companion_models(&names[0], v));
    // "Niagara 4.7u1 (JACE-8000 Edge 10)": the hardware the version runs on, which is
    // what inventories list.
    if let Some(inner) = version_text
        .as_deref()
        .filter(|_| !companions)
        .and_then(|v| v.split_once('('))
        .map(|(_, inner)| inner.trim_end_matches(')').trim())
        .filter(|inner| {
            crate::names::model_tokens(inner).iter().any(|t| {
                t.len() >= 3
                    && t.bytes().any(|b| b.is_ascii_digit())
                    && t.bytes().any(|b| b.is_ascii_alphabetic())
            })
        })
    {
        names.push(ModelName::with_vendor_words(
            &format!("{name} {inner}"),
            &words,
        ));
    }
    for m in &p.identification.model_numbers {
        let mut n = names[0].clone();
        n.numbers
            .extend(ModelName::with_vendor_words(m, &words).numbers);
        names.push(n);
    }
    // A "version" that is really a model ("Accu-Chek Inform II", "MMT-512 / MMT-712
    // Paradigm x12") joins the name; the version is then unconstrained.
    let (spec, version_text) = match (&spec, &version_text) {
        (_, Some(_)) if companions => (AdvisoryRange::all(), None),
        // Models listed where the versions belong ("GE Carestation: 620 | 650 | 650c"):
        // a device with another model number is not the product.
        (_, Some(v)) if let Some((numbers, named)) = models_as_versions(v) => {
            add_optional_models(&mut names, &numbers);
            let first = names[0].clone();
            for alt in named {
                let mut n = ModelName::with_vendor_words(&format!("{name} {alt}"), &words);
                n.numbers.clone_from(&first.numbers);
                n.optional_numbers.clone_from(&first.optional_numbers);
                names.push(n);
            }
            (AdvisoryRange::all(), None)
        }

        // Catalogue numbers where the version belongs ("LNL-X2210", "MMT-1715 |
        // MMT-1754"): each is one model of the product.
        (s, Some(v))
            if let Some(models) = (s.is_unreadable() || lettered_like_a_model(v))
                .then(|| catalogue_numbers(v))
                .flatten() =>
        {
            // (A device with another model number is not the product; one without
            // any may be it.)
            add_optional_models(&mut names, &models);
            (AdvisoryRange::all(), None)
        }
        (s, Some(v)) if s.is_unreadable() && looks_like_model(v) => {
            names = vec![ModelName::with_vendor_words(&format!("{name} {v}"), &words)];
            (AdvisoryRange::all(), None)
        }
        _ => {
            // "v8.x model 35700BAX2": the model the version belongs to, which a device
            // with another model number is not (one without a number may be it).
            if let Some(v) = &version_text {
                let lower = v.to_ascii_lowercase();
                let models: Vec<String> = lower
                    .split_whitespace()
                    .skip_while(|w| *w != "model")
                    .skip(1)
                    .take(1)
                    .flat_map(crate::names::model_tokens)
                    .filter(|t| {
                        t.len() >= 5
                            && t.bytes().any(|b| b.is_ascii_digit())
                            && t.bytes().any(|b| b.is_ascii_alphabetic())
                    })
                    .collect();
                add_optional_models(&mut names, &models);
            }
            // Model numbers written where the version belongs ("MyCareLink Monitor:
            // 24950 | 24952"): long digit runs of the version text also name the model.
            if let Some(v) = &version_text {
                let extra: Vec<String> = crate::names::model_tokens(v)
                    .into_iter()
                    .filter(|t| t.len() >= 4 && t.bytes().all(|b| b.is_ascii_digit()))
                    .collect();
                // (Five digits or more are a catalogue number, which a device with
                // another one is not; four may be a year.)
                let (catalogue, short): (Vec<String>, Vec<String>) =
                    extra.into_iter().partition(|t| t.len() >= 5);
                add_optional_models(&mut names, &catalogue);
                if !short.is_empty() {
                    let mut n = names[0].clone();
                    n.numbers.extend(short);
                    names.push(n);
                }
            }
            // A version slot holding nothing but catalogue numbers ("RAD-80211-XD:
            // 2885728") says nothing of the firmware.
            let catalogue_only = version_text.as_deref().is_some_and(|v| {
                let toks = crate::names::model_tokens(v);
                !toks.is_empty()
                    && toks
                        .iter()
                        .all(|t| t.len() >= 7 && t.bytes().all(|b| b.is_ascii_digit()))
            });
            if catalogue_only {
                (AdvisoryRange::all(), None)
            } else {
                (spec, version_text)
            }
        }
    };
    let mut excluded: Vec<ModelName> = excluded
        .iter()
        .map(|e| ModelName::with_vendor_words(e, &words))
        .collect();
    for n in names.iter_mut().chain(&mut excluded) {
        n.mark_brands(&brands);
    }
    let wireless_module = name.trim_end().to_ascii_lowercase().ends_with(" wlan");
    let raw_version = p.version.as_deref().or(p.version_range.as_deref());
    let dates = raw_version.and_then(crate::dates::Window::read);
    let option = raw_version.and_then(stated_option);
    let spelled_out = version_text
        .as_deref()
        .and_then(zero_led_spelled_out)
        .map(|v| AdvisoryRange::read(&own_name.strip(without_platform(&v))));
    Some(PreparedProduct {
        advisory_id: advisory_id.to_string(),
        product_id: p.product_id.clone(),
        vendor,
        name,
        vendor_groups,
        names,
        version_text,
        spec,
        name_line: name_version.map(|v| AdvisoryRange::read(&format!("{v}.x"))),
        spelled_out,
        dates,
        option,
        excluded,
        fixed_in: Vec::new(),
        wireless_module,
        own_name,
    })
}

/// A product name without the operating system it runs on ("Siemens PET/CT Systems
/// Windows 7-Based" is the PET/CT systems), which an inventory's model does not repeat.
fn without_os(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let Some(at) = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("windows"))
        .filter(|&at| at >= 1)
    else {
        return name.to_string();
    };
    let mut end = at + 1;
    // "7-Based", "7", "XP", "10", then "based".
    if let Some(next) = words.get(end) {
        let v = next
            .to_ascii_lowercase()
            .trim_end_matches("-based")
            .to_string();
        if v == "xp" || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())) {
            end += 1;
        }
    }
    if words
        .get(end)
        .is_some_and(|w| w.eq_ignore_ascii_case("based"))
    {
        end += 1;
    }
    let mut kept = words[..at].to_vec();
    // ("... on Windows 7")
    if kept
        .last()
        .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "on" | "for" | "with"))
    {
        kept.pop();
    }
    kept.extend(&words[end..]);
    kept.join(" ")
}

/// The instrument a control or operating software is named after ("MiSeq Control
/// Software" runs on the MiSeq, which is what an inventory lists, with the software's
/// version).
fn instrument_of_software(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    [" control software", " operating software"]
        .iter()
        .find_map(|s| lower.strip_suffix(s).map(str::len))
        .filter(|&at| at > 0)
        .map(|at| name[..at].to_string())
}

/// A product named by a short capitalized name alone ("AP" in "B. Braun OnlineSuite"):
/// a part of the product the title names, which inventories list under that name.
fn part_of_title_product(name: &str, title: &str) -> Option<String> {
    let short = (2..=3).contains(&name.len()) && name.chars().all(|c| c.is_ascii_uppercase());
    let whole = title_product(title)?;
    if short && !whole.split_whitespace().any(|w| w == name) {
        return Some(format!("{whole} {name}"));
    }
    // A product named after the kind the title's product is, "RIS Client Builds" in
    // "Carestream Vue RIS": the title names it fully.
    let first = name.split_whitespace().next()?;
    let kind = (2..=4).contains(&first.len()) && first.chars().all(|c| c.is_ascii_uppercase());
    let numbered = |s: &str| s.chars().any(|c| c.is_ascii_digit());
    let title_words: Vec<&str> = whole.split_whitespace().collect();
    (kind
        && !numbered(name)
        && !numbered(&whole)
        && title_words.len() >= 3
        && title_words.last() == Some(&first))
    .then_some(whole)
}

/// The product an advisory's title names: the title without its update mark and the
/// words around the product ("Philips Alice 6 Vulnerabilities (Update B)" → "Philips
/// Alice 6").
fn title_product(title: &str) -> Option<String> {
    let (outside, _) = crate::names::split_parens(title);
    let kept: Vec<&str> = outside
        .split_whitespace()
        .filter(|w| {
            !matches!(
                w.to_ascii_lowercase().as_str(),
                "vulnerability" | "vulnerabilities" | "multiple" | "update" | "advisory"
            )
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

/// Splits the models a product name excludes from it: "LOGIQ, not including LOGIQ 100
/// Pro" is the LOGIQ line but the LOGIQ 100 Pro; "Venue, not including Venue 40 R1-3
/// and Venue 50 R4-5" excludes two.
fn split_exclusions(name: &str) -> (String, Vec<String>) {
    let lower = name.to_ascii_lowercase();
    let Some((at, len)) = [
        ", not including ",
        " not including ",
        ", excluding ",
        ", except for ",
        ", except ",
    ]
    .iter()
    .find_map(|m| lower.find(m).map(|at| (at, m.len()))) else {
        return (name.to_string(), Vec::new());
    };
    // (Byte offsets of the ASCII-lowered text are those of the name.)
    let excluded = name[at + len..]
        .split([',', ';'])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    (name[..at].trim().to_string(), excluded)
}

/// A product name without a model number, completed by the model number that follows
/// it in the advisory's title ("NPort" in "MOXA NPort IAW5000A-I/O Series" is the
/// "NPort IAW5000A-I/O").
fn refine_by_title(name: &str, title: &str) -> String {
    if name.chars().any(|c| c.is_ascii_digit()) || name.trim().is_empty() {
        return name.to_string();
    }
    let (n, t) = (name.to_ascii_lowercase(), title.to_ascii_lowercase());
    let Some(at) = t.find(&n) else {
        return name.to_string();
    };
    let after = &title[at + n.len()..];
    // Only a word boundary, then the next word, which must carry a digit.
    match after.split_whitespace().next() {
        Some(next)
            if after.starts_with(' ')
                && next.chars().any(|c| c.is_ascii_digit())
                && next
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric()) =>
        {
            format!("{name} {next}")
        }
        _ => name.to_string(),
    }
}

/// Cuts a description off a product name: from a standalone "a", "an", "which",
/// "that" or "used" with at least two words before and three after.
fn strip_description(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    for i in 2..words.len().saturating_sub(3) {
        if matches!(
            words[i].to_ascii_lowercase().as_str(),
            "a" | "an" | "which" | "that" | "used"
        ) {
            return words[..i].join(" ");
        }
    }
    name.to_string()
}

/// A release number: dotted numbers, perhaps an update suffix ("4.6", "3.8u4", "2.3u1").
fn dotted_release(w: &str) -> bool {
    let (num, suffix) = w.split_at(w.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(w.len()));
    num.contains('.')
        && !num.starts_with('.')
        && !num.ends_with('.')
        && num.chars().all(|c| c.is_ascii_digit() || c == '.')
        && (suffix.is_empty()
            || (suffix.len() <= 4
                && suffix.starts_with(|c: char| c.is_ascii_alphabetic())
                && suffix.ends_with(|c: char| c.is_ascii_digit())))
}

/// Splits a version out of a product name: a word after "version", "ver", "release"
/// ("System Configuration Tool (SCT) version 14"), or a dotted `V` version ("Desigo CC
/// product family V5.0"). A bare "V60" stays a model number.
fn split_name_version(name: &str) -> (String, Option<String>) {
    let words: Vec<&str> = name.split_whitespace().collect();
    let dotted_v = |w: &str| {
        let w = w.trim_end_matches([')', ',']);
        w.len() >= 4
            && w.starts_with(['v', 'V'])
            && w[1..].contains('.')
            && w[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
            && w[1..].starts_with(|c: char| c.is_ascii_digit())
    };
    for (i, w) in words.iter().enumerate() {
        let label = matches!(
            w.to_ascii_lowercase().as_str(),
            "version" | "ver" | "release"
        );
        let next = words.get(i + 1).map(|n| n.trim_start_matches(['v', 'V']));
        if label
            && let Some(n) = next
            && n.starts_with(|c: char| c.is_ascii_digit())
            && n.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            let rest: Vec<&str> = words[..i].iter().chain(&words[i + 2..]).copied().collect();
            // "Encoder Series E1 hardware Version 1.6.20": a hardware revision says
            // nothing of the firmware's version.
            let hardware = i > 0
                && matches!(
                    words[i - 1].to_ascii_lowercase().as_str(),
                    "hardware" | "hw"
                );
            return (rest.join(" "), (!hardware).then(|| n.to_string()));
        }
        // "Desigo CC family V6", "SENTRON Powermanager V6": a major version closing a
        // name of words.
        let family_v = i + 1 == words.len()
            && i >= 2
            && words[..i]
                .iter()
                .all(|w| !w.chars().any(|c| c.is_ascii_digit()))
            && (2..=3).contains(&w.len())
            && w.starts_with('V')
            && w[1..].chars().all(|c| c.is_ascii_digit());
        if (dotted_v(w) || family_v) && i > 0 {
            let rest: Vec<&str> = words[..i].iter().chain(&words[i + 1..]).copied().collect();
            let v = w.trim_end_matches([')', ','])[1..].to_string();
            return (rest.join(" "), Some(v));
        }
        // "Niagara AX 3.8u4", "Niagara 4.6": a dotted release closing a name of words.
        if i + 1 == words.len()
            && i > 0
            && words[..i]
                .iter()
                .all(|w| !w.chars().any(|c| c.is_ascii_digit()))
            && dotted_release(w)
        {
            // (Its line is the release's numbers: "3.8u4" is an update of 3.8.)
            let line = w
                .split(|c: char| c.is_ascii_alphabetic())
                .next()
                .unwrap_or(w);
            return (words[..i].join(" "), Some(line.to_string()));
        }
        // "IntelliSpace Portal 8.0.x": a series closing the name.
        if i + 1 == words.len()
            && i > 0
            && let Some(series) = w
                .strip_suffix(".x")
                .or_else(|| w.strip_suffix(".X"))
                .map(|s| s.trim_end_matches(".x").trim_end_matches(".X"))
            && series.starts_with(|c: char| c.is_ascii_digit())
            && series.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return (words[..i].join(" "), Some(series.to_string()));
        }
    }
    (name.to_string(), None)
}

/// The pieces of a version text when all are catalogue numbers ("LNL-X2210",
/// "MMT-1715 | MMT-1754", "HPSS32").
fn catalogue_numbers(v: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut labelled = false;
    for piece in v.split('|') {
        // ("UDI/Model/NDC number ZXP425 (10-Pack)", "Product ID/Reorder number 19191 |
        // 40160": the numbers after their label, without the packaging remark.)
        let (outside, _) = crate::names::split_parens(piece);
        let lower = outside.to_ascii_lowercase();
        let label_end = lower.rfind("number ").map(|at| at + "number ".len());
        labelled |= label_end.is_some();
        let piece = label_end.map_or(outside.as_str(), |at| &outside[at..]);
        let piece = piece.trim().trim_end_matches([',', ';', '.']);
        // Two letters or more, then letters, digits and hyphens with a digit among them
        // ("HPSS32", "LNL-X2210", "DH-IPC-HDBW23A0RN-ZS"); no dots, which make versions.
        // (Or one letter, when letters and digits take turns: "H4W2PER3"; or digits
        // alone after a label.)
        let lead = piece.chars().take_while(char::is_ascii_alphabetic).count();
        let digits_after_label =
            labelled && piece.len() >= 4 && piece.bytes().all(|b| b.is_ascii_digit());
        let ok = (lead >= 2 || (lead == 1 && lettered_like_a_model(piece)) || digits_after_label)
            && piece.chars().any(|c| c.is_ascii_digit())
            && piece.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            return None;
        }
        out.push(crate::names::model_tokens(piece).concat());
    }
    (!out.is_empty()).then_some(out)
}

/// Whether a version text the version reader could read ("HPSS32" as "HPSS" 32,
/// "DH-IPC-HFW4XXX" as 4.x) is rather a model: each piece starts with three letters or
/// more, or with two and a hyphen, and not with a word that introduces a version
/// ("Rev", "Build", "FW").
fn lettered_like_a_model(v: &str) -> bool {
    const VERSION_WORDS: [&str; 12] = [
        "rev", "ver", "version", "build", "release", "rel", "update", "patch", "hotfix", "fw",
        "sw", "firmware",
    ];
    v.split('|').map(str::trim).all(|piece| {
        let lead: String = piece
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        let after = piece[lead.len()..].chars().next();
        // ("H4W2PER3", "H2W2PC1M": letters and digits taking turns five times or
        // more, with a word of letters among them; "V7R3M0" has none.)
        let runs: Vec<bool> = piece
            .chars()
            .map(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .chunk_by(|a, b| a == b)
            .map(|r| r[0])
            .collect();
        let longest_letters = piece
            .split(|c: char| !c.is_ascii_alphabetic())
            .map(str::len)
            .max()
            .unwrap_or(0);
        let interleaved = piece.chars().all(|c| c.is_ascii_alphanumeric())
            && runs.len() >= 5
            && longest_letters >= 2;
        ((lead.len() >= 3 || (lead.len() == 2 && after == Some('-'))) || interleaved)
            && !VERSION_WORDS.contains(&lead.to_ascii_lowercase().as_str())
    })
}

/// The first word of an advisory's title when it is a company's name the product's
/// name does not start with: a capitalized word of four letters or more, not a class
/// or series word.
fn title_company(title: &str, name: &str) -> Option<String> {
    let first = title.split_whitespace().next()?;
    let key = crate::names::vendor_key(first);
    let lower = first.to_ascii_lowercase();
    (first.len() >= 4
        && first.starts_with(|c: char| c.is_ascii_uppercase())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && !["multiple", "update", "vulnerabilities"].contains(&lower.as_str())
        && !is_class_word(&lower)
        && !crate::names::is_series_word(&lower)
        && !name.to_ascii_lowercase().starts_with(&lower))
    .then_some(key)
}

/// The key of the first two words of a product name when they look like a company
/// name: both capitalized words of three letters or more, neither a class nor a
/// series word, with more of the name after them.
fn leading_company(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().take(3).collect();
    let company_word = |w: &str| {
        let mut c = w.chars();
        w.len() >= 3
            && c.next().is_some_and(|c| c.is_ascii_uppercase())
            && c.all(|c| c.is_ascii_lowercase())
            && !is_class_word(&w.to_ascii_lowercase())
            && !crate::names::is_series_word(&w.to_ascii_lowercase())
    };
    (words.len() == 3 && company_word(words[0]) && company_word(words[1]))
        .then(|| crate::names::vendor_key(&format!("{} {}", words[0], words[1])))
}

/// The first word of a product name when it is a company name the table does not
/// know: an unknown all-capitals ("CME") or coined ("OpenClinic") word of three letters
/// or more, or a capitalised word of four letters or more before a model ("Appleton
/// UPSMON-PRO"), before further words, that is not a device-class or series word, not a
/// model number, and not one of the vendor's own names or brands.
fn former_maker(name: &str, table: &VendorTable) -> Option<String> {
    // Company names stand out by their case ("CME", "OpenClinic"); "Open Application
    // Server" and "Extended ..." start with ordinary words.
    let mut words = name.split_whitespace();
    let word = words.next()?;
    let capitals = word.len() >= 3 && word.chars().all(|c| c.is_ascii_uppercase());
    // A capitalised word before a model ("Appleton UPSMON-PRO", a brand Emerson bought).
    let before_model = {
        let mut c = word.chars();
        let model = words.next().is_some_and(|m| {
            m.chars().any(|c| c.is_ascii_digit())
                || (m.len() >= 3
                    && m.chars()
                        .all(|c| c.is_ascii_uppercase() || c == '-' || c.is_ascii_digit()))
        });
        word.len() >= 4
            && c.next().is_some_and(|c| c.is_ascii_uppercase())
            && c.all(|c| c.is_ascii_lowercase())
            && model
    };
    if !(capitals || before_model || crate::names::is_coined(word)) {
        return None;
    }
    let toks = crate::names::model_tokens(name);
    let first = toks.first()?;
    (toks.len() >= 2
        && first.len() >= 3
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && !is_class_word(first)
        && !crate::names::is_series_word(first)
        && table
            .groups(first)
            .iter()
            .all(|g| matches!(g, VendorId::Unknown(_))))
    .then(|| first.clone())
}

/// The products of a name that lists them with "and" repeating the line's first word
/// ("SiteSentinel Integra and SiteSentinel iSite"), or with a model number on both sides
/// ("NAE85 and NIE85").
fn and_alternatives(name: &str) -> Vec<String> {
    let Some((a, b)) = name.split_once(" and ") else {
        return Vec::new();
    };
    let (a, b) = (a.trim(), b.trim());
    let first = |s: &str| {
        s.split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let numbered = |s: &str| s.chars().any(|c| c.is_ascii_digit());
    // ("iHUB and iHUB Lite": one product and its edition.)
    let edition = !a.contains(' ') && b.contains(' ');
    if (!a.is_empty() && first(a) == first(b) && (a.contains(' ') || edition))
        || (numbered(a) && numbered(b))
    {
        vec![a.to_string(), b.to_string()]
    } else {
        Vec::new()
    }
}

/// A series and the members its name lists in parentheses ("IntelliVue Patient
/// Monitors MP Series (includingMP2/X2/MP30/MP50/MP70/NP90/MX700/800)"): read with the
/// members as its model numbers, so that a member the series letters do not cover
/// ("X2", "MX800") is the product too. (The name read without them still covers the
/// series' other models: "MP5".) An "(including RF, EC, CP)" of options lists no
/// models.
fn included_models(name: &str) -> Option<String> {
    let (outside, inside) = crate::names::split_parens(name);
    inside.iter().find_map(|p| {
        let lower = p.trim_start().to_ascii_lowercase();
        let rest = ["including", "includes", "incl."]
            .iter()
            .find_map(|w| lower.strip_prefix(w))?;
        let rest = &p.trim_start()[p.trim_start().len() - rest.len()..];
        let items: Vec<&str> = rest
            .split(['/', ',', ' '])
            .map(str::trim)
            .filter(|i| !i.is_empty() && *i != "and")
            .collect();
        let numbered = items
            .iter()
            .filter(|i| i.bytes().any(|b| b.is_ascii_digit()))
            .count();
        if items.len() < 2 || numbered * 3 < items.len() * 2 {
            return None;
        }
        // ("MX700/800": a bare number carries the letters of the one before it.)
        let mut letters = "";
        let members: Vec<String> = items
            .iter()
            .map(|i| {
                let digits = i.trim_start_matches(|c: char| c.is_ascii_alphabetic());
                if digits.len() < i.len() {
                    letters = &i[..i.len() - digits.len()];
                    i.to_string()
                } else {
                    format!("{letters}{i}")
                }
            })
            .collect();
        // (The members are listed: "Series" no longer stands for the numbers around
        // them, "MX7xx".)
        let line: Vec<&str> = outside
            .split_whitespace()
            .filter(|w| !crate::names::is_series_word(&w.to_ascii_lowercase()))
            .collect();
        Some(format!("{} {}", line.join(" "), members.join(" ")))
    })
}

/// The products of a name that lists three or more short capitalized names without
/// separators, as CISA's product trees do once commas are gone ("Metasys ADS ADX OAS
/// with MUI" → "Metasys ADS with MUI", "Metasys ADX with MUI", ...).
fn listed_short_names(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let short = |w: &str| (2..=5).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase());
    // (After at least one word that names the line: "FL WLAN SPA" is one model; but a
    // name that is only five or more of them is a list: "RSP RSPE RSPS RSPL MSP EES".)
    let whole_list = words.len() >= 5 && words.iter().all(|w| short(w));
    let Some(start) = (if whole_list { 0 } else { 1 }..words.len())
        .find(|&i| words.len() >= i + 3 && words[i..i + 3].iter().all(|w| short(w)))
    else {
        return Vec::new();
    };
    let end = (start..words.len())
        .find(|&i| !short(words[i]))
        .unwrap_or(words.len());
    let mut seen = BTreeSet::new();
    words[start..end]
        .iter()
        .filter(|w| seen.insert(**w))
        .map(|w| {
            words[..start]
                .iter()
                .chain(std::iter::once(w))
                .chain(&words[end..])
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The readings of a name that joins product names with a slash ("Ultrasound
/// EPIQ/Affiniti" → "Ultrasound EPIQ", "Ultrasound Affiniti"). Both sides must be words
/// of at least three letters: "NM/CT" and "XQ/i" are model designations, not
/// alternatives.
fn slash_alternatives(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let parts: Vec<&str> = w.split('/').collect();
        if parts.len() >= 2
            && parts
                .iter()
                .all(|p| p.len() >= 3 && p.chars().all(|c| c.is_alphabetic()))
        {
            return parts
                .iter()
                .map(|p| {
                    let mut v = words.clone();
                    v[i] = p;
                    v.join(" ")
                })
                .collect();
        }
    }
    Vec::new()
}

/// Gives every reading of a product the models its version slot names: a device with
/// another model number is not the product; one without any may be it.
fn add_optional_models(names: &mut [ModelName], models: &[String]) {
    for n in names {
        n.numbers.extend(models.iter().cloned());
        n.optional_numbers.extend(models.iter().cloned());
    }
}

/// The second product in a name that repeats its first word ("Alaris Gateway
/// Workstation Alaris GS" also names the "Alaris GS").
fn repeated_first_word(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = words.first()?;
    let at = words
        .iter()
        .skip(2)
        .position(|w| w.eq_ignore_ascii_case(first))?
        + 2;
    // (With a word of its own besides a class: "Alaris GS", not "PI Server".)
    let own = words[at + 1..]
        .iter()
        .any(|w| !is_class_word(&crate::names::singular(w.to_ascii_lowercase())));
    (at + 1 < words.len() && own).then(|| words[at..].join(" "))
}

/// The short form of a software id written as three digits, the line's letter and a
/// zero-padded number ("012U000061" → "U61"), as B. Braun's pumps show it and its
/// advisories sometimes shorten it.
fn short_software_id(v: &str) -> Option<String> {
    let v = v.trim();
    let b = v.as_bytes();
    (b.len() == 10
        && b[..3].iter().all(u8::is_ascii_digit)
        && b[3].is_ascii_uppercase()
        && b[4..].iter().all(u8::is_ascii_digit))
    .then(|| format!("{}{}", b[3] as char, v[4..].trim_start_matches('0')))
}

/// Whether a version is written in that short form ("U61", "L81").
fn short_software_id_form(w: &str) -> bool {
    let b = w.as_bytes();
    (2..=4).contains(&b.len()) && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// A version text without the platform it names after "on" ("<=11.2 on Windows 8.1
/// with IIS 7.5"): the versions are the product's.
fn without_platform(version: &str) -> &str {
    match version.find(" on ") {
        Some(at)
            if version[at + 4..].starts_with(|c: char| c.is_ascii_uppercase())
                && version[..at].chars().any(|c| c.is_ascii_digit()) =>
        {
            version[..at].trim_end()
        }
        _ => version,
    }
}

/// The words of a product's name (and its initials) that a version may be written
/// after, on either side: "<= GEH-1.1" for the "GEH-SD-320AN", "LPI 3.5.12.P30" for
/// "LifePoint Informatics ... (LPI)", a device's "AP 3.0" for the "AP". Built once per
/// product: devices' versions are read with it at every verdict.
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnName {
    words: BTreeSet<String>,
    /// Capitals inside words included: "lpi" of "LifePoint Informatics".
    initials: String,
}

impl OwnName {
    fn of(name: &str) -> OwnName {
        OwnName {
            words: name
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic()))
                .map(str::to_ascii_lowercase)
                .collect(),
            initials: name
                .chars()
                .filter(char::is_ascii_uppercase)
                .collect::<String>()
                .to_ascii_lowercase(),
        }
    }

    /// The version text without a word of the name glued or spaced before a number
    /// where a version starts.
    fn strip(&self, version: &str) -> String {
        let mut out = String::with_capacity(version.len());
        let mut rest = version;
        while !rest.is_empty() {
            let start = rest
                .find(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let word = rest[..end].to_ascii_lowercase();
            let after = &rest[end..];
            let glued = after
                .strip_prefix(['-', ' '])
                .is_some_and(|a| a.starts_with(|c: char| c.is_ascii_digit()));
            let at_start = out.trim_end_matches([' ', '<', '>', '=']).is_empty()
                || out.ends_with("| ")
                || out.ends_with('|');
            let own = self.words.contains(&word)
                || self.initials.len() >= 3 && self.initials.starts_with(&word);
            if glued && at_start && word.len() >= 2 && own {
                rest = &after[1..];
            } else {
                out.push_str(&rest[..end]);
                rest = after;
            }
        }
        out
    }
}

/// Whether a version slot names other products the product goes with: model numbers
/// with the letters of the product's own number, none of them that number ("MMT-503
/// Remote Controller: MMT-522 / MMT-722 Paradigm REAL-TIME").
fn companion_models(name: &ModelName, version: &str) -> bool {
    let letters = |n: &str| {
        n.chars()
            .take_while(char::is_ascii_alphabetic)
            .collect::<String>()
    };
    let own: BTreeSet<String> = name
        .numbers
        .iter()
        .map(|n| letters(n))
        .filter(|l| l.len() >= 2)
        .collect();
    let listed: Vec<String> = crate::names::model_tokens(version)
        .into_iter()
        .filter(|t| t.bytes().filter(u8::is_ascii_digit).count() >= 3)
        .collect();
    let models_only = models_as_versions(version).is_some()
        || looks_like_model(version)
        || catalogue_numbers(version).is_some();
    models_only
        && listed.iter().any(|t| own.contains(&letters(t)))
        && !listed.iter().any(|t| name.numbers.contains(t))
}

/// A version text with each two-part release whose last part is zero-led ("2.01")
/// spelled out in three ("2.0.1"); `None` when it has none.
fn zero_led_spelled_out(text: &str) -> Option<String> {
    let mut changed = false;
    let out: Vec<String> = text
        .split(' ')
        .map(|w| {
            let (head, tail) = w.split_at(w.len() - w.trim_start_matches(['<', '>', '=']).len());
            match tail.split_once('.') {
                Some((major, minor))
                    if !major.is_empty()
                        && major.bytes().all(|b| b.is_ascii_digit())
                        && minor.len() == 2
                        && minor.starts_with('0')
                        && minor.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    changed = true;
                    format!("{head}{major}.0.{}", &minor[1..])
                }
                _ => w.to_string(),
            }
        })
        .collect();
    changed.then(|| out.join(" "))
}

/// How many dot-separated numeric parts the first release in a version text has.
fn dotted_parts(version: &str) -> usize {
    version
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .map_or(0, |w| w.trim_end_matches('.').split('.').count())
}

/// A version slot that lists models instead of versions ("620 | 650 | 650c", "7100 |
/// 7900 | 100 | Protiva Carestation View"): the model numbers, and the alternatives
/// named by words. Release numbers have dots; years are not models.
fn models_as_versions(v: &str) -> Option<(Vec<String>, Vec<String>)> {
    if v.contains(['.', '<', '>', '=', '*', ':', '/']) {
        return None;
    }
    let alts: Vec<&str> = v.split('|').map(str::trim).collect();
    // (One alone is a model when lettered like a catalogue number: "CareLink Monitor:
    // 2490C".)
    let lettered = |a: &str| {
        let digits = a.bytes().take_while(u8::is_ascii_digit).count();
        digits >= 4
            && (1..=2).contains(&(a.len() - digits))
            && a[digits..].bytes().all(|b| b.is_ascii_alphabetic())
    };
    if alts.iter().any(|a| a.is_empty()) || alts.len() < 2 && !lettered(alts[0]) {
        return None;
    }
    let model_number = |t: &str| {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let year = digits == 4 && (t.starts_with("19") || t.starts_with("20"));
        digits >= 3
            && !year
            && t.len() - digits <= 2
            && t[digits..].bytes().all(|b| b.is_ascii_alphabetic())
    };
    let (mut numbers, mut named) = (Vec::new(), Vec::new());
    for alt in alts {
        let first = alt.split_whitespace().next().unwrap_or("");
        if model_number(first) {
            numbers.extend(
                crate::names::model_tokens(alt)
                    .into_iter()
                    .filter(|t| t.bytes().any(|b| b.is_ascii_digit())),
            );
        } else if first.len() >= 3
            && first.starts_with(|c: char| c.is_ascii_uppercase())
            && first.chars().all(|c| c.is_ascii_alphabetic())
            && !alt.chars().any(|c| c.is_ascii_digit())
        {
            named.push(alt.to_string());
        } else {
            return None;
        }
    }
    (!numbers.is_empty()).then_some((numbers, named))
}

/// A version branch that names a model: letters words, no comparison operators, no
/// dates, no "shipped"/"release" prose.
fn looks_like_model(v: &str) -> bool {
    let l = v.to_lowercase();
    if l.contains(['<', '>', '=']) {
        return false;
    }
    const PROSE: [&str; 10] = [
        "shipped",
        "between",
        "release",
        "running",
        "windows",
        "option",
        "through",
        "firmware",
        "version",
        "distributed",
    ];
    if PROSE.iter().any(|w| l.contains(w)) {
        return false;
    }
    const FILLER: [&str; 8] = [
        "only", "with", "from", "rev", "revision", "model", "models", "and",
    ];
    crate::names::model_tokens(&l).iter().any(|t| {
        t.len() >= 4 && t.chars().all(|c| c.is_ascii_alphabetic()) && !FILLER.contains(&t.as_str())
    })
}

/// Whether two model-number tokens name the same model.
fn number_eq(a: &str, b: &str) -> NumberEq {
    if a == b {
        return NumberEq::Exact;
    }
    // A family pattern with enough fixed characters ("DS-K1T671XXX") identifies a model
    // by itself; a short one ("30xx", "FC72x") only with a shared word.
    for (pattern, model) in [(b, a), (a, b)] {
        if wildcard_eq(pattern, model) {
            let fixed = pattern.len()
                - pattern
                    .bytes()
                    .filter(|&c| c == b'x' || c == b'?' || c == b'*')
                    .count();
            return if fixed >= 5 {
                NumberEq::Exact
            } else {
                NumberEq::Prefixed
            };
        }
    }
    // Catalogue prefixes come and go: "MMT-722" is the "Paradigm 722", GE's "Optima
    // CT540" is the "Optima 540". Spacing variants ("B 450", "EC 40") were already
    // joined when tokenizing.
    let digits = |s: &str| {
        s.trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .len()
    };
    // A vendor prefix one side drops with the vendor's name ("USR-W610" and "W610"):
    // two letters or more before a lettered number of three digits or more.
    for (long, short) in [(a, b), (b, a)] {
        if let Some(prefix) = long.strip_suffix(short)
            && prefix.len() >= 2
            && prefix.bytes().all(|c| c.is_ascii_alphabetic())
            && short.starts_with(|c: char| c.is_ascii_alphabetic())
            && short.bytes().filter(u8::is_ascii_digit).count() >= 3
        {
            return NumberEq::Exact;
        }
    }
    // A letter closing a number marks a variant of the model ("9790C" of the "9790
    // Programmer"), as a prefix does: the same model with a shared word.
    for (long, short) in [(a, b), (b, a)] {
        if short.len() >= 3
            && short.bytes().all(|c| c.is_ascii_digit())
            && long.len() == short.len() + 1
            && long.starts_with(short)
            && long.ends_with(|c: char| c.is_ascii_alphabetic())
        {
            return NumberEq::Prefixed;
        }
    }
    let (da, db) = (digits(a), digits(b));
    let bare = |s: &str, d: usize| d == s.len();
    let (bare_one, other) = if bare(a, da) && !bare(b, db) {
        (a, b)
    } else if bare(b, db) && !bare(a, da) {
        (b, a)
    } else {
        return NumberEq::No;
    };
    if bare_one.len() >= 3
        && bare_one.bytes().all(|c| c.is_ascii_digit())
        && other.ends_with(bare_one)
        && other[..other.len() - bare_one.len()]
            .bytes()
            .all(|c| c.is_ascii_alphabetic())
    {
        NumberEq::Prefixed
    } else {
        NumberEq::No
    }
}

/// Whether a device's number is the product's written with a word of the product's
/// name for its letters: "Discovery NM530c" is the "Discovery NM D530c" (the same
/// digits and closing letters, three digits or more).
fn kind_prefixed(device: &str, product: &str, product_words: &BTreeSet<String>) -> bool {
    let split = |s: &str| {
        let at = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
        (s[..at].to_string(), s[at..].to_string())
    };
    let ((dp, dr), (pp, pr)) = (split(device), split(product));
    !dp.is_empty()
        && dp != pp
        && dr == pr
        && dr.bytes().filter(u8::is_ascii_digit).count() >= 3
        && product_words.contains(&dp)
}

/// Whether `model` is an instance of `pattern`, a model number with wildcards as
/// advisories write families: an `x` after a digit stands for one digit ("FC72x" for
/// FC724, "5x0" for 530, "AFF66X" for AFF660), and a run of two or more at the end for
/// any non-empty rest ("DS-K1T671XXX" for DS-K1T671M, "IPC-HDBW2XXX" for
/// IPC-HDBW2431E). After letters, a run of two or more at the end stands for as many
/// digits ("EMAxxx" for EMA107); a single `x` after a letter is a letter ("X200").
fn wildcard_eq(pattern: &str, model: &str) -> bool {
    let (p, m) = (pattern.as_bytes(), model.as_bytes());
    // '*' from a lone x closing a hyphenated model: any non-empty rest.
    if let Some(head) = p.strip_suffix(b"*") {
        // (The head may hold digit wildcards itself: "IAW5xxxA*".)
        return m.len() > head.len()
            && (m.starts_with(head)
                || std::str::from_utf8(head).is_ok_and(|h| wildcard_eq(h, &model[..head.len()])));
    }
    // '?' from a run of x between hyphens: any one character.
    if p.contains(&b'?') {
        return p.len() == m.len() && p.iter().zip(m).all(|(pc, mc)| *pc == b'?' || pc == mc);
    }
    let tail = p.iter().rev().take_while(|&&c| c == b'x').count();
    let is_wild = |i: usize| {
        p[i] == b'x'
            && i > 0
            && (p[i - 1].is_ascii_digit()
                || p[i - 1] == b'x'
                || (tail >= 2 && i == p.len() - tail && i >= 2))
    };
    if !(0..p.len()).any(is_wild) {
        return false;
    }
    if tail >= 2 && tail < p.len() && p[p.len() - tail - 1].is_ascii_digit() {
        let head = &p[..p.len() - tail];
        return m.len() > head.len() && m.starts_with(head);
    }
    // A variant suffix of up to two letters ("DS-2CD2142FWD-I" in "DS-2CD2xx2FWD").
    let extra = m.len().saturating_sub(p.len());
    let m = if extra <= 2
        && p.last().is_some_and(u8::is_ascii_alphabetic)
        && !is_wild(p.len() - 1)
        && m[p.len().min(m.len())..]
            .iter()
            .all(u8::is_ascii_alphabetic)
    {
        &m[..m.len() - extra]
    } else {
        m
    };
    m.len() == p.len()
        && p.iter().zip(m).enumerate().all(|(i, (pc, mc))| {
            if is_wild(i) {
                mc.is_ascii_digit()
            } else {
                pc == mc
            }
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumberEq {
    No,
    Exact,
    /// Equal once a letter prefix only one side has is removed: only with a shared word.
    Prefixed,
}

/// How a device model matched a product name.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMatch {
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// The rule, in words.
    pub rule: String,
    /// Whether a model number matched (an exact identifier rather than words).
    pub by_number: bool,
}

/// Words that name an edition of a product rather than another product ("CIC Pro").
const EDITION_WORDS: &[&str] = &["pro", "plus"];

/// Compares a device model with a product name (see the module doc for the rules).
pub fn model_match(d: &ModelName, p: &ModelName) -> Option<ModelMatch> {
    // Words one side writes apart and the other together ("Multi Processor",
    // "MultiProcessor") are compared as one.
    if let Some(fused) = d.fused_with(p) {
        return model_match(&fused, p);
    }
    if let Some(fused) = p.fused_with(d) {
        return model_match(d, &fused);
    }
    if let Some(respelled) = d.respelled_with(p) {
        return model_match(&respelled, p);
    }
    // A short name for several words of the product ("VMS", "Video Management System").
    if let Some(expanded) = d.expanded_with(p) {
        return model_match(&expanded, p);
    }
    // A catalogue number in parentheses ("Arkon (99999)") does not have to be given.
    if d.numbers.is_empty() && !p.optional_numbers.is_empty() {
        // (Not a sibling line named before the product's name, though: the product's
        // models are its numbers, and an "Engström Carestation" ventilator is none of
        // the "GE Carestation: 620 | 650 | 650c" anaesthesia machines.)
        let p_named: BTreeSet<&String> = p.words.iter().chain(&p.acronyms).collect();
        let first_shared = d
            .seq
            .iter()
            .position(|t| p_named.contains(&crate::names::singular(t.clone())));
        let qualified = first_shared.is_some_and(|at| {
            d.seq[..at].iter().any(|t| {
                let w = crate::names::singular(t.clone());
                d.words.contains(&w) && !is_class_word(&w) && !d.brands.contains(&w) && w.len() >= 3
            })
        });
        if qualified && p.numbers.is_subset(&p.optional_numbers) {
            return None;
        }
        let mut p = p.clone();
        p.numbers.retain(|n| !p.optional_numbers.contains(n));
        p.optional_numbers.clear();
        return model_match(d, &p);
    }
    // A device's order code ("SpaceStation 8713142U", "Pulsera 718095") need not be
    // in a product name that gives none: it names the same product to the catalogue.
    if d.numbers.iter().any(|n| order_code(n))
        && !p
            .numbers
            .iter()
            .chain(&p.optional_numbers)
            .any(|n| order_code(n))
        && !d.numbers.iter().any(|n| p.numbers.contains(n))
    {
        return match &d.without_codes {
            Some(plain) => model_match(plain, p),
            None => model_match(&without_order_codes(d), p),
        };
    }
    // A client is not its server ("SINEMA Remote Connect Client" and "... Server").
    let client_of = |a: &ModelName, b: &ModelName| {
        let has = |m: &ModelName, w: &str| m.words.contains(w);
        has(a, "client") && !has(a, "server") && has(b, "server") && !has(b, "client")
    };
    if client_of(d, p) || client_of(p, d) {
        return None;
    }
    // An edition the product names and the device does not is another model: the
    // "CoaguChek XS" is not the "CoaguChek XS Plus".
    if p.words
        .iter()
        .any(|w| EDITION_WORDS.contains(&w.as_str()) && !d.words.contains(w))
        && d.words.len() + d.numbers.len() >= 2
    {
        return None;
    }
    let inter_w: BTreeSet<&String> = d.words.intersection(&p.words).collect();
    let hit = |confidence: f64, rule: String, by_number: bool| {
        Some(ModelMatch {
            confidence,
            rule,
            by_number,
        })
    };
    // A device listed by its maker's name alone ("Orthanc" by Orthanc) is any product
    // the maker names after itself ("Orthanc DICOM Server"), for review.
    if d.maker_only && (p.vendor_named || p.maker_only) {
        return hit(0.5, "model is the maker's name".to_string(), false);
    }
    // So is a product named by its maker alone ("OpenClinic GA") to the maker's
    // devices named after it ("OpenClinic GA hospital information system").
    if p.maker_only && d.vendor_named && d.numbers.is_empty() {
        return hit(0.5, "product is the maker's name".to_string(), false);
    }
    // A product named by its class and magnet strength alone ("MRI 1.5T") is the
    // maker's scanners of that strength.
    let by_strength = |a: &ModelName, b: &ModelName| {
        !a.strengths.is_empty()
            && a.numbers.is_empty()
            && a.words.iter().all(|w| is_class_word(w))
            && !a.strengths.is_disjoint(&b.strengths)
    };
    if by_strength(p, d) || by_strength(d, p) {
        return hit(
            0.7,
            format!("magnet strength {}", join(&p.strengths)),
            false,
        );
    }
    // A device written as the product's short name ("CSCS"), with nothing the product
    // lacks but an edition ("CIC Pro"): "IPM Infrastructure" is not the "Intelligent
    // Power Manager (IPM)".
    let d_all: BTreeSet<&String> = d.words.iter().chain(&d.numbers).collect();
    // (Brands and class words around it do not count: "Metasys ADX server"; nor does
    // the kind of a patient-monitoring central: "CIC Pro central station".)
    let central = |w: &str| matches!(w, "central" | "station");
    let d_core = d_all
        .iter()
        .filter(|w| !d.brands.contains(**w) && !is_class_word(w) && !central(w))
        .count();
    if let Some(a) = p.acronyms.iter().find(|a| d_all.contains(a))
        && d_core <= 2
        && d_all.iter().all(|w| {
            *w == a
                || d.brands.contains(*w)
                || EDITION_WORDS.contains(&w.as_str())
                || p.words.contains(*w)
                || p.numbers.contains(*w)
                || p.acronyms.contains(*w)
                || is_class_word(w)
                || central(w)
        })
    {
        return hit(0.8, format!("short name {a:?}"), false);
    }
    // A model given only as the brand ("Omnipod"): any product of that line may be it,
    // so it matches, at low confidence, for review.
    // (With class words the product names too: "Metasys server"; an "exacqVision
    // Server" is not the "exacqVision Web Service".)
    let mut d_named = d.words.iter().filter(|w| !is_class_word(w));
    if d.numbers.is_empty()
        && d_named.clone().count() == 1
        && d_named.all(|w| d.brands.contains(w))
        && d.words
            .iter()
            .all(|w| !is_class_word(w) || p.words.contains(w))
        && !inter_w.is_empty()
    {
        return hit(0.5, format!("brand {} only", join(&d.words)), false);
    }
    // The same, written in pieces ("PIC iX" for "(PICiX)").
    if d_all.len() <= 2 && p.acronyms.contains(&d.joined) {
        return hit(0.8, format!("short name {:?}", d.joined), false);
    }
    // "iSTAR Configuration Utility (ICU)" for the product "ICU".
    if let Some(a) = d.acronyms.iter().find(|a| {
        p.words.len() + p.numbers.len() == 1 && (p.words.contains(*a) || p.numbers.contains(*a))
    }) {
        return hit(0.8, format!("short name {a:?}"), false);
    }
    // "EDS5008 device server (EDS5000)": the family the device gives in parentheses.
    if let Some(n) = d
        .acronyms
        .iter()
        .find(|a| a.chars().any(|c| c.is_ascii_digit()) && p.numbers.contains(*a))
    {
        return hit(0.85, format!("model number {n} given in parentheses"), true);
    }
    match (d.numbers.is_empty(), p.numbers.is_empty()) {
        (false, false) => {
            let mut missing: Vec<&String> =
                d.numbers
                    .iter()
                    .filter(|n| {
                        !p.numbers.iter().any(|m| {
                            number_eq(n, m) != NumberEq::No || kind_prefixed(n, m, &p.words)
                        }) && !p.in_range(n)
                            && !p.acronyms.contains(*n)
                    })
                    .collect();
            // An order code beside a model number that matched ("EIBPORT V3 KNX
            // 2CLA963710W1001", "IntelliVue MX450 866062") need not be in the
            // product's name.
            // (Not when the product gives its own: "FL SWITCH SMCS 8TX (2989226)" is not
            // the 8TX listed as 2989378.)
            // (Philips writes a letter around the digits: "M8007A IntelliVue MP70".)
            let catalogue = |n: &String| {
                let b = n.as_bytes();
                let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
                let lettered = b.len() >= 5
                    && b[0].is_ascii_alphabetic()
                    && b[1].is_ascii_digit()
                    && digits >= 4
                    && digits + 2 >= b.len();
                b.len() >= 5 && digits == b.len() || lettered
            };
            let p_catalogue = p.numbers.iter().any(catalogue);
            // (Nor a hardware generation beside it: "Pyxis MedStation 4000 T2"; but "R1"
            // and "V2" are releases: "VMS 2018 R1" is not "VMS 2018 R2".)
            let generation = |n: &String| {
                let b = n.as_bytes();
                b.len() == 2
                    && b[0].is_ascii_alphabetic()
                    && !matches!(b[0], b'r' | b'v')
                    && b[1].is_ascii_digit()
            };
            if missing.len() < d.numbers.len() {
                missing.retain(|n| {
                    n.len() < 10
                        && (p_catalogue || !catalogue(n))
                        && (!generation(n) || inter_w.is_empty())
                });
            }
            // "XT1144 Series 4 player" is one of the "series 4 players".
            if !missing.is_empty()
                && !p.series_numbers.is_empty()
                && p.numbers.is_subset(&p.series_numbers)
                && p.series_numbers.is_subset(&d.series_numbers)
                && inter_w
                    .iter()
                    .any(|w| !d.brands.contains(*w) && !is_class_word(w))
            {
                return hit(0.7, "same series".to_string(), true);
            }
            if !missing.is_empty() {
                // "Smart-UPS SRT5K with NMC3 AP9641" is one of the "UPS using NMC3":
                // the platform and a word of the product identify it.
                let platform = d.numbers.iter().find(|n| p.platforms.contains(*n));
                let shared_word = inter_w
                    .iter()
                    .any(|w| !d.brands.contains(*w) && !is_class_word(w));
                return match platform {
                    Some(n) if shared_word => hit(0.7, format!("built on {n}"), true),
                    _ => None,
                };
            }
            // Same number, different names: "Pyxis MedStation 4000" is not "Pyxis
            // Anesthesia System 4000". A bare number ("4000") is reused across a vendor's
            // lines, so each side having a word the other lacks, with nothing but brands
            // in common, is a conflict. A lettered model number ("EX1150", "B450") is
            // specific enough on its own.
            let strong = d.numbers.iter().any(|n| {
                n.chars().any(|c| c.is_ascii_alphabetic())
                    && n.chars().filter(char::is_ascii_digit).count() >= 2
            });
            let p_words: BTreeSet<&String> = p.words.iter().chain(&p.acronyms).collect();
            let d_extra = d
                .words
                .iter()
                .any(|w| !p_words.contains(w) && !is_class_word(w));
            // (The product's class words and the words the manufacturer column gave,
            // "SureSigns" / "VS4 vital signs", are not extra.)
            let p_extra = p
                .words
                .iter()
                .any(|w| !d.words.contains(w) && !d.context.contains(w) && !is_class_word(w));
            let shared_non_brand = inter_w.iter().any(|w| !d.brands.contains(*w))
                || p.words
                    .iter()
                    .any(|w| d.context.contains(w) && !p.brands.contains(w) && !is_class_word(w));
            let only_prefixed = d.numbers.iter().all(|n| {
                !p.in_range(n) && !p.numbers.iter().any(|m| number_eq(n, m) == NumberEq::Exact)
            });
            if only_prefixed && !shared_non_brand {
                return None;
            }
            if !strong && d_extra && p_extra && !shared_non_brand {
                return None;
            }
            // A small bare number ("Gen 4", "LOGIQ 7") names little on its own: the
            // words must also cover one side ("Illustra Pro Gen 4" is not the
            // "Illustra Essentials Gen 4").
            let weak = d
                .numbers
                .iter()
                .all(|n| n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()));
            if weak
                && !p.required_words().iter().all(|w| d.words.contains(w))
                && !d.required_words().iter().all(|w| p_words.contains(w))
            {
                return None;
            }
            let nums: Vec<&str> = d.numbers.iter().map(String::as_str).collect();
            // (A number matched only through a prefix or a variant letter yields to a
            // product of the exact number: "2411" is not the "2411L" beside it.)
            let conf = if only_prefixed {
                0.8
            } else if inter_w.is_empty() {
                0.85
            } else {
                0.95
            };
            // (A number equal only once a vendor prefix is dropped, "GEH-SD-320AN" and
            // "SD-320AN", ranks below the same number written alike: in one advisory
            // the device's own product decides.)
            let alike = d.numbers.iter().any(|n| p.numbers.contains(n));
            let conf = if alike { conf } else { conf - 0.02 };
            hit(
                conf,
                format!("model number {} shared", nums.join(", ")),
                true,
            )
        }
        (false, true) => {
            // "Alaris 8015 PC Unit" against "Alaris PC Unit": every product word present
            // ("ClearVue 650" against "Ultrasound ClearVue": class words are optional).
            // A product naming a lettered series ("Ultrasound CX", "Efficia CM Series")
            // covers the models numbered in it ("CX50", "CM10").
            let p_req = p.required_words();
            let in_series = |w: &String| {
                w.len() >= 2
                    && d.numbers.iter().any(|n| {
                        n.strip_prefix(w.as_str())
                            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
                    })
            };
            // (Brands alone, "Alaris" of the "Alaris Gateway Workstation", do not name a
            // product line, unless the product is named by its brand: "Niagara".)
            // (Nor do brands and class words, unless the device has them all:
            // "EcoStruxure Panel Server".)
            let named_by_class = p.words.iter().filter(|w| !p.brands.contains(*w)).count() >= 2
                && p.words.is_subset(&d.words);
            // (A device that names no brand need not repeat the product's: "8015 PC
            // Unit" is BD's "Alaris PC Unit".)
            let brand_optional = |w: &String| p.brands.contains(w) && d.brands.is_empty();
            if (p_req.iter().any(|w| !p.brands.contains(w))
                || (!p.words.is_empty() && p.words == p.brands)
                || named_by_class)
                && p_req.iter().all(|w| {
                    d.words.contains(w)
                        || d.context.contains(w)
                        || in_series(w)
                        || (brand_optional(w) && p_req.iter().any(|w| !p.brands.contains(w)))
                })
            {
                hit(
                    0.75,
                    format!("all product words ({}) in the model", join(&p_req)),
                    false,
                )
            } else {
                None
            }
        }
        (true, false) => {
            // A model without a number against a numbered product is too vague unless
            // it repeats most of the product's words.
            if d.words.len() >= 2
                && d.words.is_subset(&p.words)
                && d.words.len() * 2 >= p.words.len()
            {
                hit(
                    0.6,
                    format!("model words ({}) in the product name", join(&d.words)),
                    false,
                )
            } else {
                None
            }
        }
        (true, true) => {
            // Sharing only class words ("Defibrillator") names no model, unless the
            // product is named by class words alone and the device starts with them
            // (Cassia's "Access Controller") or has two or more of them.
            if inter_w.iter().all(|w| is_class_word(w)) {
                // ("BINOM3 power meters": the maker's meters, whatever words the
                // device adds.)
                // A product or device named by its maker and its class ("Orthanc
                // server", "OHIF viewer") is the maker's product of that class.
                // (Or by its maker and one word: "OHIF Viewers".)
                let maker_and_class = |m: &ModelName| {
                    m.vendor_named && m.words.iter().filter(|w| !is_class_word(w)).count() <= 1
                };
                let class_named = (p.words.iter().all(|w| is_class_word(w))
                    && ((p.seq.len() >= 2 && d.seq.starts_with(&p.seq))
                        || (p.words.len() >= 2 && p.words.is_subset(&d.words))))
                    || (!p.words.is_empty() && maker_and_class(p) && p.words.is_subset(&d.words))
                    || (!d.words.is_empty() && maker_and_class(d) && d.words.is_subset(&p.words));
                return if class_named {
                    hit(
                        0.6,
                        format!("named as the product ({})", join(&p.words)),
                        false,
                    )
                } else {
                    None
                };
            }
            // A product named by its brand alone ("Metasys", "Niagara") covers the
            // devices of that brand, at low confidence, for review.
            if !p.words.is_empty() && p.words == p.brands && p.words.is_subset(&d.words) {
                return hit(
                    0.6,
                    format!("product named by its brand {}", join(&p.words)),
                    false,
                );
            }
            let n = inter_w.len();
            // Class words need not be shared: "Ultrasound ClearVue" is covered by
            // "ClearVue", "T1 Ventilator" by "T1".
            let (d_req, p_req) = (d.required_words(), p.required_words());
            // Brands count for identity but not for coverage: "Alaris GS" is not half of
            // "Alaris Gateway Workstation Alaris GS".
            let nb = inter_w.iter().filter(|w| !d.brands.contains(**w)).count();
            // (Class words still count here: "Alaris GS" is a third of "Alaris Gateway
            // Workstation Alaris GS", not a half.)
            let dn = d.words.iter().filter(|w| !d.brands.contains(*w)).count();
            let pn = p.words.iter().filter(|w| !p.brands.contains(*w)).count();
            // Inventories append what a device is ("Envoy solar gateway", "Desigo CC
            // server"): class words of the device do not count against it.
            let distinct = |w: &&String| !d.brands.contains(*w) && !is_class_word(w);
            let (nb_d, dn_d) = (
                inter_w.iter().filter(|w| distinct(w)).count(),
                d.words.iter().filter(distinct).count(),
            );
            let (nb_d, dn_d) = if dn_d == 0 { (nb, dn) } else { (nb_d, dn_d) };
            // A shared coined name ("SiPass", "WebCTRL", "i-Vu") identifies the product
            // line however many other words either side adds.
            let coined = inter_w.iter().any(|w| {
                !d.brands.contains(*w) && (d.coined.contains(*w) || p.coined.contains(*w))
            });
            // A device written as the product's name and a description ("DASDEC EAS
            // encoder/decoder" for "DASDEC"), or a description and the name, as service
            // schedules write them ("Microbiology Middleware Synapsys").
            // (Two words of description at most before the name.)
            let ends_with_p = d.seq.ends_with(&p.seq) && d.seq.len() <= p.seq.len() + 2;
            let starts_with_p = !p.seq.is_empty()
                && (d.seq.starts_with(&p.seq) || ends_with_p)
                && p.words
                    .iter()
                    .any(|w| !p.brands.contains(w) && !is_class_word(w));
            // (A short name the device gives in parentheses counts: "FACSLyric flow
            // cytometer (IVD)" names the "FACSLyric IVD".)
            // (Or the product's name in order among the device's words, the brand first:
            // "Pyxis Anesthesia Station ES" on the "Pyxis ES" platform.)
            let in_order =
                p.seq.len() >= 2 && p.brands.contains(&p.seq[0]) && is_subsequence(&p.seq, &d.seq);
            let covers_p = p_req
                .iter()
                .all(|w| d.words.contains(w) || d.context.contains(w) || d.acronyms.contains(w))
                && (nb_d * 2 >= dn_d || coined || starts_with_p || in_order);
            let covers_d = d_req.is_subset(&p.words) && (nb * 2 >= pn || coined);
            // A product named by one word ("Revolution CT", "Essential", "CareLink
            // Monitor") is not a device that names another model with it ("Revolution
            // Apex", "Versana Essential", "CareLink SmartSync"); a line the advisory
            // lists models of ("Infinity Kappa" for "Kappa") is no other model.
            if covers_p
                && !covers_d
                && !in_order
                && p_req.iter().filter(|w| !p.brands.contains(*w)).count() == 1
                && another_model(d, p, starts_with_p)
            {
                return None;
            }
            if covers_p && covers_d {
                hit(0.9, format!("same words ({})", join(&d.words)), false)
            } else if covers_p || covers_d {
                hit(
                    0.75,
                    format!(
                        "shared words ({})",
                        inter_w
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    false,
                )
            } else if d.words.len() == 1
                && n == 1
                && d.words
                    .iter()
                    .all(|w| w.len() >= 5 && !d.brands.contains(w))
            {
                // A one-word model that is a product's distinctive name ("SmartLog").
                hit(
                    0.6,
                    format!("model name {} in the product name", join(&d.words)),
                    false,
                )
            } else {
                None
            }
        }
    }
}

/// A catalogue or order code: six digits or more first ("8713142U", "718095").
fn order_code(n: &str) -> bool {
    n.bytes().take_while(u8::is_ascii_digit).count() >= 6
}

/// A name without its order codes.
fn without_order_codes(d: &ModelName) -> ModelName {
    let mut plain = d.clone();
    plain.numbers.retain(|n| !order_code(n));
    plain.without_codes = None;
    plain
}

/// Gives a prepared device's name its form without order codes, made once.
fn with_plain_form(mut m: ModelName) -> ModelName {
    if m.numbers.iter().any(|n| order_code(n)) {
        m.without_codes = Some(Box::new(without_order_codes(&m)));
    }
    m
}

/// Whether a device that covers a product named by one word ("Revolution CT",
/// "Essential", "CareLink Monitor") names another model with it ("Revolution Apex",
/// "Versana Essential", "CareLink SmartSync"): the word after a line the advisory lists
/// models of, or another line of the maker before the product's word. Words the
/// advisory uses elsewhere are no other model ("Infinity Kappa" for "Kappa" beside
/// "Infinity Delta", "Senographe Essential" beside "Senographe Pristina").
fn another_model(d: &ModelName, p: &ModelName, starts_with_p: bool) -> bool {
    let distinct = |t: &String| {
        let w = crate::names::singular(t.clone());
        !p.words.contains(&w)
            && !p.acronyms.contains(&w)
            && !is_class_word(&w)
            && !d.brands.contains(&w)
            && !p.advisory_words.contains(&w)
            && d.words.contains(&w)
    };
    let other_in_line = !starts_with_p
        && p.seq.first().is_some_and(|line| {
            p.line_words.contains(line)
                && !is_class_word(line)
                && d.seq
                    .iter()
                    .position(|t| t == line)
                    .and_then(|at| d.seq.get(at + 1))
                    .is_some_and(distinct)
        });
    let qualified = || {
        let mut named = p.seq.iter().filter(|t| !is_class_word(t));
        match (named.next(), named.next()) {
            (Some(word), None) => d.seq.iter().position(|t| t == word).is_some_and(|at| {
                d.seq[..at]
                    .iter()
                    .any(|t| d.lines.contains(t) && distinct(t))
            }),
            _ => false,
        }
    };
    other_in_line || qualified()
}

/// Whether `short` is `long` with some words left out, in the same order.
fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|w| rest.any(|l| l == w))
}

fn join(s: &BTreeSet<String>) -> String {
    s.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// One product of an advisory that a device matched.
#[derive(Debug, Clone)]
pub struct ProductHit<'a> {
    /// The product.
    pub product: &'a PreparedProduct,
    /// How the model matched.
    pub model: ModelMatch,
    /// The firmware verdict.
    pub verdict: Verdict,
}

/// Matches a prepared device against a prepared product.
pub fn match_product<'a>(
    d: &PreparedDevice,
    version: Option<&str>,
    p: &'a PreparedProduct,
) -> Option<ProductHit<'a>> {
    let model = match_model(d, p)?;
    let verdict = p.verdict(version);
    (verdict != Verdict::NotAffected).then_some(ProductHit {
        product: p,
        model,
        verdict,
    })
}

/// How a device's vendor and model match a product, whatever the versions.
pub fn match_model(d: &PreparedDevice, p: &PreparedProduct) -> Option<ModelMatch> {
    if !d.vendor_groups.iter().any(|g| p.vendor_groups.contains(g)) {
        return None;
    }
    // A model the name excludes, by its number ("Venue 40" from "Venue, not including
    // Venue 40 R1-3").
    if p.excluded
        .iter()
        .any(|e| d.model_match(e).is_some_and(|m| m.by_number))
    {
        return None;
    }
    // A product whose name closes with "WLAN" is the wireless module fitted to the
    // devices named before it ("IntelliVue MP monitors MP20-MP90 WLAN"); a device that
    // names no wireless part is the host, whose own software says nothing of the module.
    let wireless = |m: &ModelName| {
        ["wlan", "wifi", "wireless"]
            .iter()
            .any(|w| m.words.contains(*w) || m.context.contains(*w) || m.acronyms.contains(*w))
    };
    if p.wireless_module && !wireless(&d.model) && !d.with_remarks.as_ref().is_some_and(wireless) {
        return None;
    }
    // A product whose units have an option the device says it lacks ("with wireless
    // option", "(no wireless/ViewForum option)") is not the device.
    if p.option.as_ref().is_some_and(|o| d.lacks.contains(o)) {
        return None;
    }
    let best = p
        .names
        .iter()
        .filter_map(|n| d.model_match(n))
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence));
    if best.is_some() {
        return best;
    }
    // "Spectrum V8 35700BAX2" against "Baxter Spectrum: v8.x model 35700BAX2": the
    // device's "V8" is the version line the product's version states, not a model.
    let line = release_line(d, p.version_text.as_deref()?)?;
    let mut without = d.clone();
    without.model.numbers.remove(&line);
    if without.model.numbers.is_empty() {
        return None;
    }
    p.names
        .iter()
        .filter_map(|n| without.model_match(n))
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
}

/// A device model number "v<N>" whose N is the major version a product's version text
/// starts with ("v8.x", "8.x model ...").
fn release_line(d: &PreparedDevice, version_text: &str) -> Option<String> {
    // (After a comparison too: "<= 9.33" for "Alaris 8015 PC Unit v9".)
    let major: String = version_text
        .trim_start_matches(['<', '>', '=', ' '])
        .trim_start_matches(['v', 'V'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let token = format!("v{major}");
    (!major.is_empty() && d.model.numbers.contains(&token)).then_some(token)
}

impl PreparedProduct {
    /// Whether a device version is affected: inside the version line the product name
    /// states, if any, and inside the product's version or range.
    pub fn verdict(&self, version: Option<&str>) -> Verdict {
        // "AP 3.0", "ES 1.4.5", "GEH-1.14": inventories write the software's name before
        // its version, as advisories do ([`OwnName`]).
        // (Accents as plain letters: "versión 2.1".)
        let plain = version.map(crate::names::unaccented);
        let stripped = plain.as_deref().map(|v| self.own_name.strip(v));
        let version = stripped.as_deref();
        // ("2.0.3" against "<= 2.01": people read the bound as 2.0.1, so a device
        // written in three parts is compared with it so.)
        let spec = match (&self.spelled_out, version) {
            (Some(spelled), Some(v)) if dotted_parts(v) >= 3 => spelled,
            _ => &self.spec,
        };
        // ("no wireless/ViewForum option" against "with wireless option (shipped
        // ...)", "shipped 2016-03" against the shipping window.)
        if let (Some(option), Some(v)) = (&self.option, version)
            && lacks(v).contains(option)
        {
            return Verdict::NotAffected;
        }
        if let (Some(window), Some(v)) = (&self.dates, version)
            && let Some(inside) = window.contains(v)
        {
            return if inside {
                Verdict::Affected
            } else {
                Verdict::NotAffected
            };
        }
        let mut verdict = match self.name_line.as_ref().map(|l| l.verdict(version)) {
            Some(Verdict::NotAffected) => Verdict::NotAffected,
            _ => spec.verdict(version),
        };
        // B. Braun's software ids: devices show "012U000061", advisories may write "U61".
        // The letter is the software's line: "L92" is compared with "<= L81" only.
        if verdict != Verdict::Affected
            && let Some(short) = version.and_then(short_software_id)
            && let Some(text) = self.version_text.as_deref()
        {
            let same_line: Vec<&str> = text
                .split('|')
                .filter(|alt| {
                    alt.split([' ', '<', '=', '>'])
                        .any(|w| short_software_id_form(w) && w.get(..1) == short.get(..1))
                })
                .collect();
            if !same_line.is_empty() {
                let inside = same_line
                    .iter()
                    .any(|alt| AdvisoryRange::read(alt).verdict(Some(&short)) == Verdict::Affected);
                verdict = if inside {
                    Verdict::Affected
                } else {
                    Verdict::NotAffected
                };
            }
        }
        match version {
            Some(v) if verdict == Verdict::Affected && crate::fixes::has_fix(&self.fixed_in, v) => {
                Verdict::NotAffected
            }
            _ => verdict,
        }
    }
}

/// Confidence from which a model match names the product itself (same words, shared
/// model number) rather than a product whose name merely contains the model's words.
const SPECIFIC: f64 = 0.85;

/// The product hits of one advisory for a device version, from its model matches.
/// When one product of the advisory is the device's model itself ("iSTAR Ultra"),
/// looser matches in the same advisory ("iSTAR Ultra G2") are siblings, not the device:
/// they are dropped before versions are compared, so the exact product's range decides.
pub fn advisory_hits<'a>(
    matches: &[(&'a PreparedProduct, &ModelMatch)],
    version: Option<&str>,
) -> Vec<ProductHit<'a>> {
    let specific: Vec<&ModelName> = matches
        .iter()
        .filter(|(_, m)| m.confidence >= SPECIFIC)
        .filter_map(|(p, _)| p.names.first())
        .collect();
    // (Unless the looser product names the same line more generally: "NovaSeq Control
    // Software: 1.8" beside "NovaSeq 6000 Control Software: <= 1.7".)
    let general = |p: &PreparedProduct| {
        p.names.first().is_some_and(|n| {
            !n.words.is_empty()
                && specific
                    .iter()
                    .any(|s| n.words.is_subset(&s.words) && n.numbers.is_subset(&s.numbers))
        })
    };
    matches
        .iter()
        .filter(|(p, m)| specific.is_empty() || m.confidence >= SPECIFIC || general(p))
        .filter_map(|&(product, model)| {
            let verdict = product.verdict(version);
            (verdict != Verdict::NotAffected).then(|| ProductHit {
                product,
                model: model.clone(),
                verdict,
            })
        })
        .collect()
}

/// The findings of one device against one advisory: one per vulnerability whose
/// product status names a matched product.
pub fn device_findings(
    device: &Device,
    prepared: &PreparedDevice,
    advisory: &Advisory,
    products: &[PreparedProduct],
) -> Vec<Finding> {
    let matches: Vec<(&PreparedProduct, ModelMatch)> = products
        .iter()
        .filter_map(|p| Some((p, match_model(prepared, p)?)))
        .collect();
    let refs: Vec<_> = matches.iter().map(|(p, m)| (*p, m)).collect();
    let hits = advisory_hits(&refs, device.version.as_deref());
    if hits.is_empty() {
        return Vec::new();
    }
    let asset = AssetRef::Device {
        site: device.site.clone(),
        asset_id: device.asset_id.clone(),
    };
    findings_for_hits(
        asset,
        device.manufacturer.as_deref(),
        device.model.as_deref(),
        device.version.as_deref(),
        advisory,
        &hits,
    )
}

/// The status a CSAF `product_status` gives a product, if it names it. Affected beats
/// under investigation beats fixed beats not affected when a product is listed twice.
pub fn product_status(
    ps: &medvigil_model::vuln::ProductStatus,
    pid: &str,
) -> Option<FindingStatus> {
    let has = |l: &Vec<String>| l.iter().any(|x| x == pid);
    if has(&ps.known_affected) || has(&ps.first_affected) || has(&ps.last_affected) {
        Some(FindingStatus::Affected)
    } else if has(&ps.under_investigation) {
        Some(FindingStatus::UnderInvestigation)
    } else if has(&ps.fixed) || has(&ps.first_fixed) {
        Some(FindingStatus::Fixed)
    } else if has(&ps.known_not_affected) {
        Some(FindingStatus::NotAffected)
    } else {
        None
    }
}

/// Turns product hits into findings, one per vulnerability of the advisory.
pub fn findings_for_hits(
    asset: AssetRef,
    manufacturer: Option<&str>,
    model: Option<&str>,
    version: Option<&str>,
    advisory: &Advisory,
    hits: &[ProductHit],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, v) in advisory.vulnerabilities.iter().enumerate() {
        let status_of = |pid: &str| product_status(&v.product_status, pid);
        let mut details: Vec<(FindingStatus, MatchDetails)> = Vec::new();
        for h in hits {
            let Some(status) = status_of(&h.product.product_id) else {
                continue;
            };
            details.push((status, evidence(manufacturer, model, version, h)));
        }
        if details.is_empty() {
            continue;
        }
        // Affected beats under investigation beats fixed beats not affected.
        details.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.confidence.total_cmp(&a.1.confidence))
        });
        let status = details[0].0;
        let vid = v
            .cve
            .clone()
            .or_else(|| v.ids.first().map(|(_, t)| t.clone()))
            .unwrap_or_else(|| format!("{}#{}", advisory.id, i + 1));
        out.push(Finding {
            asset: asset.clone(),
            model: model.map(str::to_string),
            version: version.map(str::to_string),
            vulnerability_id: vid,
            advisory_id: Some(advisory.id.clone()),
            status,
            matched_status: status,
            details: details.into_iter().map(|(_, d)| d).collect(),
            vex: None,
        });
    }
    out
}

fn evidence(
    manufacturer: Option<&str>,
    model: Option<&str>,
    version: Option<&str>,
    h: &ProductHit,
) -> MatchDetails {
    let mut searched_by = BTreeMap::new();
    if let Some(m) = manufacturer {
        searched_by.insert("manufacturer".into(), m.to_string());
    }
    if let Some(m) = model {
        searched_by.insert("model".into(), m.to_string());
    }
    if let Some(v) = version {
        searched_by.insert("version".into(), v.to_string());
    }
    let p = h.product;
    let found = BTreeMap::from([
        ("advisory_id".to_string(), p.advisory_id.clone()),
        ("product_id".to_string(), p.product_id.clone()),
        ("vendor".to_string(), p.vendor.clone()),
        ("product".to_string(), p.name.clone()),
    ]);
    let (version_rule, factor) = match h.verdict {
        Verdict::Affected if p.spec.is_all() => ("all versions affected".to_string(), 1.0),
        Verdict::Affected => (format!("version in {}", p.spec), 1.0),
        Verdict::Unknown if version.is_none() => ("device version unknown".to_string(), 0.6),
        Verdict::Unknown => (
            format!(
                "version not comparable with {:?}",
                p.version_text.as_deref().unwrap_or("")
            ),
            0.6,
        ),
        Verdict::NotAffected => ("version outside the range".to_string(), 0.0),
    };
    MatchDetails {
        kind: if h.model.by_number {
            MatchKind::ExactIndirect
        } else {
            MatchKind::Name
        },
        matcher: MATCHER.to_string(),
        searched_by,
        found,
        rule: format!("vendor group shared; {}; {version_rule}", h.model.rule),
        range: p.version_text.clone(),
        confidence: (h.model.confidence * factor * 100.0).round() / 100.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(model: &str, vendor: &str) -> ModelName {
        let t = VendorTable::builtin();
        ModelName::new(model, vendor, &t)
    }

    /// A product of a CSAF tree with its version or range.
    fn versioned_product(
        vendor: &str,
        name: &str,
        version: Option<&str>,
        range: Option<&str>,
    ) -> Product {
        Product {
            version: version.map(str::to_string),
            version_range: range.map(str::to_string),
            ..product(vendor, name)
        }
    }

    /// The one product [`versioned_product`] describes, prepared as advisory `id`
    /// titled `title` would prepare it.
    fn prepared_one(
        id: &str,
        title: &str,
        vendor: &str,
        name: &str,
        version: Option<&str>,
        range: Option<&str>,
    ) -> PreparedProduct {
        let products = [versioned_product(vendor, name, version, range)];
        prepare_products(id, title, &products, &VendorTable::builtin()).remove(0)
    }

    #[test]
    fn a_number_written_alike_ranks_above_a_prefixed_one() {
        let d = m("MobileLink GEH-SD-320AN", "GE Healthcare");
        let own = model_match(&d, &m("GEH-SD-320AN", "GE Healthcare")).unwrap();
        let sibling = model_match(&d, &m("SD-320AN", "GE Healthcare")).unwrap();
        assert!(own.confidence >= SPECIFIC && sibling.confidence < SPECIFIC);
    }

    #[test]
    fn a_wireless_module_is_not_its_host() {
        let table = VendorTable::builtin();
        let p = &prepared_one(
            "ICSMA-19-255-01",
            "Philips IntelliVue WLAN",
            "Philips",
            "IntelliVue MP monitors MP20-MP90 (M8001A/2A/3A/4A/5A/7A/8A/10A) WLAN",
            Some("Version A, Firmware A.03.09"),
            None,
        );
        let dev = |m: &str| PreparedDevice::from_names("Philips", m, &table).unwrap();
        assert!(match_model(&dev("IntelliVue MP70"), p).is_none());
        assert!(match_model(&dev("IntelliVue MP70 with WLAN"), p).is_some());
        assert!(match_model(&dev("IntelliVue MP70 (wireless)"), p).is_some());
    }

    #[test]
    fn a_version_line_written_into_the_model() {
        let table = VendorTable::builtin();
        let p = &prepared_one(
            "ICSMA-20-170-04",
            "Baxter Spectrum",
            "Baxter",
            "Baxter Spectrum",
            Some("v8.x model 35700BAX2"),
            None,
        );
        let dev = |m: &str| PreparedDevice::from_names("Baxter", m, &table).unwrap();
        assert!(match_model(&dev("Spectrum V8 35700BAX2"), p).is_some());
        assert!(match_model(&dev("Spectrum V9 35700BAX3"), p).is_none());
        assert!(match_model(&dev("Spectrum V8"), p).is_none());
    }

    #[test]
    fn the_platform_after_a_version() {
        assert_eq!(
            without_platform("<=11.2 on Windows 8.1 with IIS 7.5"),
            "<=11.2"
        );
        assert_eq!(
            without_platform("all versions on premises"),
            "all versions on premises"
        );
    }

    #[test]
    fn the_products_name_before_its_version() {
        assert_eq!(
            OwnName::of("Silex GEH-SD-320AN").strip("<= GEH-1.1 (integrated into GE MobileLink)"),
            "<= 1.1 (integrated into GE MobileLink)"
        );
        assert_eq!(
            OwnName::of("LifePoint Informatics Patient Portal").strip("LPI 3.5.12.P30"),
            "3.5.12.P30"
        );
        // A version's own letters stay.
        assert_eq!(
            OwnName::of("Draeger Infinity Delta").strip("VF10.1"),
            "VF10.1"
        );
        assert_eq!(
            OwnName::of("Philips IntelliVue MP").strip("Rev B-M"),
            "Rev B-M"
        );
        assert_eq!(
            OwnName::of("Philips IntelliVue MX40").strip("< B.06.18"),
            "< B.06.18"
        );
    }

    #[test]
    fn a_hardware_generation_beside_a_model_number() {
        let p = m("BD Pyxis MedStation 4000", "BD");
        assert!(model_match(&m("Pyxis MedStation 4000 T2", "BD"), &p).is_some());
        let vms = m("Siveillance VMS 2018 R2", "Siemens");
        assert!(model_match(&m("Siveillance VMS 2018 R1", "Siemens"), &vms).is_none());
    }

    #[test]
    fn what_a_remark_says_the_device_lacks() {
        assert_eq!(without_negated("no wireless / no ViewForum").trim(), "");
        assert_eq!(without_negated("ICU, without Wi-Fi").trim(), "ICU");
        assert_eq!(without_negated("NO WIRELESS OPTION").trim(), "");
        assert_eq!(without_negated("loading dock").trim(), "loading dock");
        let table = VendorTable::builtin();
        let d = PreparedDevice::from_names("Philips", "BV Pulsera (no ViewForum)", &table).unwrap();
        assert!(!d.model.context.contains("viewforum"));
    }

    #[test]
    fn counts_and_tags_in_a_model() {
        assert_eq!(
            without_locations("Alaris PC unit 8015 x38"),
            "Alaris PC unit 8015"
        );
        assert_eq!(
            without_locations("ELI 280 resting ECG 3x"),
            "ELI 280 resting ECG"
        );
        assert_eq!(without_locations("Perfusor Space qty 12"), "Perfusor Space");
        assert_eq!(without_locations("IntelliVue X2"), "IntelliVue X2");
        assert_eq!(without_locations("x2 monitor"), "x2 monitor");
        // Units, rooms, host names and what a unit keeps the device as.
        assert_eq!(
            without_locations("IntelliVue MX800 ICU2 bed 4"),
            "IntelliVue MX800"
        );
        assert_eq!(
            without_locations("Valleylab FT10 energy platform OR 2"),
            "Valleylab FT10 energy platform"
        );
        assert_eq!(
            without_locations("Infinity Kappa monitor SICU spare"),
            "Infinity Kappa monitor"
        );
        assert_eq!(
            without_locations("Medfusion 4000 syringe host MF4000-0231"),
            "Medfusion 4000 syringe"
        );
        assert_eq!(without_locations("XTR receiver tele 6"), "XTR receiver");
        // (A unit's name in lower case, or first, may be a word of the model.)
        assert_eq!(without_locations("ED triage"), "ED triage");
        assert_eq!(
            without_locations_from("OR 4 anaesthesia tower", 0),
            "anaesthesia tower"
        );
        assert_eq!(without_locations("SpaceStation 6 East"), "SpaceStation");
        assert_eq!(
            without_locations("Innova 3100-IQ Cath Lab 2"),
            "Innova 3100-IQ Cath"
        );
        assert_eq!(without_locations("Valley lab LS10"), "Valley lab LS10");
        assert_eq!(
            split_purchase_line("Alaris PC unit 8015 + 2x LVP 8100"),
            (
                "Alaris PC unit 8015".to_string(),
                vec!["2x LVP 8100".to_string()]
            )
        );
        assert_eq!(
            without_brackets("NextSeq 550Dx [GEN-NS1] research"),
            (
                "NextSeq 550Dx research".to_string(),
                vec!["GEN-NS1".to_string()]
            )
        );
        assert_eq!(without_brackets("odd [bracket").0, "odd [bracket");
        let table = VendorTable::builtin();
        let d =
            PreparedDevice::from_names("BD", "Pyxis MedStation 4000 x2 [RX-7]", &table).unwrap();
        assert!(model_match(&d.model, &m("BD Pyxis MedStation 4000", "BD")).is_some());
    }

    #[test]
    fn an_instrument_and_its_software() {
        assert_eq!(
            instrument_of_software("MiSeq Control Software").as_deref(),
            Some("MiSeq")
        );
        assert_eq!(instrument_of_software("Control Software"), None);
        assert_eq!(instrument_of_software("MiSeq"), None);
        let p = m("MiSeq", "Illumina");
        assert!(model_match(&m("MiSeq Sequencing System", "Illumina"), &p).is_some());
        assert!(model_match(&m("MiSeqDx", "Illumina"), &p).is_none());
        let stress = m(
            "Welch Allyn X-Scribe Cardiac Stress Testing System",
            "Hillrom",
        );
        assert!(model_match(&m("X-Scribe Stress Test System", "Mortara"), &stress).is_some());
    }

    #[test]
    fn a_part_named_by_its_short_name_and_its_version() {
        assert_eq!(
            part_of_title_product("AP", "B. Braun OnlineSuite").as_deref(),
            Some("B. Braun OnlineSuite AP")
        );
        assert_eq!(part_of_title_product("Alaris", "BD Alaris"), None);
        assert_eq!(
            part_of_title_product("RIS Client Builds", "Carestream Vue RIS").as_deref(),
            Some("Carestream Vue RIS")
        );
        assert_eq!(part_of_title_product("PACS Server", "Philips PACS"), None);
        assert_eq!(
            part_of_title_product("AP", "B. Braun AP").as_deref(),
            Some("B. Braun AP")
        );
        let table = VendorTable::builtin();
        let p = &prepared_one(
            "ICSMA-20-296-01",
            "B. Braun OnlineSuite",
            "B. Braun Medical",
            "AP",
            None,
            Some("<= 3.0"),
        );
        let dev = PreparedDevice::from_names("B. Braun", "OnlineSuite", &table).unwrap();
        assert!(match_model(&dev, p).is_some());
        assert_eq!(p.verdict(Some("AP 3.0")), Verdict::Affected);
        assert_eq!(p.verdict(Some("AP 3.1")), Verdict::NotAffected);
        assert_eq!(p.verdict(Some("3.0")), Verdict::Affected);
        assert_eq!(p.verdict(Some("AP-3.1")), Verdict::NotAffected);
    }

    #[test]
    fn a_number_written_with_a_word_of_the_name() {
        let p = m("Discovery NM D530c", "GE Healthcare");
        assert!(model_match(&m("Discovery NM530c", "GE Healthcare"), &p).is_some());
        // Not another number, nor letters that are no word of the product.
        assert!(model_match(&m("Discovery NM630c", "GE Healthcare"), &p).is_none());
        assert!(model_match(&m("Discovery XR530c", "GE Healthcare"), &p).is_none());
    }

    #[test]
    fn software_ids_in_long_and_short_form() {
        assert_eq!(short_software_id("012U000061").as_deref(), Some("U61"));
        assert_eq!(short_software_id("028L000081").as_deref(), Some("L81"));
        assert_eq!(short_software_id("12.1.0"), None);
        let p = |v: &str| PreparedProduct {
            advisory_id: "ICSMA-20-296-02".into(),
            product_id: "CSAFPID-0001".into(),
            vendor: "B. Braun Medical".into(),
            name: "SpaceCom".into(),
            vendor_groups: BTreeSet::new(),
            names: vec![],
            version_text: Some(v.into()),
            spec: AdvisoryRange::read(v),
            name_line: None,
            excluded: vec![],
            fixed_in: vec![],
            wireless_module: false,
            own_name: OwnName::default(),
            spelled_out: None,
            dates: None,
            option: None,
        };
        let short = p("<= U61 |<= L81");
        assert_eq!(short.verdict(Some("012U000061")), Verdict::Affected);
        assert_eq!(short.verdict(Some("012U000039")), Verdict::Affected);
        assert_eq!(short.verdict(Some("012U000062")), Verdict::NotAffected);
        // Another line's id is compared with its own line's bound only.
        assert_eq!(short.verdict(Some("053L000092")), Verdict::NotAffected);
        assert_eq!(short.verdict(Some("053L000081")), Verdict::Affected);
        assert_eq!(
            p("<= 012U000061").verdict(Some("012U000039")),
            Verdict::Affected
        );
    }

    #[test]
    fn models_listed_where_the_versions_belong() {
        assert_eq!(
            models_as_versions("620 | 650 | 650c"),
            Some((vec!["620".into(), "650".into(), "650c".into()], vec![]))
        );
        assert_eq!(
            models_as_versions("7100 | 7900 | 100 | Protiva Carestation View"),
            Some((
                vec!["7100".into(), "7900".into(), "100".into()],
                vec!["Protiva Carestation View".into()]
            ))
        );
        assert_eq!(
            models_as_versions("2490C"),
            Some((vec!["2490c".into()], vec![]))
        );
        assert_eq!(models_as_versions("2490"), None);
        // Releases and years are versions.
        assert_eq!(models_as_versions("1.1 | 1.5 | 1.6"), None);
        assert_eq!(models_as_versions("2019 | 2020"), None);
        assert_eq!(models_as_versions("B.02 | C.02"), None);
        let table = VendorTable::builtin();
        let p = &prepared_one(
            "ICSMA-19-190-01",
            "GE Aestiva and Aespire",
            "General Electric (GE)",
            "GE Carestation",
            Some("620 | 650 | 650c"),
            None,
        );
        let dev = |m: &str| PreparedDevice::from_names("GE Healthcare", m, &table).unwrap();
        assert!(match_model(&dev("Carestation 650"), p).is_some());
        assert!(match_model(&dev("Carestation 750"), p).is_none());
        assert!(match_model(&dev("Carestation anesthesia machine"), p).is_some());
        // A sibling line named before the product's name is none of its models.
        assert!(match_model(&dev("Engström Carestation ventilator"), p).is_none());
        assert!(match_model(&dev("Giraffe OmniBed Carestation"), p).is_none());
        assert_eq!(p.verdict(Some("3.2")), Verdict::Affected);
    }

    #[test]
    fn products_a_version_slot_says_the_product_goes_with() {
        let table = VendorTable::builtin();
        let remote = ModelName::with_vendor_words("MMT-503 Remote Controller", &BTreeSet::new());
        assert!(companion_models(
            &remote,
            "MMT-522 / MMT-722 Paradigm REAL-TIME"
        ));
        assert!(companion_models(
            &remote,
            "MMT-522(K) / MMT-722(K) Paradigm REAL-TIME"
        ));
        // A product's own catalogue numbers, a version, a revision note are not.
        let pump = ModelName::with_vendor_words("MiniMed 670G", &BTreeSet::new());
        assert!(!companion_models(&pump, "MMT-1780"));
        let mx = ModelName::with_vendor_words("IntelliVue MX (MX400-550)", &BTreeSet::new());
        assert!(!companion_models(
            &mx,
            "Rev J-M | (X3/MX100 for Rev M only)"
        ));
        assert!(!companion_models(&remote, "MMT-503"));
        let p = &prepared_one(
            "ICSMA-18-219-02",
            "MiniMed remotes",
            "Medtronic",
            "MMT-503 Remote Controller",
            Some("MMT-522 / MMT-722 Paradigm REAL-TIME"),
            None,
        );
        let dev = |m: &str| PreparedDevice::from_names("Medtronic MiniMed", m, &table).unwrap();
        assert!(match_model(&dev("Paradigm remote MMT-503"), p).is_some());
        assert!(match_model(&dev("Paradigm 722 insulin pump"), p).is_none());
    }

    #[test]
    fn clauses_hosts_and_zero_led_parts_of_a_version_slot() {
        let table = VendorTable::builtin();
        // Models with their own version in a clause.
        let products = vec![versioned_product(
            "Philips",
            "IntelliVue Patient Monitors MX (MX400-550)",
            Some("Rev J-M | (X3/MX100 for Rev M only)"),
            None,
        )];
        let prepared = prepare_products("ICSMA-18-156-01", "IntelliVue", &products, &table);
        let affected = |model: &str, version: &str| {
            let d = PreparedDevice::from_names("Philips", model, &table).unwrap();
            prepared.iter().any(|p| {
                match_model(&d, p).is_some() && p.verdict(Some(version)) == Verdict::Affected
            })
        };
        assert!(affected("IntelliVue X3", "M.01"));
        assert!(!affected("IntelliVue X3", "L.00"));
        assert!(affected("IntelliVue MX450", "L.01"));
        assert!(!affected("IntelliVue MX450", "N.00"));
        // A component's host, at every version when the name says so.
        let mut rompager = versioned_product(
            "Qualcomm Life",
            "Allegro RomPager embedded web server",
            None,
            Some(">= 4.01 | <= 4.34"),
        );
        rompager.name = "Allegro RomPager embedded web server: versions 4.01 through 4.34 \
                         included in Capsule DTS all versions affected"
            .to_string();
        let host = host_of_component(&rompager).unwrap();
        assert_eq!(host.product_name.as_deref(), Some("Capsule DTS"));
        assert_eq!(host.version_range, None);
        assert!(host_of_component(&versioned_product("Acme", "Web server", None, None)).is_none());
        // "<= 2.01" is read as 2.0.1 by a device written in three parts.
        assert_eq!(zero_led_spelled_out("<= 2.01").as_deref(), Some("<= 2.0.1"));
        assert_eq!(zero_led_spelled_out("<= 2.10"), None);
        assert_eq!(dotted_parts("FW 2.0.3"), 3);
        let p = &prepared_one(
            "ICSMA-18-128-01",
            "Silex",
            "Silex Technology",
            "SD-320AN",
            None,
            Some("<= 2.01"),
        );
        assert_eq!(p.verdict(Some("2.0.3")), Verdict::NotAffected);
        assert_eq!(p.verdict(Some("2.0.1")), Verdict::Affected);
        assert_eq!(p.verdict(Some("1.9")), Verdict::Affected);
    }

    #[test]
    fn order_codes_accessories_and_platform_names_in_order() {
        let table = VendorTable::builtin();
        let dev = |maker: &str, m: &str| PreparedDevice::from_names(maker, m, &table).unwrap();
        // An order code the product does not give; the accessory the product names.
        let p = &prepared_one(
            "ICSMA-21-294-01",
            "B. Braun",
            "B. Braun",
            "SpaceStation with SpaceCom 2",
            None,
            Some("<= 012U000061"),
        );
        assert!(
            match_model(
                &dev("B. Braun", "SpaceStation 8713140U w/ SpaceCom 8713160U"),
                p
            )
            .is_some()
        );
        assert!(match_model(&dev("B. Braun", "SpaceStation w/ SpaceCom 2 - 6 East"), p).is_some());
        assert!(match_model(&dev("B. Braun", "Perfusor Space 8713030"), p).is_none());
        // A product named by its brand and platform, in order among the device's words.
        assert!(
            model_match(
                &m("Pyxis Anesthesia Station ES", "BD"),
                &m("Pyxis ES", "BD")
            )
            .is_some()
        );
        assert!(model_match(&m("Pyxis MedStation 4000", "BD"), &m("Pyxis ES", "BD")).is_none());
        assert!(is_subsequence(
            &["a".to_string(), "c".to_string()],
            &["a".to_string(), "b".to_string(), "c".to_string()]
        ));
        assert!(!is_subsequence(
            &["c".to_string(), "a".to_string()],
            &["a".to_string(), "b".to_string(), "c".to_string()]
        ));
    }

    #[test]
    fn general_lines_labelled_catalogue_numbers_and_maker_named_products() {
        let table = VendorTable::builtin();
        let dev = |maker: &str, m: &str| PreparedDevice::from_names(maker, m, &table).unwrap();
        // The line named more generally stays beside the device's own product.
        let products = vec![
            versioned_product(
                "Illumina",
                "NovaSeq 6000 Control Software",
                None,
                Some("<= 1.7"),
            ),
            versioned_product("Illumina", "NovaSeq Control Software", Some("1.8"), None),
            versioned_product("Illumina", "MiSeq Control Software", Some("4.0"), None),
        ];
        let prepared = prepare_products("ICSMA-23-117-01", "Illumina", &products, &table);
        let d = dev("Illumina", "NovaSeq 6000 sequencer");
        let matches: Vec<(&PreparedProduct, ModelMatch)> = prepared
            .iter()
            .filter_map(|p| match_model(&d, p).map(|m| (p, m)))
            .collect();
        let refs: Vec<(&PreparedProduct, &ModelMatch)> =
            matches.iter().map(|(p, m)| (*p, m)).collect();
        let hits = advisory_hits(&refs, Some("1.8.0"));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].product.name, "NovaSeq Control Software");
        // Catalogue numbers after their label, in the version slot.
        assert_eq!(
            catalogue_numbers("UDI/Model/NDC number ZXP425 (10-Pack) | ZXR425 (10-Pack Canada)"),
            Some(vec!["zxp425".to_string(), "zxr425".to_string()])
        );
        assert_eq!(
            catalogue_numbers("Product ID/Reorder number 19191 | 40160"),
            Some(vec!["19191".to_string(), "40160".to_string()])
        );
        assert_eq!(catalogue_numbers("19191 | 40160"), None);
        // A product named by its maker alone, and the maker's device named after it.
        let p = &prepared_one(
            "ICSMA-20-184-01",
            "OpenClinic GA",
            "OpenClinic GA",
            "OpenClinic GA",
            Some("5.09.02"),
            None,
        );
        assert!(
            match_model(
                &dev("OpenClinic GA", "OpenClinic GA hospital information system"),
                p
            )
            .is_some()
        );
        // A version line in the model, against a range.
        let p = &prepared_one(
            "ICSMA-17-017-02",
            "Alaris",
            "BD",
            "Alaris 8015 PC unit",
            None,
            Some("<= 9.33"),
        );
        assert!(match_model(&dev("BD", "Alaris 8015 PC Unit v9"), p).is_some());
        assert!(match_model(&dev("BD", "Alaris 8015 PC Unit v12"), p).is_none());
    }

    #[test]
    fn spanish_and_portuguese_registers() {
        let table = VendorTable::builtin();
        let dev = |maker: &str, m: &str| PreparedDevice::from_names(maker, m, &table).unwrap();
        let p = &prepared_one(
            "ICSMA-17-017-02",
            "Alaris",
            "BD",
            "Alaris 8015 PC unit",
            None,
            Some("<= 9.33"),
        );
        let d = dev(
            "CareFusion Iberia 308 S.L.",
            "Unidad PC Alaris 8015 con módulo WiFi - UCI box 3",
        );
        assert!(match_model(&d, p).is_some());
        assert_eq!(p.verdict(Some("versión 9.19")), Verdict::Affected);
        assert_eq!(p.verdict(Some("versión 12.3")), Verdict::NotAffected);
        // What the device lacks ("sin ... ni ...") is not the device's.
        let p = &prepared_one(
            "ICSMA-21-019-01",
            "Philips",
            "Philips",
            "ViewForum",
            None,
            None,
        );
        let d = dev(
            "Philips Ibérica",
            "Arco en C BV Pulsera sin opción inalámbrica ni ViewForum",
        );
        assert!(match_model(&d, p).is_none());
        assert_eq!(
            crate::names::unaccented("Planta 4ª, versión"),
            "Planta 4, version"
        );
    }

    #[test]
    fn another_model_of_a_line_the_advisory_lists() {
        let table = VendorTable::builtin();
        let ge = |n: &str| versioned_product("GE Healthcare", n, None, None);
        let products = vec![
            ge("Revolution EVO"),
            ge("Revolution CT"),
            ge("Revolution HD"),
            ge("Essential"),
            ge("Senographe Pristina"),
        ];
        let prepared = prepare_products("ICSMA-20-343-01", "GE", &products, &table);
        let matched = |m: &str| {
            let d = PreparedDevice::from_names("GE Healthcare", m, &table).unwrap();
            prepared
                .iter()
                .filter(|p| match_model(&d, p).is_some())
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        };
        assert!(matched("Revolution CT scanner").contains(&"Revolution CT".to_string()));
        assert!(matched("Revolution Apex CT").is_empty());
        assert!(matched("Versana Essential").is_empty());
        assert_eq!(matched("Senographe Essential mammo"), ["Essential"]);
    }

    #[test]
    fn a_series_and_the_members_it_lists() {
        let series = "IntelliVue Patient Monitors MP Series \
                      (includingMP2/X2/MP30/MP50/MP70/NP90/MX700/800)";
        assert_eq!(
            included_models(series).as_deref(),
            Some("IntelliVue Patient Monitors MP MP2 X2 MP30 MP50 MP70 NP90 MX700 MX800")
        );
        assert_eq!(
            included_models("Infinity Gateway (including RF, EC, CP)"),
            None
        );
        let table = VendorTable::builtin();
        let p = &prepared_one(
            "ICSMA-18-156-01",
            "IntelliVue",
            "Philips",
            series,
            Some("Rev B-M"),
            None,
        );
        let dev = |m: &str| PreparedDevice::from_names("Philips", m, &table).unwrap();
        assert!(match_model(&dev("IntelliVue MX800"), p).is_some());
        assert!(match_model(&dev("IntelliVue X2 module"), p).is_some());
        assert!(match_model(&dev("IntelliVue MP5"), p).is_some());
        assert!(match_model(&dev("IntelliVue MX750"), p).is_none());
    }

    #[test]
    fn siblings_do_not_match() {
        let p = m("B450", "GE");
        assert!(model_match(&m("CARESCAPE B450", "GE"), &p).is_some());
        assert!(model_match(&m("Carescape B-450", "GE"), &p).is_some());
        assert!(model_match(&m("CARESCAPE B650", "GE"), &p).is_none());
        let alaris = m("Alaris 8000 PC unit", "BD");
        assert!(model_match(&m("Alaris 8015 PC Unit", "BD"), &alaris).is_none());
        let pyx = m("BD Pyxis Anesthesia System 4000", "BD");
        assert!(model_match(&m("Pyxis MedStation 4000", "BD"), &pyx).is_none());
    }

    #[test]
    fn words_must_cover_one_side() {
        let p = m("ApexPro Telemetry Server", "GE");
        assert!(model_match(&m("ApexPro Telemetry Server", "GE"), &p).is_some());
        assert!(model_match(&m("CARESCAPE Telemetry Server", "GE"), &p).is_none());
        let c = m("CARESCAPE Central Station (CSCS)", "GE");
        assert!(model_match(&m("CSCS", "GE"), &c).is_some());
    }

    #[test]
    fn class_words_are_optional_but_not_enough() {
        let p = m("Ultrasound ClearVue", "Philips");
        assert!(model_match(&m("ClearVue 650", "Philips"), &p).is_some());
        assert!(model_match(&m("Sparq 650", "Philips"), &p).is_none());
        let t1 = m("T1 Ventilator", "Hamilton Medical AG");
        assert!(model_match(&m("Hamilton-T1", "Hamilton Medical"), &t1).is_some());
        assert!(model_match(&m("Hamilton-C1", "Hamilton Medical"), &t1).is_none());
        // Sharing only a class word identifies nothing.
        let zoll = m("LifeVest Defibrillator", "Zoll");
        assert!(model_match(&m("R Series Defibrillator", "Zoll"), &zoll).is_none());
    }

    #[test]
    fn lettered_series_and_alternatives() {
        let cx = m("Ultrasound CX", "Philips");
        assert!(model_match(&m("CX50", "Philips"), &cx).is_some());
        assert!(model_match(&m("CXR50", "Philips"), &cx).is_none());
        assert!(model_match(&m("EPIQ 7", "Philips"), &cx).is_none());
        assert_eq!(
            slash_alternatives("Ultrasound EPIQ/Affiniti"),
            ["Ultrasound EPIQ", "Ultrasound Affiniti"]
        );
        assert!(slash_alternatives("Discovery NM/CT 670").is_empty());
        assert!(slash_alternatives("Revolution XQ/i").is_empty());
    }

    #[test]
    fn short_names_and_brands() {
        let pic = m("Patient Information Center iX (PICiX)", "Philips");
        assert!(model_match(&m("PIC iX", "Philips"), &pic).is_some());
        assert!(model_match(&m("IntelliVue Information Center iX", "Philips"), &pic).is_some());
        assert!(model_match(&m("PerformanceBridge", "Philips"), &pic).is_none());
        let omni = m("Omnipod Insulin Management System", "Insulet");
        assert!(model_match(&m("Omnipod", "Insulet"), &omni).is_some());
        // A brand alone matches only products of that brand.
        let other = m("Dash Personal Diabetes Manager", "Insulet");
        assert!(model_match(&m("Omnipod", "Insulet"), &other).is_none());
    }

    #[test]
    fn remarks_catalogue_numbers_and_compounds() {
        // A parenthesized remark is not part of the name.
        let supply = m("BD Pyxis SupplyStation (including RF, EC, CP)", "BD");
        assert!(model_match(&m("Pyxis SupplyStation", "BD"), &supply).is_some());
        let chorus = m(
            "BD FACSChorus (HP Z2 G9 workstation, shipped with FACSDiscover S8 Cell Sorter)",
            "BD",
        );
        assert!(model_match(&m("FACSChorus", "BD"), &chorus).is_some());
        assert!(model_match(&m("FACSDiva", "BD"), &chorus).is_none());
        // A catalogue number in parentheses need not be given, but a different one
        // is a different product.
        let arkon = m("Arkon (99999)", "Spacelabs");
        assert!(model_match(&m("Arkon", "Spacelabs"), &arkon).is_some());
        assert!(model_match(&m("Arkon 99999", "Spacelabs"), &arkon).is_some());
        assert!(model_match(&m("Arkon 12345", "Spacelabs"), &arkon).is_none());
        // Words written apart on one side and together on the other.
        let totalys = m("BD Totalys MultiProcessor", "BD");
        assert!(model_match(&m("Totalys Multi Processor", "BD"), &totalys).is_some());
        assert!(model_match(&m("Totalys SlidePrep", "BD"), &totalys).is_none());
        let viewer = m("Osimis Web Viewer", "Orthanc");
        assert!(model_match(&m("Osimis WebViewer", "Orthanc"), &viewer).is_some());
        // Initials of a hyphenated phrase: "PC" for "Point-of-Care", with the number.
        let pcu = m("BD Alaris Point-of-Care Unit (PCU) Model 8015", "BD");
        assert!(model_match(&m("Alaris 8015 PC Unit", "BD"), &pcu).is_some());
        assert!(model_match(&m("Alaris 8000 PC Unit", "BD"), &pcu).is_none());
    }

    #[test]
    fn wildcard_model_numbers() {
        assert!(wildcard_eq("fc72x", "fc724"));
        assert!(wildcard_eq("5x0", "530"));
        assert!(!wildcard_eq("5x0", "531"));
        assert!(wildcard_eq("dsk1t671xxx", "dsk1t671m"));
        assert!(wildcard_eq("ipchdbw2xxx", "ipchdbw2431e"));
        assert!(!wildcard_eq("ipchdbw2xxx", "ipchdbw2"));
        assert!(
            !wildcard_eq("x200", "a200"),
            "an x after a letter is a letter"
        );
        let p = m("Cerberus PRO EN Fire Panel FC72x", "Siemens");
        assert!(model_match(&m("Cerberus PRO EN fire panel FC724", "Siemens"), &p).is_some());
        assert!(model_match(&m("Cerberus PRO EN fire panel FC734", "Siemens"), &p).is_none());
    }

    #[test]
    fn small_numbers_need_the_words_too() {
        let ess = m("Illustra Essentials Gen 4", "Johnson Controls");
        let pro = m("Illustra Pro Gen 4 dome camera", "Johnson Controls");
        assert!(model_match(&pro, &ess).is_none());
        let dome = m("Pro Gen 4 Dome", "Johnson Controls");
        assert!(model_match(&pro, &dome).is_some());
    }

    #[test]
    fn model_lists_and_other_names_in_parentheses() {
        let p = m(
            "Airlink Router (MP70, RV50, RV50x, RV55, LX 40, LX60) running ALEOS software",
            "Sierra Wireless",
        );
        assert!(model_match(&m("AirLink RV50 router", "Sierra Wireless"), &p).is_some());
        assert!(model_match(&m("AirLink ES450 router", "Sierra Wireless"), &p).is_none());
        assert_eq!(
            crate::names::parenthesized_names(
                "Eaton Intelligent Power Manager Infrastructure (IPM Infrastructure)"
            ),
            ["IPM Infrastructure"]
        );
        assert_eq!(
            crate::names::parenthesized_names(
                "FactoryTalk Linx software (Previously called RSLinx Enterprise)"
            ),
            ["RSLinx Enterprise"]
        );
        // A short name with a word the product lacks is not its short name; an
        // edition is.
        let ipm = m("Eaton Intelligent Power Manager (IPM) v1", "Eaton");
        assert!(model_match(&m("IPM Infrastructure", "Eaton"), &ipm).is_none());
        let cic = m("Clinical Information Center (CIC)", "GE");
        assert!(model_match(&m("CIC Pro", "GE"), &cic).is_some());
        assert!(model_match(&m("CIC Pro central station", "GE"), &cic).is_some());
    }

    #[test]
    fn versions_and_descriptions_in_product_names() {
        assert_eq!(
            split_name_version("Desigo CC product family V5.0"),
            (
                "Desigo CC product family".to_string(),
                Some("5.0".to_string())
            )
        );
        assert_eq!(
            split_name_version("System Configuration Tool (SCT) version 14"),
            (
                "System Configuration Tool (SCT)".to_string(),
                Some("14".to_string())
            )
        );
        assert_eq!(split_name_version("Respironics V60").1, None);
        assert_eq!(
            strip_description(
                "TUG Home Base Server a server used to control and communicate with robots"
            ),
            "TUG Home Base Server"
        );
        assert_eq!(
            strip_description("Infusomat Space Type A"),
            "Infusomat Space Type A"
        );
        assert_eq!(
            catalogue_numbers("LNL-X2210 | LNL-X2220"),
            Some(vec!["lnlx2210".to_string(), "lnlx2220".to_string()])
        );
        assert_eq!(catalogue_numbers("< 4.2"), None);
        let t = VendorTable::builtin();
        let desigo = |v: &str| {
            prepare_product(
                "X",
                "",
                &product("Siemens", &format!("Desigo CC product family {v}")),
                &t,
            )
            .unwrap()
        };
        let d =
            PreparedDevice::from_names("Siemens Building Technologies", "Desigo CC", &t).unwrap();
        assert!(match_product(&d, Some("V5.1"), &desigo("V5.1")).is_some());
        assert!(match_product(&d, Some("V5.1"), &desigo("V5.0")).is_none());
    }

    #[test]
    fn the_device_s_own_product_decides_over_siblings() {
        let t = VendorTable::builtin();
        let mut ultra = product("Sensormatic", "iSTAR Ultra");
        ultra.version_range = Some("> 6.8.6 | < 6.9.2".to_string());
        let mut g2 = product("Sensormatic", "iSTAR Ultra G2");
        g2.version_range = Some("< 6.9.2".to_string());
        let ps: Vec<PreparedProduct> = [ultra, g2]
            .iter()
            .map(|p| prepare_product("X", "", p, &t).unwrap())
            .collect();
        let d = PreparedDevice::from_names("JCI", "iSTAR Ultra", &t).unwrap();
        let ms: Vec<_> = ps
            .iter()
            .filter_map(|p| Some((p, match_model(&d, p)?)))
            .collect();
        let refs: Vec<_> = ms.iter().map(|(p, m)| (*p, m)).collect();
        let matches = |v| advisory_hits(&refs, Some(v)).len();
        // 6.8.5 is below the iSTAR Ultra's range; the G2's range does not speak for it.
        assert_eq!(matches("6.8.5"), 0);
        assert_eq!(matches("6.9.0"), 1);
    }

    #[test]
    fn coined_names_abbreviations_and_brand_products() {
        // A coined name shared identifies the line whatever words either side adds.
        let ivu = m("ALC WebCTRL i-Vu SiteScan Web", "Carrier");
        assert!(model_match(&m("i-Vu building automation", "Carrier"), &ivu).is_some());
        let sipass = m("SiPass integrated", "Siemens");
        assert!(model_match(&m("SiPass integrated access control", "Siemens"), &sipass).is_some());
        // A short name the device writes for words of the product.
        let victor = m(
            "American Dynamics victor Video Management System",
            "Johnson Controls",
        );
        assert!(model_match(&m("victor VMS", "Johnson Controls"), &victor).is_some());
        // ... but not as the only link.
        let intouch = m("InTouch Machine Edition", "Schneider Electric");
        assert!(model_match(&m("Sarix IME camera", "Schneider Electric"), &intouch).is_none());
        // A product named by its brand covers the brand's devices.
        let metasys = m("Metasys", "Johnson Controls");
        assert!(model_match(&m("Metasys ADX server", "Johnson Controls"), &metasys).is_some());
        // "NVRmini 2" is the "NVRmini2"; "SC+" is not the "SC".
        let nuuo = m("NVRmini2 NVRsolo", "NUUO");
        assert!(model_match(&m("NVRmini 2 NVR", "NUUO"), &nuuo).is_some());
        let sc = m("Tracer SC+", "Trane");
        assert!(model_match(&m("Tracer SC", "Trane"), &sc).is_none());
        // Mobile network generations are not model numbers.
        let ir = m("IR615 Router", "InHand Networks");
        assert!(model_match(&m("IR615 4G router", "InHand"), &ir).is_some());
        // A variant suffix on a wildcard family.
        assert!(wildcard_eq("ds2cd2xx2fwd", "ds2cd2142fwdi"));
        assert!(!wildcard_eq("ds2cd2xx2fwd", "ds2cd2142fwdxyz"));
    }

    #[test]
    fn titles_lists_ratings_and_makers_in_the_manufacturer_column() {
        assert_eq!(
            refine_by_title("NPort", "MOXA NPort IAW5000A-I/O Series"),
            "NPort IAW5000A-I/O"
        );
        assert_eq!(
            refine_by_title("NPort", "MOXA NPort Security Update"),
            "NPort"
        );
        assert_eq!(
            and_alternatives("SiteSentinel Integra and SiteSentinel iSite"),
            ["SiteSentinel Integra", "SiteSentinel iSite"]
        );
        assert!(and_alternatives("Application and Data Server").is_empty());
        assert_eq!(
            listed_short_names("Metasys ADS ADX OAS with MUI"),
            [
                "Metasys ADS with MUI",
                "Metasys ADX with MUI",
                "Metasys OAS with MUI"
            ]
        );
        assert!(listed_short_names("Cerberus PRO EN Fire Panel").is_empty());
        assert!(listed_short_names("FL WLAN SPA").is_empty());
        // A rating is not a model number.
        let ups = m("SITOP UPS1600 PROFINET", "Siemens");
        assert!(model_match(&m("SITOP UPS1600 20A PROFINET", "Siemens"), &ups).is_some());
        // A device named as the product and a description.
        let dasdec = m("DASDEC", "Digital Alert Systems");
        assert!(
            model_match(
                &m("DASDEC EAS encoder/decoder", "Digital Alert Systems"),
                &dasdec
            )
            .is_some()
        );
        assert!(model_match(&m("EAS DASDEC encoder", "Digital Alert Systems"), &dasdec).is_none());
        // A product line in the manufacturer column.
        let t = VendorTable::builtin();
        let p = prepare_product("X", "", &product("HMS Networks", "eWON Flexy"), &t).unwrap();
        let d = PreparedDevice::from_names("HMS Ewon", "Flexy 205 router", &t).unwrap();
        assert!(match_product(&d, None, &p).is_some());
        // A round number naming a series.
        let series = m("OnCell G3100-HSPA Series", "Moxa");
        assert!(model_match(&m("OnCell G3150-HSPA modem", "Moxa"), &series).is_some());
        assert!(model_match(&m("OnCell G3250 modem", "Moxa"), &series).is_none());
        // Letters then a run of wildcards.
        assert!(wildcard_eq("emaxxx", "ema107"));
        assert!(!wildcard_eq("emaxxx", "ema10"));
        assert!(
            !wildcard_eq("emaxxx", "ema107ab"),
            "no variant suffix after a wildcard"
        );
    }

    fn product(vendor: &str, name: &str) -> Product {
        Product {
            product_id: "CSAFPID-0001".to_string(),
            name: format!("{vendor} {name}"),
            vendor: Some(vendor.to_string()),
            product_name: Some(name.to_string()),
            ..Product::default()
        }
    }

    #[test]
    fn vendor_only_names_and_former_makers() {
        let t = VendorTable::builtin();
        // A product named only by its vendor's name still has a name to match.
        let p = prepare_product("X", "", &product("OpenClinic GA", "OpenClinic GA"), &t).unwrap();
        let d = PreparedDevice::from_names("OpenClinic GA", "OpenClinic GA", &t).unwrap();
        assert!(match_product(&d, Some("5.09.02"), &p).is_some());
        // A product carrying its former maker's name matches a device listed under it.
        let p = prepare_product(
            "X",
            "",
            &product("Acme Infusion Corp", "ZETA Pumpmaster"),
            &t,
        )
        .unwrap();
        let d = PreparedDevice::from_names("Zeta Medical", "Pumpmaster", &t).unwrap();
        assert!(match_product(&d, None, &p).is_some());
        let other = PreparedDevice::from_names("Omega Medical", "Pumpmaster", &t).unwrap();
        assert!(match_product(&other, None, &p).is_none());
        // So does a capitalised brand before a model ("Appleton UPSMON-PRO" from Emerson).
        let p = prepare_product("X", "", &product("Acme Corp", "Zetaline UPSMON-PRO"), &t).unwrap();
        let d = PreparedDevice::from_names("Zetaline", "UPSMON-PRO", &t).unwrap();
        assert!(match_product(&d, Some("2.5"), &p).is_some());
        // A device's place after a dash is not part of its model.
        let p = prepare_product("X", "", &product("Acme Corp", "Pumpmaster 4000"), &t).unwrap();
        let d = PreparedDevice::from_names("Acme", "Pumpmaster 4000 - OR 3", &t).unwrap();
        assert!(match_product(&d, None, &p).is_some());
        // Nor is a place in parentheses.
        let d = PreparedDevice::from_names("Acme", "Pumpmaster 4000 (OR 3)", &t).unwrap();
        assert!(match_product(&d, None, &p).is_some());
        // Not an ordinary word before words.
        let p = prepare_product("X", "", &product("Acme Corp", "Central Station"), &t).unwrap();
        let d = PreparedDevice::from_names("Central", "Station", &t).unwrap();
        assert!(match_product(&d, None, &p).is_none());
    }

    #[test]
    fn platforms_class_named_products_lists_and_remarks() {
        let t = VendorTable::builtin();
        // A device built on the platform a product is named by.
        let ups = m(
            "1-Phase Uninterruptible Power Supply (UPS) using NMC3 including Smart-UPS",
            "Schneider Electric",
        );
        let dev = |model: &str| m(model, "APC");
        assert!(model_match(&dev("Smart-UPS SRT5K UPS with NMC3 AP9641"), &ups).is_some());
        assert!(model_match(&dev("Smart-UPS SRT5K UPS with NMC2 AP9631"), &ups).is_none());
        assert!(model_match(&dev("Rack PDU APDU9941 NMC3"), &ups).is_none());
        // A product named by class words alone.
        let ac = m("Access Controller", "Cassia Networks");
        assert!(model_match(&m("Access Controller BLE gateway", "Cassia"), &ac).is_some());
        assert!(model_match(&m("Controller", "Cassia"), &ac).is_none());
        let meters = m("BINOM3 power meters", "BINOM3");
        assert!(model_match(&m("Power quality meter", "BINOM3"), &meters).is_some());
        assert!(model_match(&m("Power quality analyzer", "BINOM3"), &meters).is_none());
        // A name that is only a list of short names.
        assert_eq!(
            listed_short_names("RSP RSPE MSP EES GRS"),
            ["RSP", "RSPE", "MSP", "EES", "GRS"]
        );
        assert!(listed_short_names("FL WLAN SPA").is_empty());
        // A device's remark in parentheses is context, or another name.
        let p = prepare_product(
            "X",
            "",
            &product(
                "Xiongmai",
                "IP Cameras and DVRs using the NetSurveillance Web interface",
            ),
            &t,
        )
        .unwrap();
        let d = PreparedDevice::from_names("Xiongmai", "NetSurveillance DVR (loading dock)", &t)
            .unwrap();
        assert!(match_product(&d, None, &p).is_some());
        let p = prepare_product(
            "X",
            "",
            &product(
                "HID Global",
                "HID SAFE using the optional External Visitor Manager portal",
            ),
            &t,
        )
        .unwrap();
        let d = PreparedDevice::from_names(
            "HID Global",
            "SAFE visitor management (External Visitor Manager)",
            &t,
        )
        .unwrap();
        assert!(match_product(&d, None, &p).is_some());
        // A model where the version belongs, even when it reads as one.
        assert!(lettered_like_a_model("HPSS32"));
        assert!(lettered_like_a_model("DH-IPC-HFW4XXX"));
        assert!(!lettered_like_a_model("Rev3"));
        assert!(lettered_like_a_model("H4W2PER3"));
        assert!(!lettered_like_a_model("V7R3M0"));
        assert_eq!(
            catalogue_numbers("H4W2PER3"),
            Some(vec!["h4w2per3".to_string()])
        );
        assert!(!lettered_like_a_model("V2.1"));
    }

    #[test]
    fn makers_named_products_and_inventory_noise() {
        let t = VendorTable::builtin();
        let hit = |vendor: &str, name: &str, version: &str, maker: &str, model: &str| {
            let mut p = product(vendor, name);
            p.version = Some(version.to_string());
            let p = prepare_product("X", "", &p, &t).unwrap();
            let d = PreparedDevice::from_names(maker, model, &t).unwrap();
            match_product(&d, None, &p).is_some()
        };
        // A product named by its maker and its class, and a device named by its maker.
        assert!(hit(
            "Orthanc",
            "Orthanc server",
            "<1.5.8",
            "Orthanc",
            "Orthanc DICOM server"
        ));
        assert!(hit(
            "Orthanc",
            "Orthanc DICOM Server",
            "<1.13",
            "Orthanc",
            "Orthanc"
        ));
        assert!(!hit(
            "Orthanc",
            "Orthanc DICOM Server",
            "<1.13",
            "Orthanc",
            "Orthanc Explorer"
        ));
        // Initials and trade names of a company.
        assert!(hit(
            "Oxford Nanopore Technologies",
            "MinKNOW",
            "<24.11",
            "ONT",
            "MinKNOW"
        ));
        assert!(hit(
            "Western Telematic Inc",
            "Console Server (DSM Series)",
            "<=6.62",
            "WTI",
            "DSM-40 console server"
        ));
        assert!(hit(
            "Quanovate Tech Inc. (operating as Mira / Mira Care)",
            "Mira Monitor Firmware",
            "1.7.1.47",
            "Mira Care",
            "Mira Monitor fertility analyzer"
        ));
        // A client is not its server.
        assert!(!hit(
            "Siemens",
            "SINEMA Remote Connect Server",
            "<V3.2",
            "Siemens",
            "SINEMA Remote Connect Client"
        ));
        // A vendor prefix dropped on one side; a family in the device's parentheses.
        assert!(hit(
            "Jinan USR IOT Technology Limited (PUSR)",
            "USR-W610",
            "<=3.1.1.0",
            "USR IOT (PUSR)",
            "USR-W610 serial server"
        ));
        assert!(hit(
            "Lantronix",
            "EDS5000",
            "2.1.0.0R3",
            "Lantronix",
            "EDS5008 device server (EDS5000)"
        ));
        // Locations and hardware revisions written into a model.
        assert_eq!(
            without_locations("CMS8000 monitor ward 4B"),
            "CMS8000 monitor"
        );
        assert_eq!(without_locations("Encoder E1 hw 1.6.20"), "Encoder E1");
        assert_eq!(without_locations("Room 12 console"), "Room 12 console");
        // A hardware revision in a product name is not a version line; "V6" closing a
        // name is.
        assert_eq!(
            split_name_version("Encoder Series E1 hardware Version 1.6.20"),
            ("Encoder Series E1 hardware".to_string(), None)
        );
        assert_eq!(
            split_name_version("SENTRON Powermanager V6"),
            ("SENTRON Powermanager".to_string(), Some("6".to_string()))
        );
        assert_eq!(split_name_version("Alaris V6").1, None);
        assert_eq!(
            split_name_version("IntelliSpace Portal 8.0.x"),
            ("IntelliSpace Portal".to_string(), Some("8.0".to_string()))
        );
        assert_eq!(
            split_name_version("Vue PACS 12.2.x.x"),
            ("Vue PACS".to_string(), Some("12.2".to_string()))
        );
        assert_eq!(split_name_version("LOGIQ 7").1, None);
        assert_eq!(
            split_name_version("Niagara AX 3.8u4"),
            ("Niagara AX".to_string(), Some("3.8".to_string()))
        );
        assert_eq!(split_name_version("Optima MR360 1.5").1.as_deref(), None);
        assert_eq!(split_name_version("Niagara 4.6").1.as_deref(), Some("4.6"));
        assert_eq!(
            split_exclusions("Venue, not including Venue 40 R1-3 and Venue 50 R4-5"),
            (
                "Venue".to_string(),
                vec!["Venue 40 R1-3".to_string(), "Venue 50 R4-5".to_string()]
            )
        );
        assert_eq!(split_exclusions("LOGIQ 7").1, Vec::<String>::new());
        assert_eq!(
            without_os("Siemens PET/CT Systems Windows 7-Based"),
            "Siemens PET/CT Systems"
        );
        assert_eq!(without_os("Xper Flex on Windows XP"), "Xper Flex");
        assert_eq!(without_os("Windows Server"), "Windows Server");
        assert_eq!(
            title_product("Philips Alice 6 Vulnerabilities (Update B)").as_deref(),
            Some("Philips Alice 6")
        );
        // Remarks after a spaced dash: places and notes, not model numbers.
        assert_eq!(
            split_dash_remark("Alaris PCU 8015 - ED"),
            ("Alaris PCU 8015".to_string(), Some("ED".to_string()))
        );
        assert_eq!(
            split_dash_remark("Desigo PXC100-E.D - AHU-1/2 Main Block").1,
            Some("AHU-1/2 Main Block".to_string())
        );
        assert_eq!(
            split_dash_remark("Spectrum IQ Infusion System - 35700BAX3").1,
            None
        );
        assert_eq!(split_dash_remark("EDS-408A-T").1, None);
        assert_eq!(
            split_dash_remark("PACS - iSite PACS"),
            ("iSite PACS".to_string(), Some("PACS".to_string()))
        );
        assert_eq!(
            repeated_first_word("Alaris Gateway Workstation Alaris GS").as_deref(),
            Some("Alaris GS")
        );
        assert_eq!(repeated_first_word("Alaris PC Unit"), None);
        assert_eq!(repeated_first_word("PI Data Archive PI Server"), None);
        // Purchase lines: class first, accessories and options after.
        assert_eq!(
            split_purchase_line("MONITOR, CARESCAPE B450, W/ E-PSMP MODULE, V2 SW"),
            (
                "CARESCAPE B450".to_string(),
                vec![
                    "MONITOR".to_string(),
                    "E-PSMP MODULE".to_string(),
                    "V2 SW".to_string()
                ]
            )
        );
        assert_eq!(
            split_purchase_line("ALARIS PC UNIT, MODEL 8015, W/ LVP MODULE 8100").0,
            "ALARIS PC UNIT MODEL 8015"
        );
        assert_eq!(
            split_purchase_line("Alaris 8015"),
            ("Alaris 8015".to_string(), vec![])
        );
    }

    #[test]
    fn relationships_are_matched_through_their_parts() {
        use medvigil_model::vuln::ProductRelationship;
        let t = VendorTable::builtin();
        let mut hmi = product("Schneider Electric", "WebHMI");
        hmi.version_range = Some("<=4.1.0.0".to_string());
        let mut ui = product("Schneider Electric", "EPAS User Interface");
        ui.product_id = "CSAFPID-0002".to_string();
        let mut host = product("Microsoft", "Windows Server");
        host.product_id = "CSAFPID-0003".to_string();
        let rel = |id: &str, category: &str, a: &str, b: &str| Product {
            product_id: id.to_string(),
            name: format!("{a} {category} {b}"),
            relationship: Some(ProductRelationship {
                category: category.to_string(),
                product_reference: a.to_string(),
                relates_to_product_reference: b.to_string(),
            }),
            ..Product::default()
        };
        let products = [
            hmi,
            ui,
            host,
            rel(
                "CSAFPID-0005",
                "installed_with",
                "CSAFPID-0001",
                "CSAFPID-0002",
            ),
            rel(
                "CSAFPID-0006",
                "installed_on",
                "CSAFPID-0005",
                "CSAFPID-0003",
            ),
            rel(
                "CSAFPID-0007",
                "installed_on",
                "CSAFPID-0007",
                "CSAFPID-0003",
            ),
        ];
        let prepared = prepare_products("X", "", &products, &t);
        let ids = |name: &str| -> Vec<&str> {
            prepared
                .iter()
                .filter(|p| p.name == name)
                .map(|p| p.product_id.as_str())
                .collect()
        };
        // Both products installed together; the component of "installed_on" (through
        // the nested combination) but not its platform; a loop yields nothing.
        assert_eq!(
            ids("WebHMI"),
            ["CSAFPID-0001", "CSAFPID-0005", "CSAFPID-0006"]
        );
        assert_eq!(ids("EPAS User Interface"), ["CSAFPID-0002", "CSAFPID-0005"]);
        assert_eq!(ids("Windows Server"), ["CSAFPID-0003"]);
        // The reading keeps the component's version range.
        let d = PreparedDevice::from_names("Schneider Electric", "WebHMI", &t).unwrap();
        let p = prepared
            .iter()
            .find(|p| p.product_id == "CSAFPID-0005")
            .unwrap();
        assert!(match_product(&d, Some("4.0.0.0"), p).is_some());
        assert!(match_product(&d, Some("4.2"), p).is_none());
    }

    #[test]
    fn variant_codes_series_short_names_and_firmware_on_hardware() {
        let t = VendorTable::builtin();
        // A run of x between hyphens is a variant code.
        let p = m("PTZOptics PT20X-SDI-xx-G2", "PTZOptics");
        assert!(model_match(&m("PT20X-SDI-GY-G2 PTZ camera", "PTZOptics"), &p).is_some());
        assert!(model_match(&m("PT20X-SDI-GY-G3 PTZ camera", "PTZOptics"), &p).is_none());
        // A lone x closing a hyphenated model stands for any rest.
        let asp = m("ASPECT-Enterprise ASP-ENT-x", "ABB");
        assert!(model_match(&m("ASP-ENT-2 building server", "ABB"), &asp).is_some());
        assert!(model_match(&m("ASP-NEX-2 building server", "ABB"), &asp).is_none());
        // A generation a device states.
        let s4 = m("BrightSign OS series 4 players", "BrightSign");
        assert!(model_match(&m("XT1144 Series 4 signage player", "BrightSign"), &s4).is_some());
        assert!(model_match(&m("XT1145 Series 5 signage player", "BrightSign"), &s4).is_none());
        // The device's short name is the product's whole name.
        let icu = m("ICU", "Johnson Controls");
        assert!(
            model_match(
                &m("iSTAR Configuration Utility (ICU)", "Software House"),
                &icu
            )
            .is_some()
        );
        // An order code beside a matching model number.
        let eib = m("EIBPORT V3 KNX", "ABB");
        assert!(model_match(&m("EIBPORT V3 KNX gateway 2CLA963710W1001", "ABB"), &eib).is_some());
        // One product and its edition.
        assert_eq!(
            and_alternatives("iHUB and iHUB Lite"),
            ["iHUB", "iHUB Lite"]
        );
        // The company a title starts with.
        assert_eq!(
            title_company("Panduit IntraVUE", "IntraVUE"),
            Some("panduit".to_string())
        );
        assert_eq!(
            title_company("Siemens SiPass", "Siemens SiPass integrated"),
            None
        );
        // Firmware installed on hardware: the hardware, in the firmware's versions.
        use medvigil_model::vuln::ProductRelationship;
        let mut hw = product("WAGO", "852-1812");
        hw.product_family = Some("Industrial Managed Switch".to_string());
        let mut fw = product("WAGO", "Firmware");
        fw.product_id = "CSAFPID-0002".to_string();
        fw.version_range = Some("<V1.2.1.S0".to_string());
        let combo = Product {
            product_id: "CSAFPID-0003".to_string(),
            name: "Firmware <V1.2.1.S0 installed on Lean Managed Switch 852-1812".to_string(),
            relationship: Some(ProductRelationship {
                category: "installed_on".to_string(),
                product_reference: "CSAFPID-0002".to_string(),
                relates_to_product_reference: "CSAFPID-0001".to_string(),
            }),
            ..Product::default()
        };
        let prepared = prepare_products("X", "", &[hw, fw, combo], &t);
        let p = prepared
            .iter()
            .find(|p| p.product_id == "CSAFPID-0003")
            .unwrap();
        let d = PreparedDevice::from_names("WAGO", "852-1812 managed switch", &t).unwrap();
        assert!(match_product(&d, Some("V1.2.0.S0"), p).is_some());
        assert!(match_product(&d, Some("V1.2.1.S0"), p).is_none());
        let other = PreparedDevice::from_names("WAGO", "852-1813 managed switch", &t).unwrap();
        assert!(match_product(&other, Some("V1.2.0.S0"), p).is_none());
    }
}
