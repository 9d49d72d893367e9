//! Vulnerabilities, advisories, exploitation evidence (KEV, EPSS) and device recalls.
//!
//! These are the knowledge base's normalized records, plain serde data. Readers in
//! `medvigil-formats` produce them, `medvigil-store` keeps them, `medvigil-match` matches
//! them against devices and SBOMs.
//!
//! Two rules shape the types:
//!
//! * **Ranges stay raw.** A version range is kept exactly as the source wrote it (OSV
//!   events, NVD `versionEndExcluding`, CVE 5 `lessThan`, CSAF `vers:` strings or "<= 4.2").
//!   Interpreting them needs a version scheme, which is `medvigil-version`'s job.
//! * **Scores keep their source.** NVD, a CNA, CISA's CSAF advisory and OSV may each score
//!   the same CVE differently; every [`Score`] says who gave it. The CVSS math lives in
//!   `medvigil-risk`, so a score holds the vector and the number the source stated.
//!
//! One [`Vulnerability`] is one source's record (an OSV entry, an NVD CVE, a CVE 5 record).
//! The knowledge base merges the records that share an id or alias into one view
//! (same type, [`Vulnerability::sources`] then lists every contributing source).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::device::ParseEnumError;

/// Where a knowledge-base record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KbSource {
    /// An OSV record (osv.dev, GitHub, PyPA, Go, RustSec ...).
    Osv,
    /// An NVD CVE API 2.0 record.
    Nvd,
    /// A CVE JSON 5 record (CNA and ADP containers).
    Cve5,
    /// A CSAF 2.0 advisory (including the VEX profile).
    Csaf,
    /// CISA's Known Exploited Vulnerabilities catalog.
    Kev,
    /// FIRST's Exploit Prediction Scoring System.
    Epss,
    /// openFDA device recalls and enforcement reports.
    Openfda,
}

impl KbSource {
    /// Every source, in a stable order (used for summaries).
    pub const ALL: &'static [KbSource] = &[
        KbSource::Osv,
        KbSource::Nvd,
        KbSource::Cve5,
        KbSource::Csaf,
        KbSource::Kev,
        KbSource::Epss,
        KbSource::Openfda,
    ];
    const NAMES: &'static [&'static str] =
        &["osv", "nvd", "cve5", "csaf", "kev", "epss", "openfda"];

    /// The stable snake_case name used in storage and JSON.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|s| *s == self).unwrap_or(0)]
    }
}

impl FromStr for KbSource {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(s.trim()))
            .map(|i| Self::ALL[i])
            .ok_or_else(|| ParseEnumError {
                what: "source",
                value: s.to_string(),
                expected: Self::NAMES,
            })
    }
}

impl fmt::Display for KbSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A vulnerability as one source describes it, or the merged view of several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    /// The record's own id (CVE-2021-44228, GHSA-..., PYSEC-..., GO-..., RUSTSEC-...).
    pub id: String,
    /// Other ids of the same vulnerability, sorted, without `id` itself.
    pub aliases: Vec<String>,
    /// Sources that contributed (one for a stored record, several for a merged view).
    pub sources: Vec<KbSource>,
    /// One-line summary or title.
    pub summary: Option<String>,
    /// Full description.
    pub details: Option<String>,
    /// When first published, as the source wrote it (RFC 3339 or NVD's zone-less form).
    pub published: Option<String>,
    /// When last modified, as the source wrote it; decides which copy a re-import keeps.
    pub modified: Option<String>,
    /// When withdrawn (OSV) or rejected (NVD/CVE); such records still exist but match nothing.
    pub withdrawn: Option<String>,
    /// Every score given, each with its source.
    pub scores: Vec<Score>,
    /// CWE ids ("CWE-79"), deduplicated, in source order.
    pub cwes: Vec<String>,
    /// Links.
    pub references: Vec<Reference>,
    /// The rules saying what is affected, kept as the source wrote them.
    pub affected: Vec<AffectedRule>,
    /// CISA KEV entry when the vulnerability is known to be exploited (merged views only).
    pub kev: Option<KevEntry>,
    /// EPSS probability of exploitation (merged views only).
    pub epss: Option<EpssScore>,
}

