//! The matching engine: an in-memory inverted index over the knowledge base, and the
//! matchers that run against it.
//!
//! [`Engine::new`] indexes every affected rule once: OSV packages by purl identity
//! (`type/namespace/name`), NVD criteria by CPE `vendor:product`, advisory products and
//! KEV entries and recalls by vendor group. A device or component then only meets the
//! rules that share one of its keys, so a full re-evaluation costs a hash lookup per
//! identifier instead of a scan of the knowledge base, and [`Engine::advisory_findings`]
//! evaluates one new advisory against only the devices of its vendors
//! ([`DeviceIndex`]).
//!
//! Matchers (each records [`MatchDetails`]):
//!
//! | matcher | asset | rule |
//! | --- | --- | --- |
//! | `purl_osv` | component purl | OSV `affected[]` package and ranges/versions |
//! | `cpe_nvd` | component CPE | NVD configuration tree (NISTIR 7696 + version bounds) |
//! | `csaf_product_tree` | device model + firmware | CSAF products ([`crate::csaf`]) |
//! | `csaf_purl`, `csaf_cpe` | component purl or CPE | CSAF product identification helpers + version/range |
//! | `cve5_product` | device manufacturer + model + firmware | CVE 5 `affected[]` vendor, product, `versions[]` |
//! | `kev` | device manufacturer + model | KEV `vendorProject` + `product` |
//! | `recall` | device manufacturer + model or product code | openFDA recall |

use std::collections::{BTreeMap, BTreeSet, HashMap};

use medvigil_model::Device;
use medvigil_model::finding::{AssetRef, Finding, FindingStatus, MatchDetails, MatchKind};
use medvigil_model::sbom::Component;
use medvigil_model::vuln::{
    Advisory, AffectedRule, BoolOperator, KevEntry, NvdConfiguration, OsvAffected, OsvEvent,
    Recall, Vulnerability,
};
use medvigil_version::prose::{AdvisoryRange, Verdict};
use medvigil_version::{Scheme, Version, VersionRange};

use crate::cpe::Cpe;
use crate::csaf::{
    ModelMatch, PreparedDevice, PreparedProduct, advisory_hits, findings_for_hits, match_model,
};
use crate::names::{ModelName, VendorId, VendorTable};
use crate::purl::Purl;

/// The knowledge base, indexed for matching.
pub struct Engine {
    table: VendorTable,
    vulns: Vec<Vulnerability>,
    advisories: Vec<Advisory>,
    products: Vec<Vec<PreparedProduct>>,
    /// purl package key → (vulnerability, affected entry, its scheme and range).
    by_package: HashMap<String, Vec<OsvRule>>,
    /// CPE `vendor:product` → parsed configurations.
    by_cpe: HashMap<String, Vec<usize>>,
    configs: Vec<ParsedConfig>,
    /// Vendor group → product shapes of that vendor.
    by_vendor: HashMap<VendorId, Vec<usize>>,
    /// The (advisory, product) pairs of each product shape: products with the same
    /// vendor groups, names, exclusions and version text match the same device models,
    /// and the same product is named again and again across advisories and their
    /// updates, so a device model is compared with each shape once.
    shapes: Vec<Vec<(usize, usize)>>,
    kev: Vec<(KevEntry, BTreeSet<VendorId>, ModelName)>,
    /// CVE 5 `affected[]` entries that name a vendor and a product, by vendor group.
    cve5: Vec<Cve5Rule>,
    cve5_by_vendor: HashMap<VendorId, Vec<usize>>,
    kev_by_vendor: HashMap<VendorId, Vec<usize>>,
    recalls: Vec<(Recall, BTreeSet<VendorId>, ModelName)>,
    recalls_by_vendor: HashMap<VendorId, Vec<usize>>,
    /// CSAF products with a purl helper: package key → (advisory, product).
    csaf_by_purl: HashMap<String, Vec<(usize, usize)>>,
    /// CSAF products with a CPE helper: `vendor:product` → (advisory, product).
    csaf_by_cpe: HashMap<String, Vec<(usize, usize)>>,
}

/// A CVE 5 `affected[]` entry naming a vendor and product (a CNA's own record, often
/// the only machine-readable source for a medical device's CVE).
struct Cve5Rule {
    vuln: usize,
    vendor: String,
    product: String,
    groups: BTreeSet<VendorId>,
    model: ModelName,
    scheme: Scheme,
    default: medvigil_version::cve5::Status,
    versions: Vec<medvigil_model::vuln::Cve5Version>,
}

fn cve5_rule(
    vi: usize,
    a: &medvigil_model::vuln::Cve5Affected,
    table: &VendorTable,
) -> Option<Cve5Rule> {
    let vendor = a
        .vendor
        .clone()
        .filter(|v| !v.eq_ignore_ascii_case("n/a"))?;
    let product = a
        .product
        .clone()
        .filter(|p| !p.eq_ignore_ascii_case("n/a"))?;
    let model = ModelName::new(&product, &vendor, table);
    if model.is_empty() {
        return None;
    }
    let scheme = a
        .versions
        .iter()
        .find_map(|v| v.version_type.as_deref())
        .map(Scheme::lookup)
        .filter(|l| !l.fallback)
        .map_or(Scheme::Vendor, |l| l.scheme);
    let default = a
        .default_status
        .as_deref()
        .and_then(|s| medvigil_version::cve5::Status::parse(s).ok())
        .unwrap_or(medvigil_version::cve5::Status::Unknown);
    Some(Cve5Rule {
        vuln: vi,
        groups: table.groups(&vendor),
        vendor,
        product,
        model,
        scheme,
        default,
        versions: a.versions.clone(),
    })
}

