//! Test support: the parts of a CSAF 2.0 document the device matcher reads, turned into
//! the model's `Advisory`. (The full reader with validation lives in medvigil-formats;
//! this keeps the match crate's tests independent of it.)

#![allow(dead_code)]

use medvigil_model::vuln::{
    Advisory, AdvisoryVulnerability, Product, ProductIdentification, ProductRelationship,
    ProductStatus, Publisher, Remediation,
};
use serde_json::Value;

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(s).collect())
        .unwrap_or_default()
}

fn walk(branch: &Value, path: &mut Vec<(String, String)>, out: &mut Vec<Product>) {
    for b in branch["branches"].as_array().into_iter().flatten() {
        let cat = s(&b["category"]).unwrap_or_default();
        let name = s(&b["name"]).unwrap_or_default();
        path.push((cat, name));
        if let Some(p) = b.get("product") {
            let get = |c: &str| {
                path.iter()
                    .rev()
                    .find(|(k, _)| k == c)
                    .map(|(_, n)| n.clone())
            };
            let helper = &p["product_identification_helper"];
            out.push(Product {
                product_id: s(&p["product_id"]).unwrap_or_default(),
                name: s(&p["name"]).unwrap_or_default(),
                vendor: get("vendor"),
                product_family: get("product_family"),
                product_name: get("product_name"),
                version: get("product_version"),
                version_range: get("product_version_range"),
                other_branches: Vec::new(),
                identification: ProductIdentification {
                    cpe: s(&helper["cpe"]),
                    purl: s(&helper["purl"]),
                    model_numbers: ids(&helper["model_numbers"]),
                    ..Default::default()
                },
                relationship: None,
            });
        }
        walk(b, path, out);
        path.pop();
    }
}

/// Reads the product tree and product status of a CSAF document.
pub fn advisory(doc: &Value) -> Advisory {
    let d = &doc["document"];
    let mut products = Vec::new();
    walk(&doc["product_tree"], &mut Vec::new(), &mut products);
    for r in doc["product_tree"]["relationships"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let f = &r["full_product_name"];
        products.push(Product {
            product_id: s(&f["product_id"]).unwrap_or_default(),
            name: s(&f["name"]).unwrap_or_default(),
            relationship: Some(ProductRelationship {
                category: s(&r["category"]).unwrap_or_default(),
                product_reference: s(&r["product_reference"]).unwrap_or_default(),
                relates_to_product_reference: s(&r["relates_to_product_reference"])
                    .unwrap_or_default(),
            }),
            ..Product::default()
        });
    }
    let vulnerabilities = doc["vulnerabilities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let ps = &v["product_status"];
            AdvisoryVulnerability {
                cve: s(&v["cve"]),
                ids: Vec::new(),
                title: s(&v["title"]),
                cwe: None,
                notes: Vec::new(),
                references: Vec::new(),
                discovery_date: None,
                release_date: None,
                product_status: ProductStatus {
                    first_affected: ids(&ps["first_affected"]),
                    first_fixed: ids(&ps["first_fixed"]),
                    fixed: ids(&ps["fixed"]),
                    known_affected: ids(&ps["known_affected"]),
                    known_not_affected: ids(&ps["known_not_affected"]),
                    last_affected: ids(&ps["last_affected"]),
                    recommended: ids(&ps["recommended"]),
                    under_investigation: ids(&ps["under_investigation"]),
                },
                scores: Vec::new(),
                remediations: v["remediations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| Remediation {
                        category: s(&r["category"]).unwrap_or_default(),
                        details: s(&r["details"]).unwrap_or_default(),
                        product_ids: ids(&r["product_ids"]),
                        group_ids: ids(&r["group_ids"]),
                        url: s(&r["url"]),
                        date: s(&r["date"]),
                    })
                    .collect(),
                threats: Vec::new(),
                flags: Vec::new(),
            }
        })
        .collect();
    Advisory {
        id: s(&d["tracking"]["id"]).unwrap_or_default(),
        title: s(&d["title"]).unwrap_or_default(),
        category: s(&d["category"]).unwrap_or_default(),
        csaf_version: "2.0".into(),
        lang: None,
        publisher: Publisher {
            name: s(&d["publisher"]["name"]).unwrap_or_default(),
            namespace: String::new(),
            category: String::new(),
        },
        initial_release_date: s(&d["tracking"]["initial_release_date"]).unwrap_or_default(),
        current_release_date: s(&d["tracking"]["current_release_date"]).unwrap_or_default(),
        version: s(&d["tracking"]["version"]).unwrap_or_default(),
        status: "final".into(),
        tlp: None,
        aggregate_severity: None,
        notes: Vec::new(),
        references: Vec::new(),
        products,
        product_groups: Vec::new(),
        vulnerabilities,
    }
}
