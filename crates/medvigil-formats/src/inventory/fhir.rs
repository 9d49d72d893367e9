//! FHIR R4 `Device` resources: one resource, a `Bundle` of them, or NDJSON.
//!
//! Mapping (R4 has no element for network addresses or clinical function, so those come
//! from labelled identifiers, properties or extensions):
//!
//! | device field | FHIR R4 |
//! | --- | --- |
//! | asset_id | `identifier` whose `type` reads as an asset tag (e.g. "Asset Tag") or whose `system` mentions "asset"; else the first untyped identifier; else `id` |
//! | manufacturer | `manufacturer` |
//! | model | `deviceName` of type `model-name`, then `manufacturer-name`, `udi-label-name`, `user-friendly-name`; else `modelNumber` |
//! | version | `version` whose `type` mentions firmware or software; else the first |
//! | serial | `serialNumber` |
//! | site / department | `owner.display` / `location.display` |
//! | device_class | `type.text`, else the first coding's `display` or `code` |
//! | ip, mac, clinical_function, network_zone | an `identifier`, `property` (`valueCode`) or `extension` (`valueCode`/`valueString`, URL ending in the field name, e.g. `.../mac-address`) labelled with the field's name or alias |
//!
//! Anything else useful (`status`, `modelNumber` when not used as the model, UDI device
//! identifiers, unmapped properties) is kept as attributes.

use serde_json::Value;

use super::{
    Field, Inventory, InventoryFormat, InventoryRow, Problem, ReadOptions, apply, blank_device,
};
use crate::position::{LineIndex, Position, array_element_offsets, locate_pointer};

/// Collects problems against the source text, turning JSON pointers into positions.
struct Source<'a> {
    text: &'a [u8],
    lines: LineIndex<'a>,
    /// Line offset for NDJSON, where each line is parsed on its own.
    line_base: u64,
    /// The resource being read: its pointer and byte offset. Pointers below it are
    /// located by scanning from there, so a Bundle of many devices stays linear.
    anchor: (String, usize),
    problems: Vec<Problem>,
}

impl<'a> Source<'a> {
    fn new(text: &'a [u8], line_base: u64) -> Source<'a> {
        Source {
            text,
            lines: LineIndex::new(text),
            line_base,
            anchor: (String::new(), 0),
            problems: Vec::new(),
        }
    }

    fn offset(&self, pointer: &str) -> usize {
        let (anchor, base) = (&self.anchor.0, self.anchor.1);
        let located = match pointer.strip_prefix(anchor.as_str()) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                locate_pointer(&self.text[base..], rest).map(|o| o + base)
            }
            _ => locate_pointer(self.text, pointer),
        };
        located.unwrap_or(0)
    }

    fn position(&self, pointer: &str) -> Position {
        let p = self.lines.position(self.offset(pointer));
        Position {
            line: p.line + self.line_base,
            column: p.column,
        }
    }

    fn problem(&mut self, pointer: &str, message: String) {
        let position = self.position(pointer);
        self.problems.push(Problem {
            position,
            message: format!("{message} (at {})", display_pointer(pointer)),
        });
    }
}

fn display_pointer(p: &str) -> &str {
    if p.is_empty() { "/" } else { p }
}

pub(super) fn read_json(bytes: &[u8], options: &ReadOptions) -> Inventory {
    let mut inv = Inventory::new(InventoryFormat::FhirJson);
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = match serde_json::from_slice(text) {
        Ok(v) => v,
        Err(e) => {
            inv.problems
                .push(json_error(&e, 0, text.len() != bytes.len()));
            return inv;
        }
    };
    let mut src = Source::new(text, 0);
    read_value(&value, "", &mut src, options, &mut inv, true);
    inv.problems.append(&mut src.problems);
    inv
}

pub(super) fn read_ndjson(bytes: &[u8], options: &ReadOptions) -> Inventory {
    let mut inv = Inventory::new(InventoryFormat::FhirNdjson);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let trimmed = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if trimmed.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice::<Value>(trimmed) {
            Ok(value) => {
                let mut src = Source::new(trimmed, i as u64);
                read_value(&value, "", &mut src, options, &mut inv, true);
                inv.problems.append(&mut src.problems);
            }
            Err(e) => {
                inv.records += 1;
                inv.problems
                    .push(json_error(&e, i as u64, trimmed.len() != line.len()));
            }
        }
    }
    inv
}