impl Vulnerability {
    /// An empty record with only its id and source set.
    pub fn new(id: impl Into<String>, source: KbSource) -> Vulnerability {
        Vulnerability {
            id: id.into(),
            aliases: Vec::new(),
            sources: vec![source],
            summary: None,
            details: None,
            published: None,
            modified: None,
            withdrawn: None,
            scores: Vec::new(),
            cwes: Vec::new(),
            references: Vec::new(),
            affected: Vec::new(),
            kev: None,
            epss: None,
        }
    }

    /// The id and every alias.
    pub fn all_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// The CVE id among the id and aliases, if any (the key KEV and EPSS use).
    pub fn cve_id(&self) -> Option<&str> {
        self.all_ids().find(|i| i.starts_with("CVE-"))
    }
}

/// Turns a source's timestamp into a key that orders correctly across sources.
///
/// Sources spell instants differently (`2022-05-17T21:40:50.660206Z`, NVD's zone-less
/// `2018-04-17T14:29:00.243`, `2024-01-04T00:00:00+00:00`, a bare date). All of them are
/// UTC in practice, so the key is the date and time to the second (a bare date counts as
/// midnight); the fraction only breaks ties.
pub fn timestamp_key(ts: &str) -> String {
    let ts = ts.trim();
    let (date_time, rest) = ts.split_at(ts.len().min(19));
    let mut key = String::with_capacity(30);
    key.push_str(date_time);
    if date_time.len() == 10 {
        key.push_str("T00:00:00");
    }
    if let Some(frac) = rest.strip_prefix('.') {
        key.push('.');
        key.extend(frac.chars().take_while(char::is_ascii_digit));
    }
    key
}

/// A score with the source that gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Who gave it: an NVD `source` ("nvd@nist.gov"), a CNA's org, a CSAF advisory id, "osv".
    pub source: String,
    /// Which scoring system.
    pub kind: ScoreKind,
    /// The vector string exactly as given ("CVSS:3.1/AV:N/...", "AV:N/AC:L/Au:N/...").
    pub vector: String,
    /// The base score the source stated, when it stated one.
    pub base_score: Option<f64>,
    /// The severity the source stated ("CRITICAL", "MODERATE" ...).
    pub severity: Option<String>,
    /// NVD's `type`: "Primary" or "Secondary".
    pub metric_type: Option<String>,
    /// Every other field the source gave (NVD's exploitabilityScore, impactScore,
    /// acInsufInfo ...; the metric fields of `cvssData`), keyed as the source spells them.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A scoring system.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    /// CVSS v2.0.
    CvssV2,
    /// CVSS v3.0.
    CvssV30,
    /// CVSS v3.1.
    CvssV31,
    /// CVSS v4.0.
    CvssV40,
    /// Anything else (OSV's `Ubuntu` severity type, a vendor rating), with its name.
    Other(String),
}

impl ScoreKind {
    /// The kind a CVSS vector string announces (`CVSS:3.1/`, `CVSS:4.0/`, or v2 without prefix).
    pub fn from_vector(vector: &str) -> ScoreKind {
        match vector.get(..9) {
            Some("CVSS:3.0/") => ScoreKind::CvssV30,
            Some("CVSS:3.1/") => ScoreKind::CvssV31,
            Some("CVSS:4.0/") => ScoreKind::CvssV40,
            _ if vector.starts_with("AV:") || vector.starts_with("(AV:") => ScoreKind::CvssV2,
            _ => ScoreKind::Other("unknown".into()),
        }
    }
}

/// A link with its kind as the source names it (OSV `type`, CSAF `category`, NVD tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The URL.
    pub url: String,
    /// "ADVISORY", "FIX", "external", "Patch" ...
    pub kind: Option<String>,
}

/// One rule saying what a vulnerability affects, in the shape its source uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AffectedRule {
    /// An OSV `affected` entry: a package and its ranges and versions.
    Osv(OsvAffected),
    /// One NVD configuration: a tree of CPE matches.
    Nvd(NvdConfiguration),
    /// A CVE 5 `affected` entry from a CNA or ADP container.
    Cve5(Cve5Affected),
}

/// An OSV `affected` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OsvAffected {
    /// Ecosystem ("Go", "PyPI", "crates.io", "npm", "Debian:12" ...).
    pub ecosystem: String,
    /// Package name in that ecosystem.
    pub name: String,
    /// The package's purl when the record gives one.
    pub purl: Option<String>,
    /// Version ranges, each a list of events.
    pub ranges: Vec<OsvRange>,
    /// Explicitly listed affected versions.
    pub versions: Vec<String>,
    /// Per-package severities (OSV 1.3+ `affected[].severity`).
    pub severity: Vec<Score>,
}

