//! Vendor and product names as people write them, reduced to comparable keys.
//!
//! Advisories say "Becton, Dickinson and Company (BD)", inventories say "BD" or
//! "CareFusion"; advisories say "CARESCAPE Central Station (CSCS)", inventories
//! "Carescape CSCS". [`VendorTable`] maps every spelling, former company and brand to
//! vendor groups (the table shipped in `data/vendor-aliases.toml`, extended by the
//! user's); [`ModelName`] splits a product or model name into model-number tokens
//! (`b450`, `8015`, `mmt503`) and distinctive words, dropping the vendor's own name,
//! legal suffixes, series words and punctuation.
//!
//! ```
//! use medvigil_match::names::{VendorTable, ModelName};
//! let t = VendorTable::builtin();
//! assert!(t.same_vendor("Becton, Dickinson and Company (BD)", "CareFusion"));
//! assert!(t.same_vendor("GE Medical Systems", "General Electric (GE)"));
//! assert!(!t.same_vendor("Philips", "Baxter"));
//! let m = ModelName::new("GE CARESCAPE Monitor B-450", "GE Healthcare", &t);
//! assert!(m.numbers.contains("b450"));
//! ```

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

/// The vendor alias table shipped with medvigil.
pub const BUILTIN_ALIASES: &str = include_str!("../data/vendor-aliases.toml");

/// A vendor group: an index into the table, or an unknown vendor's normalized key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VendorId {
    /// A group of the alias table.
    Known(u32),
    /// A vendor absent from the table, by its loose key.
    Unknown(String),
}

/// Vendor spellings to vendor groups.
#[derive(Debug, Clone, Default)]
pub struct VendorTable {
    names: Vec<String>,
    by_key: HashMap<String, Vec<u32>>,
    /// Keys that are only brands: they identify the vendor but stay in model names.
    brand_keys: std::collections::HashSet<String>,
    /// Keys that are product lines: in a manufacturer column they name the vendor;
    /// elsewhere they are words of a model.
    line_keys: std::collections::HashSet<String>,
    /// Company keys (not brands nor lines), in order: a short form's candidates are a
    /// range of them ([`VendorTable::lookup_abbreviated`]).
    company_keys: BTreeSet<String>,
    /// Per group, the names a product has had ("IntelliVue Information Center iX",
    /// "Patient Information Center iX", "PIC iX").
    product_names: HashMap<u32, Vec<Vec<String>>>,
}

/// A malformed alias file.
#[derive(Debug, thiserror::Error)]
#[error("vendor alias table {source_name}: {message}")]
pub struct AliasError {
    /// Which table (file path or "built-in").
    pub source_name: String,
    /// The TOML parser's message, with line and column.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasFile {
    #[serde(default)]
    vendor: Vec<AliasGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasGroup {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    brands: Vec<String>,
    #[serde(default)]
    lines: Vec<String>,
    #[serde(default)]
    products: Vec<Vec<String>>,
}

impl VendorTable {
    /// The table shipped with medvigil.
    pub fn builtin() -> VendorTable {
        let mut t = VendorTable::default();
        t.extend_from_toml(BUILTIN_ALIASES, "built-in")
            .expect("the built-in alias table is valid (checked by a test)");
        t
    }