/// A serde_json syntax error as a problem. `line_base` is the line the parsed text
/// starts on (NDJSON); `bom` says a byte-order mark (one character) preceded it.
fn json_error(e: &serde_json::Error, line_base: u64, bom: bool) -> Problem {
    let line = e.line().max(1) as u64;
    let shift = u64::from(bom && line == 1);
    Problem {
        position: Position {
            line: line_base + line,
            column: e.column().max(1) as u64 + shift,
        },
        message: format!("invalid JSON: {}", strip_position(&e.to_string())),
    }
}

/// serde_json appends " at line L column C"; we print positions ourselves.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn read_value(
    value: &Value,
    pointer: &str,
    src: &mut Source<'_>,
    options: &ReadOptions,
    inv: &mut Inventory,
    top: bool,
) {
    match value.get("resourceType").and_then(Value::as_str) {
        Some("Device") => {
            inv.records += 1;
            let (device, ok) = read_device(value, pointer, src, options);
            let position = src.position(pointer);
            inv.identity(&device, position);
            if ok {
                inv.rows.push(InventoryRow { position, device });
            }
        }
        Some("Bundle") => match value.get("entry") {
            None => {}
            Some(Value::Array(entries)) => {
                let entry_ptr = format!("{pointer}/entry");
                let starts =
                    array_element_offsets(src.text, src.offset(&entry_ptr)).unwrap_or_default();
                for (i, entry) in entries.iter().enumerate() {
                    if let Some(resource) = entry.get("resource") {
                        let at = starts
                            .get(i)
                            .and_then(|&e| Some(e + locate_pointer(&src.text[e..], "/resource")?));
                        src.anchor = (format!("{entry_ptr}/{i}/resource"), at.unwrap_or(0));
                        read_value(
                            resource,
                            &format!("{pointer}/entry/{i}/resource"),
                            src,
                            options,
                            inv,
                            false,
                        );
                    }
                }
            }
            Some(_) => src.problem(
                &format!("{pointer}/entry"),
                "Bundle.entry must be an array".into(),
            ),
        },
        // Bundles legitimately carry Locations, Organizations, ...: only devices matter.
        Some(_) if !top => {}
        Some(other) => {
            inv.records += 1;
            src.problem(
                &format!("{pointer}/resourceType"),
                format!("expected a FHIR Device resource or a Bundle, found {other:?}"),
            )
        }
        None => {
            inv.records += 1;
            src.problem(pointer, "not a FHIR resource: no \"resourceType\"".into())
        }
    }
}

/// Text of a CodeableConcept: `text`, else the first coding's display, else its code.
fn concept_text(c: &Value) -> Option<&str> {
    c.get("text").and_then(Value::as_str).or_else(|| {
        c.get("coding")?
            .as_array()?
            .iter()
            .find_map(|cd| cd.get("display").or(cd.get("code")).and_then(Value::as_str))
    })
}

/// Every label a CodeableConcept carries (text, codings' codes and displays).
fn concept_labels(c: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = c.get("text").and_then(Value::as_str).into_iter().collect();
    if let Some(codings) = c.get("coding").and_then(Value::as_array) {
        for cd in codings {
            out.extend(cd.get("code").and_then(Value::as_str));
            out.extend(cd.get("display").and_then(Value::as_str));
        }
    }
    out
}

fn concept_field(c: &Value) -> Option<Field> {
    concept_labels(c).into_iter().find_map(Field::from_label)
}

/// The elements of an optional array field, reporting a non-array.
fn array<'v>(res: &'v Value, key: &str, pointer: &str, src: &mut Source<'_>) -> &'v [Value] {
    match res.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(_) => {
            src.problem(
                &format!("{pointer}/{key}"),
                format!("{key} must be an array"),
            );
            &[]
        }
    }
}

