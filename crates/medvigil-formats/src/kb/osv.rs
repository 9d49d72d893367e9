//! OSV records (<https://ossf.github.io/osv-schema/>), JSON or YAML.
//!
//! One file holds one record, as osv.dev exports them (and the PyPA database's YAML).
//! `modified` and `id` are required by the schema; so are the `type` and `events` of a
//! range, and every event must carry exactly one of `introduced`, `fixed`,
//! `last_affected`, `limit`.

use medvigil_model::vuln::{
    AffectedRule, KbSource, OsvAffected, OsvEvent, OsvRange, Reference, Score, ScoreKind,
    Vulnerability,
};
use serde::Deserialize;

use super::json::{self, limit, limit_opt, push_cwe, tidy_aliases};
use super::{KbError, KbFormat};

#[derive(Deserialize)]
struct Raw {
    id: String,
    modified: String,
    published: Option<String>,
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    summary: Option<String>,
    details: Option<String>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
    #[serde(default)]
    affected: Option<Vec<RawAffected>>,
    #[serde(default)]
    references: Option<Vec<RawReference>>,
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    #[serde(default)]
    ranges: Option<Vec<RawRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    severity: Option<Vec<RawSeverity>>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
    purl: Option<String>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    repo: Option<String>,
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: String,
}

/// Parses one OSV record in JSON.
pub fn parse_osv_json(bytes: &[u8]) -> Result<Vulnerability, KbError> {
    let raw: Raw = json::from_slice(KbFormat::OsvJson, bytes)?;
    convert(KbFormat::OsvJson, raw)
}

/// Parses one OSV record in YAML.
pub fn parse_osv_yaml(bytes: &[u8]) -> Result<Vulnerability, KbError> {
    let format = KbFormat::OsvYaml;
    let de = serde_yaml_ng::Deserializer::from_slice(bytes);
    let raw: Raw = serde_path_to_error::deserialize(de).map_err(|e| {
        let pointer = json::pointer_of(e.path());
        let inner = e.into_inner();
        let (line, column) = match inner.location() {
            Some(l) => (Some(l.line()), Some(l.column())),
            None => (None, None),
        };
        let mut message = inner.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        KbError {
            format: Some(format),
            line,
            column,
            pointer: Some(pointer),
            message,
        }
    })?;
    convert(format, raw)
}

fn severity(format: KbFormat, pointer: &str, s: RawSeverity) -> Result<Score, KbError> {
    limit(format, pointer, &s.score)?;
    let kind = match s.kind.as_str() {
        "CVSS_V2" | "CVSS_V3" | "CVSS_V4" => ScoreKind::from_vector(&s.score),
        other => ScoreKind::Other(other.to_string()),
    };
    if matches!(&kind, ScoreKind::Other(k) if k == "unknown") {
        return Err(KbError::at(
            format,
            pointer,
            format!("{} score {:?} is not a CVSS vector", s.kind, s.score),
        ));
    }
    Ok(Score {
        source: "osv".into(),
        kind,
        vector: s.score,
        base_score: None,
        severity: None,
        metric_type: None,
        extra: Default::default(),
    })
}

