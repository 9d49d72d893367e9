//! Device inventories: CMMS CSV exports and FHIR R4 `Device` resources.
//!
//! [`read`] detects the format from the content and never fails outright: it returns the
//! valid rows together with every problem found, each with its line and column, so the
//! caller can reject the whole import (the default) or keep the good rows
//! (`--skip-invalid`). A row with any problem is left out of [`Inventory::rows`].
//!
//! ```
//! use medvigil_formats::inventory::{read, ReadOptions};
//! let csv = "Asset Tag,Manufacturer Name,Model Number,IP Address,network_zone\n\
//!            PUMP-7,BD,Alaris 8015,10.1.2.3,clinical_vlan\n\
//!            PUMP-8,BD,Alaris 8015,10.1.2.300,clinical_vlan\n";
//! let inv = read(csv.as_bytes(), &ReadOptions::default());
//! assert_eq!(inv.rows.len(), 1);
//! assert_eq!(inv.problems[0].to_string(), "3:23: invalid IP address \"10.1.2.300\"");
//! ```

mod csv;
mod fhir;

use std::collections::HashMap;
use std::fmt;

use medvigil_model::device::DEFAULT_SITE;
use medvigil_model::{ClinicalFunction, Device, MacAddr, NetworkZone};

use crate::position::Position;

/// How to read an inventory.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Site for devices whose record names none (the CSV `site` column is empty or
    /// absent, the FHIR resource has no `owner`). Falls back to `"default"`.
    pub default_site: Option<String>,
}

/// The detected input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryFormat {
    /// A CSV export with a header row.
    Csv,
    /// One FHIR R4 resource or a `Bundle`, as JSON.
    FhirJson,
    /// FHIR R4 resources, one JSON object per line.
    FhirNdjson,
}

impl fmt::Display for InventoryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InventoryFormat::Csv => "CSV",
            InventoryFormat::FhirJson => "FHIR JSON",
            InventoryFormat::FhirNdjson => "FHIR NDJSON",
        })
    }
}

/// One device read from the input, with where its record starts.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryRow {
    /// Start of the record (CSV row, FHIR resource).
    pub position: Position,
    /// The device, with its site resolved.
    pub device: Device,
}

/// A problem in the input, at a position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where the offending value starts.
    pub position: Position,
    /// What is wrong, for a person.
    pub message: String,
}

impl fmt::Display for Problem {
    /// `line:column: message`; the caller prefixes the file name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

/// What [`read`] found.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The detected format.
    pub format: InventoryFormat,
    /// Rows without any problem, in input order.
    pub rows: Vec<InventoryRow>,
    /// Every problem, in input order.
    pub problems: Vec<Problem>,
    /// Records seen (valid or not), for summaries.
    pub records: u64,
    /// `(site, asset_id)` of every record that had an asset id, valid or not, in input
    /// order: a duplicate is a duplicate even when its first occurrence was invalid.
    identities: Vec<(String, String, Position)>,
}

impl Inventory {
    fn new(format: InventoryFormat) -> Inventory {
        Inventory {
            format,
            rows: Vec::new(),
            problems: Vec::new(),
            records: 0,
            identities: Vec::new(),
        }
    }

    /// Notes a record's identity for duplicate detection.
    fn identity(&mut self, device: &Device, position: Position) {
        if !device.asset_id.is_empty() {
            self.identities
                .push((device.site.clone(), device.asset_id.clone(), position));
        }
    }
}

/// Reads a CSV or FHIR inventory, detected from the content.
pub fn read(bytes: &[u8], options: &ReadOptions) -> Inventory {
    let mut inventory = match detect(bytes) {
        InventoryFormat::Csv => csv::read(bytes, options),
        InventoryFormat::FhirJson => fhir::read_json(bytes, options),
        InventoryFormat::FhirNdjson => fhir::read_ndjson(bytes, options),
    };
    reject_duplicates(&mut inventory);
    inventory.problems.sort();
    inventory
}