/// An OSV range: events over one version ordering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRange {
    /// "SEMVER", "ECOSYSTEM" or "GIT".
    pub range_type: String,
    /// The repository for GIT ranges.
    pub repo: Option<String>,
    /// Events in the source's order.
    pub events: Vec<OsvEvent>,
}

/// An OSV range event. `introduced` is inclusive, `fixed` and `limit` exclusive,
/// `last_affected` inclusive (per the OSV schema's "Evaluation" section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OsvEvent {
    /// The first affected version ("0" means all earlier versions).
    Introduced(String),
    /// The first version that is no longer affected.
    Fixed(String),
    /// The last affected version.
    LastAffected(String),
    /// An upper limit for the range (exclusive).
    Limit(String),
}

/// An NVD configuration: nodes combined by `operator` (AND when a vulnerable product
/// only matters running on a given platform).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NvdConfiguration {
    /// How the nodes combine; NVD omits it for a single node (then OR).
    pub operator: Option<BoolOperator>,
    /// Whether the whole configuration is negated.
    pub negate: bool,
    /// The nodes.
    pub nodes: Vec<NvdNode>,
}

/// AND or OR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum BoolOperator {
    /// All must hold.
    And,
    /// Any must hold.
    Or,
}

/// One node of an NVD configuration: CPE matches combined by `operator`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NvdNode {
    /// How the matches combine.
    pub operator: BoolOperator,
    /// Whether the node is negated.
    pub negate: bool,
    /// The CPE match criteria.
    pub cpe_match: Vec<CpeMatch>,
}

/// An NVD `cpeMatch`: a CPE 2.3 pattern with an optional version range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpeMatch {
    /// Whether a match means vulnerable (false: the platform the vulnerable part runs on).
    pub vulnerable: bool,
    /// The CPE 2.3 formatted string.
    pub criteria: String,
    /// NVD's id for this criterion.
    pub match_criteria_id: Option<String>,
    /// Lowest affected version, inclusive.
    pub version_start_including: Option<String>,
    /// Lowest affected version, exclusive.
    pub version_start_excluding: Option<String>,
    /// Highest affected version, inclusive.
    pub version_end_including: Option<String>,
    /// Highest affected version, exclusive.
    pub version_end_excluding: Option<String>,
}

/// A CVE JSON 5 `affected` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cve5Affected {
    /// "cna" or "adp:<short name or org id>": which container it came from.
    pub container: String,
    /// Vendor name.
    pub vendor: Option<String>,
    /// Product name.
    pub product: Option<String>,
    /// Package name (`packageName`).
    pub package_name: Option<String>,
    /// Package registry (`collectionURL`).
    pub collection_url: Option<String>,
    /// CPEs the CNA lists.
    pub cpes: Vec<String>,
    /// Platforms.
    pub platforms: Vec<String>,
    /// Status of versions not listed ("affected", "unaffected", "unknown").
    pub default_status: Option<String>,
    /// Versions and ranges.
    pub versions: Vec<Cve5Version>,
}

/// A CVE JSON 5 version entry: a single version or a range starting at `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cve5Version {
    /// The version, or the range's start.
    pub version: String,
    /// "affected", "unaffected" or "unknown".
    pub status: String,
    /// The range's end, exclusive.
    pub less_than: Option<String>,
    /// The range's end, inclusive.
    pub less_than_or_equal: Option<String>,
    /// The version scheme ("semver", "custom", "git" ...).
    pub version_type: Option<String>,
}

/// A CISA Known Exploited Vulnerabilities catalog entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    /// The CVE id.
    pub cve_id: String,
    /// Vendor or project.
    pub vendor_project: String,
    /// Product.
    pub product: String,
    /// CISA's name for the vulnerability.
    pub vulnerability_name: String,
    /// When it entered the catalog (YYYY-MM-DD).
    pub date_added: String,
    /// Short description.
    pub short_description: String,
    /// What federal agencies must do.
    pub required_action: String,
    /// When they must have done it (YYYY-MM-DD).
    pub due_date: String,
    /// "Known" or "Unknown": whether ransomware campaigns use it.
    pub known_ransomware_campaign_use: String,
    /// Free-text notes (usually links).
    pub notes: String,
    /// CWE ids.
    pub cwes: Vec<String>,
}

