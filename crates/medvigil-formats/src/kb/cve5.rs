//! CVE JSON 5 records (<https://github.com/CVEProject/cve-schema>): the CNA container
//! and any ADP containers (CISA's vulnrichment adds scores and CPEs this way).
//!
//! Each container's `affected` entries become [`AffectedRule::Cve5`] rules tagged with
//! the container ("cna", "adp:CISA-ADP"), and its `metrics` become scores whose source
//! is the container's provider.

use medvigil_model::vuln::{
    AffectedRule, Cve5Affected, Cve5Version, KbSource, Reference, Score, ScoreKind, Vulnerability,
};
use serde::Deserialize;

use super::json::{self, limit, push_cwe};
use super::{KbError, KbFormat};

const F: KbFormat = KbFormat::Cve5;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    data_type: String,
    data_version: String,
    cve_metadata: RawMetadata,
    containers: RawContainers,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    cve_id: String,
    state: Option<String>,
    date_published: Option<String>,
    date_updated: Option<String>,
    date_rejected: Option<String>,
}

#[derive(Deserialize)]
struct RawContainers {
    cna: RawContainer,
    #[serde(default)]
    adp: Vec<RawContainer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawContainer {
    provider_metadata: Option<RawProvider>,
    title: Option<String>,
    #[serde(default)]
    descriptions: Vec<RawLang>,
    #[serde(default)]
    affected: Vec<RawAffected>,
    #[serde(default)]
    problem_types: Vec<RawProblemType>,
    #[serde(default)]
    metrics: Vec<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    references: Vec<RawReference>,
    #[serde(default)]
    rejected_reasons: Vec<RawLang>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProvider {
    org_id: Option<String>,
    short_name: Option<String>,
}

#[derive(Deserialize)]
struct RawLang {
    lang: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAffected {
    vendor: Option<String>,
    product: Option<String>,
    package_name: Option<String>,
    #[serde(rename = "collectionURL")]
    collection_url: Option<String>,
    #[serde(default)]
    cpes: Vec<String>,
    #[serde(default)]
    platforms: Vec<String>,
    default_status: Option<String>,
    #[serde(default)]
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVersion {
    version: String,
    status: String,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
    version_type: Option<String>,
}

#[derive(Deserialize)]
struct RawProblemType {
    #[serde(default)]
    descriptions: Vec<RawProblem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProblem {
    cwe_id: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// Parses one CVE JSON 5 record.
pub fn parse_cve5(bytes: &[u8]) -> Result<Vulnerability, KbError> {
    let raw: Raw = json::from_slice(F, bytes)?;
    if raw.data_type != "CVE_RECORD" {
        return Err(KbError::at(
            F,
            "/dataType",
            format!("expected \"CVE_RECORD\", found {:?}", raw.data_type),
        ));
    }
    if !raw.data_version.starts_with("5.") {
        return Err(KbError::at(
            F,
            "/dataVersion",
            format!("expected 5.x, found {:?}", raw.data_version),
        ));
    }
    let id = raw.cve_metadata.cve_id;
    if !id.starts_with("CVE-") {
        return Err(KbError::at(
            F,
            "/cveMetadata/cveId",
            format!("{id:?} is not a CVE id"),
        ));
    }
    let mut v = Vulnerability::new(id, KbSource::Cve5);
    v.published = raw.cve_metadata.date_published;
    v.modified = raw
        .cve_metadata
        .date_updated
        .or_else(|| v.published.clone());
    if raw.cve_metadata.state.as_deref() == Some("REJECTED") {
        v.withdrawn = raw
            .cve_metadata
            .date_rejected
            .or_else(|| Some(String::new()));
    }
    let cna = raw.containers.cna;
    v.summary = cna.title.clone();
    let desc = cna
        .descriptions
        .iter()
        .chain(&cna.rejected_reasons)
        .find(|d| d.lang.starts_with("en"))
        .or(cna.descriptions.first());
    if let Some(d) = desc {
        limit(F, "/containers/cna/descriptions", &d.value)?;
        v.details = Some(d.value.clone());
    }
    let mut containers = vec![("cna".to_string(), "/containers/cna".to_string(), cna)];
    for (i, adp) in raw.containers.adp.into_iter().enumerate() {
        let name = adp
            .provider_metadata
            .as_ref()
            .and_then(|p| p.short_name.clone().or(p.org_id.clone()))
            .unwrap_or_else(|| i.to_string());
        containers.push((format!("adp:{name}"), format!("/containers/adp/{i}"), adp));
    }
    for (name, at, c) in containers {
        let provider = c
            .provider_metadata
            .as_ref()
            .and_then(|p| p.short_name.clone().or(p.org_id.clone()))
            .unwrap_or_else(|| name.clone());
        for p in c.problem_types.iter().flat_map(|p| &p.descriptions) {
            if let Some(id) = &p.cwe_id {
                push_cwe(&mut v.cwes, id);
            } else if let Some(d) = &p.description {
                // Go's CNA writes "CWE-117 Improper Output ..." without cweId.
                if let Some(id) = d.split_whitespace().next() {
                    push_cwe(&mut v.cwes, id);
                }
            }
        }
        for (i, m) in c.metrics.into_iter().enumerate() {
            for (key, kind) in [
                ("cvssV2_0", ScoreKind::CvssV2),
                ("cvssV3_0", ScoreKind::CvssV30),
                ("cvssV3_1", ScoreKind::CvssV31),
                ("cvssV4_0", ScoreKind::CvssV40),
            ] {
                let Some(obj) = m.get(key).and_then(|o| o.as_object()) else {
                    continue;
                };
                let Some(vector) = obj.get("vectorString").and_then(|s| s.as_str()) else {
                    return Err(KbError::at(
                        F,
                        format!("{at}/metrics/{i}/{key}/vectorString"),
                        "missing or not a string",
                    ));
                };
                let mut extra: std::collections::BTreeMap<_, _> = obj.clone().into_iter().collect();
                extra.remove("vectorString");
                v.scores.push(Score {
                    source: provider.clone(),
                    kind,
                    vector: vector.to_string(),
                    base_score: obj.get("baseScore").and_then(|s| s.as_f64()),
                    severity: obj
                        .get("baseSeverity")
                        .and_then(|s| s.as_str())
                        .map(str::to_string),
                    metric_type: None,
                    extra,
                });
            }
        }
        for r in c.references {
            if !v.references.iter().any(|x| x.url == r.url) {
                v.references.push(Reference {
                    url: r.url,
                    kind: (!r.tags.is_empty()).then(|| r.tags.join(", ")),
                });
            }
        }
        for (i, a) in c.affected.into_iter().enumerate() {
            for (j, ver) in a.versions.iter().enumerate() {
                if !matches!(ver.status.as_str(), "affected" | "unaffected" | "unknown") {
                    return Err(KbError::at(
                        F,
                        format!("{at}/affected/{i}/versions/{j}/status"),
                        format!("{:?} is not affected, unaffected or unknown", ver.status),
                    ));
                }
            }
            v.affected.push(AffectedRule::Cve5(Cve5Affected {
                container: name.clone(),
                vendor: a.vendor,
                product: a.product,
                package_name: a.package_name,
                collection_url: a.collection_url,
                cpes: a.cpes,
                platforms: a.platforms,
                default_status: a.default_status,
                versions: a
                    .versions
                    .into_iter()
                    .map(|x| Cve5Version {
                        version: x.version,
                        status: x.status,
                        less_than: x.less_than,
                        less_than_or_equal: x.less_than_or_equal,
                        version_type: x.version_type,
                    })
                    .collect(),
            }));
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adp_scores_keep_their_provider() {
        let j = br#"{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001","state":"PUBLISHED","dateUpdated":"2024-02-01T00:00:00Z"},
          "containers":{"cna":{"affected":[{"vendor":"Acme","product":"Pump","versions":[{"version":"1.0","lessThan":"2.0","status":"affected","versionType":"custom"}]}]},
          "adp":[{"providerMetadata":{"orgId":"x","shortName":"CISA-ADP"},"metrics":[{"cvssV3_1":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}}]}]}}"#;
        let v = parse_cve5(j).unwrap();
        assert_eq!(v.scores[0].source, "CISA-ADP");
        assert_eq!(v.scores[0].base_score, Some(9.8));
        let AffectedRule::Cve5(a) = &v.affected[0] else {
            panic!()
        };
        assert_eq!(a.versions[0].less_than.as_deref(), Some("2.0"));
        assert_eq!(a.container, "cna");
    }

    #[test]
    fn bad_status_is_rejected_with_pointer() {
        let j = br#"{"dataType":"CVE_RECORD","dataVersion":"5.0","cveMetadata":{"cveId":"CVE-2024-0001"},
          "containers":{"cna":{"affected":[{"versions":[{"version":"1","status":"broken"}]}]}}}"#;
        let e = parse_cve5(j).unwrap_err();
        assert_eq!(
            e.pointer.as_deref(),
            Some("/containers/cna/affected/0/versions/0/status")
        );
    }
}