    /// Adds the groups of a TOML alias file (same format as the built-in one). A group
    /// whose name is already known is merged into it.
    pub fn extend_from_toml(&mut self, text: &str, source_name: &str) -> Result<(), AliasError> {
        let file: AliasFile = toml::from_str(text).map_err(|e| AliasError {
            source_name: source_name.to_string(),
            message: e.to_string(),
        })?;
        for g in file.vendor {
            let key = vendor_key(&g.name);
            if key.is_empty() {
                return Err(AliasError {
                    source_name: source_name.to_string(),
                    message: format!("vendor name {:?} is empty once normalized", g.name),
                });
            }
            let id = match self.names.iter().position(|n| vendor_key(n) == key) {
                Some(i) => i as u32,
                None => {
                    self.names.push(g.name.clone());
                    (self.names.len() - 1) as u32
                }
            };
            let company: Vec<String> = std::iter::once(&g.name)
                .chain(&g.aliases)
                .flat_map(|a| [vendor_key(a), loose_vendor_key(a)])
                .collect();
            self.product_names
                .entry(id)
                .or_default()
                .extend(g.products.iter().filter(|p| p.len() >= 2).cloned());
            for b in &g.brands {
                let k = vendor_key(b);
                if !company.contains(&k) {
                    self.brand_keys.insert(k);
                }
            }
            self.company_keys
                .extend(company.iter().filter(|k| !k.is_empty()).cloned());
            for l in &g.lines {
                let k = vendor_key(l);
                if !company.contains(&k) && !self.brand_keys.contains(&k) {
                    self.line_keys.insert(k);
                }
            }
            for k in company
                .into_iter()
                .chain(g.brands.iter().chain(&g.lines).map(|b| vendor_key(b)))
            {
                if k.is_empty() {
                    continue;
                }
                let ids = self.by_key.entry(k).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        Ok(())
    }

    /// The display name of a group.
    pub fn name(&self, id: &VendorId) -> String {
        match id {
            VendorId::Known(i) => self.names[*i as usize].clone(),
            VendorId::Unknown(k) => k.clone(),
        }
    }

    /// The vendor groups a name belongs to. Tries the whole name, then its loose form,
    /// then a parenthesized short name ("(BD)"), then each of several vendors listed
    /// together ("BMC Medical, 3B Medical", "Silex Technology and GE Healthcare").
    /// An unknown vendor gets a group of its own, equal only to the same loose key.
    pub fn groups(&self, name: &str) -> BTreeSet<VendorId> {
        let mut out = BTreeSet::new();
        let lookup = |s: &str, out: &mut BTreeSet<VendorId>| -> bool {
            for k in [vendor_key(s), loose_vendor_key(s)] {
                if let Some(ids) = self.by_key.get(&k) {
                    out.extend(ids.iter().map(|i| VendorId::Known(*i)));
                    return true;
                }
            }
            false
        };
        if lookup(name, &mut out) {
            return out;
        }
        let (outside, inside) = split_parens(name);
        let mut found = lookup(&outside, &mut out);
        for p in &inside {
            found |= lookup(p, &mut out);
        }
        if found {
            return out;
        }
        // ("WAGO Kontakttechnik GmbH & Co. KG": one company's legal form.)
        let outside = without_co_kg(&outside);
        // Several vendors listed together ("Nice / Linear", "Aethon, ST Engineering"),
        // or a company and its parent ("Sensormatic Electronics, a subsidiary of
        // Johnson Controls, Inc.").
        let parts: Vec<&str> = outside
            .split([',', ';', '&', '/'])
            .flat_map(|p| p.split(" and "))
            .map(|p| {
                let p = p.trim();
                let l = p.to_ascii_lowercase();
                PARENT_PHRASES
                    .iter()
                    .find(|ph| l.starts_with(*ph))
                    .map_or(p, |ph| p[ph.len()..].trim())
            })
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() > 1 {
            for p in &parts {
                // A part made only of generic words ("Control" in "Nortek Security &
                // Control") names no company.
                if vendor_tokens(p)
                    .iter()
                    .all(|t| GENERIC_VENDOR_WORDS.contains(&t.as_str()) || is_legal_suffix(t))
                {
                    continue;
                }
                if !lookup(p, &mut out) && !self.lookup_parent(p, &mut out) {
                    let k = loose_vendor_key(p);
                    if !k.is_empty() && !is_legal_suffix(&k) {
                        out.insert(VendorId::Unknown(k));
                    }
                }
            }
            if !out.is_empty() {
                return out;
            }
        }
        let k = loose_vendor_key(name);
        if !k.is_empty() {
            out.insert(VendorId::Unknown(k));
        }
        // Inventories shorten a company to its first word ("Viessmann" for "Viessmann
        // Climate Solutions", "Grundfos" for "Grundfos Pumps Corporation"): an unknown
        // company is also known by that word, unless it is generic. Two unknown
        // companies with the same first word thus share a group; their model names
        // still have to match.
        let toks: Vec<String> = vendor_tokens(&outside)
            .into_iter()
            .filter(|t| !GENERIC_VENDOR_WORDS.contains(&t.as_str()))
            .collect();
        // (Two capitals make a first word too: "LG" for "LG Innotek".)
        let initialism = outside
            .split_whitespace()
            .next()
            .is_some_and(|w| w.len() == 2 && w.bytes().all(|b| b.is_ascii_uppercase()));
        if toks.len() > 1
            && (toks[0].len() >= 3 || (toks[0].len() == 2 && initialism))
            && out.iter().all(|g| matches!(g, VendorId::Unknown(_)))
        {
            out.insert(VendorId::Unknown(toks[0].clone()));
            // "Xytronix ControlByWeb": a later coined name is the company's too (and
            // so is the strict key below: "Control By Web" is not "By Web").
            for w in outside.split_whitespace().skip(1).filter(|w| is_coined(w)) {
                out.insert(VendorId::Unknown(vendor_key(w)));
            }
        }
        // "ONT" for "Oxford Nanopore Technologies", "OHIF" for the "Open Health Imaging
        // Foundation": a company of three words or more is also known by its initials.
        // (With its legal suffix too: "WTI" for "Western Telematic Inc".)
        let all: Vec<&str> = outside
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let bare: Vec<&str> = all
            .iter()
            .copied()
            .filter(|w| !is_legal_suffix(&w.to_lowercase()))
            .collect();
        let unknown = out.iter().all(|g| matches!(g, VendorId::Unknown(_)));
        for words in [all, bare] {
            if unknown
                && words.len() >= 3
                && words
                    .iter()
                    .all(|w| w.starts_with(|c: char| c.is_alphabetic()))
            {
                let initials: String = words
                    .iter()
                    .filter_map(|w| w.chars().next())
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                out.insert(VendorId::Unknown(initials));
            }
        }
        if out.iter().all(|g| matches!(g, VendorId::Unknown(_))) {
            let strict = vendor_key(name);
            if !strict.is_empty() {
                out.insert(VendorId::Unknown(strict));
            }
        }
        // "Mobile Industrial Robots (MiR)": the short name is the company's too; so
        // are trade names ("Quanovate Tech Inc. (operating as Mira / Mira Care)").
        for p in &inside {
            let l = p.trim().to_ascii_lowercase();
            let p = TRADE_NAME_PHRASES
                .iter()
                .find(|ph| l.starts_with(*ph))
                .map_or(p.as_str(), |ph| p.trim()[ph.len()..].trim());
            for name in p.split('/') {
                let k = loose_vendor_key(name);
                if !k.is_empty() && !is_legal_suffix(&k) {
                    out.insert(VendorId::Unknown(k));
                }
            }
        }
        if !self.lookup_parent(&outside, &mut out) && !self.lookup_misspelled(&outside, &mut out) {
            self.lookup_abbreviated(&outside, &mut out);
        }
        out
    }

    /// A known vendor cut short, as a service organisation's master data writes it
    /// ("PHIL", "BAXT", "MEDTR", "CAREF", "GE MED"): four letters or more that begin the
    /// company names of one or two groups only.
    fn lookup_abbreviated(&self, name: &str, out: &mut BTreeSet<VendorId>) -> bool {
        let key = vendor_key(name);
        if key.len() < 4 || !key.bytes().all(|b| b.is_ascii_alphabetic()) {
            return false;
        }
        // (The keys it begins are a range of the ordered company keys.)
        let found: BTreeSet<u32> = self
            .company_keys
            .range(key.clone()..)
            .take_while(|k| k.starts_with(&key))
            .filter_map(|k| self.by_key.get(k))
            .flatten()
            .copied()
            .collect();
        if found.is_empty() || found.len() > 2 {
            return false;
        }
        out.extend(found.into_iter().map(VendorId::Known));
        true
    }

    /// A known vendor spelled with one letter wrong, missing or extra ("Medtronics",
    /// "Siemans"), as hand-kept lists do: names of six letters or more, with the same
    /// first letter, one edit apart.
    fn lookup_misspelled(&self, name: &str, out: &mut BTreeSet<VendorId>) -> bool {
        let key = vendor_key(name);
        if key.len() < 6 || !key.bytes().all(|b| b.is_ascii_alphabetic()) {
            return false;
        }
        let mut found = false;
        for (k, ids) in &self.by_key {
            if k.len() >= 6 && k.as_bytes()[0] == key.as_bytes()[0] && one_edit_apart(k, &key) {
                out.extend(ids.iter().map(|i| VendorId::Known(*i)));
                found = true;
            }
        }
        found
    }

    /// A division or subsidiary written as the parent's name and a qualifier
    /// ("Medtronic Diabetes", "BD Biosciences", "Siemens Building Technologies"): the
    /// longest run of leading words that names a known vendor. Generic words
    /// ("Medical") never stand for a vendor on their own.
    fn lookup_parent(&self, name: &str, out: &mut BTreeSet<VendorId>) -> bool {
        let toks: Vec<String> = vendor_tokens(name);
        for n in (1..toks.len()).rev() {
            if toks[..n]
                .iter()
                .all(|t| GENERIC_VENDOR_WORDS.contains(&t.as_str()))
            {
                continue;
            }
            let prefix = toks[..n].join(" ");
            for k in [vendor_key(&prefix), loose_vendor_key(&prefix)] {
                if let Some(ids) = self.by_key.get(&k) {
                    out.extend(ids.iter().map(|i| VendorId::Known(*i)));
                    return true;
                }
            }
        }
        false
    }

    /// Whether two vendor names share a group.
    pub fn same_vendor(&self, a: &str, b: &str) -> bool {
        let ga = self.groups(a);
        self.groups(b).iter().any(|g| ga.contains(g))
    }

    /// The brand keys of the given groups ("alaris", "pyxis" for BD).
    pub fn brand_words(&self, groups: &BTreeSet<VendorId>) -> BTreeSet<String> {
        self.keys_of(&self.brand_keys, groups)
    }

    /// Those of `keys` that belong to one of `groups`.
    fn keys_of(
        &self,
        keys: &std::collections::HashSet<String>,
        groups: &BTreeSet<VendorId>,
    ) -> BTreeSet<String> {
        keys.iter()
            .filter(|k| {
                self.by_key.get(*k).is_some_and(|ids| {
                    groups
                        .iter()
                        .any(|g| matches!(g, VendorId::Known(i) if ids.contains(i)))
                })
            })
            .cloned()
            .collect()
    }

    /// The known vendors a model names by a company's name or a brand ("Philips
    /// IntelliVue X2", "Gateway Workstation (BD)", "Medfusion 4000"), for a device
    /// listed under a service company or distributor ("TRIMEDX", "Agiliti"). Product
    /// lines do not count here: "Space" or "Infinity" in a model are ordinary words.
    pub fn named_in(&self, model: &str) -> BTreeSet<VendorId> {
        let words: Vec<&str> = model
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | '/'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut out = BTreeSet::new();
        for i in 0..words.len() {
            for j in i + 1..=words.len().min(i + 3) {
                let k = vendor_key(&words[i..j].join(" "));
                if k.len() < 2
                    || self.line_keys.contains(&k)
                    || GENERIC_VENDOR_WORDS.contains(&k.as_str())
                {
                    continue;
                }
                if let Some(ids) = self.by_key.get(&k) {
                    out.extend(ids.iter().map(|i| VendorId::Known(*i)));
                }
            }
        }
        out
    }

    /// The product-line keys of the groups' vendors ("versana" for GE Healthcare).
    pub fn line_words(&self, groups: &BTreeSet<VendorId>) -> BTreeSet<String> {
        self.keys_of(&self.line_keys, groups)
    }

    /// The product name with each other name the table gives the product written in
    /// place of the one it contains ("Philips IntelliVue Information Center iX" →
    /// "Philips PIC iX", ...), for the vendor's groups.
    pub fn product_synonyms(&self, groups: &BTreeSet<VendorId>, name: &str) -> Vec<String> {
        // (ASCII folding keeps byte offsets: the name is sliced where the lower-cased
        // text matched.)
        let lower = name.to_ascii_lowercase();
        let mut out = Vec::new();
        for id in groups.iter().filter_map(|g| match g {
            VendorId::Known(i) => Some(i),
            VendorId::Unknown(_) => None,
        }) {
            for set in self.product_names.get(id).into_iter().flatten() {
                let Some((at, len)) = set.iter().find_map(|n| {
                    let n = n.to_ascii_lowercase();
                    let at = lower.find(&n)?;
                    let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                    (bounded(lower[..at].chars().next_back())
                        && bounded(lower[at + n.len()..].chars().next()))
                    .then_some((at, n.len()))
                }) else {
                    continue;
                };
                for other in set {
                    let alt = format!("{}{other}{}", &name[..at], &name[at + len..]);
                    if !alt.eq_ignore_ascii_case(name) && !out.contains(&alt) {
                        out.push(alt);
                    }
                }
            }
        }
        out
    }

    /// Every normalized word of every alias of the given groups: the words a product
    /// name may repeat ("Philips IntelliVue", "BD Alaris") and that say nothing about
    /// the model.
    pub fn vendor_words(&self, groups: &BTreeSet<VendorId>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (k, ids) in &self.by_key {
            if groups
                .iter()
                .any(|g| matches!(g, VendorId::Known(i) if ids.contains(i)))
                && !k.chars().any(|c| c.is_ascii_digit())
                && !self.brand_keys.contains(k)
                && !self.line_keys.contains(k)
            {
                out.insert(k.clone());
            }
        }
        for g in groups {
            if let VendorId::Unknown(k) = g {
                out.insert(k.clone());
            }
        }
        out
    }
}

/// Lower-case ASCII with diacritics folded ("Dräger" → "drager").
pub fn fold(s: &str) -> String {
    let repaired = repair_mojibake(s);
    let mut out = String::with_capacity(s.len());
    for c in repaired.chars() {
        match c {
            'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' | 'Ä' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => {
                out.push('a')
            }
            'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => {
                out.push('o')
            }
            'ü' | 'ù' | 'ú' | 'û' | 'Ü' | 'Ù' | 'Ú' | 'Û' => out.push('u'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => out.push('i'),
            'ç' | 'Ç' => out.push('c'),
            'ñ' | 'Ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            '’' | '‘' => out.push('\''),
            // "C•CURE", "C·CURE", "C●CURE": typography for a hyphen.
            '•' | '·' | '●' | '∙' | '‧' | '–' | '‑' => out.push('-'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            _ => out.push(' '),
        }
    }
    out
}

/// UTF-8 text that was once decoded as Latin-1 ("GeutebrÃ¼ck" for "Geutebrück", as
/// some advisories carry it), decoded back; other text unchanged.
fn repair_mojibake(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['Ã', 'Â', 'â']) {
        return std::borrow::Cow::Borrowed(s);
    }
    // Read as Latin-1 or Windows-1252 ("Câ€¢CURE" is "C•CURE" through the latter).
    let byte = |c: char| -> Option<u8> {
        let b = match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            c if (c as u32) <= 0xFF => c as u32 as u8,
            _ => return None,
        };
        Some(b)
    };
    let Some(bytes) = s.chars().map(byte).collect::<Option<Vec<u8>>>() else {
        return std::borrow::Cow::Borrowed(s);
    };
    match String::from_utf8(bytes) {
        Ok(fixed) => std::borrow::Cow::Owned(fixed),
        Err(_) => std::borrow::Cow::Borrowed(s),
    }
}

const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "gmbh",
    "ag",
    "sa",
    "nv",
    "bv",
    "plc",
    "kk",
    "oy",
    "ab",
    "se",
    "spa",
    "pty",
    "srl",
    "sas",
    "lp",
    "llp",
    "ulc",
    "as",
    "asa",
    "kgaa",
    "the",
];

/// Phrases that introduce a company's trade name in parentheses.
const TRADE_NAME_PHRASES: &[&str] = &[
    "operating as",
    "doing business as",
    "d/b/a",
    "dba",
    "trading as",
    "formerly",
];

/// Phrases that introduce a parent company in a vendor name.
const PARENT_PHRASES: &[&str] = &[
    "a subsidiary of",
    "subsidiary of",
    "a division of",
    "division of",
    "a part of",
    "now part of",
    "part of",
];

/// Words that say what kind of company it is, not which.
const GENERIC_VENDOR_WORDS: &[&str] = &[
    "medical",
    "healthcare",
    "health",
    "systems",
    "system",
    "technologies",
    "technology",
    "international",
    "group",
    "solutions",
    "devices",
    "industries",
    "holdings",
    "electronics",
    "instruments",
    "laboratories",
    "labs",
    // "SOOIL Developments Co, Ltd." is the "SOOIL" of an inventory.
    "developments",
    "development",
    // Industrial makers: "SAUTER Controls" is the "SAUTER", "HMS Networks" the "HMS",
    // "HID Global" the "HID" of a facilities list.
    "controls",
    "control",
    "automation",
    "electric",
    "communications",
    "networks",
    "global",
    "software",
    "industrial",
    "security",
    "professional",
    "yhtyma", // Finnish: group, corporation
];

fn is_legal_suffix(k: &str) -> bool {
    LEGAL_SUFFIXES.contains(&k)
}

/// Text outside parentheses, and each parenthesized piece.
pub(crate) fn split_parens(s: &str) -> (String, Vec<String>) {
    let (mut outside, mut inside, mut cur) = (String::new(), Vec::new(), String::new());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth == 1 {
                    cur.clear();
                }
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    inside.push(std::mem::take(&mut cur));
                    outside.push(' ');
                }
            }
            c if depth > 0 => cur.push(c),
            c => outside.push(c),
        }
    }
    (outside, inside)
}