impl KevEntry {
    /// Whether CISA knows of ransomware campaigns using this vulnerability.
    pub fn used_by_ransomware(&self) -> bool {
        self.known_ransomware_campaign_use
            .eq_ignore_ascii_case("known")
    }
}

/// An EPSS score for one CVE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssScore {
    /// The CVE id.
    pub cve: String,
    /// Probability of exploitation activity in the next 30 days, 0..=1.
    pub epss: f64,
    /// Rank among all scored CVEs, 0..=1.
    pub percentile: f64,
    /// The model that produced it ("v2025.03.14"), from the CSV's comment line.
    pub model_version: Option<String>,
    /// The day it was scored (YYYY-MM-DD or the RFC 3339 instant given).
    pub score_date: Option<String>,
}

/// A security advisory (CSAF 2.0, including the VEX profile): the vendor's or CISA's
/// statement of which products are affected and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// `document.tracking.id` ("ICSMA-20-023-01").
    pub id: String,
    /// `document.title`.
    pub title: String,
    /// `document.category` ("csaf_security_advisory", "csaf_vex", "csaf_base" ...).
    pub category: String,
    /// `document.csaf_version`.
    pub csaf_version: String,
    /// `document.lang`.
    pub lang: Option<String>,
    /// Who published it.
    pub publisher: Publisher,
    /// `tracking.initial_release_date`.
    pub initial_release_date: String,
    /// `tracking.current_release_date`; decides which copy a re-import keeps.
    pub current_release_date: String,
    /// `tracking.version`.
    pub version: String,
    /// `tracking.status` ("final", "interim", "draft").
    pub status: String,
    /// TLP label ("WHITE", "CLEAR" ...).
    pub tlp: Option<String>,
    /// `document.aggregate_severity.text`.
    pub aggregate_severity: Option<String>,
    /// Document-level notes.
    pub notes: Vec<Note>,
    /// Document-level references.
    pub references: Vec<Reference>,
    /// Every product of the product tree, flattened, with its branch path and helpers.
    pub products: Vec<Product>,
    /// `product_tree.product_groups`.
    pub product_groups: Vec<ProductGroup>,
    /// The advisory's vulnerabilities with their product status, scores and remediations.
    pub vulnerabilities: Vec<AdvisoryVulnerability>,
}

impl Advisory {
    /// The CVE ids the advisory covers, sorted and deduplicated.
    pub fn cves(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .vulnerabilities
            .iter()
            .filter_map(|v| v.cve.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The product with this `product_id`.
    pub fn product(&self, product_id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.product_id == product_id)
    }
}

/// `document.publisher`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// Name ("CISA").
    pub name: String,
    /// Namespace URL.
    pub namespace: String,
    /// "coordinator", "vendor", "discoverer", "other", "translator", "user".
    pub category: String,
}

/// A note (CSAF `notes[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// "summary", "description", "general", "legal_disclaimer" ...
    pub category: String,
    /// Title.
    pub title: Option<String>,
    /// Text.
    pub text: String,
}

/// A product of a CSAF product tree, flattened.
///
/// The tree's branches become `vendor`, `product_family`, `product_name` and `version`
/// or `version_range` (raw: CISA writes "<= 4.2", others `vers:generic/<4.2`), so a
/// matcher need not walk the tree again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// `product_id` ("CSAFPID-0001").
    pub product_id: String,
    /// The full product name.
    pub name: String,
    /// From a `vendor` branch.
    pub vendor: Option<String>,
    /// From a `product_family` branch.
    pub product_family: Option<String>,
    /// From a `product_name` branch.
    pub product_name: Option<String>,
    /// From a `product_version` branch.
    pub version: Option<String>,
    /// From a `product_version_range` branch, raw.
    pub version_range: Option<String>,
    /// Other branch categories on the path ("architecture", "host_name", "language",
    /// "legacy", "patch_level", "service_pack", "specification"), as (category, name).
    pub other_branches: Vec<(String, String)>,
    /// `product_identification_helper`.
    pub identification: ProductIdentification,
    /// When the product is defined by a relationship (e.g. "installed_on").
    pub relationship: Option<ProductRelationship>,
}