impl Cve5Rule {
    /// The status of a device version; `None` when it cannot be told.
    fn status(&self, version: Option<&str>) -> Option<medvigil_version::cve5::Status> {
        use medvigil_version::cve5::{Entry, Status};
        let entries: Vec<Entry> = self
            .versions
            .iter()
            .map(|v| Entry {
                version: &v.version,
                status: &v.status,
                less_than: v.less_than.as_deref(),
                less_than_or_equal: v.less_than_or_equal.as_deref(),
                version_type: v.version_type.as_deref(),
                changes: Vec::new(),
            })
            .collect();
        let Some(v) = version.and_then(|v| Version::parse(self.scheme, v).ok()) else {
            // Unknown version: flag only when some version is affected.
            let any = self.default == Status::Affected
                || self.versions.iter().any(|v| v.status == "affected");
            return any.then_some(Status::Unknown);
        };
        medvigil_version::cve5::status(self.scheme, &v, &entries, self.default).ok()
    }
}

/// Whether a component version is the CSAF product's: the helper purl's own version,
/// else the product's `product_version` (equal) or `product_version_range` (`vers:` or
/// CISA prose). Returns the rule that decided.
fn csaf_version_check(
    prod: &medvigil_model::vuln::Product,
    helper: &str,
    purl_type: &str,
    version: &str,
) -> Option<String> {
    if let Some(hv) = Purl::normalize(helper)
        .ok()
        .and_then(|h| h.version().map(str::to_string))
    {
        return (hv == version).then(|| format!("version {version} is the helper's"));
    }
    if let Some(pv) = &prod.version {
        let scheme = Scheme::lookup(purl_type).scheme;
        let same = match (Version::parse(scheme, pv), Version::parse(scheme, version)) {
            (Ok(a), Ok(b)) => a.try_cmp(&b).is_ok_and(|o| o.is_eq()),
            _ => pv == version,
        };
        return same.then(|| format!("version {version} = product_version {pv}"));
    }
    if let Some(r) = &prod.version_range {
        if r.starts_with("vers:") {
            let vers = medvigil_version::Vers::parse(r).ok()?;
            let v = Version::parse(vers.scheme(), version).ok()?;
            return vers
                .contains(&v)
                .ok()?
                .then(|| format!("version {version} in {r}"));
        }
        return (AdvisoryRange::read(r).verdict(Some(version)) == Verdict::Affected)
            .then(|| format!("version {version} in {r:?}"));
    }
    Some("all versions".into())
}

struct OsvRule {
    vuln: usize,
    ecosystem: String,
    package: String,
    scheme: Scheme,
    ranges: Vec<VersionRange>,
    versions: Vec<String>,
}

/// Counts of what an engine indexed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    /// Vulnerability records.
    pub vulnerabilities: usize,
    /// Distinct purl packages with OSV rules.
    pub packages: usize,
    /// Distinct CPE vendor:product keys.
    pub cpe_keys: usize,
    /// Advisories.
    pub advisories: usize,
    /// Advisory products.
    pub advisory_products: usize,
    /// OSV or NVD rules that could not be read (bad range, bad CPE) and were skipped.
    pub skipped_rules: usize,
}

/// The purl type an OSV ecosystem's packages have.
fn ecosystem_purl_type(ecosystem: &str) -> Option<(&'static str, Option<&'static str>)> {
    let base = ecosystem.split(':').next().unwrap_or("");
    Some(match base {
        "PyPI" => ("pypi", None),
        "npm" => ("npm", None),
        "Go" => ("golang", None),
        "crates.io" => ("cargo", None),
        "Maven" => ("maven", None),
        "NuGet" => ("nuget", None),
        "RubyGems" => ("gem", None),
        "Packagist" => ("composer", None),
        "Hex" => ("hex", None),
        "Pub" => ("pub", None),
        "Debian" => ("deb", Some("debian")),
        "Ubuntu" => ("deb", Some("ubuntu")),
        "Alpine" => ("apk", Some("alpine")),
        _ => return None,
    })
}

/// The purl package key for an OSV package (its purl if given, else from ecosystem
/// and name).
fn osv_package_key(a: &OsvAffected) -> Option<String> {
    if let Some(p) = a.purl.as_deref().and_then(|p| Purl::normalize(p).ok()) {
        return Some(p.package_key());
    }
    let (ty, ns) = ecosystem_purl_type(&a.ecosystem)?;
    let (namespace, name) = match (ty, ns) {
        ("maven", _) => match a.name.split_once(':') {
            Some((g, n)) => (Some(g.to_string()), n.to_string()),
            None => return None,
        },
        ("golang" | "npm" | "composer", _) => match a.name.rsplit_once('/') {
            Some((n, last)) => (Some(n.to_string()), last.to_string()),
            None => (None, a.name.clone()),
        },
        (_, Some(ns)) => (Some(ns.to_string()), a.name.clone()),
        _ => (None, a.name.clone()),
    };
    Purl::new(ty, namespace.as_deref(), &name, None, [], None)
        .ok()
        .map(|p| p.package_key())
}