fn vendor_tokens(s: &str) -> Vec<String> {
    let f = fold(s);
    // "S.A." and "N.V." lose their dots before splitting so they read as one suffix;
    // "B. Braun" keeps its initial as a word of its own.
    let f = f
        .replace("s.a.", "sa")
        .replace("n.v.", "nv")
        .replace("s.p.a.", "spa");
    // German umlauts written out ("Geutebrueck", "Draeger") are the folded letter
    // ("geutebruck", "drager").
    let mut toks: Vec<String> = f
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(umlauts_folded)
        .collect();
    // Establishment numbers ("CareFusion 303, Inc.") are not part of the company's name.
    if toks.iter().any(|t| !t.bytes().all(|b| b.is_ascii_digit())) {
        toks.retain(|t| !t.bytes().all(|b| b.is_ascii_digit()));
    }
    // "... and Company", "... & Co."
    while toks.len() > 1 && is_legal_suffix(toks.last().unwrap()) {
        toks.pop();
    }
    if toks.len() > 1 && toks.last().is_some_and(|t| t == "and") {
        toks.pop();
    }
    toks
}

/// The normalized key of a vendor name: folded, punctuation and legal suffixes removed,
/// words joined ("B. Braun Melsungen AG" → "bbraunmelsungen").
pub fn vendor_key(s: &str) -> String {
    let (outside, _) = split_parens(s);
    vendor_tokens(&outside).concat()
}

/// Like [`vendor_key`] but also without generic words ("Hamilton Medical AG" →
/// "hamilton"), unless nothing else is left.
pub fn loose_vendor_key(s: &str) -> String {
    let (outside, _) = split_parens(s);
    let toks = vendor_tokens(&outside);
    let kept: Vec<&String> = toks
        .iter()
        .filter(|t| !GENERIC_VENDOR_WORDS.contains(&t.as_str()) && *t != "and")
        .collect();
    if kept.is_empty() {
        toks.concat()
    } else {
        kept.into_iter().map(String::as_str).collect()
    }
}

/// Words that name a series, a packaging or a category rather than a model.
const SERIES_WORDS: &[&str] = &[
    "series",
    "family",
    "model",
    "models",
    // (German registers: "Alaris PCU Modell 8015", "Akku-Pack mit WLAN für Infusomat".)
    "modell",
    "mit",
    "fur",
    // (Spanish and Portuguese ones: "Monitor de paciente", "Bomba de infusión con
    // módulo WiFi", "Unidade de controle com WiFi".)
    "de",
    "del",
    "la",
    "el",
    "los",
    "las",
    "con",
    "para",
    "da",
    "do",
    "dos",
    "das",
    "com",
    "modelo",
    "system",
    "systems",
    "the",
    "with",
    "and",
    "or",
    "of",
    "for",
    "only",
    "including",
    "includes",
    "software",
    "unit",
    "units",
    "device",
    "devices",
    "version",
    "versions",
    "product",
    "products",
    "platform",
    "number",
    "no",
    "nr",
    "type",
    "edition",
    "framework",
    "operating",
    // ("RIS Client Builds")
    "build",
    "builds",
    "release",
    "based",
    "application",
    "module",
    "modules",
    "medical",
    "all",
    "new",
    "used",
    "integrated",
    "installed",
    "part",
    "on",
    "in",
    "a",
    "an",
    "w",
    "sw",
    "fw",
    "firmware",
    "hardware",
];

/// Words that name the class of a device ("Ultrasound ClearVue", "IntelliVue patient
/// monitor", "T1 Ventilator"). Advisories prepend or append them; inventories usually
/// leave them out ("ClearVue 650"). They stay in [`ModelName::words`] but are not
/// required to match (see [`ModelName::required_words`]), and a match on nothing but
/// class words ("Defibrillator") identifies no model. ("System", "software", "series",
/// "platform" and "device" are dropped altogether, see `SERIES_WORDS`.)
pub const CLASS_WORDS: &[&str] = &[
    "ultrasound",
    "monitor",
    "monitoring",
    "pump",
    "infusion",
    "patient",
    "workstation",
    "ventilator",
    "defibrillator",
    "scanner",
    "imaging",
    // The equipment of a hospital's building and network ("AirLink RV50 router",
    // "Desigo CC server", "DIAEnergie energy management"). ("Gateway" is not one: it
    // names BD's Alaris Gateway Workstation.)
    "camera",
    "router",
    "switch",
    "firewall",
    "printer",
    "reader",
    "server",
    "controller",
    "panel",
    "terminal",
    "recorder",
    "energy",
    "management",
    "power",
    "meter",
    "nvr",
    "dvr",
    "building",
    "automation",
    "access",
    // Imaging software is described by its standard and kind ("Orthanc DICOM server",
    // "GDCM library"). ("PACS" and "viewer" are not: they tell a vendor's lines apart,
    // "IntelliSpace PACS" from "IntelliSpace Cardiovascular".)
    "dicom",
    "library",
    // Clinical modalities and device kinds that inventories append to a model
    // ("Senographe Essential mammo", "Phoenix X36 hemodialysis", "9790C programmer").
    "mammo",
    "mammography",
    "ct",
    "mri",
    "pet",
    "spect",
    "xray",
    "eeg",
    "ecg",
    "ekg",
    "dialysis",
    "hemodialysis",
    "syringe",
    "glucometer",
    "glucose",
    "sequencer",
    "cabinet",
    "adc",
    "generator",
    "delivery",
    "programmer",
    // An insulin pump's handheld controller ("Omnipod PDM").
    "pdm",
    // Implants are recorded by line and kind ("Evera XT DR DDBB1D4" of the "Evera
    // ICD"); an "IoT device" is what a connected gadget is.
    "icd",
    "crtd",
    "crtp",
    "pacemaker",
    "iot",
    "analyzer",
    "cytometer",
    // What a unit says of a device's use and form ("Hamilton-T1 transport vent",
    // "Vivid i portable echo", "Accu-Chek Inform II POC meter"). ("Vital signs" is
    // not one: it tells the Connex Vital Signs Monitor from the Connex Spot Monitor.)
    "vent",
    "echo",
    "transport",
    "portable",
    "bedside",
    "handheld",
    "cart",
    "laptop",
    "tablet",
    "poc",
    "inr",
    // Mobile network generations describe a router, they do not number it.
    "3g",
    "4g",
    "5g",
    "lte",
];

/// Whether a lower-case word names a series, packaging or category ("series",
/// "system", "model") rather than a model.
pub fn is_series_word(w: &str) -> bool {
    SERIES_WORDS.contains(&w)
}

/// Whether a (singular, lower-case) word only names a class of device.
pub fn is_class_word(w: &str) -> bool {
    // (Asked for every word of every comparison: a set, built once.)
    static KINDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    KINDS
        .get_or_init(|| CLASS_WORDS.iter().chain(SPANISH_KINDS).copied().collect())
        .contains(w)
        || is_german_kind(w)
}

/// Device kinds as Spanish and Portuguese registers write them before a model, folded
/// ("Bomba de jeringa Agilia SP", "Ecógrafo LOGIQ E9", "Monitor de signos vitales").
const SPANISH_KINDS: &[&str] = &[
    "bomba",
    "jeringa",
    "volumetrica",
    "paciente",
    "ecografo",
    "generador",
    "electroquirurgico",
    "unidad",
    "unidade",
    "estacion",
    "estacao",
    "modulo",
    "dato",
    "signo",
    "vitale",
    "visor",
    "gammacamara",
    "desfibrilador",
    "respirador",
    "ventilador",
    "servidor",
    "impresora",
    "lector",
    "escaner",
    "tomografo",
    "mamografo",
    "electrocardiografo",
    "portatil",
    "transporte",
    "equipo",
    "inalambrico",
    "inalambrica",
];

/// Text with its accented Latin letters written plainly, case kept ("versión 2.1" →
/// "version 2.1", "Planta 4ª" → "Planta 4").
pub fn unaccented(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let plain = match c {
            'ª' | 'º' | '°' => continue,
            c if c.is_ascii() => c,
            c => {
                let folded = fold(&c.to_string());
                match folded.chars().next() {
                    Some(f) if f.is_ascii_alphabetic() && folded.len() == 1 => {
                        if c.is_uppercase() {
                            f.to_ascii_uppercase()
                        } else {
                            f
                        }
                    }
                    _ => c,
                }
            }
        };
        out.push(plain);
    }
    std::borrow::Cow::Owned(out)
}

/// German registers put the device's kind before its model as one compound word
/// ("Narkosegerät Aisys", "Infusionspumpe Infusomat Space", "Ruhe-EKG ELI 280"): any
/// "-gerät" (device), or a compound led by a kind of care or device.
fn is_german_kind(w: &str) -> bool {
    const LEADS: [&str; 17] = [
        "patienten",
        "infusions",
        "spritzen",
        "beatmungs",
        "narkose",
        "blutzucker",
        "gerinnungs",
        "intensiv",
        "ruhe",
        "belastungs",
        "langzeit",
        "auswerte",
        "ultraschall",
        "rontgen",
        "dialyse",
        "elektrochirurg",
        "holter",
    ];
    const KINDS: [&str; 3] = ["zentrale", "basisstation", "telemetrieserver"];
    w.ends_with("gerat")
        || w.ends_with("geraet")
        || KINDS.contains(&w)
        || LEADS
            .iter()
            .any(|l| w.len() > l.len() + 2 && w.starts_with(l))
}