/// `product_identification_helper`: machine-readable ways to recognise a product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductIdentification {
    /// CPE 2.2 or 2.3.
    pub cpe: Option<String>,
    /// Package URL.
    pub purl: Option<String>,
    /// Model numbers (may contain `*` and `?` wildcards per the spec).
    pub model_numbers: Vec<String>,
    /// Serial numbers (same wildcards).
    pub serial_numbers: Vec<String>,
    /// Stock keeping units (same wildcards).
    pub skus: Vec<String>,
    /// File hashes, as (file name, algorithm, value).
    pub hashes: Vec<(String, String, String)>,
    /// SBOM URLs.
    pub sbom_urls: Vec<String>,
    /// Generic URIs as (namespace, uri).
    pub x_generic_uris: Vec<(String, String)>,
}

impl ProductIdentification {
    /// True when no helper is given.
    pub fn is_empty(&self) -> bool {
        *self == ProductIdentification::default()
    }
}

/// A CSAF relationship that defines a product as a combination of two others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRelationship {
    /// "default_component_of", "external_component_of", "installed_on",
    /// "installed_with", "optional_component_of".
    pub category: String,
    /// The component.
    pub product_reference: String,
    /// What it is part of or installed on.
    pub relates_to_product_reference: String,
}

/// `product_tree.product_groups[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductGroup {
    /// `group_id`.
    pub group_id: String,
    /// Member product ids.
    pub product_ids: Vec<String>,
    /// Summary.
    pub summary: Option<String>,
}

/// One vulnerability of an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvisoryVulnerability {
    /// The CVE id, when assigned.
    pub cve: Option<String>,
    /// Other ids as (system name, text), e.g. a vendor's id.
    pub ids: Vec<(String, String)>,
    /// Title.
    pub title: Option<String>,
    /// The CWE as (id, name).
    pub cwe: Option<(String, String)>,
    /// Notes.
    pub notes: Vec<Note>,
    /// References.
    pub references: Vec<Reference>,
    /// `discovery_date`.
    pub discovery_date: Option<String>,
    /// `release_date`.
    pub release_date: Option<String>,
    /// Which products are affected, fixed, not affected ...
    pub product_status: ProductStatus,
    /// Scores, each applying to some products.
    pub scores: Vec<ProductScore>,
    /// What to do.
    pub remediations: Vec<Remediation>,
    /// Threats (impact, exploit_status, target_set).
    pub threats: Vec<Threat>,
    /// VEX flags (justifications such as "vulnerable_code_not_in_execute_path").
    pub flags: Vec<Flag>,
}

/// CSAF `product_status`: product ids grouped by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductStatus {
    /// `first_affected`.
    pub first_affected: Vec<String>,
    /// `first_fixed`.
    pub first_fixed: Vec<String>,
    /// `fixed`.
    pub fixed: Vec<String>,
    /// `known_affected`.
    pub known_affected: Vec<String>,
    /// `known_not_affected`.
    pub known_not_affected: Vec<String>,
    /// `last_affected`.
    pub last_affected: Vec<String>,
    /// `recommended`.
    pub recommended: Vec<String>,
    /// `under_investigation`.
    pub under_investigation: Vec<String>,
}

/// A score that applies to some products of an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductScore {
    /// Product ids it applies to.
    pub products: Vec<String>,
    /// The score (source = the advisory id).
    pub score: Score,
}

/// A CSAF remediation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remediation {
    /// "mitigation", "no_fix_planned", "none_available", "vendor_fix", "workaround".
    pub category: String,
    /// What to do.
    pub details: String,
    /// Product ids it applies to.
    pub product_ids: Vec<String>,
    /// Product group ids it applies to.
    pub group_ids: Vec<String>,
    /// Where to get it.
    pub url: Option<String>,
    /// When it became available.
    pub date: Option<String>,
}

/// A CSAF threat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threat {
    /// "exploit_status", "impact", "target_set".
    pub category: String,
    /// Details.
    pub details: String,
    /// Product ids it applies to.
    pub product_ids: Vec<String>,
    /// Product group ids it applies to.
    pub group_ids: Vec<String>,
    /// Date.
    pub date: Option<String>,
}

