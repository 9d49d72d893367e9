//! Devices as a hospital's clinical engineering team knows them.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The site a device belongs to when the input names none.
pub const DEFAULT_SITE: &str = "default";

/// A connected device in a hospital's inventory.
///
/// Identity is `(site, asset_id)`: two sites may reuse an asset tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// The hospital's asset tag or equipment id.
    pub asset_id: String,
    /// The site (hospital, campus) the device is located at.
    pub site: String,
    /// Manufacturer as the inventory spells it ("GE Healthcare", "BD", ...).
    pub manufacturer: Option<String>,
    /// Model or product name as the inventory spells it ("CARESCAPE B450").
    pub model: Option<String>,
    /// Firmware or software version ("2.1.3", "v4.1 build 118").
    pub version: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Department or location inside the site ("ICU 3", "Radiology").
    pub department: Option<String>,
    /// IP addresses the device uses.
    pub ips: Vec<IpAddr>,
    /// MAC addresses of the device's interfaces.
    pub macs: Vec<MacAddr>,
    /// Device class as the inventory names it ("Infusion Pump", "Patient Monitor").
    pub device_class: Option<String>,
    /// What the device does for the patient; `None` when unknown.
    pub clinical_function: Option<ClinicalFunction>,
    /// Where the device sits on the network; `None` when unknown.
    pub network_zone: Option<NetworkZone>,
    /// Columns or fields the importer did not map, kept verbatim.
    pub attributes: BTreeMap<String, String>,
    /// Where this record came from; decides what a later source may overwrite.
    pub origin: DeviceOrigin,
}

impl Device {
    /// A device with only its identity set.
    pub fn new(site: impl Into<String>, asset_id: impl Into<String>) -> Device {
        Device {
            asset_id: asset_id.into(),
            site: site.into(),
            manufacturer: None,
            model: None,
            version: None,
            serial: None,
            department: None,
            ips: Vec::new(),
            macs: Vec::new(),
            device_class: None,
            clinical_function: None,
            network_zone: None,
            attributes: BTreeMap::new(),
            origin: DeviceOrigin::Inventory,
        }
    }
}

/// The source of a device record.
///
/// An inventory import (CMMS export, FHIR) is authoritative; passive discovery only
/// fills gaps and never overwrites what the inventory supplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceOrigin {
    /// Imported from a CMMS export or FHIR resources.
    Inventory,
    /// Learned from network traffic by netwatch.
    Discovered,
}

impl DeviceOrigin {
    /// The stable string used in storage and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceOrigin::Inventory => "inventory",
            DeviceOrigin::Discovered => "discovered",
        }
    }
}

impl FromStr for DeviceOrigin {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "inventory" => Ok(DeviceOrigin::Inventory),
            "discovered" => Ok(DeviceOrigin::Discovered),
            _ => Err(ParseEnumError::new(
                "origin",
                s,
                &["inventory", "discovered"],
            )),
        }
    }
}

/// A device model (product line) and the firmware versions known for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceModel {
    /// Manufacturer name.
    pub manufacturer: String,
    /// Model or product name.
    pub model: String,
    /// Firmware or software versions known for this model (from SBOMs or the inventory).
    pub versions: Vec<String>,
}

/// A hospital or campus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    /// The site's name, unique in one store.
    pub name: String,
    /// How many devices the inventory holds for it.
    pub device_count: u64,
}

/// An error turning text into one of the model's enumerations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {value:?}: expected one of {}", expected.join(", "))]
pub struct ParseEnumError {
    /// Which field was being parsed.
    pub what: &'static str,
    /// The offending text.
    pub value: String,
    /// The accepted spellings.
    pub expected: &'static [&'static str],
}

impl ParseEnumError {
    fn new(what: &'static str, value: &str, expected: &'static [&'static str]) -> Self {
        ParseEnumError {
            what,
            value: value.to_string(),
            expected,
        }
    }
}

/// Declares a snake_case enumeration with `as_str`, `FromStr`, `Display` and serde.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($(#[$vm:meta])* $var:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// Accepted spellings, for error messages.
            pub const NAMES: &'static [&'static str] = &[$($s),+];
            /// The stable snake_case name used in files, storage and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;
            /// Accepts the snake_case name, ignoring case and treating spaces and
            /// hyphens as underscores ("Life-sustaining" works).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let norm: String = s
                    .trim()
                    .chars()
                    .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() })
                    .collect();
                match norm.as_str() {
                    $($s => Ok($name::$var),)+
                    _ => Err(ParseEnumError::new($what, s, Self::NAMES)),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// What a device does for the patient, from most to least critical.
    ClinicalFunction, "clinical_function", {
        /// Keeps the patient alive (ventilators, implanted pacemakers, some infusions).
        LifeSustaining => "life_sustaining",
        /// Delivers therapy (infusion pumps, radiotherapy).
        Therapeutic => "therapeutic",
        /// Produces data a diagnosis relies on (imaging, lab analysers).
        Diagnostic => "diagnostic",
        /// Watches the patient and raises alarms (monitors, telemetry).
        Monitoring => "monitoring",
        /// Displays or stores information without acting on the patient.
        Informational => "informational",
    }
}

