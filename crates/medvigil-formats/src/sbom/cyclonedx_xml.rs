//! CycloneDX XML 1.2-1.7.
//!
//! The document is read with quick-xml into a small element tree (namespace-resolved,
//! depth-capped, DOCTYPE refused so no entity can be declared, let alone expanded), then
//! mapped onto the same raw layer as JSON ([`super::cdx`]) and validated by the same
//! rules. Mapping is strict where the XSD is: an unknown element in the CycloneDX
//! namespace, or a single-valued element given twice, is an error naming the element and
//! its line. Elements of other namespaces are skipped, as the XSD's `##other` wildcards
//! allow (extensions, XML signatures); unknown attributes are ignored, as its
//! `anyAttribute` wildcards allow.

use medvigil_model::sbom::{Sbom, SbomFormat};
use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::cdx::{self, AnyValue, Ignored, StrIgnored};
use super::{SbomError, line_col};

/// See [`super::MAX_DEPTH`].
const MAX_XML_DEPTH: usize = super::MAX_DEPTH;
const NS_PREFIX: &str = "http://cyclonedx.org/schema/bom/";

/// One element of the tree. Names, attribute values and text borrow from the input
/// when they can (no escapes, no line-end normalization), which keeps large documents
/// cheap to read.
#[derive(Debug, Default)]
struct El<'i> {
    /// Local name.
    name: Cow<'i, str>,
    /// Whether the element is in the document's CycloneDX namespace (false: foreign
    /// extension, or unqualified).
    ours: bool,
    /// Unqualified attributes (local name, unescaped value).
    attrs: Vec<(Cow<'i, str>, Cow<'i, str>)>,
    children: Vec<El<'i>>,
    text: Cow<'i, str>,
    /// Byte offset of the start tag, for error positions.
    pos: usize,
}

/// `s` as a borrow of `input` when it lies inside it (quick-xml hands out slices of the
/// input whenever nothing had to be unescaped), else an owned copy.
fn reborrow<'i>(input: &'i str, s: &str) -> Cow<'i, str> {
    let start = (s.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    match input.get(start..start.wrapping_add(s.len())) {
        Some(sub) if std::ptr::eq(sub.as_ptr(), s.as_ptr()) => Cow::Borrowed(sub),
        _ => Cow::Owned(s.to_string()),
    }
}

impl<'i> El<'i> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    }
    fn kids(&self) -> impl Iterator<Item = &El<'i>> {
        self.children.iter().filter(|c| c.ours)
    }
    fn value(&self) -> String {
        self.text.trim().to_string()
    }
}

/// Reads a CycloneDX XML document.
pub(crate) fn parse(text: &str) -> Result<Sbom, SbomError> {
    let version = super::detect::detect(text.as_bytes())?
        .spec_version
        .filter(|v| cdx::minor_version(v).is_ok());
    let m = Mapper {
        text,
        minor: version
            .as_deref()
            .map_or(0, |v| cdx::minor_version(v).unwrap_or(0)),
    };
    // Each top-level <component> is mapped, validated and converted as soon as its end
    // tag is read, and its subtree dropped: the tree never holds all components.
    match version {
        Some(v) => cdx::read_streamed(&v, SbomFormat::CyclonedxXml, |_reset| {
            let (root, ns) = build_tree(text, &mut |el| {
                let c = m.component(&el)?;
                Ok(cdx::stream_component(c).map(|_| el))
            })?;
            m.bom(&root, &ns)
        }),
        None => {
            let (root, ns) = build_tree(text, &mut |el| Ok(Some(el)))?;
            let bom = m.bom(&root, &ns)?;
            cdx::finish(bom, SbomFormat::CyclonedxXml)
        }
    }
}

