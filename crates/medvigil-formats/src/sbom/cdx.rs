//! The CycloneDX document as written (the "raw" layer shared by the JSON and XML
//! readers), its validation against the schema's rules, and its conversion to the model.
//!
//! The JSON reader deserializes straight into these structs (`deny_unknown_fields`
//! mirrors the schema's `additionalProperties: false`); the XML reader fills them from
//! elements. [`validate`] then applies the value rules (enumerations, patterns, required
//! fields that depend on the spec version, unique `bom-ref`s) once for both encodings, so
//! JSON and XML accept and reject the same things.

// Many fields exist only so the schema's shape (names, types) is enforced; they are
// never read.
#![allow(dead_code)]

use std::collections::HashSet;

use medvigil_model::sbom::{
    Component as MComponent, ComponentKind, Dependency as MDep, Hash as MHash, Sbom, SbomFormat,
};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::SbomError;
use super::common::*;

/// A subtree medvigil does not model (vulnerabilities, formulation, ...). It is read
/// through, rejecting duplicate keys, and dropped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ignored;

impl<'de> Deserialize<'de> for Ignored {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IgnoredVisitor)
    }
}

struct IgnoredVisitor;

impl<'de> Visitor<'de> for IgnoredVisitor {
    type Value = Ignored;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Ignored, E> {
        Ok(Ignored)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Ignored, E> {
        Ok(Ignored)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Ignored, E> {
        Ok(Ignored)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Ignored, E> {
        Ok(Ignored)
    }
    fn visit_str<E>(self, _: &str) -> Result<Ignored, E> {
        Ok(Ignored)
    }
    fn visit_unit<E>(self) -> Result<Ignored, E> {
        Ok(Ignored)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ignored, A::Error> {
        while seq.next_element::<Ignored>()?.is_some() {}
        Ok(Ignored)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ignored, A::Error> {
        let mut seen = HashSet::new();
        while let Some(k) = map.next_key::<String>()? {
            if !seen.insert(k.clone()) {
                return Err(de::Error::custom(format!("duplicate key {k:?}")));
            }
            map.next_value::<Ignored>()?;
        }
        Ok(Ignored)
    }
}

/// A string medvigil does not keep (descriptions, URLs, license texts): its type is
/// checked, its content dropped at once, so large documents stay small in memory.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StrIgnored;

impl<'de> Deserialize<'de> for StrIgnored {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = StrIgnored;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E>(self, _: &str) -> Result<StrIgnored, E> {
                Ok(StrIgnored)
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON value kept whole (e.g. `metadata.tools`, whose shape changed in 1.5), read with
/// the same duplicate-key rejection as [`Ignored`].
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct AnyValue(pub serde_json::Value);

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyVisitor).map(AnyValue)
    }
}

struct AnyVisitor;

impl<'de> Visitor<'de> for AnyVisitor {
    type Value = serde_json::Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::new();
        while let Some(AnyValue(e)) = seq.next_element::<AnyValue>()? {
            v.push(e);
        }
        Ok(v.into())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut m = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let AnyValue(v) = map.next_value::<AnyValue>()?;
            if m.insert(k.clone(), v).is_some() {
                return Err(de::Error::custom(format!("duplicate key {k:?}")));
            }
        }
        Ok(m.into())
    }
}

/// The BOM root.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Bom {
    #[serde(rename = "$schema")]
    pub schema: Option<String>,
    pub bom_format: String,
    pub spec_version: String,
    pub serial_number: Option<String>,
    pub version: Option<i64>,
    pub metadata: Option<Metadata>,
    /// Read through [`components_streamed`]: under a [`Stream`] each component is
    /// validated and converted as soon as it is read, and this stays empty.
    #[serde(default, deserialize_with = "components_streamed")]
    pub components: Option<Vec<Component>>,
    pub services: Option<Vec<Service>>,
    pub external_references: Option<Vec<ExternalReference>>,
    pub dependencies: Option<Vec<Dependency>>,
    pub compositions: Option<Ignored>,
    pub properties: Option<Vec<Property>>,
    pub vulnerabilities: Option<Ignored>,
    pub annotations: Option<Ignored>,
    pub formulation: Option<Ignored>,
    pub declarations: Option<Ignored>,
    pub definitions: Option<Ignored>,
    pub citations: Option<Vec<Citation>>,
    pub signature: Option<Ignored>,
}

/// A citation (1.7): who or what supplied a piece of the BOM.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Citation {
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    pub pointers: Option<Vec<String>>,
    pub expressions: Option<Vec<String>>,
    pub timestamp: Option<String>,
    #[serde(rename = "attributedTo")]
    pub attributed_to: Option<String>,
    pub process: Option<String>,
    pub note: Option<StrIgnored>,
    pub signature: Option<Ignored>,
}

