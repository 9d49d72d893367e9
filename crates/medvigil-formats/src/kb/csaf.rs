//! CSAF 2.0 documents (<https://docs.oasis-open.org/csaf/csaf/v2.0/csaf-v2.0.html>),
//! including the VEX profile.
//!
//! The document is checked against the structural rules of the CSAF 2.0 JSON schema
//! (required properties, types, enumerations, `minItems`, `uniqueItems`, the patterns for
//! CVE and CWE ids, versions, dates and purls, and the embedded CVSS v2/v3 objects'
//! required fields) while it is converted, so the first violation is reported with its
//! JSON pointer and the rule it breaks. Unknown properties are allowed, as in the schema.
//!
//! The product tree is flattened: every product (from branches, `full_product_names` and
//! relationships) becomes one [`Product`] carrying the vendor, product name and version
//! or raw version range of its branch path, and its `product_identification_helper`.
//!
//! Of the standard's mandatory tests (section 6.1), those that keep product references
//! usable are checked too: referenced product and group ids are defined (6.1.1, 6.1.4)
//! and defined once (6.1.2, 6.1.5).
//!
//! For the `csaf_vex` profile (section 4.5 of the standard) the profile's own rules are
//! checked too: a product tree and vulnerabilities must exist, each vulnerability needs a
//! `cve` or `ids` and a VEX status, `known_not_affected` needs an impact statement and
//! `known_affected` an action statement.

use std::collections::{BTreeMap, HashSet};

use medvigil_model::vuln::{
    Advisory, AdvisoryVulnerability, Flag, Note, Product, ProductGroup, ProductIdentification,
    ProductRelationship, ProductScore, ProductStatus, Publisher, Reference, Remediation, Score,
    ScoreKind, Threat,
};
use serde_json::{Map, Value};

use super::json::{json_error, limit};
use super::{KbError, KbFormat};

const F: KbFormat = KbFormat::Csaf;

type R<T> = Result<T, KbError>;

fn err(at: &str, msg: impl Into<String>) -> KbError {
    KbError::at(F, if at.is_empty() { "/" } else { at }, msg)
}

fn obj<'a>(v: &'a Value, at: &str) -> R<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| err(at, format!("expected an object, found {}", kind(v))))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn req<'a>(m: &'a Map<String, Value>, key: &str, at: &str) -> R<&'a Value> {
    m.get(key)
        .ok_or_else(|| err(at, format!("missing required property `{key}`")))
}

fn string<'a>(v: &'a Value, at: &str) -> R<&'a str> {
    let s = v
        .as_str()
        .ok_or_else(|| err(at, format!("expected a string, found {}", kind(v))))?;
    if s.is_empty() {
        return Err(err(at, "must not be empty (minLength 1)"));
    }
    limit(F, at, s)?;
    Ok(s)
}

fn req_str<'a>(m: &'a Map<String, Value>, key: &str, at: &str) -> R<&'a str> {
    string(req(m, key, at)?, &format!("{at}/{key}"))
}

fn opt_str<'a>(m: &'a Map<String, Value>, key: &str, at: &str) -> R<Option<&'a str>> {
    m.get(key)
        .map(|v| string(v, &format!("{at}/{key}")))
        .transpose()
}

fn opt_string(m: &Map<String, Value>, key: &str, at: &str) -> R<Option<String>> {
    Ok(opt_str(m, key, at)?.map(str::to_string))
}

fn one_of(v: &Value, at: &str, allowed: &[&str]) -> R<String> {
    let s = string(v, at)?;
    if !allowed.contains(&s) {
        return Err(err(
            at,
            format!("{s:?} is not one of {}", allowed.join(", ")),
        ));
    }
    Ok(s.to_string())
}

fn array<'a>(v: &'a Value, at: &str, unique: bool) -> R<&'a Vec<Value>> {
    let a = v
        .as_array()
        .ok_or_else(|| err(at, format!("expected an array, found {}", kind(v))))?;
    if a.is_empty() {
        return Err(err(at, "must have at least one item (minItems 1)"));
    }
    if unique {
        let mut seen = HashSet::new();
        for (i, x) in a.iter().enumerate() {
            if !seen.insert(x.to_string()) {
                return Err(err(&format!("{at}/{i}"), "duplicate item (uniqueItems)"));
            }
        }
    }
    Ok(a)
}

fn opt_array<'a>(m: &'a Map<String, Value>, key: &str, at: &str, unique: bool) -> R<&'a [Value]> {
    match m.get(key) {
        Some(v) => Ok(array(v, &format!("{at}/{key}"), unique)?),
        None => Ok(&[]),
    }
}

fn strings(m: &Map<String, Value>, key: &str, at: &str, unique: bool) -> R<Vec<String>> {
    let at = format!("{at}/{key}");
    match m.get(key) {
        Some(v) => array(v, &at, unique)?
            .iter()
            .enumerate()
            .map(|(i, x)| string(x, &format!("{at}/{i}")).map(str::to_string))
            .collect(),
        None => Ok(Vec::new()),
    }
}

/// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn date_time(m: &Map<String, Value>, key: &str, at: &str) -> R<Option<String>> {
    let Some(v) = m.get(key) else { return Ok(None) };
    let at = format!("{at}/{key}");
    let s = string(v, &at)?;
    if !is_date_time(s) {
        return Err(err(&at, format!("{s:?} is not an RFC 3339 date-time")));
    }
    Ok(Some(s.to_string()))
}

fn req_date_time(m: &Map<String, Value>, key: &str, at: &str) -> R<String> {
    req(m, key, at)?;
    Ok(date_time(m, key, at)?.unwrap_or_default())
}