impl Engine {
    /// Indexes a knowledge base. Rules that cannot be read are counted in
    /// [`IndexStats::skipped_rules`], never fatal: one bad record must not hide the rest.
    pub fn new(
        table: VendorTable,
        vulns: Vec<Vulnerability>,
        advisories: Vec<Advisory>,
        kev: Vec<KevEntry>,
        recalls: Vec<Recall>,
    ) -> (Engine, IndexStats) {
        let mut stats = IndexStats {
            vulnerabilities: vulns.len(),
            advisories: advisories.len(),
            ..Default::default()
        };
        let mut by_package: HashMap<String, Vec<OsvRule>> = HashMap::new();
        let mut by_cpe: HashMap<String, Vec<usize>> = HashMap::new();
        let mut cve5: Vec<Cve5Rule> = Vec::new();
        let mut cve5_by_vendor: HashMap<VendorId, Vec<usize>> = HashMap::new();
        let mut configs: Vec<ParsedConfig> = Vec::new();
        for (vi, v) in vulns.iter().enumerate() {
            for rule in &v.affected {
                match rule {
                    AffectedRule::Osv(a) => match osv_rule(vi, a) {
                        Some((key, r)) => by_package.entry(key).or_default().push(r),
                        None => stats.skipped_rules += 1,
                    },
                    AffectedRule::Nvd(cfg) => {
                        let Some(parsed) = parse_config(vi, cfg) else {
                            stats.skipped_rules += 1;
                            continue;
                        };
                        let keys: BTreeSet<String> = parsed
                            .nodes
                            .iter()
                            .flat_map(|n| &n.matches)
                            .filter(|m| m.vulnerable)
                            .filter_map(|m| m.criteria.vendor_product())
                            .collect();
                        for k in keys {
                            by_cpe.entry(k).or_default().push(configs.len());
                        }
                        configs.push(parsed);
                    }
                    AffectedRule::Cve5(a) => {
                        if let Some(r) = cve5_rule(vi, a, &table) {
                            for g in &r.groups {
                                cve5_by_vendor
                                    .entry(g.clone())
                                    .or_default()
                                    .push(cve5.len());
                            }
                            cve5.push(r);
                        }
                    }
                }
            }
        }
        let mut csaf_by_purl: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut csaf_by_cpe: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (ai, a) in advisories.iter().enumerate() {
            for (pi, p) in a.products.iter().enumerate() {
                if let Some(key) = p
                    .identification
                    .purl
                    .as_deref()
                    .and_then(|u| Purl::normalize(u).ok())
                {
                    csaf_by_purl
                        .entry(key.package_key())
                        .or_default()
                        .push((ai, pi));
                }
                if let Some(key) = p
                    .identification
                    .cpe
                    .as_deref()
                    .and_then(|c| c.parse::<Cpe>().ok())
                    .and_then(|c| c.vendor_product())
                {
                    csaf_by_cpe.entry(key).or_default().push((ai, pi));
                }
            }
        }
        let mut products = Vec::with_capacity(advisories.len());
        let mut by_vendor: HashMap<VendorId, Vec<usize>> = HashMap::new();
        let mut shapes: Vec<Vec<(usize, usize)>> = Vec::new();
        // (The version text too: a model may name the version line it states, "Spectrum
        // V8" for "v8.x model 35700BAX2".)
        type ShapeKey = (
            BTreeSet<VendorId>,
            Vec<ModelName>,
            Vec<ModelName>,
            Option<String>,
        );
        let mut shape_ids: HashMap<ShapeKey, usize> = HashMap::new();
        for (ai, a) in advisories.iter().enumerate() {
            let prepared = crate::csaf::prepare(a, &table);
            for (pi, p) in prepared.iter().enumerate() {
                let key = (
                    p.vendor_groups.clone(),
                    p.names.clone(),
                    p.excluded.clone(),
                    p.version_text.clone(),
                );
                let id = *shape_ids.entry(key).or_insert_with(|| {
                    for g in &p.vendor_groups {
                        by_vendor.entry(g.clone()).or_default().push(shapes.len());
                    }
                    shapes.push(Vec::new());
                    shapes.len() - 1
                });
                shapes[id].push((ai, pi));
            }
            stats.advisory_products += prepared.len();
            products.push(prepared);
        }
        let mut kev_by_vendor: HashMap<VendorId, Vec<usize>> = HashMap::new();
        let kev: Vec<_> = kev
            .into_iter()
            .enumerate()
            .map(|(i, k)| {
                let groups = table.groups(&k.vendor_project);
                for g in &groups {
                    kev_by_vendor.entry(g.clone()).or_default().push(i);
                }
                let model = ModelName::new(&k.product, &k.vendor_project, &table);
                (k, groups, model)
            })
            .collect();
        let mut recalls_by_vendor: HashMap<VendorId, Vec<usize>> = HashMap::new();
        let recalls: Vec<_> = recalls
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let firm = r.recalling_firm.clone().unwrap_or_default();
                let groups = table.groups(&firm);
                for g in &groups {
                    recalls_by_vendor.entry(g.clone()).or_default().push(i);
                }
                let text = r
                    .device_name
                    .clone()
                    .or_else(|| r.product_description.clone())
                    .unwrap_or_default();
                let model = ModelName::new(&text, &firm, &table);
                (r, groups, model)
            })
            .collect();
        stats.packages = by_package.len();
        stats.cpe_keys = by_cpe.len();
        (
            Engine {
                table,
                vulns,
                advisories,
                products,
                by_package,
                by_cpe,
                configs,
                by_vendor,
                shapes,
                kev,
                kev_by_vendor,
                cve5,
                cve5_by_vendor,
                recalls,
                recalls_by_vendor,
                csaf_by_purl,
                csaf_by_cpe,
            },
            stats,
        )
    }

    /// The vendor table in use.
    pub fn table(&self) -> &VendorTable {
        &self.table
    }

    /// The indexed advisories.
    pub fn advisories(&self) -> &[Advisory] {
        &self.advisories
    }

    /// Every finding for one device: advisories, KEV, recalls.
    pub fn device_findings(&self, device: &Device) -> Vec<Finding> {
        let Some(prepared) = PreparedDevice::new(device, &self.table) else {
            return Vec::new();
        };
        let hits = self.model_hits(&prepared);
        let mut out = self.versioned_findings(device, &hits);
        out.extend(self.cve5_findings(device, &prepared));
        out.extend(self.kev_findings(device, &prepared));
        out.extend(self.recall_findings(device, &prepared));
        out
    }

    /// The advisory products whose vendor and name match a device model, whatever its
    /// version: (advisory, product, how the model matched). The expensive part of
    /// device matching, done once per (manufacturer, model).
    fn model_hits(&self, prepared: &PreparedDevice) -> Vec<(usize, usize, ModelMatch)> {
        let mut candidates: Vec<usize> = prepared
            .vendor_groups
            .iter()
            .flat_map(|g| self.by_vendor.get(g).into_iter().flatten().copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut hits: Vec<(usize, usize, ModelMatch)> = Vec::new();
        for shape in candidates {
            let products = &self.shapes[shape];
            let (ai, pi) = products[0];
            // The shape's products share their vendor groups with the device (it was
            // found by one), so only names and exclusions are left to compare.
            let Some(m) = match_model(prepared, &self.products[ai][pi]) else {
                continue;
            };
            hits.extend(products.iter().map(|&(ai, pi)| (ai, pi, m.clone())));
        }
        hits.sort_unstable_by_key(|&(ai, pi, _)| (ai, pi));
        hits
    }

    /// Turns model hits into findings for one device's firmware version.
    fn versioned_findings(
        &self,
        device: &Device,
        hits: &[(usize, usize, ModelMatch)],
    ) -> Vec<Finding> {
        let mut by_adv: BTreeMap<usize, Vec<(&PreparedProduct, &ModelMatch)>> = BTreeMap::new();
        for (ai, pi, m) in hits {
            by_adv
                .entry(*ai)
                .or_default()
                .push((&self.products[*ai][*pi], m));
        }
        by_adv
            .into_iter()
            .flat_map(|(ai, matches)| {
                let hits = advisory_hits(&matches, device.version.as_deref());
                findings_for_hits(
                    device_asset(device),
                    device.manufacturer.as_deref(),
                    device.model.as_deref(),
                    device.version.as_deref(),
                    &self.advisories[ai],
                    &hits,
                )
            })
            .collect()
    }

    fn device_advisory(
        &self,
        device: &Device,
        prepared: &PreparedDevice,
        ai: usize,
        pis: &[usize],
    ) -> Vec<Finding> {
        let products = &self.products[ai];
        let matches: Vec<(&PreparedProduct, ModelMatch)> = pis
            .iter()
            .filter_map(|&pi| Some((&products[pi], match_model(prepared, &products[pi])?)))
            .collect();
        let refs: Vec<_> = matches.iter().map(|(p, m)| (*p, m)).collect();
        let hits = advisory_hits(&refs, device.version.as_deref());
        if hits.is_empty() {
            return Vec::new();
        }
        findings_for_hits(
            device_asset(device),
            device.manufacturer.as_deref(),
            device.model.as_deref(),
            device.version.as_deref(),
            &self.advisories[ai],
            &hits,
        )
    }

    /// The findings of one advisory (already indexed, by id) against the candidate
    /// devices of `index`: only devices sharing a vendor group with it are looked at.
    pub fn advisory_findings(&self, advisory_id: &str, index: &DeviceIndex) -> Vec<Finding> {
        let Some(ai) = self.advisories.iter().position(|a| a.id == advisory_id) else {
            return Vec::new();
        };
        let products = &self.products[ai];
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for p in products {
            for g in &p.vendor_groups {
                for &di in index.by_vendor.get(g).into_iter().flatten() {
                    if !seen.insert(di) {
                        continue;
                    }
                    let (device, prepared) = &index.devices[di];
                    let pis: Vec<usize> = (0..products.len()).collect();
                    out.extend(self.device_advisory(device, prepared, ai, &pis));
                }
            }
        }
        out
    }

    /// CVE 5 records whose vendor and product name the device; the version is checked
    /// against the record's `versions[]` (`lessThan`, `lessThanOrEqual`, default status).
    fn cve5_findings(&self, device: &Device, prepared: &PreparedDevice) -> Vec<Finding> {
        use medvigil_version::cve5::Status;
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for g in &prepared.vendor_groups {
            for &ri in self.cve5_by_vendor.get(g).into_iter().flatten() {
                if !seen.insert(ri) {
                    continue;
                }
                let r = &self.cve5[ri];
                let Some(m) = prepared.model_match(&r.model) else {
                    continue;
                };
                let (verdict, factor) = match r.status(device.version.as_deref()) {
                    Some(Status::Affected) => ("version affected", 1.0),
                    Some(Status::Unknown) => ("version not comparable", 0.6),
                    _ => continue,
                };
                let range = r
                    .versions
                    .iter()
                    .map(|v| {
                        let bound = v
                            .less_than
                            .as_deref()
                            .map(|l| format!(" < {l}"))
                            .or_else(|| v.less_than_or_equal.as_deref().map(|l| format!(" <= {l}")))
                            .unwrap_or_default();
                        format!("{} {}{bound}", v.status, v.version)
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                out.push(simple_finding(
                    device,
                    &self.vulns[r.vuln].id,
                    None,
                    MatchDetails {
                        kind: MatchKind::Name,
                        matcher: "cve5_product".into(),
                        searched_by: device_searched_by(device),
                        found: BTreeMap::from([
                            ("vendor".into(), r.vendor.clone()),
                            ("product".into(), r.product.clone()),
                        ]),
                        rule: format!("vendor group shared; {}; {verdict}", m.rule),
                        range: (!range.is_empty()).then_some(range),
                        confidence: (m.confidence * factor * 100.0).round() / 100.0,
                    },
                ));
            }
        }
        out
    }

    fn kev_findings(&self, device: &Device, prepared: &PreparedDevice) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for g in &prepared.vendor_groups {
            for &ki in self.kev_by_vendor.get(g).into_iter().flatten() {
                if !seen.insert(ki) {
                    continue;
                }
                let (k, _, model) = &self.kev[ki];
                let Some(m) = prepared.model_match(model) else {
                    continue;
                };
                out.push(simple_finding(
                    device,
                    &k.cve_id,
                    None,
                    MatchDetails {
                        kind: MatchKind::Name,
                        matcher: "kev".into(),
                        searched_by: device_searched_by(device),
                        found: BTreeMap::from([
                            ("vendor_project".into(), k.vendor_project.clone()),
                            ("product".into(), k.product.clone()),
                            ("date_added".into(), k.date_added.clone()),
                        ]),
                        rule: format!(
                            "known exploited: vendor group shared; {}; KEV names no version, so every version is flagged",
                            m.rule
                        ),
                        range: None,
                        confidence: (m.confidence * 0.8 * 100.0).round() / 100.0,
                    },
                ));
            }
        }
        out
    }

    fn recall_findings(&self, device: &Device, prepared: &PreparedDevice) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let code = device
            .attributes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("product_code"))
            .map(|(_, v)| v.trim().to_ascii_uppercase());
        for g in &prepared.vendor_groups {
            for &ri in self.recalls_by_vendor.get(g).into_iter().flatten() {
                if !seen.insert(ri) {
                    continue;
                }
                let (r, _, model) = &self.recalls[ri];
                let by_model = prepared.model_match(model);
                let by_code = code.is_some()
                    && r.product_code.as_deref().map(str::to_ascii_uppercase) == code;
                let (rule, confidence) = match (&by_model, by_code) {
                    (Some(m), true) => (
                        format!("{}; FDA product code shared", m.rule),
                        m.confidence.max(0.9),
                    ),
                    (Some(m), false) => (m.rule.clone(), m.confidence * 0.8),
                    (None, true) => (
                        "FDA product code and recalling firm shared".to_string(),
                        0.5,
                    ),
                    (None, false) => continue,
                };
                let mut found = BTreeMap::from([
                    ("recall_number".into(), r.recall_number.clone()),
                    (
                        "recalling_firm".into(),
                        r.recalling_firm.clone().unwrap_or_default(),
                    ),
                ]);
                if let Some(c) = &r.product_code {
                    found.insert("product_code".into(), c.clone());
                }
                if let Some(d) = &r.product_description {
                    found.insert("product_description".into(), d.chars().take(200).collect());
                }
                out.push(simple_finding(
                    device,
                    &r.recall_number,
                    r.event_id.as_ref().map(|e| format!("FDA-RECALL-EVENT-{e}")),
                    MatchDetails {
                        kind: MatchKind::Name,
                        matcher: "recall".into(),
                        searched_by: device_searched_by(device),
                        found,
                        rule: format!("recall: vendor group shared; {rule}"),
                        range: r.code_info.clone(),
                        confidence: (confidence * 100.0).round() / 100.0,
                    },
                ));
            }
        }
        out
    }

    /// Every finding for one SBOM component (`sbom` names the SBOM in the asset).
    pub fn component_findings(&self, sbom: &str, c: &Component) -> Vec<Finding> {
        self.component_findings_in(sbom, c, &[])
    }

    /// Like [`Engine::component_findings`], with the CPEs of the rest of the SBOM (the
    /// device's hardware and operating system) as the platform context that NVD
    /// configurations of the form "firmware AND hardware" need.
    pub fn component_findings_in(
        &self,
        sbom: &str,
        c: &Component,
        context: &[Cpe],
    ) -> Vec<Finding> {
        let mut by_vuln: BTreeMap<usize, Vec<MatchDetails>> = BTreeMap::new();
        let asset = AssetRef::Component {
            sbom: sbom.to_string(),
            reference: c.reference.clone(),
        };
        // Each purl is normalized and keyed once, for every purl-based matcher.
        let purls: Vec<(&String, Purl, String)> = c
            .purls
            .iter()
            .filter_map(|raw| {
                let p = Purl::normalize(raw).ok()?;
                let key = p.package_key();
                Some((raw, p, key))
            })
            .collect();
        for (raw, p, key) in &purls {
            let version = p
                .version()
                .map(str::to_string)
                .or_else(|| c.version.clone());
            let Some(version) = version else { continue };
            // Parse the version once per scheme, not once per rule.
            let mut parsed: Vec<(Scheme, Option<Version>)> = Vec::new();
            for r in self.by_package.get(key).into_iter().flatten() {
                let v = match parsed.iter().find(|(s, _)| *s == r.scheme) {
                    Some((_, v)) => v.clone(),
                    None => {
                        let v = Version::parse(r.scheme, &version).ok();
                        parsed.push((r.scheme, v.clone()));
                        v
                    }
                };
                if let Some(d) = osv_check(r, raw, &version, v.as_ref()) {
                    by_vuln.entry(r.vuln).or_default().push(d);
                }
            }
        }
        for raw in &c.cpes {
            let Ok(target) = raw.parse::<Cpe>() else {
                continue;
            };
            let Some(key) = target.vendor_product() else {
                continue;
            };
            let scheme = c
                .purls
                .first()
                .and_then(|p| Purl::normalize(p).ok())
                .map_or(Scheme::Generic, |p| Scheme::lookup(p.ty()).scheme);
            for &ci in self.by_cpe.get(&key).into_iter().flatten() {
                let cfg = &self.configs[ci];
                let vi = cfg.vuln;
                if let Some(d) = nvd_check(cfg, &target, context, raw, c.version.as_deref(), scheme)
                {
                    by_vuln.entry(vi).or_default().push(d);
                }
            }
        }
        let mut out: Vec<Finding> = by_vuln
            .into_iter()
            .map(|(vi, mut details)| {
                details.sort_by(|a, b| {
                    a.kind
                        .cmp(&b.kind)
                        .then(b.confidence.total_cmp(&a.confidence))
                });
                Finding {
                    asset: asset.clone(),
                    model: Some(c.name.clone()),
                    version: c.version.clone(),
                    vulnerability_id: self.vulns[vi].id.clone(),
                    advisory_id: None,
                    status: FindingStatus::Affected,
                    matched_status: FindingStatus::Affected,
                    details,
                    vex: None,
                }
            })
            .collect();
        out.extend(self.csaf_helper_findings(&asset, c, &purls));
        out
    }

    /// CSAF products identified by a purl or CPE helper (vendor advisories for software
    /// and firmware) against one component.
    fn csaf_helper_findings(
        &self,
        asset: &AssetRef,
        c: &Component,
        purls: &[(&String, Purl, String)],
    ) -> Vec<Finding> {
        // (advisory, product) → evidence
        let mut hits: BTreeMap<(usize, usize), MatchDetails> = BTreeMap::new();
        for (raw, p, key) in purls {
            let Some(version) = p
                .version()
                .map(str::to_string)
                .or_else(|| c.version.clone())
            else {
                continue;
            };
            for &(ai, pi) in self.csaf_by_purl.get(key).into_iter().flatten() {
                let prod = &self.advisories[ai].products[pi];
                let helper = prod.identification.purl.as_deref().unwrap_or_default();
                let Some(range) = csaf_version_check(prod, helper, p.ty(), &version) else {
                    continue;
                };
                hits.entry((ai, pi)).or_insert_with(|| MatchDetails {
                    kind: MatchKind::ExactDirect,
                    matcher: "csaf_purl".into(),
                    searched_by: BTreeMap::from([
                        ("purl".to_string(), raw.to_string()),
                        ("version".to_string(), version.clone()),
                    ]),
                    found: BTreeMap::from([
                        ("product_id".to_string(), prod.product_id.clone()),
                        ("purl".to_string(), helper.to_string()),
                    ]),
                    rule: format!("CSAF product purl helper {helper}; {range}"),
                    range: Some(range),
                    confidence: 1.0,
                });
            }
        }
        for raw in &c.cpes {
            let Ok(target) = raw.parse::<Cpe>() else {
                continue;
            };
            let Some(key) = target.vendor_product() else {
                continue;
            };
            for &(ai, pi) in self.csaf_by_cpe.get(&key).into_iter().flatten() {
                let prod = &self.advisories[ai].products[pi];
                let Some(helper) = prod
                    .identification
                    .cpe
                    .as_deref()
                    .and_then(|h| h.parse::<Cpe>().ok())
                else {
                    continue;
                };
                if !helper.matches(&target) {
                    continue;
                }
                hits.entry((ai, pi)).or_insert_with(|| MatchDetails {
                    kind: MatchKind::Cpe,
                    matcher: "csaf_cpe".into(),
                    searched_by: BTreeMap::from([("cpe".to_string(), raw.clone())]),
                    found: BTreeMap::from([
                        ("product_id".to_string(), prod.product_id.clone()),
                        ("cpe".to_string(), helper.to_string()),
                    ]),
                    rule: format!("CPE name match (NISTIR 7696) against the CSAF helper {helper}"),
                    range: Some(helper.version_attr_text()),
                    confidence: 0.9,
                });
            }
        }
        let mut out = Vec::new();
        for ((ai, pi), details) in hits {
            let adv = &self.advisories[ai];
            let pid = &adv.products[pi].product_id;
            for (i, v) in adv.vulnerabilities.iter().enumerate() {
                let Some(status) = crate::csaf::product_status(&v.product_status, pid) else {
                    continue;
                };
                out.push(Finding {
                    asset: asset.clone(),
                    model: Some(c.name.clone()),
                    version: c.version.clone(),
                    vulnerability_id: v
                        .cve
                        .clone()
                        .or_else(|| v.ids.first().map(|(_, t)| t.clone()))
                        .unwrap_or_else(|| format!("{}#{}", adv.id, i + 1)),
                    advisory_id: Some(adv.id.clone()),
                    status,
                    matched_status: status,
                    details: vec![details.clone()],
                    vex: None,
                });
            }
        }
        out
    }

    /// Findings for many devices. Devices sharing (manufacturer, model, version) are
    /// matched once: an inventory of 10,000 devices usually holds a few hundred models.
    /// `progress` is called after each device.
    pub fn evaluate_devices(&self, devices: &[Device], progress: &mut dyn FnMut()) -> Vec<Finding> {
        type ModelCache = (
            Option<PreparedDevice>,
            Vec<(usize, usize, ModelMatch)>,
            Vec<Finding>,
        );
        let mut models: HashMap<(Option<&str>, Option<&str>), ModelCache> = HashMap::new();
        let mut cache: HashMap<DeviceKey, Vec<Finding>> = HashMap::new();
        let mut out = Vec::new();
        for d in devices {
            let key = (
                d.manufacturer.as_deref(),
                d.model.as_deref(),
                d.version.as_deref(),
            );
            let template = cache.entry(key).or_insert_with(|| {
                let (prepared, hits, unversioned) =
                    models.entry((key.0, key.1)).or_insert_with(|| {
                        let prepared = PreparedDevice::new(d, &self.table);
                        let (hits, mut other) = match &prepared {
                            Some(p) => (self.model_hits(p), self.kev_findings(d, p)),
                            None => (Vec::new(), Vec::new()),
                        };
                        if let Some(p) = &prepared {
                            other.extend(self.recall_findings(d, p));
                        }
                        (prepared, hits, other)
                    });
                if prepared.is_none() {
                    return Vec::new();
                }
                let mut f = self.versioned_findings(d, hits);
                if let Some(p) = prepared.as_ref() {
                    f.extend(self.cve5_findings(d, p));
                }
                // KEV and recalls do not depend on the version; only the asset and the
                // version shown change.
                f.extend(unversioned.iter().map(|x| {
                    let mut g = Finding {
                        version: d.version.clone(),
                        ..x.clone()
                    };
                    for det in &mut g.details {
                        det.searched_by = device_searched_by(d);
                    }
                    g
                }));
                f
            });
            let asset = device_asset(d);
            out.extend(template.iter().map(|f| Finding {
                asset: asset.clone(),
                ..f.clone()
            }));
            progress();
        }
        out
    }

    /// Findings for many SBOMs (label, components), spread over the machine's cores:
    /// SBOMs are independent, and a full re-evaluation is mostly SBOM work.
    pub fn evaluate_sboms(&self, sboms: &[(String, Vec<Component>)]) -> Vec<Finding> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(sboms.len().max(1));
        let chunk = sboms.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let handles: Vec<_> = sboms
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .flat_map(|(label, comps)| self.evaluate_sbom(label, comps))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("SBOM evaluation does not panic"))
                .collect()
        })
    }

    /// Findings for many devices, spread over the machine's cores (see
    /// [`Engine::evaluate_devices`]; devices of one model stay on one thread so that
    /// the per-model work is still done once).
    pub fn evaluate_devices_parallel(&self, devices: &[Device]) -> Vec<Finding> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut parts: Vec<Vec<Device>> = vec![Vec::new(); threads.max(1)];
        for d in devices {
            // Group by model so each thread's cache sees all devices of its models.
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&(&d.manufacturer, &d.model), &mut h);
            let i = (std::hash::Hasher::finish(&h) % parts.len() as u64) as usize;
            parts[i].push(d.clone());
        }
        std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .iter()
                .map(|p| s.spawn(move || self.evaluate_devices(p, &mut || {})))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("device evaluation does not panic"))
                .collect()
        })
    }

    /// Findings for the components of one SBOM, each judged with the rest of the SBOM's
    /// CPEs as platform context. Components with the same identifiers and version are
    /// matched once.
    pub fn evaluate_sbom(&self, sbom: &str, components: &[Component]) -> Vec<Finding> {
        let context: Vec<Cpe> = components
            .iter()
            .flat_map(|c| c.cpes.iter().filter_map(|x| x.parse::<Cpe>().ok()))
            .collect();
        let mut cache: HashMap<ComponentKey, Vec<Finding>> = HashMap::new();
        let mut out = Vec::new();
        for c in components {
            if c.purls.is_empty() && c.cpes.is_empty() {
                continue;
            }
            let key = (c.purls.as_slice(), c.cpes.as_slice(), c.version.as_deref());
            let template = cache
                .entry(key)
                .or_insert_with(|| self.component_findings_in(sbom, c, &context));
            let asset = AssetRef::Component {
                sbom: sbom.to_string(),
                reference: c.reference.clone(),
            };
            out.extend(template.iter().map(|f| Finding {
                asset: asset.clone(),
                model: Some(c.name.clone()),
                ..f.clone()
            }));
        }
        out
    }

    /// The vulnerability record with this id, if indexed.
    pub fn vulnerability(&self, id: &str) -> Option<&Vulnerability> {
        self.vulns.iter().find(|v| v.id == id)
    }
}