/// `metadata`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Metadata {
    pub timestamp: Option<String>,
    pub lifecycles: Option<Ignored>,
    pub tools: Option<AnyValue>,
    pub authors: Option<Vec<Contact>>,
    pub component: Option<Box<Component>>,
    pub manufacture: Option<Entity>,
    pub manufacturer: Option<Entity>,
    pub supplier: Option<Entity>,
    pub licenses: Option<Vec<LicenseChoice>>,
    pub properties: Option<Vec<Property>>,
    #[serde(rename = "distributionConstraints")]
    pub distribution_constraints: Option<Ignored>,
}

/// An organizational entity (supplier, manufacturer, provider).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entity {
    pub name: Option<String>,
    pub url: Option<Vec<String>>,
    pub contact: Option<Vec<Contact>>,
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    pub address: Option<Ignored>,
}

/// An organizational contact (person).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
}

/// A component.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Component {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "mime-type")]
    pub mime_type: Option<StrIgnored>,
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    pub supplier: Option<Box<Entity>>,
    pub manufacturer: Option<Box<Entity>>,
    pub author: Option<String>,
    pub authors: Option<Vec<Contact>>,
    pub publisher: Option<String>,
    pub group: Option<String>,
    pub name: String,
    pub version: Option<String>,
    #[serde(rename = "versionRange")]
    pub version_range: Option<StrIgnored>,
    #[serde(rename = "isExternal")]
    pub is_external: Option<bool>,
    pub description: Option<StrIgnored>,
    pub scope: Option<String>,
    pub hashes: Option<Vec<Hash>>,
    pub licenses: Option<Vec<LicenseChoice>>,
    pub copyright: Option<StrIgnored>,
    pub cpe: Option<String>,
    pub purl: Option<String>,
    #[serde(rename = "omniborId")]
    pub omnibor_id: Option<Vec<String>>,
    pub swhid: Option<Vec<String>>,
    pub swid: Option<Box<Swid>>,
    pub modified: Option<bool>,
    pub pedigree: Option<Box<Pedigree>>,
    #[serde(rename = "externalReferences")]
    pub external_references: Option<Vec<ExternalReference>>,
    pub properties: Option<Vec<Property>>,
    pub components: Option<Vec<Component>>,
    pub evidence: Option<Ignored>,
    #[serde(rename = "releaseNotes")]
    pub release_notes: Option<Ignored>,
    #[serde(rename = "modelCard")]
    pub model_card: Option<Ignored>,
    pub data: Option<Ignored>,
    #[serde(rename = "cryptoProperties")]
    pub crypto_properties: Option<Ignored>,
    #[serde(rename = "patentAssertions")]
    pub patent_assertions: Option<Ignored>,
    pub signature: Option<Ignored>,
    pub tags: Option<Vec<String>>,
}

/// A SWID tag reference.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Swid {
    #[serde(rename = "tagId")]
    pub tag_id: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    #[serde(rename = "tagVersion")]
    pub tag_version: Option<i64>,
    pub patch: Option<bool>,
    pub text: Option<Attachment>,
    pub url: Option<StrIgnored>,
}

/// A hash.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Hash {
    pub alg: String,
    pub content: String,
}

/// One entry of a `licenses` array: a license or an SPDX expression.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LicenseChoice {
    pub license: Option<License>,
    pub expression: Option<String>,
    pub acknowledgement: Option<String>,
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    #[serde(rename = "expressionDetails")]
    pub expression_details: Option<Ignored>,
    pub licensing: Option<Ignored>,
    pub properties: Option<Vec<Property>>,
}

/// A license by SPDX id or by name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct License {
    pub id: Option<String>,
    pub name: Option<String>,
    pub acknowledgement: Option<String>,
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    pub text: Option<Attachment>,
    pub url: Option<StrIgnored>,
    pub licensing: Option<Ignored>,
    pub properties: Option<Vec<Property>>,
}

/// Inline content (license text, diff).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Attachment {
    #[serde(rename = "contentType")]
    pub content_type: Option<StrIgnored>,
    pub encoding: Option<String>,
    pub content: StrIgnored,
}

/// An external reference.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExternalReference {
    pub url: StrIgnored,
    pub comment: Option<StrIgnored>,
    #[serde(rename = "type")]
    pub kind: String,
    pub hashes: Option<Vec<Hash>>,
    pub properties: Option<Vec<Property>>,
}

/// A name-value property.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Property {
    pub name: Option<String>,
    pub value: Option<String>,
}

/// A dependency graph node.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Dependency {
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    #[serde(rename = "dependsOn")]
    pub depends_on: Option<Vec<String>>,
    pub provides: Option<Vec<String>>,
}

/// Component pedigree.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Pedigree {
    pub ancestors: Option<Vec<Component>>,
    pub descendants: Option<Vec<Component>>,
    pub variants: Option<Vec<Component>>,
    pub commits: Option<Ignored>,
    pub patches: Option<Vec<Patch>>,
    pub notes: Option<StrIgnored>,
}

