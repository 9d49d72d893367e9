//! Every corpus vector's FIRST CVSS JSON object conforms to the FIRST schema of its
//! version (`../shared/data/cvss/schemas`): required properties present, no property the
//! schema lacks, every enumeration value allowed, scores within 0-10, and `vectorString`
//! matching the schema's pattern.
//!
//! The checker below covers exactly the schema features these four schemas use for the
//! properties we write (type/enum via `$ref` to `definitions`, numeric bounds, pattern).

use medvigil_risk::cvss::{Cvss, Version};
use regex::Regex;
use serde_json::Value;

struct Schema {
    doc: Value,
    pattern: Regex,
}

impl Schema {
    fn load(path: &std::path::Path) -> Schema {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let pattern = Regex::new(
            doc["properties"]["vectorString"]["pattern"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        Schema { doc, pattern }
    }

    fn resolve<'a>(&'a self, prop: &'a Value) -> &'a Value {
        match prop.get("$ref").and_then(Value::as_str) {
            Some(r) => &self.doc["definitions"][r.trim_start_matches("#/definitions/")],
            None => prop,
        }
    }

    fn check(&self, obj: &Value) -> Result<(), String> {
        let map = obj.as_object().ok_or("not an object")?;
        for req in self.doc["required"].as_array().unwrap() {
            if !map.contains_key(req.as_str().unwrap()) {
                return Err(format!("missing required {req}"));
            }
        }
        let props = self.doc["properties"].as_object().unwrap();
        for (k, v) in map {
            // v4 declares baseScore/baseSeverity only inside allOf/anyOf.
            let def = match props.get(k) {
                Some(p) => self.resolve(p),
                None if k == "baseScore" || k == "baseSeverity" => continue,
                None => return Err(format!("property {k} not in the schema")),
            };
            if let Some(e) = def.get("enum").and_then(Value::as_array)
                && !e.contains(v)
            {
                return Err(format!("{k} = {v} not in {e:?}"));
            }
            if def.get("type").and_then(Value::as_str) == Some("number") {
                let x = v.as_f64().ok_or(format!("{k} not a number"))?;
                if !(0.0..=10.0).contains(&x) {
                    return Err(format!("{k} = {x} out of range"));
                }
            }
        }
        let vs = map["vectorString"]
            .as_str()
            .ok_or("vectorString not a string")?;
        if !self.pattern.is_match(vs) {
            return Err(format!(
                "vectorString {vs} does not match the schema's pattern"
            ));
        }
        Ok(())
    }
}

#[test]
fn corpus_vectors_as_first_json_conform_to_the_schemas() {
    let Some(dir) = medvigil_testkit::corpus("cvss") else {
        return;
    };
    let schemas = [
        (
            Version::V2,
            Schema::load(&dir.join("schemas/cvss-v2.0.json")),
        ),
        (
            Version::V3_0,
            Schema::load(&dir.join("schemas/cvss-v3.0.json")),
        ),
        (
            Version::V3_1,
            Schema::load(&dir.join("schemas/cvss-v3.1.json")),
        ),
        (
            Version::V4,
            Schema::load(&dir.join("schemas/cvss-v4.0.json")),
        ),
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in medvigil_testkit::files_under(&dir, |n| n.starts_with("vectors_")) {
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            let Some((vector, _)) = line.split_once(" - ") else {
                continue;
            };
            let c: Cvss = vector.parse().unwrap();
            let schema = &schemas.iter().find(|(v, _)| *v == c.version()).unwrap().1;
            let j = c.to_first_json();
            if let Err(e) = schema.check(&j) {
                failures.push(format!("{vector}: {e}"));
            }
            // The JSON's vector parses back to the same scores.
            let back: Cvss = j["vectorString"].as_str().unwrap().parse().unwrap();
            if back.scores() != c.scores() {
                failures.push(format!("{vector}: vectorString scores differently"));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    assert!(checked > 7_500);
}