/// A CSAF flag (the VEX profile's machine-readable justification).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// "component_not_present", "vulnerable_code_not_present", ...
    pub label: String,
    /// Product ids it applies to.
    pub product_ids: Vec<String>,
    /// Product group ids it applies to.
    pub group_ids: Vec<String>,
    /// Date.
    pub date: Option<String>,
}

/// Which openFDA endpoint a recall came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecallKind {
    /// `/device/recall.json` (FDA's recall database, product-level).
    Recall,
    /// `/device/enforcement.json` (weekly enforcement reports).
    Enforcement,
}

/// A medical-device recall (openFDA device recall or enforcement report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recall {
    /// The recall number ("Z-1234-2020") or, for a recall record without one, its
    /// `product_res_number` or `cfres_id`. Unique per recalled product.
    pub recall_number: String,
    /// Which endpoint.
    pub kind: RecallKind,
    /// The recall event (`res_event_number` or `event_id`).
    pub event_id: Option<String>,
    /// FDA three-letter product code ("FRN" for infusion pumps).
    pub product_code: Option<String>,
    /// 510(k) numbers.
    pub k_numbers: Vec<String>,
    /// PMA numbers.
    pub pma_numbers: Vec<String>,
    /// The recalling firm.
    pub recalling_firm: Option<String>,
    /// What is recalled, with models as the firm describes them.
    pub product_description: Option<String>,
    /// Lot, serial and model codes affected (`code_info`).
    pub code_info: Option<String>,
    /// Why.
    pub reason_for_recall: Option<String>,
    /// FDA's root cause category ("Software design", "Device Design" ...).
    pub root_cause_description: Option<String>,
    /// What the firm does.
    pub action: Option<String>,
    /// Class I, II or III (enforcement reports).
    pub classification: Option<String>,
    /// Status ("Ongoing", "Terminated", "Open, Classified" ...).
    pub status: Option<String>,
    /// When the recall started (`event_date_initiated` / `recall_initiation_date`).
    pub date_initiated: Option<String>,
    /// When FDA posted it (`event_date_posted`) or reported it (`report_date`).
    pub date_posted: Option<String>,
    /// When it ended.
    pub date_terminated: Option<String>,
    /// Device name from the `openfda` section.
    pub device_name: Option<String>,
    /// Device class ("1", "2", "3") from the `openfda` section.
    pub device_class: Option<String>,
    /// Medical specialty from the `openfda` section.
    pub medical_specialty: Option<String>,
}

/// Everything one import hands the store, already parsed and validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KbBatch {
    /// Vulnerability records (OSV, NVD, CVE 5), one per (source, id).
    pub vulnerabilities: Vec<Vulnerability>,
    /// Advisories (CSAF), one per id.
    pub advisories: Vec<Advisory>,
    /// KEV entries, one per CVE.
    pub kev: Vec<KevEntry>,
    /// EPSS scores, one per CVE.
    pub epss: Vec<EpssScore>,
    /// Recalls, one per recall number.
    pub recalls: Vec<Recall>,
}

impl KbBatch {
    /// Number of records of every kind.
    pub fn len(&self) -> usize {
        self.vulnerabilities.len()
            + self.advisories.len()
            + self.kev.len()
            + self.epss.len()
            + self.recalls.len()
    }

    /// True when the batch holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves every record of `other` into `self`.
    pub fn append(&mut self, other: &mut KbBatch) {
        self.vulnerabilities.append(&mut other.vulnerabilities);
        self.advisories.append(&mut other.advisories);
        self.kev.append(&mut other.kev);
        self.epss.append(&mut other.epss);
        self.recalls.append(&mut other.recalls);
    }
}

/// What an import did to the records of one source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCounts {
    /// Records not stored before.
    pub new: u64,
    /// Records that replaced an older or different stored copy.
    pub updated: u64,
    /// Records identical to the stored copy.
    pub unchanged: u64,
    /// Records older than the stored copy (by `modified`), which was kept.
    pub stale: u64,
    /// Records (or files) rejected before reaching the store.
    pub rejected: u64,
}

impl SourceCounts {
    /// Adds `other` to `self`.
    pub fn add(&mut self, other: &SourceCounts) {
        self.new += other.new;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.stale += other.stale;
        self.rejected += other.rejected;
    }
}

/// What an import did, per source.
pub type KbCounts = BTreeMap<KbSource, SourceCounts>;