/// A product or device model name as sets of tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ModelName {
    /// For an advisory's product, the words that lead two or more of the advisory's
    /// product names ("Infinity" of "Infinity Delta" and "Infinity Explorer C700"): a
    /// line the advisory lists models of.
    pub line_words: std::sync::Arc<BTreeSet<String>>,
    /// For an advisory's product, every word of the advisory's product names: a word a
    /// device shares with them is the advisory's vocabulary, not another model.
    pub advisory_words: std::sync::Arc<BTreeSet<String>>,
    /// For a prepared device with order codes ("8713140U"), the same name without
    /// them, made once (see `csaf::model_match`).
    pub without_codes: Option<Box<ModelName>>,
    /// For a device, the words that are product lines of its maker (the alias table's
    /// `lines`: "Versana", "Infinity").
    pub lines: BTreeSet<String>,
    /// Tokens with a digit: model numbers ("b450", "8015", "mmt503", "mx40").
    pub numbers: BTreeSet<String>,
    /// Distinctive words ("carescape", "alaris", "intellivue").
    pub words: BTreeSet<String>,
    /// Short names given in parentheses ("cscs" for "Central Station (CSCS)").
    pub acronyms: BTreeSet<String>,
    /// Model-number ranges written with a hyphen ("MX400-550", "MP2-MP90"), as
    /// (letter prefix, low, high).
    pub ranges: Vec<(String, u64, u64)>,
    /// Words that are the vendor's brands ("alaris"): shared brands alone do not make
    /// two models the same.
    pub brands: BTreeSet<String>,
    /// The kept tokens written together ("picix" for "PIC iX"), to compare with the
    /// other side's short names.
    pub joined: String,
    /// Catalogue numbers given alone in parentheses ("Arkon (99999)"): they match a
    /// device that gives them, but a device without any number need not.
    pub optional_numbers: BTreeSet<String>,
    /// Adjacent words and the compound they make written together ("multi",
    /// "processor", "multiprocessor"): "Multi Processor" is the "MultiProcessor".
    pub pairs: Vec<(String, String, String)>,
    /// Words coined as names: mixed case beyond the first letter ("SiPass", "WebCTRL",
    /// "eMerge", "NVRmini") or letters joined by a hyphen ("i-Vu", "WIN-PAK").
    pub coined: BTreeSet<String>,
    /// Every token of the name in order, series words included: what a short name
    /// written by the other side ("VMS") may abbreviate ("Video Management System").
    pub seq: Vec<String>,
    /// Words around the model, from the manufacturer column, that may stand for words of
    /// a product name ("ewon" of "HMS Ewon").
    pub context: BTreeSet<String>,
    /// Model numbers of a platform the product is built on, written after "using" or
    /// "with" ("UPS using NMC3", "Smart-UPS with Network Management Card 3 (NMC3)"): a
    /// device of that kind carrying the platform is the product whatever its own model
    /// number.
    pub platforms: BTreeSet<String>,
    /// Small numbers written after "series" or "gen" ("BrightSign series 4 players"):
    /// a generation a device in it also states, whatever its own model number.
    pub series_numbers: BTreeSet<String>,
    /// Whether the name included its maker's name ("Orthanc server", "Grassroots DICOM
    /// (GDCM)"): what is left may be only words of its class, and still name the
    /// maker's product.
    pub vendor_named: bool,
    /// Magnet strengths of MR scanners ("1.5t", "3t"), kept apart from model numbers:
    /// inventories add them or leave them out, and some advisories name a maker's
    /// scanners by nothing else ("MRI 1.5T").
    pub strengths: BTreeSet<String>,
    /// The initial of the maker's name the name started with ("p" for "Philips
    /// IntelliVue Information Center iX"), which short names may include ("PIIC").
    pub vendor_initial: Option<char>,
    /// Whether the name is nothing but its maker's name (a device listed as
    /// "Orthanc" by "Orthanc").
    pub maker_only: bool,
}

impl ModelName {
    /// Tokenizes `name` of a product made by `vendor`, dropping the vendor's own names
    /// and brands (so "BD Alaris 8015" and "8015" are the same model for BD).
    pub fn new(name: &str, vendor: &str, table: &VendorTable) -> ModelName {
        let groups = table.groups(vendor);
        let mut m = ModelName::with_vendor_words(name, &table.vendor_words(&groups));
        m.mark_brands(&table.brand_words(&groups));
        m
    }

    /// Records which of the words are brands.
    pub fn mark_brands(&mut self, brands: &BTreeSet<String>) {
        self.brands = self.words.intersection(brands).cloned().collect();
    }

    /// Whether a model number falls in one of the hyphenated ranges.
    pub fn in_range(&self, number: &str) -> bool {
        let digits = number.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let prefix = &number[..number.len() - digits.len()];
        let Ok(n) = digits.parse::<u64>() else {
            return false;
        };
        self.ranges
            .iter()
            .any(|(p, lo, hi)| p == prefix && *lo <= n && n <= *hi)
    }

    /// Tokenizes `name`, dropping `vendor_words` (keys as made by [`vendor_key`]).
    pub fn with_vendor_words(name: &str, vendor_words: &BTreeSet<String>) -> ModelName {
        let mut m = ModelName::default();
        let name = &singular_initialisms(name);
        let (outside, inside) = split_parens(name);
        // What the parentheses hold decides what they add to the name.
        let mut text = outside.clone();
        for p in &inside {
            let t = p.trim();
            // "(CSCS)", "(PRM)", "(XTR)": an all-capitals short name.
            if t.len() >= 2
                && t.len() <= 8
                && t.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && t.chars().any(|c| c.is_ascii_uppercase())
            {
                m.acronyms.insert(t.to_ascii_lowercase());
                continue;
            }
            // "(PICiX)", "(PIC iX)" after "Patient Information Center iX": a short
            // name made of the leading letters of the words before it.
            let short: String = model_tokens(t).concat();
            if short.chars().all(|c| c.is_ascii_alphabetic())
                && is_abbreviation(&short, &model_tokens(&outside))
            {
                m.acronyms.insert(short);
                continue;
            }
            // "(Model No. APG-01 BT)": the model itself.
            let lower = t.to_ascii_lowercase();
            if let Some(rest) = ["model no.", "model no", "model number", "models", "model"]
                .iter()
                .find_map(|p| lower.strip_prefix(p))
                .filter(|r| r.starts_with([' ', ':']))
            {
                text.push(' ');
                text.push_str(&t[t.len() - rest.len()..]);
                continue;
            }
            // "(including RF, EC, CP)", "(HP Z2 G9 workstation, shipped with ...)":
            // a remark about the product, not its name. A list of models ("(MP70,
            // RV50, RV55, LX 40)") is part of the name: any of them is the product.
            if is_remark(t) && !is_model_list(t) {
                continue;
            }
            // "Arkon (99999)": a catalogue number, optional for a device without one.
            if t.len() >= 4 && t.bytes().all(|b| b.is_ascii_digit()) {
                m.optional_numbers.insert(t.to_string());
            }
            // Other parentheses ("Pulsera (718095)", "EchoPAC (Turnkey)") are part of
            // the name.
            text.push(' ');
            text.push_str(t);
        }
        // "Point-of-Care" is also written by its initials ("PC", "POC").
        for w in text.split_whitespace() {
            m.acronyms.extend(hyphen_initials(w));
        }
        for w in text.split(|c: char| c.is_whitespace() || c == '/' || c == ',') {
            if is_coined(w) {
                m.coined.insert(singular(model_tokens(w).concat()));
            }
        }
        let (text, strengths) = field_strengths(&text);
        m.strengths = strengths;
        let text = drop_vendor_prefixes(&text, vendor_words);
        m.ranges = number_ranges(&fold(&text));
        let toks = model_tokens(&text);
        // Multi-word vendor names ("Welch Allyn") appear as consecutive tokens.
        let mut skip = vec![false; toks.len()];
        for i in 0..toks.len() {
            for j in (i + 1..=toks.len().min(i + 4)).rev() {
                let joined: String = toks[i..j].concat();
                if vendor_words.contains(&umlauts_folded(&joined)) {
                    skip[i..j].iter_mut().for_each(|s| *s = true);
                    break;
                }
            }
        }
        for (i, t) in toks.iter().enumerate() {
            if t == "using" || t == "with" {
                m.platforms.extend(
                    toks[i + 1..]
                        .iter()
                        .take(4)
                        .find(|n| {
                            n.chars().any(|c| c.is_ascii_digit())
                                && n.chars().any(|c| c.is_ascii_alphabetic())
                        })
                        .cloned(),
                );
            }
        }
        for w in toks.windows(2) {
            if matches!(w[0].as_str(), "series" | "gen" | "generation")
                && (1..=2).contains(&w[1].len())
                && w[1].bytes().all(|b| b.is_ascii_digit())
            {
                m.series_numbers.insert(w[1].clone());
            }
        }
        m.vendor_named = skip.iter().any(|s| *s);
        if skip.first() == Some(&true) {
            m.vendor_initial = toks[0].chars().next();
        }
        let mut prev_word: Option<String> = None;
        m.seq = toks
            .iter()
            .zip(&skip)
            .filter(|(_, s)| !**s)
            .map(|(t, _)| t.clone())
            .collect();
        let mut prev_number: Option<String> = None;
        for (t, skip) in toks.into_iter().zip(skip) {
            if skip || SERIES_WORDS.contains(&t.as_str()) || is_rating(&t) {
                prev_word = None;
                prev_number = None;
                continue;
            }
            m.joined.push_str(&t);
            if t.chars()
                .any(|c| c.is_ascii_digit() || c == '*' || c == '?')
                && !is_class_word(&t)
            {
                // "NVRmini 2" is the "NVRmini2": a word and the number after it; so
                // may two numbers be, cut at a hyphen ("NEXUS-3-264").
                if let Some(p) = prev_word.take().or_else(|| prev_number.take()) {
                    m.pairs
                        .push((singular(p.clone()), t.clone(), format!("{p}{t}")));
                }
                prev_number = Some(t.clone());
                m.numbers.insert(t);
            } else if t.len() > 1 || t == "x" {
                // "CT750 HD" is the "CT750HD": a number and the letters after it.
                if let Some(n) = prev_number.take() {
                    m.pairs
                        .push((n.clone(), singular(t.clone()), format!("{n}{t}")));
                }
                if let Some(p) = prev_word.take() {
                    let compound = singular(format!("{p}{t}"));
                    m.pairs.push((singular(p), singular(t.clone()), compound));
                }
                prev_word = Some(t.clone());
                m.words.insert(singular(t));
            }
        }
        // "OnCell G3100-HSPA Series", "ioLogik 2500 series": a round number naming a
        // series covers the models numbered in it (G3110, G3150, 2542).
        if m.seq.iter().any(|t| t == "series" || t == "family") {
            let family: Vec<String> = m
                .numbers
                .iter()
                .filter_map(|n| {
                    // ("IAW5000A": the round number may carry a letter.)
                    let letters =
                        n.len() - n.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
                    let (number, suffix) = n.split_at(n.len() - letters);
                    if letters > 1 || !number.ends_with("00") {
                        return None;
                    }
                    let head = if letters == 0 {
                        &number[..number.len() - 2]
                    } else {
                        number.trim_end_matches('0')
                    };
                    let zeros = number.len() - head.len();
                    (head.len() >= 2 && head.ends_with(|c: char| c.is_ascii_digit()))
                        .then(|| format!("{head}{}{suffix}", "x".repeat(zeros)))
                })
                .collect();
            m.numbers.extend(family);
            // "EDS-408A series", "IAW5000A series": their variants ("EDS-408A-T",
            // "IAW5150A-12").
            let variants: Vec<String> = m
                .numbers
                .iter()
                .filter(|n| {
                    let digits = n
                        .bytes()
                        .filter(|b| b.is_ascii_digit() || *b == b'x')
                        .count();
                    n.ends_with(|c: char| c.is_ascii_alphabetic() && c != 'x')
                        && n.bytes().any(|b| b.is_ascii_digit())
                        && digits >= 3
                        && !n.contains(['*', '?'])
                })
                .map(|n| format!("{n}*"))
                .collect();
            m.numbers.extend(variants);
        }
        m
    }