/// Builds the element tree. Completed top-level components (`/bom/components/component`)
/// go to `on_component`, which may consume them (`Ok(None)`) or hand them back to be
/// attached.
fn build_tree<'i>(
    text: &'i str,
    on_component: &mut dyn FnMut(El<'i>) -> Result<Option<El<'i>>, SbomError>,
) -> Result<(El<'i>, String), SbomError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<El<'_>> = Vec::new();
    let mut root: Option<El<'_>> = None;
    let mut root_ns = String::new();
    let pos_err = |pos: u64, msg: String| {
        let (l, c) = line_col(text.as_bytes(), pos as usize);
        SbomError::at_line(l, c, msg)
    };
    loop {
        let start = reader.buffer_position();
        // Resolve the namespace to owned data at once: the resolution borrows the reader.
        // Whether the element is in the root's namespace, decided while the resolution
        // (which borrows the reader) is alive; the root's namespace is kept on first sight.
        let at_root = stack.is_empty() && root.is_none();
        let step = match reader.read_resolved_event() {
            Ok((res, ev)) => Ok((
                match res {
                    ResolveResult::Bound(n) => {
                        let n: &str = n.as_ref();
                        if at_root && matches!(ev, Event::Start(_) | Event::Empty(_)) {
                            root_ns = n.to_string();
                        }
                        Ok(n == root_ns)
                    }
                    ResolveResult::Unbound => Ok(false),
                    ResolveResult::Unknown(p) => Err(format!("undeclared namespace prefix {p:?}")),
                },
                ev,
            )),
            Err(e) => Err(e.to_string()),
        };
        let (ours, ev) = match step {
            Ok((Ok(ours), ev)) => (ours, ev),
            Ok((Err(msg), _)) => return Err(pos_err(start, msg)),
            Err(msg) => {
                return Err(pos_err(
                    reader.error_position(),
                    format!("malformed XML: {msg}"),
                ));
            }
        };
        match ev {
            Event::DocType(_) => {
                return Err(pos_err(
                    start,
                    "DOCTYPE declarations are refused: they can declare entities (XML entity expansion attacks) and CycloneDX never needs one".into(),
                ));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(ev, Event::Empty(_));
                if stack.is_empty() && root.is_some() {
                    return Err(pos_err(start, "more than one root element".into()));
                }
                if stack.len() >= MAX_XML_DEPTH {
                    return Err(pos_err(
                        start,
                        format!(
                            "nesting too deep (more than {MAX_XML_DEPTH} levels): refusing the document"
                        ),
                    ));
                }
                let name = reborrow(text, e.local_name().as_ref());
                let mut el = El {
                    name,
                    ours,
                    pos: start as usize,
                    ..El::default()
                };
                for a in e.attributes() {
                    let a =
                        a.map_err(|err| pos_err(start, format!("malformed attribute: {err}")))?;
                    let key = a.key;
                    if key.as_ref().starts_with("xmlns") || key.prefix().is_some() {
                        continue;
                    }
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|err| pos_err(start, format!("bad attribute value: {err}")))?;
                    el.attrs.push((
                        reborrow(text, key.local_name().as_ref()),
                        reborrow(text, &v),
                    ));
                }
                if is_empty {
                    attach(&mut stack, &mut root, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().expect("quick-xml checks end tags match");
                let top_level_component = stack.len() == 2
                    && el.ours
                    && el.name == "component"
                    && stack[1].name == "components"
                    && stack[1].ours;
                if top_level_component {
                    if let Some(el) = on_component(el)? {
                        attach(&mut stack, &mut root, el);
                    }
                } else {
                    attach(&mut stack, &mut root, el);
                }
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                if let Some(top) = stack.last_mut() {
                    // Indentation between elements is not content; text that continues
                    // after an entity reference is.
                    if top.text.is_empty() {
                        if !content.trim().is_empty() {
                            top.text = reborrow(text, &content);
                        }
                    } else {
                        top.text.to_mut().push_str(&content);
                    }
                } else if !content.trim().is_empty() {
                    return Err(pos_err(start, "text outside the root element".into()));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.to_mut().push_str(t.as_ref());
                }
            }
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match r.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "apos" => '\'',
                        "quot" => '"',
                        other => {
                            return Err(pos_err(start, format!("undefined entity &{};", other)));
                        }
                    },
                    Err(e) => return Err(pos_err(start, format!("bad character reference: {e}"))),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.to_mut().push(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(pos_err(
            text.len() as u64,
            format!(
                "the document is truncated: <{}> is never closed",
                stack.last().map_or("", |e| e.name.as_ref())
            ),
        ));
    }
    let root = root.ok_or_else(|| SbomError::msg("no root element"))?;
    Ok((root, root_ns))
}

fn attach<'i>(stack: &mut [El<'i>], root: &mut Option<El<'i>>, el: El<'i>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

struct Mapper<'a> {
    text: &'a str,
    /// Minor version of the document's namespace (1.x), once known.
    minor: u32,
}

type R<T> = Result<T, SbomError>;