impl ClinicalFunction {
    /// Life-sustaining or therapeutic: a compromise can directly harm the patient.
    pub fn is_patient_critical(self) -> bool {
        matches!(
            self,
            ClinicalFunction::LifeSustaining | ClinicalFunction::Therapeutic
        )
    }
}

text_enum! {
    /// Where a device sits on the network, from most to least exposed.
    NetworkZone, "network_zone", {
        /// Reachable from the internet.
        InternetExposed => "internet_exposed",
        /// On the general hospital LAN.
        HospitalLan => "hospital_lan",
        /// On a segmented clinical VLAN.
        ClinicalVlan => "clinical_vlan",
        /// Not networked, or on an isolated network.
        Isolated => "isolated",
    }
}

/// An IEEE 802 MAC-48 address.
///
/// Parses the spellings inventories use: `00:1b:44:11:3a:b7`, `00-1B-44-11-3A-B7`,
/// `001b.4411.3ab7` (Cisco) and `001B44113AB7`; displays lower-case with colons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// The first three octets: the organisationally unique identifier.
    pub fn oui(&self) -> [u8; 3] {
        [self.0[0], self.0[1], self.0[2]]
    }
}

/// An unparseable MAC address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid MAC address {0:?}: expected six hex octets such as 00:1b:44:11:3a:b7")]
pub struct ParseMacError(pub String);

impl FromStr for MacAddr {
    type Err = ParseMacError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let hex: String = t
            .chars()
            .filter(|c| !matches!(c, ':' | '-' | '.'))
            .collect();
        // Separators must be consistent with one of the known layouts, not sprinkled anywhere.
        let layout_ok = match t.len() {
            12 => true,
            17 => {
                let sep = t.as_bytes()[2];
                (sep == b':' || sep == b'-')
                    && t.bytes()
                        .enumerate()
                        .all(|(i, b)| (i % 3 == 2) == (b == sep))
            }
            14 => t
                .bytes()
                .enumerate()
                .all(|(i, b)| (i % 5 == 4) == (b == b'.')),
            _ => false,
        };
        if !layout_ok || hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ParseMacError(s.to_string()));
        }
        let mut out = [0u8; 6];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| ParseMacError(s.to_string()))?;
        }
        Ok(MacAddr(out))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

impl Serialize for MacAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MacAddr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_spellings() {
        let want = MacAddr([0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7]);
        for s in [
            "00:1b:44:11:3a:b7",
            "00-1B-44-11-3A-B7",
            "001b.4411.3ab7",
            "001B44113AB7",
        ] {
            assert_eq!(s.parse::<MacAddr>().unwrap(), want, "{s}");
        }
        for bad in [
            "",
            "00:1b:44:11:3a",
            "00:1b:44:11:3a:zz",
            "001b:4411:3ab7",
            "00:1b-44:11:3a:b7",
            "0:1b:44:11:3a:b7:0",
        ] {
            assert!(bad.parse::<MacAddr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn enums_accept_human_spellings_and_reject_others() {
        assert_eq!(
            "Life-Sustaining".parse::<ClinicalFunction>().unwrap(),
            ClinicalFunction::LifeSustaining
        );
        assert_eq!(
            "clinical vlan".parse::<NetworkZone>().unwrap(),
            NetworkZone::ClinicalVlan
        );
        let e = "critical".parse::<ClinicalFunction>().unwrap_err();
        assert!(
            e.to_string().contains("life_sustaining, therapeutic"),
            "{e}"
        );
    }

    #[test]
    fn device_json_round_trip() {
        let mut d = Device::new("north", "A-1");
        d.macs.push("00:1b:44:11:3a:b7".parse().unwrap());
        d.ips.push("10.1.2.3".parse().unwrap());
        d.network_zone = Some(NetworkZone::ClinicalVlan);
        let j = serde_json::to_string(&d).unwrap();
        assert!(j.contains("\"clinical_vlan\""));
        assert_eq!(serde_json::from_str::<Device>(&j).unwrap(), d);
    }
}