    /// This name with a short name of `other` replaced by the words it abbreviates
    /// ("victor VMS" against "victor Video Management System"), or `None`.
    pub fn expanded_with(&self, other: &ModelName) -> Option<ModelName> {
        let (short, run) = self.words.iter().find_map(|w| {
            if !(2..=5).contains(&w.len()) || other.words.contains(w) {
                return None;
            }
            // ("PIIC" for "[Philips] IntelliVue Information Center iX".)
            let with_maker = || {
                let rest = w.strip_prefix(other.vendor_initial?)?;
                abbreviated_run(rest, &other.seq).filter(|run| run.start == 0)
            };
            Some((
                w,
                abbreviated_run(w, &other.seq)
                    .or_else(|| initialism_run(w, &other.seq))
                    .or_else(with_maker)?,
            ))
        })?;
        // Only beside a word the two names share, or alone: "victor VMS", not "Sarix
        // IME" for "InTouch Machine Edition".
        let mut others = self
            .words
            .iter()
            .filter(|w| *w != short && !is_class_word(w))
            .peekable();
        if others.peek().is_some() && !others.any(|w| other.words.contains(w)) {
            return None;
        }
        let mut m = self.clone();
        m.words.remove(short);
        m.words.extend(
            other.seq[run]
                .iter()
                .map(|t| singular(t.clone()))
                .filter(|t| other.words.contains(t)),
        );
        Some(m)
    }

    /// This name with its words spelled as `other` spells them where the two differ only
    /// by a doubled letter ("Millennium" and CISA's "Millenium") or an "-ing" ("Stress
    /// Test", "Stress Testing"), or `None` when none does. (Long words only for the
    /// letter: short ones differ by a letter for real.)
    pub fn respelled_with(&self, other: &ModelName) -> Option<ModelName> {
        let squeezed = |w: &str| {
            let mut out = String::with_capacity(w.len());
            for c in w.chars() {
                if !out.ends_with(c) {
                    out.push(c);
                }
            }
            out
        };
        let mut respelled: Option<ModelName> = None;
        for w in self
            .words
            .iter()
            .filter(|w| w.len() >= 4 && !other.words.contains(*w))
        {
            // ("Stress Test System" and "Stress Testing System" too; and the doer for
            // the doing, "Pouch Packager" and "Pouch Packaging".)
            let gerund = |a: &str, b: &str| {
                a.strip_suffix("ing").is_some_and(|stem| {
                    stem == b
                        || b.strip_suffix("er")
                            .is_some_and(|s| s == stem && s.len() >= 4)
                })
            };
            let Some(theirs) = other.words.iter().find(|o| {
                o.len() >= 4
                    && !self.words.contains(*o)
                    && (o.len() >= 6
                        && w.len() >= 6
                        && o.len().abs_diff(w.len()) <= 2
                        && o.as_bytes()[..3] == w.as_bytes()[..3]
                        && squeezed(o) == squeezed(w)
                        || gerund(o, w)
                        || gerund(w, o))
            }) else {
                continue;
            };
            let m = respelled.get_or_insert_with(|| self.clone());
            m.words.remove(w);
            m.words.insert(theirs.clone());
            if m.brands.remove(w) {
                m.brands.insert(theirs.clone());
            }
            if m.coined.remove(w) {
                m.coined.insert(theirs.clone());
            }
            for t in &mut m.seq {
                if t == w {
                    t.clone_from(theirs);
                }
            }
        }
        respelled
    }

    /// This name with adjacent words fused where `other` writes them as one word
    /// ("Multi Processor" → "MultiProcessor"), or `None` when no pair is fused.
    pub fn fused_with(&self, other: &ModelName) -> Option<ModelName> {
        // (Most names fuse nothing: look at the other's families only if it has any.)
        let families = other.numbers.iter().any(|n| n.ends_with('*'));
        let fuse: Vec<&(String, String, String)> = self
            .pairs
            .iter()
            .filter(|(a, b, ab)| {
                // Two numbers cut at a hyphen fuse only into a family member:
                // "NEXUS-3-264", read as "nexus3" and "264", is one of "NEXUS-3-x". (They
                // are most pairs of a numbered name, and most names have no family.)
                if a.bytes().any(|c| c.is_ascii_digit()) && !b.bytes().any(|c| c.is_ascii_digit()) {
                    return other.numbers.contains(ab) && !other.numbers.contains(a);
                }
                if a.bytes().any(|c| c.is_ascii_digit()) {
                    return families
                        && !other.numbers.contains(a)
                        && other.numbers.iter().any(|n| {
                            n.strip_suffix('*')
                                .is_some_and(|head| ab.len() > head.len() && ab.starts_with(head))
                        });
                }
                (other.words.contains(ab) || other.numbers.contains(ab))
                    && !(other.words.contains(a)
                        && (other.words.contains(b) || other.numbers.contains(b)))
            })
            .collect();
        if fuse.is_empty() {
            return None;
        }
        let mut m = self.clone();
        for (a, b, ab) in fuse {
            m.words.remove(a);
            if a.bytes().any(|c| c.is_ascii_digit()) && !b.bytes().any(|c| c.is_ascii_digit()) {
                m.numbers.remove(a);
                m.words.remove(b);
                m.numbers.insert(ab.clone());
                continue;
            }
            if b.bytes().any(|c| c.is_ascii_digit()) {
                m.numbers.remove(a);
                m.numbers.remove(b);
                m.numbers.insert(ab.clone());
                continue;
            }
            m.words.remove(b);
            m.words.insert(ab.clone());
            if self.brands.contains(a) || self.brands.contains(b) {
                m.brands.insert(ab.clone());
            }
        }
        m.pairs.clear();
        Some(m)
    }

    /// The words a name must share to match: its words without class words, or all of
    /// them when nothing else is left ("Ultrasound ClearVue" requires "clearvue").
    pub fn required_words(&self) -> BTreeSet<String> {
        let r: BTreeSet<String> = self
            .words
            .iter()
            .filter(|w| !is_class_word(w))
            .cloned()
            .collect();
        if r.is_empty() { self.words.clone() } else { r }
    }

    /// True when nothing distinctive is left.
    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty() && self.words.is_empty() && self.acronyms.is_empty()
    }
}