/// (manufacturer, model, version): what a device is matched on.
type DeviceKey<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);
/// (purls, CPEs, version): what a component is matched on.
type ComponentKey<'a> = (&'a [String], &'a [String], Option<&'a str>);

fn device_asset(d: &Device) -> AssetRef {
    AssetRef::Device {
        site: d.site.clone(),
        asset_id: d.asset_id.clone(),
    }
}

fn device_searched_by(d: &Device) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (k, v) in [
        ("manufacturer", &d.manufacturer),
        ("model", &d.model),
        ("version", &d.version),
    ] {
        if let Some(v) = v {
            m.insert(k.to_string(), v.clone());
        }
    }
    m
}

fn simple_finding(
    d: &Device,
    vuln: &str,
    advisory: Option<String>,
    details: MatchDetails,
) -> Finding {
    Finding {
        asset: device_asset(d),
        model: d.model.clone(),
        version: d.version.clone(),
        vulnerability_id: vuln.to_string(),
        advisory_id: advisory,
        status: FindingStatus::Affected,
        matched_status: FindingStatus::Affected,
        details: vec![details],
        vex: None,
    }
}

fn osv_rule(vi: usize, a: &OsvAffected) -> Option<(String, OsvRule)> {
    let key = osv_package_key(a)?;
    let scheme = Scheme::lookup(&a.ecosystem).scheme;
    let mut ranges = Vec::new();
    for r in &a.ranges {
        if r.range_type == "GIT" {
            continue;
        }
        let events: Vec<medvigil_version::osv::Event> = r
            .events
            .iter()
            .map(|e| match e {
                OsvEvent::Introduced(v) => medvigil_version::osv::Event::Introduced(v),
                OsvEvent::Fixed(v) => medvigil_version::osv::Event::Fixed(v),
                OsvEvent::LastAffected(v) => medvigil_version::osv::Event::LastAffected(v),
                OsvEvent::Limit(v) => medvigil_version::osv::Event::Limit(v),
            })
            .collect();
        if let Ok(range) = medvigil_version::osv::range(scheme, &r.range_type, &events) {
            ranges.push(range);
        }
    }
    if ranges.is_empty() && a.versions.is_empty() {
        return None;
    }
    Some((
        key.clone(),
        OsvRule {
            vuln: vi,
            ecosystem: a.ecosystem.clone(),
            package: key,
            scheme,
            ranges,
            versions: a.versions.clone(),
        },
    ))
}