/// A URI needs a scheme: letters, digits, `+-.`, then `:`.
fn uri(m: &Map<String, Value>, key: &str, at: &str) -> R<Option<String>> {
    let Some(s) = opt_str(m, key, at)? else {
        return Ok(None);
    };
    let ok = s.split_once(':').is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !ok {
        return Err(err(&format!("{at}/{key}"), format!("{s:?} is not a URI")));
    }
    Ok(Some(s.to_string()))
}

/// `version_t`: an integer or a semantic version.
fn is_version(s: &str) -> bool {
    let int = |x: &str| {
        !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()) && (x == "0" || !x.starts_with('0'))
    };
    if int(s) {
        return true;
    }
    let core = s.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| int(p))
}

fn pattern_cve(s: &str) -> bool {
    let b = s.as_bytes();
    s.starts_with("CVE-")
        && b.len() >= 13
        && b[4..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..].iter().all(u8::is_ascii_digit)
}

fn pattern_cwe(s: &str) -> bool {
    s.strip_prefix("CWE-").is_some_and(|n| {
        (1..=6).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
    })
}

/// Parses and checks a CSAF 2.0 document.
pub fn parse_csaf(bytes: &[u8]) -> Result<Advisory, KbError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| json_error(F, e, None))?;
    convert(&value)
}

fn notes(m: &Map<String, Value>, at: &str) -> R<Vec<Note>> {
    let at = format!("{at}/notes");
    let mut out = Vec::new();
    if let Some(v) = m.get("notes") {
        for (i, n) in array(v, &at, false)?.iter().enumerate() {
            let at = format!("{at}/{i}");
            let n = obj(n, &at)?;
            out.push(Note {
                category: one_of(
                    req(n, "category", &at)?,
                    &format!("{at}/category"),
                    &[
                        "description",
                        "details",
                        "faq",
                        "general",
                        "legal_disclaimer",
                        "other",
                        "summary",
                    ],
                )?,
                title: opt_string(n, "title", &at)?,
                text: req_str(n, "text", &at)?.to_string(),
            });
            opt_str(n, "audience", &at)?;
        }
    }
    Ok(out)
}

fn references(m: &Map<String, Value>, at: &str) -> R<Vec<Reference>> {
    let at = format!("{at}/references");
    let mut out = Vec::new();
    if let Some(v) = m.get("references") {
        for (i, r) in array(v, &at, false)?.iter().enumerate() {
            let at = format!("{at}/{i}");
            let r = obj(r, &at)?;
            req_str(r, "summary", &at)?;
            req(r, "url", &at)?;
            let category = match r.get("category") {
                Some(c) => Some(one_of(c, &format!("{at}/category"), &["external", "self"])?),
                None => None,
            };
            out.push(Reference {
                url: uri(r, "url", &at)?.unwrap_or_default(),
                kind: category,
            });
        }
    }
    Ok(out)
}

fn acknowledgments(m: &Map<String, Value>, at: &str) -> R<()> {
    let at = format!("{at}/acknowledgments");
    for (i, a) in opt_array(m, "acknowledgments", "", false)
        .map_err(|e| KbError {
            pointer: Some(at.clone()),
            ..e
        })?
        .iter()
        .enumerate()
    {
        let at = format!("{at}/{i}");
        let a = obj(a, &at)?;
        if a.is_empty() {
            return Err(err(
                &at,
                "must have at least one property (minProperties 1)",
            ));
        }
        strings(a, "names", &at, false)?;
        opt_str(a, "organization", &at)?;
        opt_str(a, "summary", &at)?;
        strings(a, "urls", &at, false)?;
    }
    Ok(())
}