/// Everything the knowledge base holds about one id, as stored (not merged).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KbRecords {
    /// Vulnerability records whose id or aliases reach the id (through one shared alias).
    pub vulnerabilities: Vec<Vulnerability>,
    /// Advisories with this id or covering one of the records' CVEs.
    pub advisories: Vec<Advisory>,
    /// KEV entries of the CVE ids involved.
    pub kev: Vec<KevEntry>,
    /// EPSS scores of the CVE ids involved.
    pub epss: Vec<EpssScore>,
    /// Recalls with this recall number, event id, product code or 510(k) number.
    pub recalls: Vec<Recall>,
}

impl KbRecords {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.vulnerabilities.is_empty()
            && self.advisories.is_empty()
            && self.kev.is_empty()
            && self.epss.is_empty()
            && self.recalls.is_empty()
    }
}

/// How much the knowledge base holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbStats {
    /// Vulnerability records per source (osv, nvd, cve5).
    pub vulnerabilities: BTreeMap<KbSource, u64>,
    /// Distinct ids and aliases.
    pub ids: u64,
    /// Distinct CVE ids among them.
    pub cves: u64,
    /// Advisories.
    pub advisories: u64,
    /// Advisories of the CSAF VEX profile.
    pub vex_advisories: u64,
    /// KEV entries.
    pub kev: u64,
    /// EPSS scores.
    pub epss: u64,
    /// The EPSS model version of the newest scores.
    pub epss_model_version: Option<String>,
    /// The EPSS score date of the newest scores.
    pub epss_score_date: Option<String>,
    /// Recalls.
    pub recalls: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_from_different_sources_order_correctly() {
        let osv = timestamp_key("2022-05-17T21:40:50.660206Z");
        let nvd = timestamp_key("2022-05-17T21:40:50.7");
        let date = timestamp_key("2022-05-17");
        let offset = timestamp_key("2022-05-18T00:00:00+00:00");
        assert!(
            date < osv && osv < nvd && nvd < offset,
            "{date} {osv} {nvd} {offset}"
        );
        assert_eq!(timestamp_key("2022-05-17"), "2022-05-17T00:00:00");
    }

    #[test]
    fn score_kind_from_vector() {
        assert_eq!(ScoreKind::from_vector("CVSS:3.1/AV:N"), ScoreKind::CvssV31);
        assert_eq!(ScoreKind::from_vector("CVSS:4.0/AV:N"), ScoreKind::CvssV40);
        assert_eq!(ScoreKind::from_vector("AV:N/AC:L/Au:N"), ScoreKind::CvssV2);
        assert!(matches!(ScoreKind::from_vector("x"), ScoreKind::Other(_)));
    }

    #[test]
    fn source_names_round_trip_and_reject_unknown() {
        for s in KbSource::ALL {
            assert_eq!(s.as_str().parse::<KbSource>().unwrap(), *s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("ghsa".parse::<KbSource>().is_err());
    }

    #[test]
    fn osv_events_serialize_like_osv() {
        let r = OsvRange {
            range_type: "SEMVER".into(),
            repo: None,
            events: vec![
                OsvEvent::Introduced("0".into()),
                OsvEvent::Fixed("1.6.0".into()),
            ],
        };
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["events"][0]["introduced"], "0");
        assert_eq!(j["events"][1]["fixed"], "1.6.0");
    }

    #[test]
    fn affected_rule_is_tagged_and_round_trips() {
        let rule = AffectedRule::Nvd(NvdConfiguration {
            operator: Some(BoolOperator::And),
            negate: false,
            nodes: vec![NvdNode {
                operator: BoolOperator::Or,
                negate: false,
                cpe_match: vec![CpeMatch {
                    vulnerable: true,
                    criteria: "cpe:2.3:o:cpap:luna_cpap_machine_firmware:*:*:*:*:*:*:*:*".into(),
                    match_criteria_id: None,
                    version_start_including: None,
                    version_start_excluding: None,
                    version_end_including: None,
                    version_end_excluding: Some("20170701".into()),
                }],
            }],
        });
        let j = serde_json::to_string(&rule).unwrap();
        assert!(j.starts_with(r#"{"kind":"nvd","operator":"AND""#), "{j}");
        assert_eq!(serde_json::from_str::<AffectedRule>(&j).unwrap(), rule);
    }
}