impl Mapper<'_> {
    fn err(&self, el: &El, msg: impl Into<String>) -> SbomError {
        let (l, c) = line_col(self.text.as_bytes(), el.pos);
        SbomError {
            line: Some(l),
            column: Some(c),
            path: Some(format!("<{}>", el.name)),
            message: msg.into(),
        }
    }

    fn unknown(&self, parent: &El, child: &El) -> SbomError {
        self.err(
            child,
            format!("unexpected element <{}> in <{}>", child.name, parent.name),
        )
    }

    /// Sets a single-valued field, refusing a second occurrence.
    fn once<T>(&self, slot: &mut Option<T>, child: &El, v: T) -> R<()> {
        if slot.is_some() {
            return Err(self.err(child, format!("<{}> may appear only once here", child.name)));
        }
        *slot = Some(v);
        Ok(())
    }

    fn text_once(&self, slot: &mut Option<String>, child: &El) -> R<()> {
        self.once(slot, child, child.value())
    }

    fn bool_once(&self, slot: &mut Option<bool>, child: &El) -> R<()> {
        let v = match child.value().as_str() {
            "true" | "1" => true,
            "false" | "0" => false,
            other => {
                return Err(self.err(
                    child,
                    format!("<{}> must be true or false, found {other:?}", child.name),
                ));
            }
        };
        self.once(slot, child, v)
    }

    fn bom(&self, root: &El, ns: &str) -> R<cdx::Bom> {
        if root.name != "bom" {
            return Err(self.err(
                root,
                format!("root element must be <bom>, found <{}>", root.name),
            ));
        }
        let Some(spec) = ns.strip_prefix(NS_PREFIX) else {
            return Err(self.err(
                root,
                format!("<bom> namespace must be {NS_PREFIX}<version>, found {ns:?}"),
            ));
        };
        cdx::minor_version(spec)
            .map_err(|e| self.err(root, format!("namespace {ns:?}: {}", e.message)))?;
        let mut b = cdx::Bom {
            bom_format: "CycloneDX".into(),
            spec_version: spec.to_string(),
            serial_number: root.attr("serialNumber").map(str::to_string),
            ..cdx::Bom::default()
        };
        if let Some(v) = root.attr("version") {
            b.version = Some(
                v.trim()
                    .parse()
                    .map_err(|_| self.err(root, format!("version {v:?} is not an integer")))?,
            );
        }
        for c in root.kids() {
            match c.name.as_ref() {
                "metadata" => {
                    let m = self.metadata(c)?;
                    self.once(&mut b.metadata, c, m)?
                }
                "components" => {
                    let v = self.components(c)?;
                    self.once(&mut b.components, c, v)?
                }
                "services" => {
                    let v = self.services(c)?;
                    self.once(&mut b.services, c, v)?
                }
                "externalReferences" => {
                    let v = self.ext_refs(c)?;
                    self.once(&mut b.external_references, c, v)?
                }
                "dependencies" => {
                    let v = self.dependencies(c)?;
                    self.once(&mut b.dependencies, c, v)?
                }
                "properties" => {
                    let v = self.properties(c)?;
                    self.once(&mut b.properties, c, v)?
                }
                "compositions" => self.once(&mut b.compositions, c, Ignored)?,
                "vulnerabilities" => self.once(&mut b.vulnerabilities, c, Ignored)?,
                "annotations" => self.once(&mut b.annotations, c, Ignored)?,
                "formulation" => self.once(&mut b.formulation, c, Ignored)?,
                "declarations" => self.once(&mut b.declarations, c, Ignored)?,
                "definitions" => self.once(&mut b.definitions, c, Ignored)?,
                "citations" => {
                    let v = self.citations(c)?;
                    self.once(&mut b.citations, c, v)?
                }
                _ => return Err(self.unknown(root, c)),
            }
        }
        Ok(b)
    }

    fn metadata(&self, el: &El) -> R<cdx::Metadata> {
        let mut m = cdx::Metadata::default();
        for c in el.kids() {
            match c.name.as_ref() {
                "timestamp" => self.text_once(&mut m.timestamp, c)?,
                "lifecycles" => self.once(&mut m.lifecycles, c, Ignored)?,
                "tools" => {
                    let t = self.tools(c)?;
                    self.once(&mut m.tools, c, t)?
                }
                "authors" => {
                    let mut v = Vec::new();
                    for a in c.kids() {
                        if a.name != "author" {
                            return Err(self.unknown(c, a));
                        }
                        v.push(self.contact(a)?);
                    }
                    self.once(&mut m.authors, c, v)?
                }
                "component" => {
                    let comp = self.component(c)?;
                    self.once(&mut m.component, c, Box::new(comp))?
                }
                "manufacture" => {
                    let e = self.entity(c)?;
                    self.once(&mut m.manufacture, c, e)?
                }
                "manufacturer" => {
                    let e = self.entity(c)?;
                    self.once(&mut m.manufacturer, c, e)?
                }
                "supplier" => {
                    let e = self.entity(c)?;
                    self.once(&mut m.supplier, c, e)?
                }
                "licenses" => {
                    let l = self.licenses(c)?;
                    self.once(&mut m.licenses, c, l)?
                }
                "properties" => {
                    let p = self.properties(c)?;
                    self.once(&mut m.properties, c, p)?
                }
                "distributionConstraints" => {
                    self.once(&mut m.distribution_constraints, c, Ignored)?
                }
                _ => return Err(self.unknown(el, c)),
            }
        }
        Ok(m)
    }

    /// `metadata/tools` as the JSON shape [`cdx`] reads names from.
    fn tools(&self, el: &El) -> R<AnyValue> {
        use serde_json::{Map, Value};
        let one = |t: &El| -> Value {
            let mut o = Map::new();
            for k in t.kids() {
                if matches!(
                    k.name.as_ref(),
                    "vendor" | "group" | "name" | "version" | "publisher"
                ) {
                    o.insert(k.name.to_string(), Value::String(k.value()));
                }
            }
            Value::Object(o)
        };
        let legacy: Vec<Value> = el.kids().filter(|k| k.name == "tool").map(one).collect();
        if !legacy.is_empty() {
            return Ok(AnyValue(Value::Array(legacy)));
        }
        let mut o = Map::new();
        for k in el.kids() {
            match k.name.as_ref() {
                "components" => {
                    for c in k.kids() {
                        self.component(c)?;
                    }
                    o.insert(
                        "components".into(),
                        Value::Array(k.kids().map(one).collect()),
                    );
                }
                "services" => {
                    o.insert("services".into(), Value::Array(k.kids().map(one).collect()));
                }
                _ => return Err(self.unknown(el, k)),
            }
        }
        Ok(AnyValue(Value::Object(o)))
    }

    fn contact(&self, el: &El) -> R<cdx::Contact> {
        let mut c = cdx::Contact {
            bom_ref: el.attr("bom-ref").map(str::to_string),
            ..Default::default()
        };
        for k in el.kids() {
            match k.name.as_ref() {
                "name" => self.text_once(&mut c.name, k)?,
                "email" => self.text_once(&mut c.email, k)?,
                "phone" => self.text_once(&mut c.phone, k)?,
                _ => return Err(self.unknown(el, k)),
            }
        }
        Ok(c)
    }

    fn entity(&self, el: &El) -> R<cdx::Entity> {
        let mut e = cdx::Entity {
            bom_ref: el.attr("bom-ref").map(str::to_string),
            ..Default::default()
        };
        for k in el.kids() {
            match k.name.as_ref() {
                "name" => self.text_once(&mut e.name, k)?,
                "url" => e.url.get_or_insert_with(Vec::new).push(k.value()),
                "contact" => {
                    let c = self.contact(k)?;
                    e.contact.get_or_insert_with(Vec::new).push(c)
                }
                "address" => self.once(&mut e.address, k, Ignored)?,
                _ => return Err(self.unknown(el, k)),
            }
        }
        Ok(e)
    }

    fn components(&self, el: &El) -> R<Vec<cdx::Component>> {
        el.kids()
            .map(|c| {
                if c.name == "component" {
                    self.component(c)
                } else {
                    Err(self.unknown(el, c))
                }
            })
            .collect()
    }

    fn component(&self, el: &El) -> R<cdx::Component> {
        if el.name != "component" {
            return Err(self.err(el, format!("expected <component>, found <{}>", el.name)));
        }
        let Some(kind) = el.attr("type") else {
            return Err(self.err(el, "<component> requires the type attribute"));
        };
        let mut c = cdx::Component {
            kind: kind.to_string(),
            bom_ref: el.attr("bom-ref").map(str::to_string),
            mime_type: el.attr("mime-type").map(|_| StrIgnored),
            is_external: match el.attr("isExternal") {
                None => None,
                Some("true" | "1") => Some(true),
                Some("false" | "0") => Some(false),
                Some(other) => {
                    return Err(self.err(
                        el,
                        format!("isExternal must be true or false, found {other:?}"),
                    ));
                }
            },
            ..Default::default()
        };
        let mut name = None;
        for k in el.kids() {
            match k.name.as_ref() {
                "supplier" => {
                    let e = self.entity(k)?;
                    self.once(&mut c.supplier, k, Box::new(e))?
                }
                "manufacturer" => {
                    let e = self.entity(k)?;
                    self.once(&mut c.manufacturer, k, Box::new(e))?
                }
                "author" => self.text_once(&mut c.author, k)?,
                "authors" => {
                    let mut v = Vec::new();
                    for a in k.kids() {
                        v.push(self.contact(a)?);
                    }
                    self.once(&mut c.authors, k, v)?
                }
                "publisher" => self.text_once(&mut c.publisher, k)?,
                "group" => self.text_once(&mut c.group, k)?,
                "name" => self.text_once(&mut name, k)?,
                "version" => self.text_once(&mut c.version, k)?,
                "versionRange" => self.once(&mut c.version_range, k, StrIgnored)?,
                "description" => self.once(&mut c.description, k, StrIgnored)?,
                "scope" => self.text_once(&mut c.scope, k)?,
                "hashes" => {
                    let h = self.hashes(k)?;
                    self.once(&mut c.hashes, k, h)?
                }
                "licenses" => {
                    let l = self.licenses(k)?;
                    self.once(&mut c.licenses, k, l)?
                }
                "copyright" => self.once(&mut c.copyright, k, StrIgnored)?,
                "cpe" => self.text_once(&mut c.cpe, k)?,
                "purl" => self.text_once(&mut c.purl, k)?,
                "omniborId" => c.omnibor_id.get_or_insert_with(Vec::new).push(k.value()),
                "swhid" => c.swhid.get_or_insert_with(Vec::new).push(k.value()),
                "swid" => {
                    let s = self.swid(k)?;
                    self.once(&mut c.swid, k, Box::new(s))?
                }
                "modified" => self.bool_once(&mut c.modified, k)?,
                "pedigree" => {
                    let p = self.pedigree(k)?;
                    self.once(&mut c.pedigree, k, Box::new(p))?
                }
                "externalReferences" => {
                    let v = self.ext_refs(k)?;
                    self.once(&mut c.external_references, k, v)?
                }
                "properties" => {
                    let v = self.properties(k)?;
                    self.once(&mut c.properties, k, v)?
                }
                "components" => {
                    let v = self.components(k)?;
                    self.once(&mut c.components, k, v)?
                }
                "evidence" => self.once(&mut c.evidence, k, Ignored)?,
                "releaseNotes" => self.once(&mut c.release_notes, k, Ignored)?,
                "modelCard" => self.once(&mut c.model_card, k, Ignored)?,
                "data" => c.data = Some(Ignored),
                "cryptoProperties" => self.once(&mut c.crypto_properties, k, Ignored)?,
                "patentAssertions" => self.once(&mut c.patent_assertions, k, Ignored)?,
                "tags" => {
                    let v = k.kids().map(El::value).collect();
                    self.once(&mut c.tags, k, v)?
                }
                _ => return Err(self.unknown(el, k)),
            }
        }
        c.name = name.ok_or_else(|| self.err(el, "<component> requires <name>"))?;
        Ok(c)
    }

    fn hashes(&self, el: &El) -> R<Vec<cdx::Hash>> {
        el.kids()
            .map(|h| {
                if h.name != "hash" {
                    return Err(self.unknown(el, h));
                }
                let alg = h
                    .attr("alg")
                    .ok_or_else(|| self.err(h, "<hash> requires the alg attribute"))?;
                Ok(cdx::Hash {
                    alg: alg.to_string(),
                    content: h.value(),
                })
            })
            .collect()
    }

    fn attachment(&self, el: &El) -> cdx::Attachment {
        cdx::Attachment {
            content_type: el.attr("content-type").map(|_| StrIgnored),
            encoding: el.attr("encoding").map(str::to_string),
            content: StrIgnored,
        }
    }

    fn licenses(&self, el: &El) -> R<Vec<cdx::LicenseChoice>> {
        let mut out = Vec::new();
        for k in el.kids() {
            match k.name.as_ref() {
                "license" => {
                    let mut l = cdx::License {
                        bom_ref: k.attr("bom-ref").map(str::to_string),
                        acknowledgement: k.attr("acknowledgement").map(str::to_string),
                        ..Default::default()
                    };
                    for f in k.kids() {
                        match f.name.as_ref() {
                            "id" => self.text_once(&mut l.id, f)?,
                            "name" => self.text_once(&mut l.name, f)?,
                            "text" => {
                                let a = self.attachment(f);
                                self.once(&mut l.text, f, a)?
                            }
                            "url" => self.once(&mut l.url, f, StrIgnored)?,
                            "licensing" => self.once(&mut l.licensing, f, Ignored)?,
                            "properties" => {
                                let p = self.properties(f)?;
                                self.once(&mut l.properties, f, p)?
                            }
                            _ => return Err(self.unknown(k, f)),
                        }
                    }
                    out.push(cdx::LicenseChoice {
                        license: Some(l),
                        ..Default::default()
                    });
                }
                "expression" => out.push(cdx::LicenseChoice {
                    expression: Some(k.value()),
                    acknowledgement: k.attr("acknowledgement").map(str::to_string),
                    bom_ref: k.attr("bom-ref").map(str::to_string),
                    ..Default::default()
                }),
                "expression-detailed" => out.push(cdx::LicenseChoice {
                    expression: Some(k.attr("expression").unwrap_or_default().to_string()),
                    ..Default::default()
                }),
                _ => return Err(self.unknown(el, k)),
            }
        }
        // The XSD's choice up to 1.6: either license elements or one expression, never
        // both. 1.7 allows mixing them.
        let exprs = out.iter().filter(|l| l.expression.is_some()).count();
        if exprs > 0 && out.len() > 1 && self.minor <= 6 {
            return Err(self.err(
                el,
                "<licenses> holds either <license> elements or a single <expression>, not both",
            ));
        }
        Ok(out)
    }

    fn swid(&self, el: &El) -> R<cdx::Swid> {
        let mut s = cdx::Swid {
            tag_id: el.attr("tagId").map(str::to_string),
            name: el.attr("name").map(str::to_string),
            version: el.attr("version").map(str::to_string),
            ..Default::default()
        };
        if let Some(v) = el.attr("tagVersion") {
            s.tag_version = Some(
                v.trim()
                    .parse()
                    .map_err(|_| self.err(el, format!("tagVersion {v:?} is not an integer")))?,
            );
        }
        for k in el.kids() {
            match k.name.as_ref() {
                "text" => {
                    let a = self.attachment(k);
                    self.once(&mut s.text, k, a)?
                }
                "url" => self.once(&mut s.url, k, StrIgnored)?,
                _ => return Err(self.unknown(el, k)),
            }
        }
        Ok(s)
    }

    fn pedigree(&self, el: &El) -> R<cdx::Pedigree> {
        let mut p = cdx::Pedigree::default();
        for k in el.kids() {
            match k.name.as_ref() {
                "ancestors" => {
                    let v = self.components(k)?;
                    self.once(&mut p.ancestors, k, v)?
                }
                "descendants" => {
                    let v = self.components(k)?;
                    self.once(&mut p.descendants, k, v)?
                }
                "variants" => {
                    let v = self.components(k)?;
                    self.once(&mut p.variants, k, v)?
                }
                "commits" => self.once(&mut p.commits, k, Ignored)?,
                "patches" => {
                    let mut v = Vec::new();
                    for pa in k.kids() {
                        if pa.name != "patch" {
                            return Err(self.unknown(k, pa));
                        }
                        let kind = pa
                            .attr("type")
                            .ok_or_else(|| self.err(pa, "<patch> requires the type attribute"))?;
                        let mut patch = cdx::Patch {
                            kind: kind.to_string(),
                            ..Default::default()
                        };
                        for f in pa.kids() {
                            match f.name.as_ref() {
                                "diff" => patch.diff = Some(Ignored),
                                "resolves" => {
                                    let mut issues = Vec::new();
                                    for i in f.kids() {
                                        let kind = i.attr("type").ok_or_else(|| {
                                            self.err(i, "<issue> requires the type attribute")
                                        })?;
                                        issues.push(cdx::Issue {
                                            kind: kind.to_string(),
                                            ..Default::default()
                                        });
                                    }
                                    patch.resolves = Some(issues);
                                }
                                _ => return Err(self.unknown(pa, f)),
                            }
                        }
                        v.push(patch);
                    }
                    self.once(&mut p.patches, k, v)?
                }
                "notes" => self.once(&mut p.notes, k, StrIgnored)?,
                _ => return Err(self.unknown(el, k)),
            }
        }
        Ok(p)
    }

    fn ext_refs(&self, el: &El) -> R<Vec<cdx::ExternalReference>> {
        el.kids()
            .map(|r| {
                if r.name != "reference" {
                    return Err(self.unknown(el, r));
                }
                let kind = r
                    .attr("type")
                    .ok_or_else(|| self.err(r, "<reference> requires the type attribute"))?;
                let mut e = cdx::ExternalReference {
                    kind: kind.to_string(),
                    ..Default::default()
                };
                let mut url = None;
                for k in r.kids() {
                    match k.name.as_ref() {
                        "url" => self.once(&mut url, k, StrIgnored)?,
                        "comment" => self.once(&mut e.comment, k, StrIgnored)?,
                        "hashes" => {
                            let h = self.hashes(k)?;
                            self.once(&mut e.hashes, k, h)?
                        }
                        "properties" => {
                            let p = self.properties(k)?;
                            self.once(&mut e.properties, k, p)?
                        }
                        _ => return Err(self.unknown(r, k)),
                    }
                }
                e.url = url.ok_or_else(|| self.err(r, "<reference> requires <url>"))?;
                Ok(e)
            })
            .collect()
    }

    fn properties(&self, el: &El) -> R<Vec<cdx::Property>> {
        el.kids()
            .map(|p| {
                if p.name != "property" {
                    return Err(self.unknown(el, p));
                }
                if let Some(k) = p.kids().next() {
                    return Err(self.unknown(p, k));
                }
                Ok(cdx::Property {
                    name: p.attr("name").map(str::to_string),
                    value: Some(p.text.to_string()),
                })
            })
            .collect()
    }

    fn dependencies(&self, el: &El) -> R<Vec<cdx::Dependency>> {
        el.kids()
            .map(|d| {
                if d.name != "dependency" {
                    return Err(self.unknown(el, d));
                }
                let mut on = Vec::new();
                let mut provides = Vec::new();
                for k in d.kids() {
                    let r = k.attr("ref").ok_or_else(|| {
                        self.err(k, format!("<{}> requires the ref attribute", k.name))
                    })?;
                    match k.name.as_ref() {
                        "dependency" => on.push(r.to_string()),
                        "provides" => provides.push(r.to_string()),
                        _ => return Err(self.unknown(d, k)),
                    }
                }
                Ok(cdx::Dependency {
                    reference: d.attr("ref").map(str::to_string),
                    depends_on: Some(on),
                    provides: Some(provides),
                })
            })
            .collect()
    }

    fn citations(&self, el: &El) -> R<Vec<cdx::Citation>> {
        el.kids()
            .map(|c| {
                if c.name != "citation" {
                    return Err(self.unknown(el, c));
                }
                let mut out = cdx::Citation {
                    bom_ref: c.attr("bom-ref").map(str::to_string),
                    ..Default::default()
                };
                for k in c.kids() {
                    match k.name.as_ref() {
                        "pointers" => {
                            let v = k.kids().map(El::value).collect();
                            self.once(&mut out.pointers, k, v)?
                        }
                        "expressions" => {
                            let v = k.kids().map(El::value).collect();
                            self.once(&mut out.expressions, k, v)?
                        }
                        "timestamp" => self.text_once(&mut out.timestamp, k)?,
                        "attributedTo" => self.text_once(&mut out.attributed_to, k)?,
                        "process" => self.text_once(&mut out.process, k)?,
                        "note" => self.once(&mut out.note, k, StrIgnored)?,
                        _ => return Err(self.unknown(c, k)),
                    }
                }
                Ok(out)
            })
            .collect()
    }

    fn services(&self, el: &El) -> R<Vec<cdx::Service>> {
        el.kids()
            .map(|s| {
                if s.name != "service" {
                    return Err(self.unknown(el, s));
                }
                let mut out = cdx::Service {
                    bom_ref: s.attr("bom-ref").map(str::to_string),
                    ..Default::default()
                };
                let mut name = None;
                for k in s.kids() {
                    match k.name.as_ref() {
                        "provider" => {
                            let e = self.entity(k)?;
                            self.once(&mut out.provider, k, e)?
                        }
                        "group" => self.text_once(&mut out.group, k)?,
                        "name" => self.text_once(&mut name, k)?,
                        "version" => self.text_once(&mut out.version, k)?,
                        "description" => self.text_once(&mut out.description, k)?,
                        "endpoints" => out.endpoints = Some(k.kids().map(El::value).collect()),
                        "authenticated" => self.bool_once(&mut out.authenticated, k)?,
                        "x-trust-boundary" => self.bool_once(&mut out.trust_boundary, k)?,
                        "trustZone" => self.text_once(&mut out.trust_zone, k)?,
                        "data" => {
                            let mut v = Vec::new();
                            for f in k.kids() {
                                // 1.2-1.4: <classification flow="..">; 1.5+: <dataflow> holding
                                // one <classification flow="..">.
                                let f = if f.name == "dataflow" {
                                    f.kids().find(|x| x.name == "classification").ok_or_else(
                                        || self.err(f, "<dataflow> requires <classification>"),
                                    )?
                                } else {
                                    f
                                };
                                let flow = f.attr("flow").ok_or_else(|| {
                                    self.err(f, format!("<{}> requires the flow attribute", f.name))
                                })?;
                                v.push(cdx::ServiceData {
                                    flow: flow.to_string(),
                                    classification: f.value(),
                                    ..Default::default()
                                });
                            }
                            out.data = Some(v);
                        }
                        "licenses" => {
                            let l = self.licenses(k)?;
                            self.once(&mut out.licenses, k, l)?
                        }
                        "externalReferences" => {
                            let v = self.ext_refs(k)?;
                            self.once(&mut out.external_references, k, v)?
                        }
                        "properties" => {
                            let v = self.properties(k)?;
                            self.once(&mut out.properties, k, v)?
                        }
                        "services" => {
                            let v = self.services(k)?;
                            self.once(&mut out.services, k, v)?
                        }
                        "releaseNotes" => out.release_notes = Some(Ignored),
                        "tags" => out.tags = Some(k.kids().map(El::value).collect()),
                        "patentAssertions" => out.patent_assertions = Some(Ignored),
                        _ => return Err(self.unknown(s, k)),
                    }
                }
                out.name = name.ok_or_else(|| self.err(s, "<service> requires <name>"))?;
                Ok(out)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">{body}</bom>"#
        )
    }

    #[test]
    fn reads_components_and_nested_dependencies() {
        let s = parse(&doc(
            r#"<components><component type="firmware" bom-ref="fw"><name>fw &amp; boot</name><version>2.1</version>
               <purl>pkg:generic/fw@2.1</purl></component>
               <component type="library" bom-ref="z"><name>zlib</name></component></components>
               <dependencies><dependency ref="fw"><dependency ref="z"/></dependency></dependencies>"#,
        ))
        .unwrap();
        assert_eq!(s.components[0].name, "fw & boot");
        assert_eq!(
            s.components[0].purls,
            vec!["pkg:generic/fw@2.1".to_string()]
        );
        assert_eq!(s.dependencies[0].to, vec!["z".to_string()]);
    }

    #[test]
    fn doctype_and_entities_are_refused() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&lol2;</name></component></components></bom>"#;
        let e = parse(bomb).unwrap_err();
        assert!(e.message.contains("DOCTYPE"), "{e}");
        let e = parse(&doc(
            r#"<components><component type="library"><name>&lol;</name></component></components>"#,
        ))
        .unwrap_err();
        assert!(e.message.contains("undefined entity &lol;"), "{e}");
    }

    #[test]
    fn truncated_and_unknown_elements_name_the_line() {
        let e = parse(&doc("<components><component type=\"library\">\n<name>a</name>")[..80])
            .unwrap_err();
        assert!(e.line.is_some(), "{e}");
        let e = parse(&doc("<components>\n<component type=\"library\"><name>a</name><colour/></component></components>")).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("unexpected element <colour>"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut body = String::from("<components>");
        for _ in 0..10_000 {
            body.push_str(r#"<component type="library"><name>n</name><components>"#);
        }
        let e = parse(&doc(&body)).unwrap_err();
        assert!(e.message.contains("nesting too deep"), "{e}");
    }

    #[test]
    fn foreign_namespaces_are_skipped() {
        let s = parse(
            r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.4" xmlns:x="urn:example"><x:note>hi</x:note>
               <components><component type="library"><name>a</name><x:extra/></component></components></bom>"#,
        )
        .unwrap();
        assert_eq!(s.components.len(), 1);
    }
}