fn convert(root: &Value) -> R<Advisory> {
    let r = obj(root, "")?;
    let doc = obj(req(r, "document", "")?, "/document")?;
    let d = "/document";
    acknowledgments(doc, d)?;
    let category = req_str(doc, "category", d)?.to_string();
    let cat_ok = {
        let c = category.as_str();
        let edge = |ch: char| !(ch.is_whitespace() || "-_.".contains(ch));
        c.chars().next().is_some_and(edge) && c.chars().last().is_some_and(edge)
    };
    if !cat_ok {
        return Err(err(
            "/document/category",
            format!("{category:?} may not start or end with white space, '-', '_' or '.'"),
        ));
    }
    let csaf_version = one_of(
        req(doc, "csaf_version", d)?,
        "/document/csaf_version",
        &["2.0"],
    )?;
    let title = req_str(doc, "title", d)?.to_string();
    let lang = opt_string(doc, "lang", d)?;
    opt_str(doc, "source_lang", d)?;

    let pat = "/document/publisher";
    let p = obj(req(doc, "publisher", d)?, pat)?;
    let publisher = Publisher {
        category: one_of(
            req(p, "category", pat)?,
            &format!("{pat}/category"),
            &[
                "coordinator",
                "discoverer",
                "other",
                "translator",
                "user",
                "vendor",
            ],
        )?,
        name: req_str(p, "name", pat)?.to_string(),
        namespace: {
            req(p, "namespace", pat)?;
            uri(p, "namespace", pat)?.unwrap_or_default()
        },
    };
    opt_str(p, "contact_details", pat)?;
    opt_str(p, "issuing_authority", pat)?;

    let tat = "/document/tracking";
    let t = obj(req(doc, "tracking", d)?, tat)?;
    let id = req_str(t, "id", tat)?.to_string();
    if id.trim() != id {
        return Err(err(
            "/document/tracking/id",
            "may not start or end with white space",
        ));
    }
    let current_release_date = req_date_time(t, "current_release_date", tat)?;
    let initial_release_date = req_date_time(t, "initial_release_date", tat)?;
    let status = one_of(
        req(t, "status", tat)?,
        &format!("{tat}/status"),
        &["draft", "final", "interim"],
    )?;
    let version = req_str(t, "version", tat)?.to_string();
    if !is_version(&version) {
        return Err(err(
            "/document/tracking/version",
            format!("{version:?} is neither an integer nor a semantic version"),
        ));
    }
    let rh_at = format!("{tat}/revision_history");
    for (i, rev) in array(req(t, "revision_history", tat)?, &rh_at, false)?
        .iter()
        .enumerate()
    {
        let at = format!("{rh_at}/{i}");
        let rev = obj(rev, &at)?;
        req_date_time(rev, "date", &at)?;
        let n = req_str(rev, "number", &at)?;
        if !is_version(n) {
            return Err(err(
                &format!("{at}/number"),
                format!("{n:?} is neither an integer nor a semantic version"),
            ));
        }
        req_str(rev, "summary", &at)?;
    }
    strings(t, "aliases", tat, true)?;
    if let Some(g) = t.get("generator") {
        let gat = format!("{tat}/generator");
        let g = obj(g, &gat)?;
        date_time(g, "date", &gat)?;
        let eat = format!("{gat}/engine");
        req_str(obj(req(g, "engine", &gat)?, &eat)?, "name", &eat)?;
    }

    let mut tlp = None;
    if let Some(dist) = doc.get("distribution") {
        let dat = "/document/distribution";
        let dist = obj(dist, dat)?;
        if dist.is_empty() {
            return Err(err(
                dat,
                "must have at least one property (minProperties 1)",
            ));
        }
        opt_str(dist, "text", dat)?;
        if let Some(tv) = dist.get("tlp") {
            let tlat = format!("{dat}/tlp");
            let tl = obj(tv, &tlat)?;
            tlp = Some(one_of(
                req(tl, "label", &tlat)?,
                &format!("{tlat}/label"),
                &["AMBER", "GREEN", "RED", "WHITE"],
            )?);
            uri(tl, "url", &tlat)?;
        }
    }
    let aggregate_severity = match doc.get("aggregate_severity") {
        Some(a) => {
            let aat = "/document/aggregate_severity";
            let a = obj(a, aat)?;
            uri(a, "namespace", aat)?;
            Some(req_str(a, "text", aat)?.to_string())
        }
        None => None,
    };
    let doc_notes = notes(doc, d)?;
    let doc_refs = references(doc, d)?;

    let mut products = Vec::new();
    let mut product_groups = Vec::new();
    if let Some(tree) = r.get("product_tree") {
        product_tree(tree, &mut products, &mut product_groups)?;
    }
    let mut vulnerabilities = Vec::new();
    if let Some(vs) = r.get("vulnerabilities") {
        for (i, v) in array(vs, "/vulnerabilities", false)?.iter().enumerate() {
            vulnerabilities.push(vulnerability(v, &format!("/vulnerabilities/{i}"), &id)?);
        }
    }
    let advisory = Advisory {
        id,
        title,
        category,
        csaf_version,
        lang,
        publisher,
        initial_release_date,
        current_release_date,
        version,
        status,
        tlp,
        aggregate_severity,
        notes: doc_notes,
        references: doc_refs,
        products,
        product_groups,
        vulnerabilities,
    };
    product_references(&advisory)?;
    if advisory.category == "csaf_vex" {
        vex_profile(r, &advisory)?;
    }
    Ok(advisory)
}

/// Branch path state while walking the product tree.
#[derive(Clone, Default)]
struct Path {
    vendor: Option<String>,
    family: Option<String>,
    name: Option<String>,
    version: Option<String>,
    range: Option<String>,
    other: Vec<(String, String)>,
}

const BRANCH_CATEGORIES: &[&str] = &[
    "architecture",
    "host_name",
    "language",
    "legacy",
    "patch_level",
    "product_family",
    "product_name",
    "product_version",
    "product_version_range",
    "service_pack",
    "specification",
    "vendor",
];

fn product_tree(
    tree: &Value,
    products: &mut Vec<Product>,
    groups: &mut Vec<ProductGroup>,
) -> R<()> {
    let at = "/product_tree";
    let t = obj(tree, at)?;
    if t.is_empty() {
        return Err(err(at, "must have at least one property (minProperties 1)"));
    }
    if let Some(b) = t.get("branches") {
        branches(b, &format!("{at}/branches"), &Path::default(), 0, products)?;
    }
    for (i, f) in opt_array(t, "full_product_names", at, false)?
        .iter()
        .enumerate()
    {
        products.push(full_product_name(
            f,
            &format!("{at}/full_product_names/{i}"),
            &Path::default(),
        )?);
    }
    for (i, rel) in opt_array(t, "relationships", at, false)?.iter().enumerate() {
        let rat = format!("{at}/relationships/{i}");
        let rel = obj(rel, &rat)?;
        let category = one_of(
            req(rel, "category", &rat)?,
            &format!("{rat}/category"),
            &[
                "default_component_of",
                "external_component_of",
                "installed_on",
                "installed_with",
                "optional_component_of",
            ],
        )?;
        let product_reference = req_str(rel, "product_reference", &rat)?.to_string();
        let relates_to_product_reference =
            req_str(rel, "relates_to_product_reference", &rat)?.to_string();
        let mut p = full_product_name(
            req(rel, "full_product_name", &rat)?,
            &format!("{rat}/full_product_name"),
            &Path::default(),
        )?;
        p.relationship = Some(ProductRelationship {
            category,
            product_reference,
            relates_to_product_reference,
        });
        products.push(p);
    }
    for (i, g) in opt_array(t, "product_groups", at, false)?
        .iter()
        .enumerate()
    {
        let gat = format!("{at}/product_groups/{i}");
        let g = obj(g, &gat)?;
        let group_id = req_str(g, "group_id", &gat)?.to_string();
        req(g, "product_ids", &gat)?;
        let product_ids = strings(g, "product_ids", &gat, true)?;
        if product_ids.len() < 2 {
            return Err(err(
                &format!("{gat}/product_ids"),
                "a product group needs at least two products (minItems 2)",
            ));
        }
        groups.push(ProductGroup {
            group_id,
            product_ids,
            summary: opt_string(g, "summary", &gat)?,
        });
    }
    Ok(())
}