/// JSON starts with `{`; several lines each starting with `{` are NDJSON.
pub fn detect(bytes: &[u8]) -> InventoryFormat {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_none_or(|i| text[i] != b'{') {
        return InventoryFormat::Csv;
    }
    // A single JSON document fails to parse as one value when it is really NDJSON.
    match serde_json::from_slice::<serde::de::IgnoredAny>(text) {
        Err(e) if e.classify() == serde_json::error::Category::Syntax && e.line() > 1 => {
            let second = text
                .split(|&b| b == b'\n')
                .filter(|l| !l.trim_ascii().is_empty())
                .nth(1);
            if second.is_some_and(|l| l.trim_ascii_start().starts_with(b"{")) {
                return InventoryFormat::FhirNdjson;
            }
            InventoryFormat::FhirJson
        }
        _ => InventoryFormat::FhirJson,
    }
}

/// A `(site, asset_id)` seen twice: the later record is rejected, pointing at the first.
fn reject_duplicates(inv: &mut Inventory) {
    let mut first: HashMap<(&str, &str), Position> = HashMap::new();
    let mut duplicates = Vec::new();
    for (site, asset_id, position) in &inv.identities {
        match first.get(&(site.as_str(), asset_id.as_str())) {
            Some(at) => duplicates.push(Problem {
                position: *position,
                message: format!(
                    "duplicate asset id {asset_id:?} in site {site:?} (first at line {})",
                    at.line
                ),
            }),
            None => {
                first.insert((site, asset_id), *position);
            }
        }
    }
    inv.rows
        .retain(|row| !duplicates.iter().any(|d| d.position == row.position));
    inv.problems.extend(duplicates);
}

/// The device fields an input can fill, named as in the canonical CSV header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    AssetId,
    Manufacturer,
    Model,
    Version,
    Serial,
    Site,
    Department,
    Ip,
    Mac,
    DeviceClass,
    ClinicalFunction,
    NetworkZone,
}

impl Field {
    fn canonical(self) -> &'static str {
        match self {
            Field::AssetId => "asset_id",
            Field::Manufacturer => "manufacturer",
            Field::Model => "model",
            Field::Version => "version",
            Field::Serial => "serial",
            Field::Site => "site",
            Field::Department => "department",
            Field::Ip => "ip",
            Field::Mac => "mac",
            Field::DeviceClass => "device_class",
            Field::ClinicalFunction => "clinical_function",
            Field::NetworkZone => "network_zone",
        }
    }

    /// Recognises a header (or FHIR identifier/property label) by its canonical name or a
    /// common CMMS alias; case, spaces and punctuation are ignored.
    fn from_label(label: &str) -> Option<Field> {
        let key: String = label
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Some(match key.as_str() {
            "assetid" | "asset" | "assettag" | "assetnumber" | "assetno" | "equipmentid"
            | "equipmentnumber" | "equipmentno" | "equipmenttag" | "tag" | "tagnumber"
            | "deviceid" | "controlnumber" | "controlno" | "cmmsid" | "inventorynumber" | "id"
            | "assetcode" | "equipmentcode" => Field::AssetId,
            "manufacturer" | "manufacturername" | "mfr" | "mfg" | "mfgname" | "make" | "vendor"
            | "vendorname" | "maker" | "manufacturedby" | "oem" => Field::Manufacturer,
            "model" | "modelnumber" | "modelno" | "modelname" | "devicemodel" | "product"
            | "productname" | "modeldescription" | "catalognumber" | "catalogno" => Field::Model,
            "version" | "softwareversion" | "firmware" | "firmwareversion" | "swversion"
            | "fwversion" | "softwarerevision" | "firmwarerevision" | "swrev" | "fwrev"
            | "softwarerelease" | "swrelease" | "fwver" | "swver" | "ver" | "software"
            | "softwarelevel" | "firmwarelevel" | "installedversion" | "currentversion" => {
                Field::Version
            }
            "serial" | "serialnumber" | "serialno" | "sn" => Field::Serial,
            "site" | "sitename" | "facility" | "facilityname" | "campus" | "hospital" => {
                Field::Site
            }
            "department" | "dept" | "location" | "unit" | "careunit" | "departmentname" => {
                Field::Department
            }
            "ip" | "ipaddress" | "ipaddr" | "ipv4" | "ipv4address" | "ipaddresses"
            | "ipv6address" => Field::Ip,
            "mac" | "macaddress" | "macaddr" | "hardwareaddress" | "ethernetaddress"
            | "macaddresses" => Field::Mac,
            "deviceclass" | "devicetype" | "equipmenttype" | "equipmentclass" | "type"
            | "category" | "devicecategory" | "class" => Field::DeviceClass,
            "clinicalfunction" | "function" => Field::ClinicalFunction,
            "networkzone" | "zone" | "networksegment" | "segment" => Field::NetworkZone,
            _ => return None,
        })
    }
}