fn osv_check(
    r: &OsvRule,
    purl: &str,
    version: &str,
    parsed: Option<&Version>,
) -> Option<MatchDetails> {
    let searched_by = BTreeMap::from([
        ("purl".to_string(), purl.to_string()),
        ("version".to_string(), version.to_string()),
    ]);
    let mut found = BTreeMap::from([
        ("package".to_string(), r.package.clone()),
        ("ecosystem".to_string(), r.ecosystem.clone()),
    ]);
    if r.versions.iter().any(|v| v == version) {
        return Some(MatchDetails {
            kind: MatchKind::ExactDirect,
            matcher: "purl_osv".into(),
            searched_by,
            found,
            rule: format!(
                "package {}; version {version} listed as affected",
                r.package
            ),
            range: None,
            confidence: 1.0,
        });
    }
    let v = parsed?;
    let range = r
        .ranges
        .iter()
        .find(|range| range.contains(v).unwrap_or(false))?;
    let vers = range.to_vers();
    found.insert("range".into(), vers.clone());
    Some(MatchDetails {
        kind: MatchKind::ExactDirect,
        matcher: "purl_osv".into(),
        searched_by,
        found,
        rule: format!("package {}; version {version} in {vers}", r.package),
        range: Some(vers),
        confidence: 1.0,
    })
}