fn string<'v>(res: &'v Value, key: &str, pointer: &str, src: &mut Source<'_>) -> Option<&'v str> {
    match res.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim()),
        Value::String(_) | Value::Null => None,
        _ => {
            src.problem(
                &format!("{pointer}/{key}"),
                format!("{key} must be a string"),
            );
            None
        }
    }
}

/// The device and whether it is free of problems.
fn read_device(
    res: &Value,
    ptr: &str,
    src: &mut Source<'_>,
    options: &ReadOptions,
) -> (crate::inventory::Device, bool) {
    let before = src.problems.len();
    let mut device = blank_device(options);
    let set = |device: &mut crate::inventory::Device,
               field: Field,
               value: &str,
               at: &str,
               src: &mut Source<'_>| {
        if let Err((_, msg)) = apply(device, field, value.trim()) {
            src.problem(at, msg);
        }
    };

    // Identifiers: asset tag, and labelled serial / addresses.
    let mut untyped_id = None;
    for (i, ident) in array(res, "identifier", ptr, src).iter().enumerate() {
        let at = format!("{ptr}/identifier/{i}/value");
        let Some(value) = ident.get("value").and_then(Value::as_str) else {
            continue;
        };
        let field = ident.get("type").and_then(concept_field).or_else(|| {
            let system = ident
                .get("system")
                .and_then(Value::as_str)?
                .to_ascii_lowercase();
            system.contains("asset").then_some(Field::AssetId)
        });
        match field {
            Some(f) => set(&mut device, f, value, &at, src),
            None if ident.get("type").is_none() && untyped_id.is_none() => {
                untyped_id = Some(value.trim().to_string())
            }
            None => {}
        }
    }
    if device.asset_id.is_empty() {
        device.asset_id = untyped_id
            .or_else(|| res.get("id").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
    }

    if let Some(m) = string(res, "manufacturer", ptr, src) {
        device.manufacturer = Some(m.to_string());
    }
    if let Some(s) = string(res, "serialNumber", ptr, src) {
        device.serial = Some(s.to_string());
    }
    let model_number = string(res, "modelNumber", ptr, src).map(str::to_string);
    let names = array(res, "deviceName", ptr, src);
    let name_of = |kind: &str| {
        names
            .iter()
            .find(|n| n.get("type").and_then(Value::as_str) == Some(kind))
            .and_then(|n| n.get("name")?.as_str())
    };
    let model = [
        "model-name",
        "manufacturer-name",
        "udi-label-name",
        "user-friendly-name",
    ]
    .into_iter()
    .find_map(name_of);
    match (model, model_number) {
        (Some(name), number) => {
            device.model = Some(name.trim().to_string());
            if let Some(n) = number {
                device.attributes.insert("modelNumber".into(), n);
            }
        }
        (None, number) => device.model = number,
    }

    let versions = array(res, "version", ptr, src);
    let firmware = versions.iter().find(|v| {
        v.get("type")
            .map(concept_labels)
            .unwrap_or_default()
            .iter()
            .any(|l| {
                let l = l.to_ascii_lowercase();
                l.contains("firmware") || l.contains("software")
            })
    });
    if let Some(v) = firmware
        .or(versions.first())
        .and_then(|v| v.get("value")?.as_str())
    {
        device.version = Some(v.trim().to_string());
    }

    if let Some(t) = res.get("type").and_then(concept_text) {
        device.device_class = Some(t.to_string());
    }
    if let Some(d) = res.get("location").and_then(|l| l.get("display")?.as_str()) {
        device.department = Some(d.to_string());
    }
    if let Some(o) = res.get("owner").and_then(|l| l.get("display")?.as_str()) {
        device.site = o.to_string();
    }
    if let Some(s) = res.get("status").and_then(Value::as_str) {
        device.attributes.insert("status".into(), s.to_string());
    }
    for (i, udi) in array(res, "udiCarrier", ptr, src).iter().enumerate() {
        if let Some(di) = udi.get("deviceIdentifier").and_then(Value::as_str) {
            let key = if i == 0 {
                "udi_di".to_string()
            } else {
                format!("udi_di_{}", i + 1)
            };
            device.attributes.insert(key, di.to_string());
        }
    }

    for (i, prop) in array(res, "property", ptr, src).iter().enumerate() {
        let Some(ty) = prop.get("type") else { continue };
        let codes = prop
            .get("valueCode")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let values: Vec<(usize, &str)> = codes
            .iter()
            .enumerate()
            .filter_map(|(j, c)| Some((j, concept_text(c)?)))
            .collect();
        match concept_field(ty) {
            Some(f) => {
                for (j, v) in values {
                    set(
                        &mut device,
                        f,
                        v,
                        &format!("{ptr}/property/{i}/valueCode/{j}"),
                        src,
                    );
                }
            }
            None => {
                if let Some(label) = concept_text(ty) {
                    let joined: Vec<&str> = values.iter().map(|v| v.1).collect();
                    if !joined.is_empty() {
                        device
                            .attributes
                            .insert(label.to_string(), joined.join("; "));
                    }
                }
            }
        }
    }

    for (i, ext) in array(res, "extension", ptr, src).iter().enumerate() {
        let Some(url) = ext.get("url").and_then(Value::as_str) else {
            continue;
        };
        let Some(field) = url.rsplit('/').next().and_then(Field::from_label) else {
            continue;
        };
        let (key, value) = match (ext.get("valueCode"), ext.get("valueString")) {
            (Some(Value::String(v)), _) => ("valueCode", v),
            (_, Some(Value::String(v))) => ("valueString", v),
            _ => continue,
        };
        set(
            &mut device,
            field,
            value,
            &format!("{ptr}/extension/{i}/{key}"),
            src,
        );
    }

    if device.asset_id.trim().is_empty() {
        src.problem(
            ptr,
            "Device has no asset id: no identifier and no id".into(),
        );
    }
    let ok = src.problems.len() == before;
    (device, ok)
}