/// Deeper trees are hostile: the standard's examples nest five levels.
const MAX_BRANCH_DEPTH: usize = 30;

fn branches(v: &Value, at: &str, path: &Path, depth: usize, out: &mut Vec<Product>) -> R<()> {
    if depth > MAX_BRANCH_DEPTH {
        return Err(err(
            at,
            format!("branches nest deeper than {MAX_BRANCH_DEPTH} levels"),
        ));
    }
    for (i, b) in array(v, at, false)?.iter().enumerate() {
        let bat = format!("{at}/{i}");
        let bm = obj(b, &bat)?;
        let category = one_of(
            req(bm, "category", &bat)?,
            &format!("{bat}/category"),
            BRANCH_CATEGORIES,
        )?;
        let name = req_str(bm, "name", &bat)?.to_string();
        if !bm.contains_key("branches") && !bm.contains_key("product") {
            return Err(err(
                &bat,
                "a branch needs `branches` or `product` (minProperties 3)",
            ));
        }
        let mut p = path.clone();
        match category.as_str() {
            "vendor" => p.vendor = Some(name),
            "product_family" => p.family = Some(name),
            "product_name" => p.name = Some(name),
            "product_version" => p.version = Some(name),
            "product_version_range" => p.range = Some(name),
            _ => p.other.push((category, name)),
        }
        if let Some(sub) = bm.get("branches") {
            branches(sub, &format!("{bat}/branches"), &p, depth + 1, out)?;
        }
        if let Some(prod) = bm.get("product") {
            out.push(full_product_name(prod, &format!("{bat}/product"), &p)?);
        }
    }
    Ok(())
}

fn full_product_name(v: &Value, at: &str, path: &Path) -> R<Product> {
    let m = obj(v, at)?;
    let name = req_str(m, "name", at)?.to_string();
    let product_id = req_str(m, "product_id", at)?.to_string();
    let mut identification = ProductIdentification::default();
    if let Some(h) = m.get("product_identification_helper") {
        let hat = format!("{at}/product_identification_helper");
        let h = obj(h, &hat)?;
        if h.is_empty() {
            return Err(err(
                &hat,
                "must have at least one property (minProperties 1)",
            ));
        }
        if let Some(cpe) = opt_str(h, "cpe", &hat)? {
            let ok = (cpe.starts_with("cpe:2.3:") && cpe.split(':').count() >= 13)
                || cpe.starts_with("cpe:/")
                || cpe.starts_with("cpe:2.3:") && cpe.len() >= 5;
            if !ok || cpe.len() < 5 {
                return Err(err(
                    &format!("{hat}/cpe"),
                    format!("{cpe:?} is not a CPE 2.2 or 2.3 name"),
                ));
            }
            identification.cpe = Some(cpe.to_string());
        }
        if let Some(purl) = opt_str(h, "purl", &hat)? {
            let ok = purl.strip_prefix("pkg:").is_some_and(|rest| {
                rest.split_once('/').is_some_and(|(ty, name)| {
                    ty.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || ".-+".contains(c))
                        && ty
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
                        && !name.is_empty()
                })
            });
            if !ok {
                return Err(err(
                    &format!("{hat}/purl"),
                    format!("{purl:?} is not a package URL (pkg:type/name)"),
                ));
            }
            identification.purl = Some(purl.to_string());
        }
        identification.model_numbers = strings(h, "model_numbers", &hat, true)?;
        identification.serial_numbers = strings(h, "serial_numbers", &hat, true)?;
        identification.skus = strings(h, "skus", &hat, false)?;
        for (i, hv) in opt_array(h, "hashes", &hat, false)?.iter().enumerate() {
            let fat = format!("{hat}/hashes/{i}");
            let hm = obj(hv, &fat)?;
            let filename = req_str(hm, "filename", &fat)?.to_string();
            let fhat = format!("{fat}/file_hashes");
            for (j, fh) in array(req(hm, "file_hashes", &fat)?, &fhat, false)?
                .iter()
                .enumerate()
            {
                let at = format!("{fhat}/{j}");
                let fh = obj(fh, &at)?;
                let algorithm = req_str(fh, "algorithm", &at)?.to_string();
                let value = req_str(fh, "value", &at)?.to_string();
                if value.len() < 32 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(err(
                        &format!("{at}/value"),
                        "a hash value is at least 32 hexadecimal digits",
                    ));
                }
                identification
                    .hashes
                    .push((filename.clone(), algorithm, value));
            }
        }
        for (i, u) in opt_array(h, "sbom_urls", &hat, false)?.iter().enumerate() {
            identification
                .sbom_urls
                .push(string(u, &format!("{hat}/sbom_urls/{i}"))?.to_string());
        }
        for (i, x) in opt_array(h, "x_generic_uris", &hat, false)?
            .iter()
            .enumerate()
        {
            let xat = format!("{hat}/x_generic_uris/{i}");
            let xm = obj(x, &xat)?;
            req(xm, "namespace", &xat)?;
            req(xm, "uri", &xat)?;
            identification.x_generic_uris.push((
                uri(xm, "namespace", &xat)?.unwrap_or_default(),
                uri(xm, "uri", &xat)?.unwrap_or_default(),
            ));
        }
    }
    Ok(Product {
        product_id,
        name,
        vendor: path.vendor.clone(),
        product_family: path.family.clone(),
        product_name: path.name.clone(),
        version: path.version.clone(),
        version_range: path.range.clone(),
        other_branches: path.other.clone(),
        identification,
        relationship: None,
    })
}