/// Removes a vendor name joined to a model by a hyphen ("Hamilton-T1" → "T1",
/// "BD-Alaris" → "Alaris"), which tokenizing would otherwise fuse into one token. The
/// prefix must be a whole vendor word (as in `vendor_words`) and something must remain.
fn drop_vendor_prefixes(text: &str, vendor_words: &BTreeSet<String>) -> String {
    text.split(' ')
        .map(|w| match w.split_once('-') {
            Some((pre, rest))
                if !rest.is_empty()
                    && rest.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && vendor_words.contains(&umlauts_folded(&fold(pre))) =>
            {
                rest
            }
            _ => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a parenthesized piece of a product name is a remark about the product
/// rather than part of its name: it starts with a word that introduces a remark, lists
/// things (a comma), or is a phrase of four words or more.
fn is_remark(piece: &str) -> bool {
    const OPENERS: &[&str] = &[
        "including",
        "includes",
        "incl",
        "eg",
        "e",
        "ie",
        "i",
        "shipped",
        "with",
        "without",
        "integrated",
        "installed",
        "running",
        "runs",
        "used",
        "sold",
        "also",
        "see",
        "formerly",
        "previously",
        "aka",
        "for",
        "on",
        "in",
        "when",
        "if",
        "only",
        "not",
        "except",
        "excluding",
        "via",
        "as",
        "from",
        "based",
        "which",
        "that",
        "using",
        "non",
        "connected",
        "bundled",
        "distributed",
        "part",
        "all",
    ];
    let f = fold(piece);
    let words: Vec<&str> = f
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    f.contains([',', ';']) || words.len() >= 4 || words.first().is_some_and(|w| OPENERS.contains(w))
}

/// The name without the magnet strengths of MR scanners ("Optima MR360 1.5T", "3.0T
/// Signa HDxt"), which, cut at the decimal point, would read as model numbers; and the
/// strengths, written alike ("3.0T" is "3t").
fn field_strengths(text: &str) -> (String, BTreeSet<String>) {
    let strength = |w: &str| {
        let n = w.strip_suffix(['t', 'T'])?;
        let (whole, frac) = n.split_once('.').unwrap_or((n, "0"));
        let digits =
            |s: &str, max| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        (digits(whole, 2) && digits(frac, 2)).then(|| {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                format!("{whole}t")
            } else {
                format!("{whole}.{frac}t")
            }
        })
    };
    // (A CT's slices, "16-slice", say what it is, not which.)
    let slices = |w: &str| {
        w.to_ascii_lowercase()
            .strip_suffix("-slice")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let mut found = BTreeSet::new();
    let kept: Vec<&str> = text
        .split(' ')
        .filter(|w| !slices(w))
        .filter(|w| match strength(w) {
            Some(s) => {
                found.insert(s);
                false
            }
            None => true,
        })
        .collect();
    (kept.join(" "), found)
}

/// Whether a token is an electrical rating ("20a", "10kva", "230v", "60hz"), which
/// describes a device rather than numbering it.
fn is_rating(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    // (As many digits as a rating has, "4000A" for a switchboard: "24970A" is
    // Medtronic's model number, not 24,970 amperes.)
    let most = match &t[digits..] {
        "v" | "kw" | "kva" | "ah" | "vac" | "vdc" | "hz" => 3,
        "a" | "w" => 4,
        "va" | "mah" => 5,
        // Channels and megapixels of recorders and cameras ("8ch NVR", "4MP").
        "ch" | "mp" => 2,
        _ => 0,
    };
    digits > 0 && digits <= most && !t.starts_with('0')
}

/// Whether a word was coined as a name: letters in mixed case beyond the first one
/// ("SiPass", "iSTAR", "NVRmini", not "Alaris" or "CARESCAPE"), or letters joined by a
/// hyphen ("i-Vu"); without digits, which make model numbers instead.
pub fn is_coined(w: &str) -> bool {
    if w.chars().any(|c| c.is_ascii_digit())
        || w.chars().filter(char::is_ascii_alphabetic).count() < 3
    {
        return false;
    }
    let letters: Vec<char> = w.chars().filter(char::is_ascii_alphabetic).collect();
    let mixed = letters[1..].iter().any(char::is_ascii_uppercase)
        && letters.iter().any(char::is_ascii_lowercase);
    let b = w.as_bytes();
    let hyphened = (1..b.len().saturating_sub(1))
        .any(|i| b[i] == b'-' && b[i - 1].is_ascii_alphabetic() && b[i + 1].is_ascii_alphabetic());
    mixed || hyphened
}

/// Initialisms in the plural written with a small "s" ("DVRs", "NVRs", "PDUs") in the
/// singular, so that they are the word the other side writes ("DVR") and not coined
/// names.
fn singular_initialisms(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < c.len() {
        let start_ok = i == 0 || !c[i - 1].is_alphanumeric();
        // (Counted only at a word's start, so a long run is read once.)
        let caps = if start_ok {
            c[i..]
                .iter()
                .take_while(|ch| ch.is_ascii_uppercase())
                .count()
        } else {
            0
        };
        let end = i + caps;
        if start_ok
            && caps >= 2
            && c.get(end) == Some(&'s')
            && c.get(end + 1).is_none_or(|ch| !ch.is_alphanumeric())
        {
            out.extend(&c[i..end]);
            i = end + 1;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Whether a parenthesized piece lists model numbers: comma-separated items of one
/// or two words, most of them with a digit, not introduced by a remark word.
fn is_model_list(piece: &str) -> bool {
    let items: Vec<&str> = piece.split(',').map(str::trim).collect();
    let numbered = items
        .iter()
        .filter(|i| i.chars().any(|c| c.is_ascii_digit()))
        .count();
    items.len() >= 2
        && items
            .iter()
            .all(|i| !i.is_empty() && i.split_whitespace().count() <= 2)
        && numbered * 2 >= items.len()
        && !is_remark(items[0])
}

/// Other names a product name gives in parentheses: a short name with a word ("Eaton
/// Intelligent Power Manager Infrastructure (IPM Infrastructure)") or a former name
/// ("FactoryTalk Linx (Previously called RSLinx Enterprise)", "(formerly ...)").
pub fn parenthesized_names(name: &str) -> Vec<String> {
    const FORMER: &[&str] = &[
        "previously called",
        "formerly called",
        "formerly",
        "previously",
        "aka",
        "also known as",
    ];
    let (_, inside) = split_parens(name);
    let mut out = Vec::new();
    for p in inside {
        let t = p.trim();
        let l = t.to_ascii_lowercase();
        if let Some(f) = FORMER.iter().find(|f| l.starts_with(*f)) {
            let rest = t[f.len()..].trim();
            if !rest.is_empty() && rest.split_whitespace().count() <= 4 {
                out.push(rest.to_string());
            }
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        let short_name = words
            .iter()
            .any(|w| (2..=5).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase()));
        // ("(WLAN only)" restricts the product to its WLAN variant: no name.)
        if (2..=3).contains(&words.len()) && short_name && !is_remark(t) && !l.ends_with(" only") {
            out.push(t.to_string());
        }
    }
    out
}

/// The initials of a word made of three or more hyphenated parts ("Point-of-Care" →
/// "poc", and "pc" without the small words), as inventories abbreviate it.
fn hyphen_initials(word: &str) -> Vec<String> {
    let parts: Vec<String> = word
        .split('-')
        .map(fold)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 3
        || !parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_alphabetic()))
    {
        return Vec::new();
    }
    let initials = |skip_small: bool| -> String {
        parts
            .iter()
            .filter(|p| !(skip_small && matches!(p.as_str(), "of" | "and" | "the" | "for" | "to")))
            .filter_map(|p| p.chars().next())
            .collect()
    };
    let mut out = vec![initials(false)];
    let short = initials(true);
    if short.len() >= 2 && short != out[0] {
        out.push(short);
    }
    out
}

pub(crate) fn singular(w: String) -> String {
    // "switches" → "switch", "boxes" → "box".
    if w.len() > 5 && ["ches", "shes", "xes"].iter().any(|e| w.ends_with(e)) {
        return w[..w.len() - 2].to_string();
    }
    // "pumps" → "pump", but not "Alaris", "Xpress", "Status", "Kappos".
    if w.len() > 4
        && w.ends_with('s')
        && !["ss", "us", "is", "os", "ys"]
            .iter()
            .any(|e| w.ends_with(e))
    {
        w[..w.len() - 1].to_string()
    } else {
        w
    }
}

/// Whether `short` abbreviates a run of at least three consecutive `words`, each
/// contributing a non-empty leading part, in order: "pic" and "picix" for "patient
/// information center ix", not "pix" (no word there begins with "x"). Short names of
/// one or two words are too easily made by chance.
fn is_abbreviation(short: &str, words: &[String]) -> bool {
    abbreviated_run(short, words).is_some()
}

/// The run of `words` that `short` abbreviates (see [`is_abbreviation`]), as a range.
fn abbreviated_run(short: &str, words: &[String]) -> Option<std::ops::Range<usize>> {
    /// How many words, from the first, give `short`'s letters (at least three).
    fn from(short: &[u8], words: &[&[u8]], used: usize) -> Option<usize> {
        if short.is_empty() {
            return (used >= 3).then_some(used);
        }
        let (w, rest) = words.split_first()?;
        // This word gives a leading part of 1..=len letters; the next word must follow.
        (1..=w.len().min(short.len()))
            .take_while(|&k| short[k - 1] == w[k - 1])
            .find_map(|k| from(&short[k..], rest, used + 1))
    }
    if short.len() < 3 || short.len() > 8 {
        return None;
    }
    let words: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
    (0..words.len()).find_map(|i| from(short.as_bytes(), &words[i..], 0).map(|n| i..i + n))
}

/// The two words that `short` writes as an initialism and the start of the next word
/// ("pcu" for "PC Unit", "ivp" for "IV pump"): the first word is itself a short
/// initialism (two or three letters), written whole.
fn initialism_run(short: &str, words: &[String]) -> Option<std::ops::Range<usize>> {
    words
        .windows(2)
        .position(|w| {
            (2..=3).contains(&w[0].len())
                && w[0].bytes().all(|b| b.is_ascii_alphabetic())
                && short
                    .strip_prefix(w[0].as_str())
                    .is_some_and(|rest| !rest.is_empty() && w[1].starts_with(rest))
        })
        .map(|i| i..i + 2)
}

/// Hyphenated model-number ranges: "mx400-550", "mx400-mx850", "mp2-mp90" (the second
/// prefix, if any, must equal the first).
fn number_ranges(s: &str) -> Vec<(String, u64, u64)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Start of a token.
        if i > 0 && b[i - 1].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let read = |mut j: usize| -> (String, String, usize) {
            let ps = j;
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
            let ds = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            (s[ps..ds].to_string(), s[ds..j].to_string(), j)
        };
        let (p1, d1, j) = read(i);
        if !d1.is_empty() && j < b.len() && b[j] == b'-' {
            let (p2, d2, k) = read(j + 1);
            let ends = k == b.len() || !b[k].is_ascii_alphanumeric();
            if !d2.is_empty()
                && ends
                && (p2.is_empty() || p2 == p1)
                && let (Ok(lo), Ok(hi)) = (d1.parse::<u64>(), d2.parse::<u64>())
                && lo < hi
                // (Bare numbers of different lengths are one catalogue number, as
                // WAGO's "750-8100", not a range.)
                && (!p1.is_empty() || d1.len() == d2.len())
            {
                out.push((p1, lo, hi));
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// Joins a one- or two-capital-letter prefix to the number after it, as inventories
/// space model numbers: "B 450" → "B450", "EC 40" → "EC40". ("PC 8015" stays apart: PC
/// is a word, as are "No" and "Nr".)
fn join_letter_prefix(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    let mut out = String::with_capacity(s.len());
    for (i, w) in words.iter().enumerate() {
        out.push_str(w);
        let Some(next) = words.get(i + 1) else { break };
        let prefix = (1..=2).contains(&w.len())
            && w.chars().all(|c| c.is_ascii_uppercase())
            && !matches!(*w, "PC" | "NO" | "NR");
        // (Not a rating: "GP 120kVA" is a "GP" of 120 kVA.)
        let number = next.chars().next().is_some_and(|c| c.is_ascii_digit())
            && next.chars().all(|c| c.is_ascii_alphanumeric())
            && !is_rating(&next.to_ascii_lowercase());
        if !(prefix && number) {
            out.push(' ');
        }
    }
    out
}

/// "I/O" (inputs and outputs, "IAW5000A-I/O", "12I/O") written as its own word, so
/// that the slash does not cut it and the hyphen does not glue it to the model number.
fn without_io(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("I/O") && !s.contains("i/o") {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.replace("-I/O", " IO")
            .replace("-i/o", " io")
            .replace("I/O", " IO")
            .replace("i/o", " io"),
    )
}

/// A folded word with German umlauts written out read as the folded letter
/// ("geutebrueck", "draeger" are "geutebruck", "drager"), as vendor keys are.
fn umlauts_folded(t: &str) -> String {
    t.replace("ue", "u").replace("ae", "a").replace("oe", "o")
}

/// A company name without the "& Co. KG" of a German limited partnership, whose "&"
/// would otherwise read as a second company.
fn without_co_kg(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    for form in ["& co. kg", "& co kg", "& co.kg"] {
        if let Some(at) = lower.find(form) {
            return format!("{}{}", &name[..at], &name[at + form.len()..]);
        }
    }
    name.to_string()
}

/// Whether two different ASCII words are one substitution, insertion or deletion apart.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let head = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[head + 1..] == long[head + 1..]
    } else {
        short[head..] == long[head + 1..]
    }
}

/// Model numbers listed with a slash after the first one's letters ("PXC00/50/100/200-E.D",
/// "NEX-2x/3x") written out in full ("PXC00/PXC50/PXC100/PXC200-E.D"), so that each is
/// the lettered model number it stands for.
fn slashed_numbers(s: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for w in s.split(' ') {
        let parts: Vec<&str> = w.split('/').collect();
        let letters = parts[0]
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic() || *b == b'-')
            .count();
        let lettered = letters > 0
            && parts[0][..letters].bytes().any(|b| b.is_ascii_alphabetic())
            && parts[0][letters..].starts_with(|c: char| c.is_ascii_digit());
        let bare_rest = parts.len() >= 2
            && parts[1..]
                .iter()
                .all(|p| p.starts_with(|c: char| c.is_ascii_digit()));
        if lettered && bare_rest {
            let prefix = &parts[0][..letters];
            let full: Vec<String> = std::iter::once(parts[0].to_string())
                .chain(parts[1..].iter().map(|p| format!("{prefix}{p}")))
                .collect();
            out.push(full.join("/"));
        } else {
            out.push(w.to_string());
        }
    }
    out.join(" ")
}

/// Splits a model name into lower-case tokens. A hyphen after a letter joins
/// ("MMT-503" → "mmt503", "X-Scribe" → "xscribe"); after a digit it separates
/// ("MX400-550"). A dot joins only between digits ("3.0T").
pub fn model_tokens(s: &str) -> Vec<String> {
    let f = fold(&join_letter_prefix(&slashed_numbers(&without_io(s))));
    let chars: Vec<char> = f.chars().collect();
    let mut toks = Vec::new();
    let mut cur = String::new();
    let mut x_run: Option<(usize, usize)> = None;
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        let joins = match c {
            '-' | '_' => prev.is_ascii_alphabetic() && next.is_ascii_alphanumeric(),
            '.' => prev.is_ascii_digit() && next.is_ascii_digit(),
            '\'' => prev.is_ascii_alphabetic() && next.is_ascii_alphabetic(),
            _ => false,
        };
        // "PT20X-SDI-xx-G2": a run of x between hyphens stands for any characters
        // (a colour or variant code), written '?'.
        // (The run's end is found once, at its first x: names can be long.)
        let is_x = |ch: &char| ch.eq_ignore_ascii_case(&'x');
        if is_x(&c) && !is_x(&prev) {
            let end = chars[i..]
                .iter()
                .position(|n| !is_x(n))
                .map_or(chars.len(), |n| i + n);
            x_run = Some((i, end));
        }
        let wild = is_x(&c)
            && x_run.is_some_and(|(start, end)| {
                end - start >= 2
                    && start > 0
                    && chars[start - 1] == '-'
                    && chars
                        .get(end)
                        .is_none_or(|&n| n == '-' || n.is_whitespace())
            });
        // "ASP-ENT-x", "NEXUS-3-x": a single x closing a hyphenated model stands for
        // any rest, written '*'.
        let lone_x = |at: usize| {
            chars.get(at).is_some_and(|x| x.eq_ignore_ascii_case(&'x'))
                && at >= 2
                && chars[at - 1] == '-'
                && chars[at - 2].is_ascii_alphanumeric()
                && chars.get(at + 1).is_none_or(|n| !n.is_ascii_alphanumeric())
        };
        if wild {
            cur.push('?');
        } else if lone_x(i) {
            cur.push('*');
        } else if c == '-' && lone_x(i + 1) {
            // (The hyphen before it joins, after a digit too.)
        } else if c.is_ascii_alphanumeric() {
            cur.push(c);
        } else if c == '+' && prev.is_ascii_alphanumeric() && !next.is_ascii_alphanumeric() {
            // "Tracer SC+" is another product than the "Tracer SC".
            cur.push_str("plus");
        } else if joins {
            if c == '.' {
                cur.push('.');
            }
        } else if !cur.is_empty() {
            toks.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        toks.push(cur);
    }
    toks
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_hostile_names_tokenize_in_one_pass() {
        // A quadratic scan of runs of x would not finish these.
        let long = format!("A-{}", "x".repeat(200_000));
        let toks = super::model_tokens(&long);
        assert!(toks.len() == 1 && toks[0].len() == 200_001 && toks[0].ends_with("??"));
        let toks = super::model_tokens(&"PT-xx- ".repeat(50_000));
        assert!(toks.len() == 50_000 && toks.iter().all(|t| t == "pt??"));
        let caps = "A".repeat(200_000);
        assert_eq!(super::singular_initialisms(&caps), caps);
    }

    #[test]
    fn initialisms_in_the_plural() {
        assert_eq!(
            super::singular_initialisms("IP Cameras and DVRs using NVRs."),
            "IP Cameras and DVR using NVR."
        );
        // Not a word ending in a capital and an s, nor one with more after the s.
        assert_eq!(
            super::singular_initialisms("NetSurveillance ESLs2 Aus"),
            "NetSurveillance ESLs2 Aus"
        );
    }

    use super::*;

    #[test]
    fn a_product_renamed_is_read_under_each_name() {
        let t = VendorTable::builtin();
        let philips = t.groups("Philips Healthcare");
        let alts = t.product_synonyms(&philips, "Philips IntelliVue Information Center iX");
        assert!(alts.contains(&"Philips PIC iX".to_string()), "{alts:?}");
        assert!(alts.contains(&"Philips Patient Information Center iX".to_string()));
        // Only whole words, and only the vendor's own products.
        assert!(t.product_synonyms(&philips, "PIC iXR").is_empty());
        // Other scripts around the name keep their place.
        assert_eq!(
            t.product_synonyms(&philips, "İstasyon PIC iX")[0],
            "İstasyon IntelliVue Information Center iX"
        );
        assert!(
            t.product_synonyms(&t.groups("GE Healthcare"), "PIC iX")
                .is_empty()
        );
        // Users add their own, and a bad file is refused with its name.
        let mut t = VendorTable::builtin();
        t.extend_from_toml(
            "[[vendor]]\nname = \"Acme\"\nproducts = [[\"Old Pump\", \"New Pump\"]]\n",
            "site.toml",
        )
        .unwrap();
        assert_eq!(
            t.product_synonyms(&t.groups("Acme"), "Old Pump 3"),
            ["New Pump 3"]
        );
        let err = t
            .extend_from_toml(
                "[[vendor]]\nname = \"Acme\"\nproducts = \"x\"\n",
                "site.toml",
            )
            .unwrap_err();
        assert!(err.to_string().contains("site.toml"), "{err}");
    }

    #[test]
    fn builtin_table_parses_and_knows_the_lineage() {
        let t = VendorTable::builtin();
        for (a, b) in [
            ("Becton Dickinson", "BD"),
            ("BD", "CareFusion"),
            (
                "Becton, Dickinson and Company (BD)",
                "Becton Dickinson & Co.",
            ),
            ("GE Healthcare", "GE Medical Systems"),
            ("General Electric (GE)", "GE"),
            ("Philips", "Koninklijke Philips N.V."),
            ("Phillips", "Philips Healthcare"),
            ("Smiths Medical", "ICU Medical"),
            ("Hospira", "Pfizer"),
            ("Hospira, Inc.", "ICU Medical Inc"),
            ("Siemens Healthineers", "Siemens Healthcare GmbH"),
            ("Draeger", "Dräger"),
            ("Drägerwerk AG & Co. KGaA", "Draeger Medical"),
            ("Abbott", "St. Jude Medical"),
            ("Welch Allyn", "Hillrom"),
            ("Hill-Rom", "Baxter"),
            ("B. Braun Melsungen AG", "B Braun Medical Inc."),
            ("Medtronic", "Covidien"),
            ("ZOLL Medical Corporation", "Zoll"),
            ("Hamilton Medical AG", "Hamilton Medical"),
            ("Silex Technology and GE Healthcare", "GE"),
            ("CareFusion 303, Inc.", "BD"),
        ] {
            assert!(t.same_vendor(a, b), "{a} = {b}");
        }
        for (a, b) in [
            ("Philips", "GE Healthcare"),
            ("Medtronic", "Abbott"),
            ("Pfizer", "Smiths Medical"),
            ("BD", "Baxter"),
            ("Acme Devices", "Zeta Devices"),
            ("Fresenius Kabi", "Fresenius Medical Care"),
        ] {
            assert!(!t.same_vendor(a, b), "{a} != {b}");
        }
    }

    #[test]
    fn vendors_cut_short_in_master_data() {
        let t = VendorTable::builtin();
        // (The short name stays a group of its own beside the vendor's.)
        let known = |short: &str, full: &str| t.groups(full).is_subset(&t.groups(short));
        assert!(known("PHIL", "Philips"));
        assert!(known("BAXT", "Baxter"));
        assert!(known("MEDTR", "Medtronic"));
        assert!(known("GE MED", "GE Healthcare"));
        // Too short, or the start of too many companies: unknown.
        assert!(
            t.groups("PHI")
                .iter()
                .all(|g| matches!(g, VendorId::Unknown(_)))
        );
    }

    #[test]
    fn product_lines_and_makers_named_in_a_model() {
        let t = VendorTable::builtin();
        // A line in the manufacturer column names its vendor, and stays a model word.
        assert_eq!(t.groups("Avalon"), t.groups("Philips"));
        assert!(!t.vendor_words(&t.groups("Philips")).contains("avalon"));
        assert!(
            ModelName::new("Avalon FM30", "Philips", &t)
                .words
                .contains("avalon")
        );
        // A service company's row names the maker in the model.
        assert_eq!(
            t.named_in("Philips IntelliVue X2 module"),
            t.groups("Philips")
        );
        assert_eq!(
            t.named_in("Phoenix hemodialysis (Baxter)"),
            t.groups("Baxter")
        );
        assert!(
            t.named_in("Alaris Gateway Workstation")
                .contains(&t.groups("BD").into_iter().next().unwrap())
        );
        // A line is an ordinary word there.
        assert!(t.named_in("Storage Space Infinity array").is_empty());
    }

    #[test]
    fn divisions_belong_to_their_parent() {
        let t = VendorTable::builtin();
        assert!(t.same_vendor("Medtronic Diabetes", "Medtronic MiniMed"));
        assert!(t.same_vendor("BD Biosciences", "Becton, Dickinson and Company"));
        assert!(!t.same_vendor("Medtronic Diabetes", "Abbott"));
        // A generic word alone never stands for a vendor.
        assert!(!t.same_vendor("Medical Acme", "Medical Zeta"));
        // Whole names still decide first.
        assert!(!t.same_vendor("Fresenius Kabi", "Fresenius Medical Care"));
    }

    #[test]
    fn vendor_names_as_advisories_and_facilities_write_them() {
        let t = VendorTable::builtin();
        // Mojibake, parent phrases, '/'-joined vendors, short names in parentheses.
        assert!(t.same_vendor("GeutebrÃ¼ck", "Geutebrück"));
        assert!(t.same_vendor(
            "Sensormatic Electronics, a subsidiary of Johnson Controls, Inc.",
            "JCI"
        ));
        assert!(t.same_vendor("Nice / Linear", "Nice"));
        assert!(t.same_vendor("Mobile Industrial Robots (MiR)", "MiR"));
        assert!(t.same_vendor("Schneider Electric Software, LLC", "APC"));
        assert!(t.same_vendor("SAUTER Controls", "SAUTER"));
        // A part made of generic words names nobody.
        assert!(!t.same_vendor("Nortek Security & Control", "Acme Control"));
        assert_eq!(fold("C•CURE"), "c-cure");
    }

    #[test]
    fn parenthesized_remarks_and_hyphen_initials() {
        assert!(is_remark("including RF, EC, CP"));
        assert!(is_remark("with Wi-Fi"));
        assert!(is_remark("HP Z2 G9 workstation shipped"));
        assert!(!is_remark("Turnkey"));
        assert!(!is_remark("718095"));
        // A short name in parentheses is another name; a restriction is not.
        assert_eq!(
            parenthesized_names(
                "Eaton Intelligent Power Manager Infrastructure (IPM Infrastructure)"
            ),
            ["IPM Infrastructure"]
        );
        assert!(parenthesized_names("IntelliVue MX40 Patient Worn Monitor (WLAN only)").is_empty());
        // The doer for the doing: "Pouch Packager" is the "Pouch Packaging System".
        let d = ModelName::with_vendor_words("Rowa pouch packager", &BTreeSet::new());
        let p = ModelName::with_vendor_words("Rowa Pouch Packaging Systems", &BTreeSet::new());
        assert!(d.respelled_with(&p).unwrap().words.contains("packaging"));
        assert_eq!(hyphen_initials("Point-of-Care"), ["poc", "pc"]);
        assert!(hyphen_initials("X-Scribe").is_empty());
        assert!(hyphen_initials("MMT-503-2").is_empty());
        let m = ModelName::with_vendor_words("Totalys Multi Processor", &BTreeSet::new());
        let other = ModelName::with_vendor_words("Totalys MultiProcessor", &BTreeSet::new());
        let fused = m.fused_with(&other).unwrap();
        assert_eq!(fused.words, other.words);
        assert!(other.fused_with(&m).is_none());
    }

    #[test]
    fn unknown_vendors_compare_by_loose_key() {
        let t = VendorTable::builtin();
        assert!(t.same_vendor("Innokas Yhtymä Oy", "INNOKAS"));
        assert!(t.same_vendor("SOOIL Developments Co, Ltd.", "Sooil Developments"));
        // Generic company words and legal suffixes are not needed to name the vendor.
        assert!(t.same_vendor("SOOIL Developments Co, Ltd.", "SOOIL"));
        // An inventory may shorten a company to its first word. (The price: two unknown
        // companies sharing a first word, "Acme Robotics" and "Acme Pumps", share a
        // group too, and only their model names tell their products apart.)
        assert!(t.same_vendor("Viessmann Climate Solutions", "Viessmann"));
        assert!(t.same_vendor("LG Innotek", "LG"));
        // One letter wrong, missing or extra in a known vendor's name.
        assert!(t.same_vendor("Medtronics", "Medtronic"));
        assert!(t.same_vendor("WAGO Kontakttechnik GmbH & Co. KG", "WAGO"));
        assert!(t.same_vendor("Geutebrueck GmbH", "GeutebrÃ¼ck"));
        assert!(t.same_vendor("Draeger", "Dräger"));
        // The vendor's name written out in a model is still dropped from it.
        let m = ModelName::new("Draeger Evita V500", "Dräger", &t);
        assert!(!m.words.contains("draeger") && m.words.contains("evita"));
        assert!(t.same_vendor("Siemans", "Siemens"));
        assert!(!t.same_vendor("Baxtor", "Medtronic"));
        assert!(one_edit_apart("medtronic", "medtronics"));
        assert!(!one_edit_apart("medtronic", "medtronic"));
        assert!(!one_edit_apart("abcdef", "abcxyz"));
        assert!(!t.same_vendor("Lg innotek", "LG"));
        assert!(!t.same_vendor("Acme Robotics", "Zeta Robotics"));
    }

    #[test]
    fn vendor_prefixed_models_and_class_words() {
        let t = VendorTable::builtin();
        let m = ModelName::new("Hamilton-T1", "Hamilton Medical", &t);
        assert_eq!(m.numbers, BTreeSet::from(["t1".to_string()]));
        assert!(m.words.is_empty());
        // Not a vendor: the hyphenated name stays one token.
        let x = ModelName::new("X-Scribe", "Hamilton Medical", &t);
        assert!(x.words.contains("xscribe"));
        let u = ModelName::new("Ultrasound ClearVue", "Philips", &t);
        assert_eq!(u.required_words(), BTreeSet::from(["clearvue".to_string()]));
        let only = ModelName::new("Patient Monitor", "Philips", &t);
        assert_eq!(only.required_words(), only.words);
    }

    #[test]
    fn parenthesized_abbreviations() {
        let t = VendorTable::builtin();
        for name in [
            "Patient Information Center iX (PICiX)",
            "Patient Information Center iX (PIC iX)",
        ] {
            let m = ModelName::new(name, "Philips", &t);
            assert!(m.acronyms.contains("picix"), "{name}: {m:?}");
            assert!(
                !m.words.contains("picix") && !m.words.contains("pic"),
                "{m:?}"
            );
        }
        let pic = ModelName::new("PIC iX", "Philips", &t);
        assert_eq!(pic.joined, "picix");
        // Not made of the leading letters of three words: a word of the name.
        let m = ModelName::new("Telemetry Server (Apex)", "GE", &t);
        assert!(m.words.contains("apex") && m.acronyms.is_empty());
        assert!(is_abbreviation(
            "pic",
            &model_tokens("patient information center")
        ));
        assert!(!is_abbreviation(
            "pix",
            &model_tokens("patient information center ix")
        ));
        assert!(!is_abbreviation("pi", &model_tokens("patient information")));
        assert_eq!(
            initialism_run("pcu", &model_tokens("Alaris PC unit")),
            Some(1..3)
        );
        let strengths = |t: &str| {
            let (rest, s) = field_strengths(t);
            (rest, s.into_iter().collect::<Vec<_>>())
        };
        assert_eq!(
            strengths("Optima MR360 1.5T"),
            ("Optima MR360".into(), vec!["1.5t".into()])
        );
        assert_eq!(
            strengths("3.0T Ingenia"),
            ("Ingenia".into(), vec!["3t".into()])
        );
        assert_eq!(strengths("Avanto 1.5 T").1, Vec::<String>::new());
        assert_eq!(strengths("CT580 T").1, Vec::<String>::new());
        assert_eq!(initialism_run("pcu", &model_tokens("Alaris unit")), None);
        // Slashed model numbers carry the first one's letters.
        assert_eq!(
            model_tokens("PXC00/50/100-E.D"),
            ["pxc00", "pxc50", "pxc100", "e", "d"]
        );
        assert_eq!(model_tokens("FM20/FM30"), ["fm20", "fm30"]);
        assert_eq!(model_tokens("RS232/485"), ["rs232", "rs485"]);
        // A rating is not joined to the letters before it.
        assert_eq!(model_tokens("GP 120kVA"), ["gp", "120kva"]);
        assert_eq!(model_tokens("B 450"), ["b450"]);
        // A rating describes; a number too long to be one is a model number.
        let t = VendorTable::builtin();
        let ups = ModelName::new("Smart-UPS 1500VA 20A", "APC", &t);
        assert!(ups.numbers.is_empty());
        let tablet = ModelName::new("CareLink SmartSync 24970A", "Medtronic", &t);
        assert!(tablet.numbers.contains("24970a"));
        // Two numbers cut at a hyphen are one of a family the other side writes whole.
        let d = ModelName::new("NEXUS-3-264 controller", "ABB", &t);
        let p = ModelName::new("NEXUS Series NEXUS-3-x", "ABB", &t);
        assert_eq!(
            d.fused_with(&p).map(|f| f.numbers),
            Some(BTreeSet::from(["nexus3264".to_string()]))
        );
        // A short name may take the maker's initial too ("PIIC").
        let p = ModelName::new("Philips IntelliVue Information Center iX", "Philips", &t);
        let d = ModelName::new("PIIC iX", "Philips", &t);
        assert!(
            d.expanded_with(&p)
                .is_some_and(|e| e.words.contains("intellivue"))
        );
        // A series covers its variants and, by a round number, its members.
        let s = ModelName::new("NPort IAW5000A-I/O Series", "Moxa", &t);
        assert!(s.numbers.contains("iaw5xxxa*") && s.numbers.contains("iaw5000a*"));
        assert!(s.words.contains("io"));
        let s = ModelName::new("EDS-408A series", "Moxa", &t);
        assert!(s.numbers.contains("eds408a*"));
        let d = ModelName::new("UC-2100 series", "Moxa", &t);
        assert!(!d.numbers.iter().any(|n| n.ends_with("x*")));
        // "C●CURE" is "C-CURE".
        assert_eq!(model_tokens("C●CURE 9000"), ["ccure", "9000"]);
        assert_eq!(initialism_run("pc", &model_tokens("PC unit")), None);
    }

    #[test]
    fn user_table_extends_and_bad_table_is_reported() {
        let mut t = VendorTable::builtin();
        assert!(!t.same_vendor("Acme Infusion", "Philips"));
        t.extend_from_toml(
            "[[vendor]]\nname = \"Philips\"\naliases = [\"Acme Infusion\"]\n",
            "user",
        )
        .unwrap();
        assert!(t.same_vendor("Acme Infusion", "Philips"));
        let e = t
            .extend_from_toml("[[vendor]]\nnme = \"x\"\n", "/data/vendor-aliases.toml")
            .unwrap_err();
        assert!(e.to_string().contains("/data/vendor-aliases.toml"), "{e}");
        assert!(e.to_string().contains("line"), "{e}");
    }

    #[test]
    fn hyphenated_ranges() {
        let t = VendorTable::builtin();
        let m = ModelName::new("IntelliVue Patient Monitors MX (MX400-550)", "Philips", &t);
        assert!(m.in_range("mx450") && !m.in_range("mx800") && !m.in_range("mp450"));
        let m = ModelName::new("IntelliVue patient monitor MP2-MP90", "Philips", &t);
        assert!(m.in_range("mp70") && !m.in_range("mp100"));
        assert!(
            ModelName::new("Hamilton-T1", "Hamilton", &t)
                .ranges
                .is_empty()
        );
        // A catalogue number is no range; bare numbers alike in length are.
        assert!(!ModelName::new("750-8100 Controller", "WAGO", &t).in_range("2008"));
        assert!(ModelName::new("Models 5100-5500", "Acme", &t).in_range("5150"));
    }

    #[test]
    fn model_tokens_and_names() {
        assert_eq!(
            model_tokens("B 450 EC 40 PC 8015"),
            ["b450", "ec40", "pc", "8015"]
        );
        assert_eq!(
            model_tokens("MMT-503 X-Scribe MX400-550 3.0T"),
            ["mmt503", "xscribe", "mx400", "550", "3.0t"]
        );
        let t = VendorTable::builtin();
        let m = ModelName::new("BD Alaris 8015 PC Unit", "Becton Dickinson", &t);
        assert_eq!(m.numbers, BTreeSet::from(["8015".to_string()]));
        assert_eq!(
            m.words,
            BTreeSet::from(["alaris".to_string(), "pc".to_string()]),
            "BD is dropped, the Alaris brand kept"
        );
        assert!(t.same_vendor("Alaris", "Becton Dickinson"));
        let c = ModelName::new("CARESCAPE Central Station (CSCS)", "GE", &t);
        assert!(c.acronyms.contains("cscs"));
        assert!(c.words.contains("carescape") && c.words.contains("central"));
        let w = ModelName::new("Welch Allyn Connex Spot Monitor", "Hillrom", &t);
        assert!(!w.words.contains("welch") && w.words.contains("connex"));
    }
}