/// Sets `field` on `device` from the trimmed text `value` (non-empty). Returns a message
/// when the value is invalid; `offset` is where, inside `value`, the bad part starts.
fn apply(device: &mut Device, field: Field, value: &str) -> Result<(), (usize, String)> {
    let text = Some(value.to_string());
    match field {
        Field::AssetId => device.asset_id = value.to_string(),
        Field::Manufacturer => device.manufacturer = text,
        Field::Model => device.model = text,
        Field::Version => device.version = text,
        Field::Serial => device.serial = text,
        Field::Site => device.site = value.to_string(),
        Field::Department => device.department = text,
        Field::DeviceClass => device.device_class = text,
        Field::ClinicalFunction => {
            device.clinical_function = Some(
                value
                    .parse::<ClinicalFunction>()
                    .map_err(|e| (0, e.to_string()))?,
            )
        }
        Field::NetworkZone => {
            device.network_zone = Some(
                value
                    .parse::<NetworkZone>()
                    .map_err(|e| (0, e.to_string()))?,
            )
        }
        Field::Ip => {
            for (at, part) in list_items(value) {
                let ip = part
                    .parse()
                    .map_err(|_| (at, format!("invalid IP address {part:?}")))?;
                if !device.ips.contains(&ip) {
                    device.ips.push(ip);
                }
            }
        }
        Field::Mac => {
            for (at, part) in list_items(value) {
                let mac: MacAddr = part
                    .parse()
                    .map_err(|_| (at, format!("invalid MAC address {part:?}")))?;
                if !device.macs.contains(&mac) {
                    device.macs.push(mac);
                }
            }
        }
    }
    Ok(())
}

/// Splits a multi-valued cell ("10.0.0.1; 10.0.0.2", "a|b", "a b") into items with their
/// byte offsets. Commas separate too: neither IPs nor MACs contain one.
fn list_items(value: &str) -> impl Iterator<Item = (usize, &str)> {
    let base = value.as_ptr() as usize;
    value
        .split(|c: char| matches!(c, ';' | ',' | '|') || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(move |s| (s.as_ptr() as usize - base, s))
}

/// A fresh device for a record: site from options until the record says otherwise.
fn blank_device(options: &ReadOptions) -> Device {
    Device::new(options.default_site.as_deref().unwrap_or(DEFAULT_SITE), "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(detect(b"asset_id,model\n"), InventoryFormat::Csv);
        assert_eq!(
            detect(b"\xEF\xBB\xBF { \"resourceType\": \"Device\" }"),
            InventoryFormat::FhirJson
        );
        assert_eq!(
            detect(b"{\"a\":1}\n{\"a\":2}\n"),
            InventoryFormat::FhirNdjson
        );
        assert_eq!(detect(b"{\"a\":\n1}\n"), InventoryFormat::FhirJson);
        // Broken JSON stays JSON so that its syntax error is reported.
        assert_eq!(detect(b"{\"a\":"), InventoryFormat::FhirJson);
    }

    #[test]
    fn header_aliases() {
        for (label, want) in [
            ("Asset Tag", Field::AssetId),
            ("Equipment ID", Field::AssetId),
            ("Manufacturer Name", Field::Manufacturer),
            ("Model Number", Field::Model),
            ("Software Version", Field::Version),
            ("Firmware", Field::Version),
            ("IP Address", Field::Ip),
            ("MAC Address", Field::Mac),
            ("Location", Field::Department),
            ("network_zone", Field::NetworkZone),
            ("Serial #", Field::Serial),
            ("ID", Field::AssetId),
            ("OEM", Field::Manufacturer),
            ("Catalog Number", Field::Model),
            ("SW Release", Field::Version),
            ("Installed Version", Field::Version),
        ] {
            assert_eq!(Field::from_label(label), Some(want), "{label}");
        }
        assert_eq!(Field::from_label("Cost Center"), None);
    }

    #[test]
    fn list_items_keep_offsets() {
        let v: Vec<_> = list_items("10.0.0.1; 10.0.0.2|x").collect();
        assert_eq!(v, [(0, "10.0.0.1"), (10, "10.0.0.2"), (19, "x")]);
    }
}