/// An NVD configuration with its CPEs parsed and its version bounds built once, at
/// index time (parsing them per component would dominate a full re-evaluation).
struct ParsedConfig {
    vuln: usize,
    operator: Option<BoolOperator>,
    negate: bool,
    nodes: Vec<ParsedNode>,
}

struct ParsedNode {
    operator: BoolOperator,
    negate: bool,
    matches: Vec<ParsedMatch>,
}

struct ParsedMatch {
    vulnerable: bool,
    criteria_text: String,
    match_criteria_id: Option<String>,
    criteria: Cpe,
    /// With bounds: the criteria without version, and the bounds as given.
    bounds: Option<(Cpe, [Option<String>; 4])>,
    /// The bounds under the generic scheme, built once.
    generic: Option<VersionRange>,
}

fn parse_config(vuln: usize, cfg: &NvdConfiguration) -> Option<ParsedConfig> {
    let mut nodes = Vec::new();
    for n in &cfg.nodes {
        let mut matches = Vec::new();
        for m in &n.cpe_match {
            let criteria: Cpe = m.criteria.parse().ok()?;
            let b = [
                m.version_start_including.clone(),
                m.version_start_excluding.clone(),
                m.version_end_including.clone(),
                m.version_end_excluding.clone(),
            ];
            let bounded = b.iter().any(Option::is_some);
            let generic = bounded
                .then(|| nvd_range(&criteria, &b, Scheme::Generic))
                .flatten();
            matches.push(ParsedMatch {
                vulnerable: m.vulnerable,
                criteria_text: m.criteria.clone(),
                match_criteria_id: m.match_criteria_id.clone(),
                bounds: bounded.then(|| (criteria.without_version(), b)),
                criteria,
                generic,
            });
        }
        nodes.push(ParsedNode {
            operator: n.operator,
            negate: n.negate,
            matches,
        });
    }
    Some(ParsedConfig {
        vuln,
        operator: cfg.operator,
        negate: cfg.negate,
        nodes,
    })
}