fn ids(m: &Map<String, Value>, key: &str, at: &str) -> R<Vec<String>> {
    strings(m, key, at, true)
}

fn cvss(v: &Value, at: &str, advisory_id: &str, v2: bool) -> R<Score> {
    let m = obj(v, at)?;
    let version = req_str(m, "version", at)?;
    let allowed: &[&str] = if v2 { &["2.0"] } else { &["3.0", "3.1"] };
    if !allowed.contains(&version) {
        return Err(err(
            &format!("{at}/version"),
            format!("{version:?} is not one of {}", allowed.join(", ")),
        ));
    }
    let vector = req_str(m, "vectorString", at)?.to_string();
    let expected_prefix = if v2 {
        None
    } else {
        Some(format!("CVSS:{version}/"))
    };
    match &expected_prefix {
        Some(p) if !vector.starts_with(p.as_str()) => {
            return Err(err(
                &format!("{at}/vectorString"),
                format!("{vector:?} does not start with {p:?}"),
            ));
        }
        None if !vector.starts_with("AV:") => {
            return Err(err(
                &format!("{at}/vectorString"),
                format!("{vector:?} is not a CVSS v2 vector"),
            ));
        }
        _ => {}
    }
    let score = req(m, "baseScore", at)?
        .as_f64()
        .filter(|s| (0.0..=10.0).contains(s))
        .ok_or_else(|| err(&format!("{at}/baseScore"), "expected a number from 0 to 10"))?;
    let severity = if v2 {
        None
    } else {
        Some(one_of(
            req(m, "baseSeverity", at)?,
            &format!("{at}/baseSeverity"),
            &["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"],
        )?)
    };
    let extra: BTreeMap<String, Value> = m
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "vectorString" | "baseScore" | "baseSeverity"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(Score {
        source: advisory_id.to_string(),
        kind: if v2 {
            ScoreKind::CvssV2
        } else {
            ScoreKind::from_vector(&vector)
        },
        vector,
        base_score: Some(score),
        severity,
        metric_type: None,
        extra,
    })
}