/// A patch in a pedigree.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Patch {
    #[serde(rename = "type")]
    pub kind: String,
    pub diff: Option<Ignored>,
    pub resolves: Option<Vec<Issue>>,
}

/// An issue a patch resolves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Issue {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<StrIgnored>,
    pub source: Option<Ignored>,
    pub references: Option<Vec<String>>,
}

/// A service.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Service {
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    pub provider: Option<Entity>,
    pub group: Option<String>,
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub endpoints: Option<Vec<String>>,
    pub authenticated: Option<bool>,
    #[serde(rename = "x-trust-boundary")]
    pub trust_boundary: Option<bool>,
    #[serde(rename = "trustZone")]
    pub trust_zone: Option<String>,
    pub data: Option<Vec<ServiceData>>,
    pub licenses: Option<Vec<LicenseChoice>>,
    #[serde(rename = "externalReferences")]
    pub external_references: Option<Vec<ExternalReference>>,
    pub services: Option<Vec<Service>>,
    #[serde(rename = "releaseNotes")]
    pub release_notes: Option<Ignored>,
    pub properties: Option<Vec<Property>>,
    pub tags: Option<Vec<String>>,
    #[serde(rename = "patentAssertions")]
    pub patent_assertions: Option<Ignored>,
    pub signature: Option<Ignored>,
}

/// A data flow of a service.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceData {
    pub flow: String,
    pub classification: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub governance: Option<Ignored>,
    pub source: Option<Vec<String>>,
    pub destination: Option<Vec<String>>,
}

/// The minor version of a `1.x` spec version, or an error for versions medvigil does
/// not read.
pub(crate) fn minor_version(spec: &str) -> Result<u32, SbomError> {
    match spec {
        "1.2" => Ok(2),
        "1.3" => Ok(3),
        "1.4" => Ok(4),
        "1.5" => Ok(5),
        "1.6" => Ok(6),
        "1.7" => Ok(7),
        "1.0" | "1.1" => Err(SbomError::at(
            "specVersion",
            format!(
                "CycloneDX {spec} is not supported (medvigil reads 1.2 to 1.7); regenerate the SBOM with a current tool"
            ),
        )),
        _ => Err(SbomError::at(
            "specVersion",
            format!("unknown CycloneDX specVersion {spec:?}: expected 1.2 to 1.7"),
        )),
    }
}