fn nvd_range(criteria: &Cpe, b: &[Option<String>; 4], scheme: Scheme) -> Option<VersionRange> {
    let cv = criteria.version_attr_text();
    medvigil_version::nvd::range(
        scheme,
        Some(cv.as_str()),
        medvigil_version::nvd::Bounds {
            start_including: b[0].as_deref(),
            start_excluding: b[1].as_deref(),
            end_including: b[2].as_deref(),
            end_excluding: b[3].as_deref(),
        },
    )
    .ok()
}

/// Evaluates an NVD configuration for one target CPE: the tree (AND/OR nodes, negate)
/// must hold, and a `vulnerable` criterion must be what the target matched. Platform
/// criteria (`vulnerable: false`) are satisfied by the target or by a CPE of its
/// context (the rest of its SBOM), so "firmware AND running on hardware X" does not
/// fire for the firmware alone, only when the SBOM also names hardware X.
fn nvd_check(
    cfg: &ParsedConfig,
    target: &Cpe,
    context: &[Cpe],
    raw: &str,
    version: Option<&str>,
    scheme: Scheme,
) -> Option<MatchDetails> {
    let mut matched: Option<(&ParsedMatch, String)> = None;
    let all = match cfg.operator {
        Some(BoolOperator::And) => cfg
            .nodes
            .iter()
            .all(|n| node_ok(n, target, context, version, scheme, &mut matched)),
        _ => cfg
            .nodes
            .iter()
            .any(|n| node_ok(n, target, context, version, scheme, &mut matched)),
    };
    if all == cfg.negate {
        return None;
    }
    let (m, range) = matched?;
    Some(MatchDetails {
        kind: MatchKind::Cpe,
        matcher: "cpe_nvd".into(),
        searched_by: BTreeMap::from([("cpe".to_string(), raw.to_string())]),
        found: BTreeMap::from([
            ("criteria".to_string(), m.criteria_text.clone()),
            (
                "match_criteria_id".to_string(),
                m.match_criteria_id.clone().unwrap_or_default(),
            ),
        ]),
        rule: format!("CPE name match (NISTIR 7696) against {}", m.criteria_text),
        range: Some(range),
        confidence: 0.9,
    })
}