fn convert(format: KbFormat, raw: Raw) -> Result<Vulnerability, KbError> {
    if raw.id.trim().is_empty() {
        return Err(KbError::at(format, "/id", "the record id is empty"));
    }
    limit(format, "/id", &raw.id)?;
    limit_opt(format, "/summary", &raw.summary)?;
    limit_opt(format, "/details", &raw.details)?;
    let mut v = Vulnerability::new(raw.id, KbSource::Osv);
    v.aliases = raw.aliases.unwrap_or_default();
    tidy_aliases(&v.id, &mut v.aliases);
    v.summary = raw.summary.filter(|s| !s.is_empty());
    v.details = raw.details.filter(|s| !s.is_empty());
    v.published = raw.published;
    v.modified = Some(raw.modified);
    v.withdrawn = raw.withdrawn;
    for (i, s) in raw.severity.unwrap_or_default().into_iter().enumerate() {
        v.scores
            .push(severity(format, &format!("/severity/{i}"), s)?);
    }
    // GHSA-derived records list CWEs in database_specific.cwe_ids.
    if let Some(ids) = raw
        .database_specific
        .as_ref()
        .and_then(|d| d.get("cwe_ids"))
        .and_then(|c| c.as_array())
    {
        for id in ids.iter().filter_map(|i| i.as_str()) {
            push_cwe(&mut v.cwes, id);
        }
    }
    for r in raw.references.unwrap_or_default() {
        v.references.push(Reference {
            url: r.url,
            kind: r.kind,
        });
    }
    for (i, a) in raw.affected.unwrap_or_default().into_iter().enumerate() {
        let at = format!("/affected/{i}");
        // The schema allows an affected entry without a package (GIT-only ranges);
        // it then has no ecosystem to match, but its ranges are still kept.
        let (ecosystem, name, purl) = match a.package {
            Some(p) => (p.ecosystem, p.name, p.purl),
            None => (String::new(), String::new(), None),
        };
        let mut ranges = Vec::new();
        for (j, r) in a.ranges.unwrap_or_default().into_iter().enumerate() {
            let rat = format!("{at}/ranges/{j}");
            if !matches!(r.kind.as_str(), "SEMVER" | "ECOSYSTEM" | "GIT") {
                return Err(KbError::at(
                    format,
                    format!("{rat}/type"),
                    format!("range type {:?} is not SEMVER, ECOSYSTEM or GIT", r.kind),
                ));
            }
            if r.events.is_empty() {
                return Err(KbError::at(
                    format,
                    format!("{rat}/events"),
                    "a range needs at least one event",
                ));
            }
            let mut events = Vec::with_capacity(r.events.len());
            for (k, e) in r.events.into_iter().enumerate() {
                let set = [&e.introduced, &e.fixed, &e.last_affected, &e.limit]
                    .iter()
                    .filter(|x| x.is_some())
                    .count();
                if set != 1 {
                    return Err(KbError::at(
                        format,
                        format!("{rat}/events/{k}"),
                        format!(
                            "an event needs exactly one of introduced, fixed, last_affected, limit; found {set}"
                        ),
                    ));
                }
                events.push(match e {
                    RawEvent {
                        introduced: Some(x),
                        ..
                    } => OsvEvent::Introduced(x),
                    RawEvent { fixed: Some(x), .. } => OsvEvent::Fixed(x),
                    RawEvent {
                        last_affected: Some(x),
                        ..
                    } => OsvEvent::LastAffected(x),
                    RawEvent { limit: Some(x), .. } => OsvEvent::Limit(x),
                    _ => unreachable!("exactly one event field is set"),
                });
            }
            ranges.push(OsvRange {
                range_type: r.kind,
                repo: r.repo,
                events,
            });
        }
        let mut sev = Vec::new();
        for (j, s) in a.severity.unwrap_or_default().into_iter().enumerate() {
            sev.push(severity(format, &format!("{at}/severity/{j}"), s)?);
        }
        v.affected.push(AffectedRule::Osv(OsvAffected {
            ecosystem,
            name,
            purl,
            ranges,
            versions: a.versions.unwrap_or_default(),
            severity: sev,
        }));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_with_two_fields_is_rejected_with_its_pointer() {
        let j = br#"{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"a"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}"#;
        let e = parse_osv_json(j).unwrap_err();
        assert_eq!(e.pointer.as_deref(), Some("/affected/0/ranges/0/events/0"));
        assert!(e.message.contains("exactly one"), "{e}");
    }

    #[test]
    fn missing_modified_names_the_field() {
        let e = parse_osv_json(br#"{"id":"X-1"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `modified`"), "{e}");
    }

    #[test]
    fn yaml_wrong_type_has_line_and_pointer() {
        let y = b"id: PYSEC-1\nmodified: '2024-01-01T00:00:00Z'\naffected:\n- package:\n    name: a\n    ecosystem: PyPI\n  versions: 3\n";
        let e = parse_osv_yaml(y).unwrap_err();
        assert_eq!(e.pointer.as_deref(), Some("/affected/0/versions"), "{e}");
        assert_eq!(e.line, Some(7), "{e}");
    }
}