/// A location in the document (`components[1].hashes[0].content`), built on the stack
/// as the validator descends and turned into text only when something is wrong.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    const ROOT: Path<'static> = Path {
        parent: None,
        seg: Seg::Root,
    };

    fn f<'b>(&'b self, name: &'b str) -> Path<'b> {
        Path {
            parent: Some(self),
            seg: Seg::Field(name),
        }
    }

    fn i(&self, index: usize) -> Path<'_> {
        Path {
            parent: Some(self),
            seg: Seg::Index(index),
        }
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = self.parent {
            p.fmt(f)?;
        }
        match self.seg {
            Seg::Root => Ok(()),
            Seg::Field(name) if matches!(self.parent.map(|p| p.seg), Some(Seg::Root) | None) => {
                f.write_str(name)
            }
            Seg::Field(name) => write!(f, ".{name}"),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Collects the value-rule violations of a document; the first one is reported.
pub(crate) struct Validator {
    minor: u32,
    refs: HashSet<String>,
    /// Whether identifiers must be non-empty (`refType` minLength 1 since 1.5; medvigil
    /// applies it to every version because an empty bom-ref cannot be referenced).
    errors: Vec<SbomError>,
}

impl Validator {
    fn new(minor: u32) -> Validator {
        Validator {
            minor,
            refs: HashSet::new(),
            errors: Vec::new(),
        }
    }

    fn err(&mut self, path: &Path<'_>, msg: impl Into<String>) {
        self.errors.push(SbomError::at(path.to_string(), msg));
    }

    fn check_enum(&mut self, path: &Path<'_>, what: &str, v: &str, allowed: &[&str]) {
        if let Err(m) = one_of(what, v, allowed) {
            self.err(path, m);
        }
    }

    fn bom_ref(&mut self, path: &Path<'_>, r: &Option<String>) {
        if let Some(r) = r {
            if r.is_empty() {
                self.err(path, "bom-ref must not be empty");
            } else if !self.refs.insert(r.clone()) {
                self.err(
                    path,
                    format!("duplicate bom-ref {r:?}: bom-refs must be unique in a BOM"),
                );
            }
        }
    }

    /// Fields added in a later version than the document's. From 1.4 on the schemas
    /// forbid properties they do not list (`additionalProperties: false`); 1.2 and 1.3
    /// allowed any, so there a newer field is not an error.
    fn since(&mut self, p: &Path<'_>, fields: &[(&str, bool, u32)]) {
        for &(name, present, added) in fields {
            if present && self.minor >= 4 && self.minor < added {
                self.err(
                    &p.f(name),
                    format!(
                        "{name} is not part of CycloneDX 1.{} (it was added in 1.{added})",
                        self.minor
                    ),
                );
            }
        }
    }

    fn component(&mut self, p: &Path<'_>, c: &Component) {
        self.since(
            p,
            &[
                ("evidence", c.evidence.is_some(), 3),
                ("properties", c.properties.is_some(), 3),
                ("releaseNotes", c.release_notes.is_some(), 4),
                ("signature", c.signature.is_some(), 4),
                ("data", c.data.is_some(), 5),
                ("modelCard", c.model_card.is_some(), 5),
                ("authors", c.authors.is_some(), 6),
                ("cryptoProperties", c.crypto_properties.is_some(), 6),
                ("manufacturer", c.manufacturer.is_some(), 6),
                ("omniborId", c.omnibor_id.is_some(), 6),
                ("swhid", c.swhid.is_some(), 6),
                ("tags", c.tags.is_some(), 6),
                ("isExternal", c.is_external.is_some(), 7),
                ("versionRange", c.version_range.is_some(), 7),
                ("patentAssertions", c.patent_assertions.is_some(), 7),
            ],
        );
        self.check_enum(
            &p.f("type"),
            "component type",
            &c.kind,
            component_types(self.minor),
        );
        self.bom_ref(&p.f("bom-ref"), &c.bom_ref);
        if self.minor <= 3 && c.version.is_none() {
            self.err(
                p,
                format!(
                    "component {:?} has no version (required before CycloneDX 1.4)",
                    c.name
                ),
            );
        }
        if c.version_range.is_some() {
            if c.version.is_some() {
                self.err(p, "a component has version or versionRange, not both");
            }
            if c.is_external != Some(true) {
                self.err(
                    &p.f("versionRange"),
                    "versionRange is only allowed on external components (isExternal: true)",
                );
            }
        }
        if let Some(s) = &c.scope {
            self.check_enum(&p.f("scope"), "scope", s, SCOPES);
        }
        if let Some(hs) = &c.hashes {
            self.hashes(&p.f("hashes"), hs);
        }
        if let Some(ls) = &c.licenses {
            self.licenses(&p.f("licenses"), ls);
        }
        if let Some(s) = &c.swid {
            if s.tag_id.as_deref().is_none_or(str::is_empty) {
                self.err(&p.f("swid"), "swid requires tagId");
            }
            if s.name.as_deref().is_none_or(str::is_empty) {
                self.err(&p.f("swid"), "swid requires name");
            }
            if let Some(t) = &s.text {
                self.attachment(&p.f("swid").f("text"), t);
            }
        }
        if let Some(e) = &c.external_references {
            self.external_references(&p.f("externalReferences"), e);
        }
        if let Some(ps) = &c.properties {
            self.properties(&p.f("properties"), ps);
        }
        if let Some(ped) = &c.pedigree {
            for (name, list) in [
                ("ancestors", &ped.ancestors),
                ("descendants", &ped.descendants),
                ("variants", &ped.variants),
            ] {
                for (i, a) in list.iter().flatten().enumerate() {
                    self.component(&p.f("pedigree").f(name).i(i), a);
                }
            }
            for (i, patch) in ped.patches.iter().flatten().enumerate() {
                let pd = p.f("pedigree");
                let pl = pd.f("patches");
                let pp = pl.i(i);
                self.check_enum(&pp.f("type"), "patch type", &patch.kind, PATCH_TYPES);
                for (j, is) in patch.resolves.iter().flatten().enumerate() {
                    self.check_enum(
                        &pp.f("resolves").i(j).f("type"),
                        "issue type",
                        &is.kind,
                        ISSUE_TYPES,
                    );
                }
            }
        }
        for (i, sub) in c.components.iter().flatten().enumerate() {
            self.component(&p.f("components").i(i), sub);
        }
    }

    fn hashes(&mut self, p: &Path<'_>, hs: &[Hash]) {
        for (i, h) in hs.iter().enumerate() {
            self.check_enum(&p.i(i).f("alg"), "hash algorithm", &h.alg, HASH_ALGS);
            if !is_hash_content(&h.content) {
                self.err(
                    &p.i(i).f("content"),
                    format!(
                        "hash content {:?} is not a hex digest of 32, 40, 64, 96 or 128 digits",
                        h.content
                    ),
                );
            }
        }
    }

    fn attachment(&mut self, p: &Path<'_>, a: &Attachment) {
        if let Some(e) = &a.encoding {
            self.check_enum(&p.f("encoding"), "encoding", e, ENCODINGS);
        }
    }

    fn licenses(&mut self, p: &Path<'_>, ls: &[LicenseChoice]) {
        let has_expr = ls.iter().any(|l| l.expression.is_some());
        // 1.5 and 1.6 allow one expression alone; 1.7 allows mixing again.
        if has_expr && ls.len() > 1 && (5..=6).contains(&self.minor) {
            self.err(
                p,
                "a licenses array holding an SPDX expression must hold only that expression",
            );
        }
        for (i, l) in ls.iter().enumerate() {
            let lp = p.i(i);
            match (&l.license, &l.expression) {
                (Some(_), Some(_)) => {
                    self.err(&lp, "an entry has either license or expression, not both")
                }
                (None, None) => self.err(&lp, "an entry needs a license or an expression"),
                (None, Some(_)) => {}
                (Some(lic), None) => {
                    let lp = lp.f("license");
                    match (&lic.id, &lic.name) {
                        (Some(_), Some(_)) => {
                            self.err(&lp, "a license has either id or name, not both")
                        }
                        (None, None) => self.err(&lp, "a license needs an id or a name"),
                        (Some(id), None) => {
                            if !is_spdx_license_id(id) {
                                self.err(&lp.f("id"), format!("{id:?} is not an SPDX license identifier; use name for other licenses"));
                            }
                        }
                        (None, Some(_)) => {}
                    }
                    if let Some(t) = &lic.text {
                        self.attachment(&lp.f("text"), t);
                    }
                    if let Some(a) = &lic.acknowledgement {
                        self.check_enum(
                            &lp.f("acknowledgement"),
                            "acknowledgement",
                            a,
                            ACKNOWLEDGEMENTS,
                        );
                    }
                    if let Some(ps) = &lic.properties {
                        self.properties(&lp.f("properties"), ps);
                    }
                }
            }
            if let Some(a) = &l.acknowledgement {
                self.check_enum(
                    &lp.f("acknowledgement"),
                    "acknowledgement",
                    a,
                    ACKNOWLEDGEMENTS,
                );
            }
        }
    }

    fn external_references(&mut self, p: &Path<'_>, es: &[ExternalReference]) {
        for (i, e) in es.iter().enumerate() {
            self.check_enum(
                &p.i(i).f("type"),
                "external reference type",
                &e.kind,
                external_reference_types(self.minor),
            );
            if let Some(hs) = &e.hashes {
                self.hashes(&p.i(i).f("hashes"), hs);
            }
        }
    }

    fn properties(&mut self, p: &Path<'_>, ps: &[Property]) {
        if self.minor >= 6 {
            for (i, pr) in ps.iter().enumerate() {
                if pr.name.is_none() {
                    self.err(&p.i(i), "property requires a name");
                }
            }
        }
    }

    fn service(&mut self, p: &Path<'_>, s: &Service) {
        self.bom_ref(&p.f("bom-ref"), &s.bom_ref);
        for (i, d) in s.data.iter().flatten().enumerate() {
            self.check_enum(
                &p.f("data").i(i).f("flow"),
                "data flow",
                &d.flow,
                DATA_FLOWS,
            );
        }
        if let Some(ls) = &s.licenses {
            self.licenses(&p.f("licenses"), ls);
        }
        if let Some(e) = &s.external_references {
            self.external_references(&p.f("externalReferences"), e);
        }
        if let Some(ps) = &s.properties {
            self.properties(&p.f("properties"), ps);
        }
        for (i, sub) in s.services.iter().flatten().enumerate() {
            self.service(&p.f("services").i(i), sub);
        }
    }
}

/// Applies the schema's value rules and CycloneDX's identity rules to a raw document.
/// Returns every violation found, in document order (empty: valid).
pub(crate) fn validate(bom: &Bom) -> Result<Vec<SbomError>, SbomError> {
    let minor = check_header(bom)?;
    let mut v = Validator::new(minor);
    validate_with(bom, &mut v);
    Ok(v.errors)
}

/// The bomFormat and specVersion checks; returns the spec's minor version.
fn check_header(bom: &Bom) -> Result<u32, SbomError> {
    if bom.bom_format != "CycloneDX" {
        return Err(SbomError::at(
            "bomFormat",
            format!(
                "bomFormat must be \"CycloneDX\", found {:?}",
                bom.bom_format
            ),
        ));
    }
    minor_version(&bom.spec_version)
}

/// Applies the value rules to everything in `bom`, adding violations to `v`.
fn validate_with(bom: &Bom, v: &mut Validator) {
    v.since(
        &Path::ROOT,
        &[
            ("compositions", bom.compositions.is_some(), 3),
            ("$schema", bom.schema.is_some(), 4),
            ("signature", bom.signature.is_some(), 4),
            ("vulnerabilities", bom.vulnerabilities.is_some(), 4),
            ("annotations", bom.annotations.is_some(), 5),
            ("formulation", bom.formulation.is_some(), 5),
            ("properties", bom.properties.is_some(), 5),
            ("declarations", bom.declarations.is_some(), 6),
            ("definitions", bom.definitions.is_some(), 6),
            ("citations", bom.citations.is_some(), 7),
        ],
    );
    if let Some(s) = &bom.serial_number
        && !is_urn_uuid(s)
    {
        v.err(
            &Path::ROOT.f("serialNumber"),
            format!("serialNumber {s:?} is not urn:uuid:<RFC 4122 UUID>"),
        );
    }
    if let Some(n) = bom.version
        && n < 1
    {
        v.err(
            &Path::ROOT.f("version"),
            format!("BOM version must be 1 or more, found {n}"),
        );
    }
    if let Some(m) = &bom.metadata {
        v.since(
            &Path::ROOT.f("metadata"),
            &[
                ("licenses", m.licenses.is_some(), 3),
                ("properties", m.properties.is_some(), 3),
                ("lifecycles", m.lifecycles.is_some(), 5),
                ("manufacturer", m.manufacturer.is_some(), 6),
                (
                    "distributionConstraints",
                    m.distribution_constraints.is_some(),
                    7,
                ),
            ],
        );
        if let Some(t) = &m.timestamp
            && !is_date_time(t, true)
        {
            v.err(
                &Path::ROOT.f("metadata").f("timestamp"),
                format!("timestamp {t:?} is not an RFC 3339 date-time (e.g. 2024-05-01T12:00:00Z)"),
            );
        }
        if let Some(c) = &m.component {
            v.component(&Path::ROOT.f("metadata").f("component"), c);
        }
        if let Some(ls) = &m.licenses {
            v.licenses(&Path::ROOT.f("metadata").f("licenses"), ls);
        }
        if let Some(ps) = &m.properties {
            v.properties(&Path::ROOT.f("metadata").f("properties"), ps);
        }
    }
    for (i, c) in bom.components.iter().flatten().enumerate() {
        v.component(&Path::ROOT.f("components").i(i), c);
    }
    for (i, s) in bom.services.iter().flatten().enumerate() {
        v.service(&Path::ROOT.f("services").i(i), s);
    }
    if let Some(e) = &bom.external_references {
        v.external_references(&Path::ROOT.f("externalReferences"), e);
    }
    if let Some(ps) = &bom.properties {
        v.properties(&Path::ROOT.f("properties"), ps);
    }
    for (i, c) in bom.citations.iter().flatten().enumerate() {
        let root = Path::ROOT.f("citations");
        let p = root.i(i);
        v.bom_ref(&p.f("bom-ref"), &c.bom_ref);
        match &c.timestamp {
            None => v.err(&p, "citation requires timestamp"),
            Some(t) if !is_date_time(t, true) => v.err(
                &p.f("timestamp"),
                format!("{t:?} is not an RFC 3339 date-time"),
            ),
            _ => {}
        }
        if c.pointers.is_some() == c.expressions.is_some() {
            v.err(
                &p,
                "citation has either pointers or expressions (exactly one)",
            );
        }
        if c.attributed_to.is_none() && c.process.is_none() {
            v.err(&p, "citation requires attributedTo or process");
        }
    }
    for (i, d) in bom.dependencies.iter().flatten().enumerate() {
        match &d.reference {
            None => v.err(
                &Path::ROOT.f("dependencies").i(i),
                "dependency requires ref",
            ),
            Some(r) if r.is_empty() => v.err(
                &Path::ROOT.f("dependencies").i(i).f("ref"),
                "dependency ref must not be empty",
            ),
            _ => {}
        }
        for (j, t) in d.depends_on.iter().flatten().enumerate() {
            if t.is_empty() {
                v.err(
                    &Path::ROOT.f("dependencies").i(i).f("dependsOn").i(j),
                    "dependsOn entries must not be empty",
                );
            }
        }
    }
}

/// Converts a validated raw document to the model.
pub(crate) fn to_model(bom: Bom, format: SbomFormat) -> Sbom {
    to_model_with(bom, format, Vec::new(), 0)
}

/// [`to_model`] for a document whose top-level components were already converted
/// (`streamed`, in document order, `counter` references synthesized so far).
fn to_model_with(
    bom: Bom,
    format: SbomFormat,
    streamed: Vec<MComponent>,
    mut counter: usize,
) -> Sbom {
    let mut out = Sbom {
        format,
        spec_version: bom.spec_version,
        serial: bom.serial_number,
        revision: bom.version.and_then(|v| u64::try_from(v).ok()),
        name: None,
        timestamp: None,
        authors: Vec::new(),
        tools: Vec::new(),
        subject: None,
        components: Vec::new(),
        dependencies: Vec::new(),
    };
    if let Some(m) = bom.metadata {
        out.timestamp = m.timestamp;
        for a in m.authors.into_iter().flatten() {
            if let Some(n) = contact_name(&a) {
                out.authors.push(n);
            }
        }
        for e in [&m.manufacturer, &m.manufacture, &m.supplier]
            .into_iter()
            .flatten()
        {
            if let Some(n) = e.name.clone().filter(|n| !n.trim().is_empty())
                && !out.authors.contains(&n)
            {
                out.authors.push(n);
            }
        }
        if let Some(AnyValue(t)) = m.tools {
            out.tools = tool_names(&t);
        }
        if let Some(c) = m.component {
            let c = *c;
            out.name = Some(c.name.clone());
            let first = out.components.len();
            flatten(c, None, &mut out.components, &mut counter);
            out.subject = Some(out.components[first].reference.clone());
        }
    }
    if out.components.is_empty() {
        out.components = streamed;
    } else {
        out.components.extend(streamed);
    }
    for c in bom.components.into_iter().flatten() {
        flatten(c, None, &mut out.components, &mut counter);
    }
    for d in bom.dependencies.into_iter().flatten() {
        if let Some(r) = d.reference {
            out.dependencies.push(MDep {
                from: r,
                to: d.depends_on.unwrap_or_default(),
            });
        }
    }
    out
}

fn contact_name(c: &Contact) -> Option<String> {
    c.name
        .clone()
        .or_else(|| c.email.clone())
        .filter(|n| !n.trim().is_empty())
}

/// Tool names from either shape of `metadata.tools`: the legacy array of
/// `{vendor, name, version}` or the 1.5+ object of `components` / `services`.
fn tool_names(t: &serde_json::Value) -> Vec<String> {
    let one = |v: &serde_json::Value| -> Option<String> {
        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).filter(|x| !x.is_empty());
        let name = s("name")?;
        let vendor = s("vendor")
            .or_else(|| s("group"))
            .or_else(|| v.get("publisher").and_then(|x| x.as_str()));
        let mut out = match vendor {
            Some(vd) => format!("{vd} {name}"),
            None => name.to_string(),
        };
        if let Some(ver) = s("version") {
            out.push(' ');
            out.push_str(ver);
        }
        Some(out)
    };
    match t {
        serde_json::Value::Array(a) => a.iter().filter_map(one).collect(),
        serde_json::Value::Object(o) => ["components", "services"]
            .iter()
            .filter_map(|k| o.get(*k).and_then(|x| x.as_array()))
            .flatten()
            .filter_map(one)
            .collect(),
        _ => Vec::new(),
    }
}