/// Evaluates one node (AND/OR over its cpeMatch, then `negate`), remembering the first
/// vulnerable criterion the target matched.
fn node_ok<'a>(
    n: &'a ParsedNode,
    target: &Cpe,
    context: &[Cpe],
    version: Option<&str>,
    scheme: Scheme,
    matched: &mut Option<(&'a ParsedMatch, String)>,
) -> bool {
    let mut hits = Vec::with_capacity(n.matches.len());
    for m in &n.matches {
        // The vulnerable criterion must be the component itself; platform criteria may
        // be met by the rest of the SBOM.
        let mut hit = cpe_match_hit(m, target, version, scheme);
        if hit.is_none() && !m.vulnerable {
            hit = context
                .iter()
                .find_map(|c| cpe_match_hit(m, c, None, scheme));
        }
        if let Some(range) = &hit
            && m.vulnerable
            && matched.is_none()
        {
            *matched = Some((m, range.clone()));
        }
        hits.push(hit.is_some());
    }
    let r = match n.operator {
        BoolOperator::And => hits.iter().all(|x| *x),
        BoolOperator::Or => hits.iter().any(|x| *x),
    };
    r != n.negate
}

/// Whether one cpeMatch covers the target; returns the version range it checked.
fn cpe_match_hit(
    m: &ParsedMatch,
    target: &Cpe,
    version: Option<&str>,
    scheme: Scheme,
) -> Option<String> {
    let Some((bare, bounds)) = &m.bounds else {
        return m
            .criteria
            .matches(target)
            .then(|| m.criteria.version_attr_text());
    };
    if !bare.matches(&target.without_version()) {
        return None;
    }
    let tv = target.version().or_else(|| version.map(str::to_string))?;
    let built;
    let range = if scheme == Scheme::Generic {
        m.generic.as_ref()?
    } else {
        built = nvd_range(&m.criteria, bounds, scheme)?;
        &built
    };
    let v = Version::parse(scheme, &tv).ok()?;
    range.contains(&v).ok()?.then(|| range.to_vers())
}

/// Devices indexed by vendor group, for evaluating one new advisory.
pub struct DeviceIndex {
    devices: Vec<(Device, PreparedDevice)>,
    by_vendor: HashMap<VendorId, Vec<usize>>,
}

impl DeviceIndex {
    /// Indexes the devices that have a manufacturer and a model.
    pub fn new(devices: &[Device], table: &VendorTable) -> DeviceIndex {
        let mut out = DeviceIndex {
            devices: Vec::new(),
            by_vendor: HashMap::new(),
        };
        for d in devices {
            if let Some(p) = PreparedDevice::new(d, table) {
                let i = out.devices.len();
                for g in &p.vendor_groups {
                    out.by_vendor.entry(g.clone()).or_default().push(i);
                }
                out.devices.push((d.clone(), p));
            }
        }
        out
    }

    /// How many devices are indexed.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// Whether no device is indexed.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }
}