fn vulnerability(v: &Value, at: &str, advisory_id: &str) -> R<AdvisoryVulnerability> {
    let m = obj(v, at)?;
    if m.is_empty() {
        return Err(err(at, "must have at least one property (minProperties 1)"));
    }
    acknowledgments(m, at)?;
    let cve = opt_string(m, "cve", at)?;
    if let Some(c) = cve.as_ref().filter(|c| !pattern_cve(c)) {
        return Err(err(
            &format!("{at}/cve"),
            format!("{c:?} does not match ^CVE-[0-9]{{4}}-[0-9]{{4,}}$"),
        ));
    }
    let cwe = match m.get("cwe") {
        Some(c) => {
            let cat = format!("{at}/cwe");
            let c = obj(c, &cat)?;
            let id = req_str(c, "id", &cat)?;
            if !pattern_cwe(id) {
                return Err(err(
                    &format!("{cat}/id"),
                    format!("{id:?} does not match ^CWE-[1-9]\\d{{0,5}}$"),
                ));
            }
            Some((id.to_string(), req_str(c, "name", &cat)?.to_string()))
        }
        None => None,
    };
    let mut other_ids = Vec::new();
    for (i, x) in opt_array(m, "ids", at, true)?.iter().enumerate() {
        let iat = format!("{at}/ids/{i}");
        let x = obj(x, &iat)?;
        other_ids.push((
            req_str(x, "system_name", &iat)?.to_string(),
            req_str(x, "text", &iat)?.to_string(),
        ));
    }
    for (i, x) in opt_array(m, "involvements", at, true)?.iter().enumerate() {
        let iat = format!("{at}/involvements/{i}");
        let x = obj(x, &iat)?;
        one_of(
            req(x, "party", &iat)?,
            &format!("{iat}/party"),
            &["coordinator", "discoverer", "other", "user", "vendor"],
        )?;
        one_of(
            req(x, "status", &iat)?,
            &format!("{iat}/status"),
            &[
                "completed",
                "contact_attempted",
                "disputed",
                "in_progress",
                "not_contacted",
                "open",
            ],
        )?;
        date_time(x, "date", &iat)?;
    }
    let mut product_status = ProductStatus::default();
    if let Some(ps) = m.get("product_status") {
        let pat = format!("{at}/product_status");
        let ps = obj(ps, &pat)?;
        if ps.is_empty() {
            return Err(err(
                &pat,
                "must have at least one property (minProperties 1)",
            ));
        }
        product_status = ProductStatus {
            first_affected: ids(ps, "first_affected", &pat)?,
            first_fixed: ids(ps, "first_fixed", &pat)?,
            fixed: ids(ps, "fixed", &pat)?,
            known_affected: ids(ps, "known_affected", &pat)?,
            known_not_affected: ids(ps, "known_not_affected", &pat)?,
            last_affected: ids(ps, "last_affected", &pat)?,
            recommended: ids(ps, "recommended", &pat)?,
            under_investigation: ids(ps, "under_investigation", &pat)?,
        };
    }
    let mut scores = Vec::new();
    for (i, s) in opt_array(m, "scores", at, false)?.iter().enumerate() {
        let sat = format!("{at}/scores/{i}");
        let sm = obj(s, &sat)?;
        req(sm, "products", &sat)?;
        let products = ids(sm, "products", &sat)?;
        if !sm.contains_key("cvss_v2") && !sm.contains_key("cvss_v3") {
            return Err(err(
                &sat,
                "a score needs `cvss_v2` or `cvss_v3` (minProperties 2)",
            ));
        }
        for (key, v2) in [("cvss_v2", true), ("cvss_v3", false)] {
            if let Some(c) = sm.get(key) {
                scores.push(ProductScore {
                    products: products.clone(),
                    score: cvss(c, &format!("{sat}/{key}"), advisory_id, v2)?,
                });
            }
        }
    }
    let mut remediations = Vec::new();
    for (i, x) in opt_array(m, "remediations", at, false)?.iter().enumerate() {
        let rat = format!("{at}/remediations/{i}");
        let x = obj(x, &rat)?;
        let category = one_of(
            req(x, "category", &rat)?,
            &format!("{rat}/category"),
            &[
                "mitigation",
                "no_fix_planned",
                "none_available",
                "vendor_fix",
                "workaround",
            ],
        )?;
        strings(x, "entitlements", &rat, false)?;
        if let Some(rr) = x.get("restart_required") {
            let rrat = format!("{rat}/restart_required");
            let rr = obj(rr, &rrat)?;
            one_of(
                req(rr, "category", &rrat)?,
                &format!("{rrat}/category"),
                &[
                    "connected",
                    "dependencies",
                    "machine",
                    "none",
                    "parent",
                    "service",
                    "system",
                    "vulnerable_component",
                    "zone",
                ],
            )?;
        }
        remediations.push(Remediation {
            category,
            details: req_str(x, "details", &rat)?.to_string(),
            product_ids: ids(x, "product_ids", &rat)?,
            group_ids: ids(x, "group_ids", &rat)?,
            url: uri(x, "url", &rat)?,
            date: date_time(x, "date", &rat)?,
        });
    }
    let mut threats = Vec::new();
    for (i, x) in opt_array(m, "threats", at, false)?.iter().enumerate() {
        let tat = format!("{at}/threats/{i}");
        let x = obj(x, &tat)?;
        threats.push(Threat {
            category: one_of(
                req(x, "category", &tat)?,
                &format!("{tat}/category"),
                &["exploit_status", "impact", "target_set"],
            )?,
            details: req_str(x, "details", &tat)?.to_string(),
            product_ids: ids(x, "product_ids", &tat)?,
            group_ids: ids(x, "group_ids", &tat)?,
            date: date_time(x, "date", &tat)?,
        });
    }
    let mut flags = Vec::new();
    for (i, x) in opt_array(m, "flags", at, true)?.iter().enumerate() {
        let fat = format!("{at}/flags/{i}");
        let x = obj(x, &fat)?;
        flags.push(Flag {
            label: one_of(
                req(x, "label", &fat)?,
                &format!("{fat}/label"),
                &[
                    "component_not_present",
                    "inline_mitigations_already_exist",
                    "vulnerable_code_cannot_be_controlled_by_adversary",
                    "vulnerable_code_not_in_execute_path",
                    "vulnerable_code_not_present",
                ],
            )?,
            product_ids: ids(x, "product_ids", &fat)?,
            group_ids: ids(x, "group_ids", &fat)?,
            date: date_time(x, "date", &fat)?,
        });
    }
    Ok(AdvisoryVulnerability {
        cve,
        ids: other_ids,
        title: opt_string(m, "title", at)?,
        cwe,
        notes: notes(m, at)?,
        references: references(m, at)?,
        discovery_date: date_time(m, "discovery_date", at)?,
        release_date: date_time(m, "release_date", at)?,
        product_status,
        scores,
        remediations,
        threats,
        flags,
    })
}