/// Support level and end of support from a component's properties. Manufacturers write
/// them as properties named like "Level of Support" / "End-of-Support" (FDA premarket
/// guidance wording); names are compared ignoring case and punctuation.
fn support_from_properties(ps: &[Property]) -> (Option<String>, Option<String>) {
    let mut level = None;
    let mut eos = None;
    for p in ps {
        let (Some(n), Some(v)) = (&p.name, &p.value) else {
            continue;
        };
        let key: String = n
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let key = key
            .rsplit_once("cdx")
            .map_or(key.as_str(), |(_, k)| k)
            .to_string();
        match key.as_str() {
            "levelofsupport" | "supportlevel" | "support" | "supportstatus" => {
                level = Some(v.clone())
            }
            "endofsupport" | "eos" | "endoflife" | "eol" | "supportenddate"
            | "endofsupportdate" | "endoflifedate" => eos = Some(v.clone()),
            _ => {}
        }
    }
    (level, eos)
}

fn flatten(c: Component, parent: Option<&str>, out: &mut Vec<MComponent>, counter: &mut usize) {
    *counter += 1;
    let reference = c
        .bom_ref
        .clone()
        .unwrap_or_else(|| format!("component-{counter}"));
    let (support_level, end_of_support) =
        support_from_properties(c.properties.as_deref().unwrap_or_default());
    let supplier = c
        .supplier
        .as_ref()
        .and_then(|e| e.name.clone())
        .or_else(|| c.manufacturer.as_ref().and_then(|e| e.name.clone()))
        .or_else(|| c.publisher.clone())
        .filter(|s| !s.trim().is_empty());
    let author = c
        .author
        .clone()
        .or_else(|| {
            let names: Vec<String> = c
                .authors
                .iter()
                .flatten()
                .filter_map(contact_name)
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        })
        .filter(|s| !s.trim().is_empty());
    let mut other_ids = Vec::new();
    if let Some(t) = c.swid.as_ref().and_then(|s| s.tag_id.clone()) {
        other_ids.push(format!("swid:{t}"));
    }
    other_ids.extend(c.omnibor_id.iter().flatten().cloned());
    other_ids.extend(c.swhid.iter().flatten().cloned());
    let licenses = c
        .licenses
        .iter()
        .flatten()
        .filter_map(|l| {
            l.expression.clone().or_else(|| {
                l.license
                    .as_ref()
                    .and_then(|x| x.id.clone().or_else(|| x.name.clone()))
            })
        })
        .collect();
    let m = MComponent {
        reference: reference.clone(),
        name: c.name,
        version: c.version.filter(|v| !v.trim().is_empty()),
        group: c.group.filter(|g| !g.is_empty()),
        kind: ComponentKind::from_spelling(&c.kind),
        supplier,
        author,
        purls: c.purl.into_iter().filter(|p| !p.is_empty()).collect(),
        cpes: c.cpe.into_iter().filter(|p| !p.is_empty()).collect(),
        other_ids,
        hashes: c
            .hashes
            .into_iter()
            .flatten()
            .map(|h| MHash {
                alg: h.alg,
                value: if h.content.bytes().any(|b| b.is_ascii_uppercase()) {
                    h.content.to_ascii_lowercase()
                } else {
                    h.content
                },
            })
            .collect(),
        licenses,
        support_level,
        end_of_support,
        parent: parent.map(str::to_string),
    };
    out.push(m);
    for sub in c.components.into_iter().flatten() {
        flatten(sub, Some(&reference), out, counter);
    }
}