#[cfg(test)]
mod tests {
    use medvigil_model::{ClinicalFunction, NetworkZone};

    use super::super::{InventoryFormat, ReadOptions, read};

    const PUMP: &str = r#"{
  "resourceType": "Device",
  "id": "dev-1",
  "identifier": [
    {"type": {"text": "Asset Tag"}, "value": "PUMP-0042"},
    {"type": {"coding": [{"code": "mac-address"}]}, "value": "00:1B:44:11:3A:B7"},
    {"system": "urn:example:cmms", "value": "ignored-untyped"}
  ],
  "status": "active",
  "manufacturer": "Baxter",
  "deviceName": [{"name": "Sigma Spectrum", "type": "model-name"}],
  "modelNumber": "35700BAX2",
  "serialNumber": "SN-99",
  "version": [{"type": {"text": "firmware"}, "value": "8.00.01"}],
  "type": {"coding": [{"system": "http://snomed.info/sct", "code": "469829002", "display": "Infusion pump"}]},
  "owner": {"display": "St. Elsewhere North"},
  "location": {"display": "Oncology 4B"},
  "property": [{"type": {"text": "IP Address"}, "valueCode": [{"text": "10.20.30.40"}]}],
  "extension": [
    {"url": "https://medvigil.org/fhir/StructureDefinition/clinical-function", "valueCode": "therapeutic"},
    {"url": "https://medvigil.org/fhir/StructureDefinition/network-zone", "valueCode": "clinical_vlan"}
  ]
}"#;

    #[test]
    fn single_device_maps_every_field() {
        let inv = read(PUMP.as_bytes(), &ReadOptions::default());
        assert_eq!(inv.format, InventoryFormat::FhirJson);
        assert!(inv.problems.is_empty(), "{:?}", inv.problems);
        let d = &inv.rows[0].device;
        assert_eq!(d.asset_id, "PUMP-0042");
        assert_eq!(d.manufacturer.as_deref(), Some("Baxter"));
        assert_eq!(d.model.as_deref(), Some("Sigma Spectrum"));
        assert_eq!(d.attributes["modelNumber"], "35700BAX2");
        assert_eq!(d.version.as_deref(), Some("8.00.01"));
        assert_eq!(d.serial.as_deref(), Some("SN-99"));
        assert_eq!(d.device_class.as_deref(), Some("Infusion pump"));
        assert_eq!(d.site, "St. Elsewhere North");
        assert_eq!(d.department.as_deref(), Some("Oncology 4B"));
        assert_eq!(d.macs[0].to_string(), "00:1b:44:11:3a:b7");
        assert_eq!(d.ips[0].to_string(), "10.20.30.40");
        assert_eq!(d.clinical_function, Some(ClinicalFunction::Therapeutic));
        assert_eq!(d.network_zone, Some(NetworkZone::ClinicalVlan));
        assert_eq!(d.attributes["status"], "active");
    }

    #[test]
    fn bundle_skips_other_resources_and_locates_errors() {
        let bundle = r#"{"resourceType": "Bundle", "type": "collection", "entry": [
  {"resource": {"resourceType": "Location", "id": "icu"}},
  {"resource": {"resourceType": "Device", "id": "a", "manufacturer": "GE Healthcare",
                "modelNumber": "CARESCAPE B450"}},
  {"resource": {"resourceType": "Device", "id": "b",
                "extension": [{"url": "x/network-zone", "valueCode": "dmz"}]}}
]}"#;
        let inv = read(
            bundle.as_bytes(),
            &ReadOptions {
                default_site: Some("S".into()),
            },
        );
        assert_eq!(inv.rows.len(), 1);
        assert_eq!(inv.rows[0].device.model.as_deref(), Some("CARESCAPE B450"));
        assert_eq!(inv.rows[0].device.site, "S");
        assert_eq!(inv.rows[0].position.line, 3);
        assert_eq!(inv.records, 2);
        let msgs: Vec<String> = inv.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "6:70: invalid network_zone \"dmz\": expected one of internet_exposed, hospital_lan, clinical_vlan, isolated (at /entry/2/resource/extension/0/valueCode)"
            ]
        );
    }

    #[test]
    fn ndjson_lines_and_syntax_errors() {
        let nd = "{\"resourceType\":\"Device\",\"id\":\"a\"}\n{\"resourceType\":\"Device\",\"id\":\"b\",\"identifier\":[{\"type\":{\"text\":\"IP\"},\"value\":\"1.2.3\"}]}\n{\"resourceType\": \"Device\", \"id\": \n";
        let inv = read(nd.as_bytes(), &ReadOptions::default());
        assert_eq!(inv.format, InventoryFormat::FhirNdjson);
        assert_eq!(inv.rows.len(), 1);
        let msgs: Vec<String> = inv.problems.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert_eq!(
            msgs[0],
            "2:79: invalid IP address \"1.2.3\" (at /identifier/0/value)"
        );
        assert!(msgs[1].starts_with("3:"), "{msgs:?}");
        assert!(msgs[1].contains("invalid JSON"), "{msgs:?}");
    }

    #[test]
    fn wrong_types_and_resource_kinds() {
        let inv = read(br#"{"resourceType": "Patient"}"#, &ReadOptions::default());
        assert_eq!(
            inv.problems[0].to_string(),
            "1:18: expected a FHIR Device resource or a Bundle, found \"Patient\" (at /resourceType)"
        );
        let inv = read(
            br#"{"resourceType": "Device", "id": "x", "identifier": {"value": 1}}"#,
            &ReadOptions::default(),
        );
        assert_eq!(
            inv.problems[0].to_string(),
            "1:53: identifier must be an array (at /identifier)"
        );
        let inv = read(
            b"{\"resourceType\": \"Device\",\n \"id\": ",
            &ReadOptions::default(),
        );
        assert_eq!(
            inv.problems[0].to_string(),
            "2:7: invalid JSON: EOF while parsing a value"
        );
        assert!(inv.rows.is_empty());
    }

    #[test]
    fn duplicates_across_bundle_entries() {
        let b = r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Device","id":"a"}},
{"resource":{"resourceType":"Device","id":"a"}}]}"#;
        let inv = read(b.as_bytes(), &ReadOptions::default());
        assert_eq!(inv.rows.len(), 1);
        assert!(
            inv.problems[0]
                .to_string()
                .starts_with("2:13: duplicate asset id \"a\""),
            "{:?}",
            inv.problems
        );
    }
}