/// The mandatory tests that keep product references usable for matching: every
/// referenced product id and group id is defined (6.1.1, 6.1.4), and none is defined
/// twice (6.1.2, 6.1.5).
fn product_references(a: &Advisory) -> R<()> {
    let mut defined = HashSet::new();
    for p in &a.products {
        if !defined.insert(p.product_id.as_str()) {
            return Err(err(
                "/product_tree",
                format!(
                    "product id {:?} is defined more than once (test 6.1.2)",
                    p.product_id
                ),
            ));
        }
    }
    let mut groups = HashSet::new();
    for (i, g) in a.product_groups.iter().enumerate() {
        if !groups.insert(g.group_id.as_str()) {
            return Err(err(
                &format!("/product_tree/product_groups/{i}/group_id"),
                format!(
                    "product group id {:?} is defined more than once (test 6.1.5)",
                    g.group_id
                ),
            ));
        }
    }
    let check = |ids: &[String], at: String| -> R<()> {
        for (j, id) in ids.iter().enumerate() {
            if !defined.contains(id.as_str()) {
                return Err(err(
                    &format!("{at}/{j}"),
                    format!("product id {id:?} is not defined in the product tree (test 6.1.1)"),
                ));
            }
        }
        Ok(())
    };
    let check_groups = |ids: &[String], at: String| -> R<()> {
        for (j, id) in ids.iter().enumerate() {
            if !groups.contains(id.as_str()) {
                return Err(err(
                    &format!("{at}/{j}"),
                    format!(
                        "product group id {id:?} is not defined in the product tree (test 6.1.4)"
                    ),
                ));
            }
        }
        Ok(())
    };
    for (i, g) in a.product_groups.iter().enumerate() {
        check(
            &g.product_ids,
            format!("/product_tree/product_groups/{i}/product_ids"),
        )?;
    }
    let mut rel_index = 0;
    for p in &a.products {
        if let Some(r) = &p.relationship {
            let at = format!("/product_tree/relationships/{rel_index}");
            check(
                std::slice::from_ref(&r.product_reference),
                format!("{at}/product_reference"),
            )
            .map_err(|e| KbError {
                pointer: Some(format!("{at}/product_reference")),
                ..e
            })?;
            check(
                std::slice::from_ref(&r.relates_to_product_reference),
                format!("{at}/relates_to_product_reference"),
            )
            .map_err(|e| KbError {
                pointer: Some(format!("{at}/relates_to_product_reference")),
                ..e
            })?;
            rel_index += 1;
        }
    }
    for (i, v) in a.vulnerabilities.iter().enumerate() {
        let at = format!("/vulnerabilities/{i}");
        let s = &v.product_status;
        for (name, ids) in [
            ("first_affected", &s.first_affected),
            ("first_fixed", &s.first_fixed),
            ("fixed", &s.fixed),
            ("known_affected", &s.known_affected),
            ("known_not_affected", &s.known_not_affected),
            ("last_affected", &s.last_affected),
            ("recommended", &s.recommended),
            ("under_investigation", &s.under_investigation),
        ] {
            check(ids, format!("{at}/product_status/{name}"))?;
        }
        // Scores with both cvss_v2 and cvss_v3 appear twice in `scores`; their product
        // lists are the same, so the index is only approximate for pointers there.
        for (j, sc) in v.scores.iter().enumerate() {
            check(&sc.products, format!("{at}/scores/{j}/products"))?;
        }
        for (j, r) in v.remediations.iter().enumerate() {
            check(&r.product_ids, format!("{at}/remediations/{j}/product_ids"))?;
            check_groups(&r.group_ids, format!("{at}/remediations/{j}/group_ids"))?;
        }
        for (j, t) in v.threats.iter().enumerate() {
            check(&t.product_ids, format!("{at}/threats/{j}/product_ids"))?;
            check_groups(&t.group_ids, format!("{at}/threats/{j}/group_ids"))?;
        }
        for (j, f) in v.flags.iter().enumerate() {
            check(&f.product_ids, format!("{at}/flags/{j}/product_ids"))?;
            check_groups(&f.group_ids, format!("{at}/flags/{j}/group_ids"))?;
        }
    }
    Ok(())
}