/// Per-thread state of a streamed read ([`read_streamed`]): the validator and the
/// components converted so far.
pub(crate) struct Stream {
    v: Validator,
    out: Vec<MComponent>,
    counter: usize,
    /// Index of the next top-level component, for error paths.
    next: usize,
}

thread_local! {
    static STREAM: std::cell::RefCell<Option<Stream>> = const { std::cell::RefCell::new(None) };
}

/// Clears the thread's stream state however the read ends.
struct StreamGuard;

impl Drop for StreamGuard {
    fn drop(&mut self) {
        STREAM.with(|s| s.borrow_mut().take());
    }
}

/// `deserialize_with` of `Bom::components`: without a [`Stream`] an ordinary array;
/// with one, each component is validated and converted to the model right after it is
/// read and its raw form dropped, so a 200 MB document never holds all raw components
/// and all model components at once.
fn components_streamed<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Component>>, D::Error> {
    if STREAM.with(|s| s.borrow().is_none()) {
        return Option::<Vec<Component>>::deserialize(d);
    }
    struct Seq;
    impl<'de> Visitor<'de> for Seq {
        type Value = Option<Vec<Component>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of components")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while let Some(c) = seq.next_element::<Component>()? {
                stream_component(c);
            }
            Ok(Some(Vec::new()))
        }
    }
    d.deserialize_seq(Seq)
}

