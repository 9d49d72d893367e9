//! MAC OUI → manufacturer, from the IEEE registry (Debian's `ieee-data` package).
//!
//! The registry is read at run time so it can be updated with the operating system; no
//! copy is built in.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where Debian's `ieee-data` installs the MA-L registry.
pub const DEFAULT_PATHS: &[&str] = &[
    "/usr/share/ieee-data/oui.txt",
    "/usr/share/ieee-data/oui.csv",
];

/// Why the registry could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OuiError {
    /// No registry file at the default locations.
    #[error(
        "the IEEE OUI registry was not found at {}; install Debian's `ieee-data` package (apt-get install ieee-data) or pass its path",
        DEFAULT_PATHS.join(" or ")
    )]
    NotFound,
    /// The file exists but could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file holds no assignment in a known layout.
    #[error("{path}: no OUI assignments found (expected the IEEE oui.txt or oui.csv layout)")]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// The MA-L (24-bit OUI) assignments.
#[derive(Debug, Clone, Default)]
pub struct OuiRegistry {
    map: HashMap<[u8; 3], String>,
}

impl OuiRegistry {
    /// Loads the registry from the first default location that exists.
    pub fn load_default() -> Result<OuiRegistry, OuiError> {
        for p in DEFAULT_PATHS {
            let p = Path::new(p);
            if p.exists() {
                return OuiRegistry::load(p);
            }
        }
        Err(OuiError::NotFound)
    }

    /// Loads `oui.txt` (`00-1B-44   (hex)\t\tOrganisation`) or `oui.csv`
    /// (`MA-L,001B44,"Organisation",address`).
    pub fn load(path: &Path) -> Result<OuiRegistry, OuiError> {
        let bytes = std::fs::read(path).map_err(|source| OuiError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let reg = OuiRegistry::parse(&text);
        if reg.map.is_empty() {
            return Err(OuiError::Empty {
                path: path.to_path_buf(),
            });
        }
        Ok(reg)
    }

    /// Parses either layout from text.
    pub fn parse(text: &str) -> OuiRegistry {
        let mut map = HashMap::new();
        for line in text.lines() {
            if let Some((prefix, org)) = line.split_once("(hex)") {
                if let Some(oui) = hex_oui(prefix) {
                    map.insert(oui, org.trim().to_string());
                }
            } else if let Some(rest) = line.strip_prefix("MA-L,") {
                let (hex, rest) = rest.split_once(',').unwrap_or((rest, ""));
                let org = match rest.strip_prefix('"') {
                    Some(q) => q.split('"').next().unwrap_or(""),
                    None => rest.split(',').next().unwrap_or(""),
                };
                if let Some(oui) = hex_oui(hex) {
                    map.insert(oui, org.trim().to_string());
                }
            }
        }
        OuiRegistry { map }
    }

    /// Number of assignments.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The organisation a MAC address's OUI is assigned to. Locally administered
    /// addresses (randomised MACs) have no manufacturer.
    pub fn lookup(&self, mac: [u8; 6]) -> Option<&str> {
        if mac[0] & 0x02 != 0 {
            return None;
        }
        self.map.get(&[mac[0], mac[1], mac[2]]).map(String::as_str)
    }
}

fn hex_oui(s: &str) -> Option<[u8; 3]> {
    let hex: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if hex.len() != 6
        || s.trim()
            .chars()
            .any(|c| !(c.is_ascii_hexdigit() || c == '-'))
    {
        return None;
    }
    let b = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([b(0)?, b(2)?, b(4)?])
}

/// Manufacturers whose network interfaces are mostly medical devices: a device with one
/// of these OUIs is treated as clinical. Matched case-insensitively as substrings of the
/// IEEE organisation name.
pub const MEDICAL_MANUFACTURERS: &[&str] = &[
    "GE Healthcare",
    "GE Medical",
    "Philips Medical",
    "Philips Healthcare",
    "Siemens Healthcare",
    "Siemens Healthineers",
    "Baxter",
    "B. Braun",
    "B.Braun",
    "CareFusion",
    "Becton Dickinson",
    "Hospira",
    "ICU Medical",
    "Smiths Medical",
    "Draeger",
    "Dräger",
    "Mindray",
    "Nihon Kohden",
    "Spacelabs",
    "Welch Allyn",
    "Hill-Rom",
    "Masimo",
    "Medtronic",
    "Fresenius",
    "Zoll Medical",
    "Natus",
    "Carestream",
    "Fujifilm Medical",
    "Canon Medical",
    "Toshiba Medical",
    "Hologic",
    "Varian Medical",
    "Elekta",
    "Omnicell",
    "Capsule Tech",
    "Cerner",
];

/// Whether an organisation name is one of [`MEDICAL_MANUFACTURERS`].
pub fn is_medical_manufacturer(org: &str) -> bool {
    let o = org.to_ascii_lowercase();
    MEDICAL_MANUFACTURERS
        .iter()
        .any(|m| o.contains(&m.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts() {
        let txt = "OUI/MA-L\t\tOrganization\n\n00-09-FB   (hex)\t\tPhilips Patientenueberwachung\n0009FB     (base 16)\t\tPhilips Patientenueberwachung\n";
        let r = OuiRegistry::parse(txt);
        assert_eq!(r.len(), 1);
        assert_eq!(
            r.lookup([0x00, 0x09, 0xfb, 1, 2, 3]),
            Some("Philips Patientenueberwachung")
        );
        assert_eq!(r.lookup([0x02, 0x09, 0xfb, 1, 2, 3]), None);
        let csv = "Registry,Assignment,Organization Name,Organization Address\nMA-L,00E0A3,\"Cisco Systems, Inc\",170 West Tasman Drive\n";
        let r = OuiRegistry::parse(csv);
        assert_eq!(
            r.lookup([0, 0xe0, 0xa3, 0, 0, 0]),
            Some("Cisco Systems, Inc")
        );
    }

    #[test]
    fn medical_vendor_names() {
        assert!(is_medical_manufacturer("GE Healthcare"));
        assert!(is_medical_manufacturer("Baxter Healthcare"));
        assert!(!is_medical_manufacturer("Cisco Systems, Inc"));
    }
}