/// The CSAF VEX profile's rules (standard section 4.5, tests 6.1.27.x).
fn vex_profile(root: &Map<String, Value>, a: &Advisory) -> R<()> {
    if !root.contains_key("product_tree") {
        return Err(err(
            "",
            "a csaf_vex document needs a `product_tree` (profile rule, test 6.1.27.4)",
        ));
    }
    if !root.contains_key("vulnerabilities") {
        return Err(err(
            "",
            "a csaf_vex document needs `vulnerabilities` (profile rule, test 6.1.27.5)",
        ));
    }
    let members = |gid: &str| -> Vec<String> {
        a.product_groups
            .iter()
            .filter(|g| g.group_id == gid)
            .flat_map(|g| g.product_ids.clone())
            .collect()
    };
    for (i, v) in a.vulnerabilities.iter().enumerate() {
        let at = format!("/vulnerabilities/{i}");
        if v.cve.is_none() && v.ids.is_empty() {
            return Err(err(
                &at,
                "a csaf_vex vulnerability needs `cve` or `ids` (test 6.1.27.7)",
            ));
        }
        let s = &v.product_status;
        if s.fixed.is_empty()
            && s.known_affected.is_empty()
            && s.known_not_affected.is_empty()
            && s.under_investigation.is_empty()
        {
            return Err(err(
                &format!("{at}/product_status"),
                "a csaf_vex vulnerability needs fixed, known_affected, known_not_affected or under_investigation (test 6.1.27.6)",
            ));
        }
        let covered = |pid: &str, pids: &[String], gids: &[String]| {
            pids.iter().any(|p| p == pid)
                || gids.iter().any(|g| members(g).iter().any(|p| p == pid))
        };
        for (j, pid) in s.known_not_affected.iter().enumerate() {
            let has_impact = v
                .flags
                .iter()
                .any(|f| covered(pid, &f.product_ids, &f.group_ids))
                || v.threats
                    .iter()
                    .any(|t| t.category == "impact" && covered(pid, &t.product_ids, &t.group_ids));
            if !has_impact {
                return Err(err(
                    &format!("{at}/product_status/known_not_affected/{j}"),
                    format!(
                        "product {pid:?} is known_not_affected without an impact statement (a flag or an `impact` threat; test 6.1.27.9)"
                    ),
                ));
            }
        }
        for (j, pid) in s.known_affected.iter().enumerate() {
            if !v
                .remediations
                .iter()
                .any(|r| covered(pid, &r.product_ids, &r.group_ids))
            {
                return Err(err(
                    &format!("{at}/product_status/known_affected/{j}"),
                    format!(
                        "product {pid:?} is known_affected without an action statement (a remediation; test 6.1.27.10)"
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"document":{"category":"csaf_security_advisory","csaf_version":"2.0",
      "publisher":{"category":"vendor","name":"Acme Medical","namespace":"https://acme.example"},
      "title":"Pump firmware flaw",
      "tracking":{"id":"ACME-2024-001","status":"final","version":"2",
        "initial_release_date":"2024-01-01T00:00:00Z","current_release_date":"2024-02-01T00:00:00Z",
        "revision_history":[{"date":"2024-01-01T00:00:00Z","number":"1","summary":"first"},{"date":"2024-02-01T00:00:00Z","number":"2","summary":"fix"}]}},
      "product_tree":{"branches":[{"category":"vendor","name":"Acme","branches":[{"category":"product_name","name":"InfuseMax",
        "branches":[{"category":"product_version_range","name":"vers:generic/<4.2","product":{"name":"Acme InfuseMax < 4.2","product_id":"P1",
          "product_identification_helper":{"model_numbers":["IM-100*"],"purl":"pkg:generic/acme/infusemax"}}}]}]}]},
      "vulnerabilities":[{"cve":"CVE-2024-0001","cwe":{"id":"CWE-287","name":"Improper Authentication"},
        "product_status":{"known_affected":["P1"]},
        "scores":[{"products":["P1"],"cvss_v3":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}}],
        "remediations":[{"category":"vendor_fix","details":"Update to 4.2","product_ids":["P1"]}],
        "threats":[{"category":"impact","details":"Dose change"}]}]}"#;

    #[test]
    fn flattens_branches_and_keeps_helpers() {
        let a = parse_csaf(MINIMAL.as_bytes()).unwrap();
        assert_eq!(a.id, "ACME-2024-001");
        let p = a.product("P1").unwrap();
        assert_eq!(p.vendor.as_deref(), Some("Acme"));
        assert_eq!(p.product_name.as_deref(), Some("InfuseMax"));
        assert_eq!(p.version_range.as_deref(), Some("vers:generic/<4.2"));
        assert_eq!(p.identification.model_numbers, ["IM-100*"]);
        assert_eq!(a.cves(), ["CVE-2024-0001"]);
        let s = &a.vulnerabilities[0].scores[0];
        assert_eq!(
            (s.score.kind.clone(), s.score.base_score),
            (ScoreKind::CvssV31, Some(9.8))
        );
        assert_eq!(s.score.source, "ACME-2024-001");
    }

    fn broken(from: &str, to: &str) -> KbError {
        assert!(MINIMAL.contains(from), "{from}");
        parse_csaf(MINIMAL.replacen(from, to, 1).as_bytes()).unwrap_err()
    }

    #[test]
    fn schema_violations_name_pointer_and_rule() {
        let e = broken(r#","baseSeverity":"CRITICAL""#, "");
        assert_eq!(
            e.pointer.as_deref(),
            Some("/vulnerabilities/0/scores/0/cvss_v3")
        );
        assert!(e.message.contains("`baseSeverity`"), "{e}");
        let e = broken(r#""status":"final""#, r#""status":"done""#);
        assert_eq!(e.pointer.as_deref(), Some("/document/tracking/status"));
        let e = broken(r#""cve":"CVE-2024-0001""#, r#""cve":"CVE-24-1""#);
        assert_eq!(e.pointer.as_deref(), Some("/vulnerabilities/0/cve"));
        let e = broken(
            r#""current_release_date":"2024-02-01T00:00:00Z""#,
            r#""current_release_date":"yesterday""#,
        );
        assert!(e.message.contains("RFC 3339"), "{e}");
        let e = broken(r#""model_numbers":["IM-100*"]"#, r#""model_numbers":[]"#);
        assert!(e.message.contains("minItems"), "{e}");
        let e = broken(
            r#""known_affected":["P1"]"#,
            r#""known_affected":["P1","P1"]"#,
        );
        assert_eq!(
            e.pointer.as_deref(),
            Some("/vulnerabilities/0/product_status/known_affected/1")
        );
    }

    #[test]
    fn vex_profile_needs_impact_for_not_affected() {
        let vex = MINIMAL
            .replace("csaf_security_advisory", "csaf_vex")
            .replace(
                r#""known_affected":["P1"]"#,
                r#""known_not_affected":["P1"]"#,
            );
        let e = parse_csaf(
            vex.replace(
                r#""category":"impact","details":"Dose change""#,
                r#""category":"target_set","details":"x","product_ids":["P1"]"#,
            )
            .as_bytes(),
        )
        .unwrap_err();
        assert!(e.message.contains("impact statement"), "{e}");
        let ok = vex.replace(
            r#""category":"impact","details":"Dose change""#,
            r#""category":"impact","details":"x","product_ids":["P1"]"#,
        );
        parse_csaf(ok.as_bytes()).unwrap();
    }

    #[test]
    fn undefined_and_duplicate_product_ids_are_rejected() {
        let e = broken(r#""known_affected":["P1"]"#, r#""known_affected":["P9"]"#);
        assert_eq!(
            e.pointer.as_deref(),
            Some("/vulnerabilities/0/product_status/known_affected/0")
        );
        assert!(e.message.contains("6.1.1"), "{e}");
        let twice = MINIMAL.replace(
            r#""product_tree":{"#,
            r#""product_tree":{"full_product_names":[{"name":"again","product_id":"P1"}],"#,
        );
        let e = parse_csaf(twice.as_bytes()).unwrap_err();
        assert!(e.message.contains("6.1.2"), "{e}");
    }

    #[test]
    fn dates_and_versions() {
        assert!(is_date_time("2024-01-01T00:00:00Z"));
        assert!(is_date_time("2024-01-01T00:00:00.123+02:00"));
        assert!(!is_date_time("2024-01-01"));
        assert!(!is_date_time("2024-01-01T00:00:00"));
        assert!(
            is_version("1") && is_version("1.0.0-rc.1") && !is_version("01") && !is_version("1.0")
        );
    }
}