/// Validates and converts one top-level component into the thread's [`Stream`]; hands
/// the component back when no stream is installed.
pub(crate) fn stream_component(c: Component) -> Option<Component> {
    STREAM.with(|s| {
        let mut s = s.borrow_mut();
        let Some(st) = s.as_mut() else {
            return Some(c);
        };
        let before = st.v.errors.len();
        st.v.component(&Path::ROOT.f("components").i(st.next), &c);
        st.next += 1;
        if st.v.errors.len() == before {
            flatten(c, None, &mut st.out, &mut st.counter);
        }
        None
    })
}

/// Reads a CycloneDX document with streamed component conversion. `spec_version`
/// is the version found by a cheap scan before parsing (it decides which enumerations
/// apply while components stream by); the parsed root's own specVersion must agree.
/// `read` deserializes the text (it runs with the stream state installed; it may run the
/// deserializer twice, calling `reset` before a second run).
pub(crate) fn read_streamed(
    spec_version: &str,
    format: SbomFormat,
    read: impl FnOnce(&dyn Fn()) -> Result<Bom, SbomError>,
) -> Result<Sbom, SbomError> {
    let minor = minor_version(spec_version)?;
    let _guard = StreamGuard;
    let install = move || {
        STREAM.with(|s| {
            *s.borrow_mut() = Some(Stream {
                v: Validator::new(minor),
                out: Vec::new(),
                counter: 0,
                next: 0,
            })
        })
    };
    install();
    let bom = read(&install)?;
    let Some(mut st) = STREAM.with(|s| s.borrow_mut().take()) else {
        unreachable!("the stream state is installed for the whole read");
    };
    let root_minor = check_header(&bom)?;
    if root_minor != minor {
        return Err(SbomError::at(
            "specVersion",
            format!(
                "specVersion {:?} disagrees with an earlier \"specVersion\" key ({spec_version:?})",
                bom.spec_version
            ),
        ));
    }
    validate_with(&bom, &mut st.v);
    if let Some(e) = st.v.errors.into_iter().next() {
        return Err(e);
    }
    Ok(to_model_with(bom, format, st.out, st.counter))
}

/// Parses `bom` fully: validation, then conversion. The first violation is the error.
pub(crate) fn finish(bom: Bom, format: SbomFormat) -> Result<Sbom, SbomError> {
    let errors = validate(&bom)?;
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    Ok(to_model(bom, format))
}
