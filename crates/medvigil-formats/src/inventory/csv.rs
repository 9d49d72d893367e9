//! CMMS CSV exports (RFC 4180, with the habits of real exports: a UTF-8 byte-order mark,
//! CRLF line ends, `;` or tab as the delimiter).
//!
//! The tokenizer is our own rather than the `csv` crate's because every error must name
//! the exact line and column of the offending cell, including cells that span lines
//! inside quotes, and the `csv` crate exposes only record starts.

use std::collections::HashMap;

use super::{
    Field, Inventory, InventoryFormat, InventoryRow, Problem, ReadOptions, apply, blank_device,
};
use crate::position::LineIndex;

/// Columns a file must have: without them rows cannot be identified or matched.
const REQUIRED: [Field; 3] = [Field::AssetId, Field::Manufacturer, Field::Model];

/// One cell: its raw bytes (quotes removed, `""` unescaped) and where it starts.
#[derive(Debug)]
struct Cell {
    value: Vec<u8>,
    /// Byte offset of the cell's first byte in the input (its opening quote if quoted).
    start: usize,
    /// Byte offset of the value's first byte (past the opening quote).
    value_start: usize,
}

/// A CSV tokenizer that tracks byte offsets.
struct Tokenizer<'a> {
    bytes: &'a [u8],
    pos: usize,
    delimiter: u8,
}

impl<'a> Tokenizer<'a> {
    /// The next record (`None` at end of input), or the offset and reason of a syntax error
    /// after which the rest of the input cannot be trusted.
    fn next_record(&mut self) -> Option<Result<Vec<Cell>, (usize, String)>> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let mut cells = Vec::new();
        loop {
            let start = self.pos;
            let mut value = Vec::new();
            let value_start;
            if self.bytes.get(self.pos) == Some(&b'"') {
                value_start = self.pos + 1;
                self.pos += 1;
                loop {
                    match self.bytes.get(self.pos) {
                        None => return Some(Err((start, "unterminated quoted field".into()))),
                        Some(b'"') if self.bytes.get(self.pos + 1) == Some(&b'"') => {
                            value.push(b'"');
                            self.pos += 2;
                        }
                        Some(b'"') => {
                            self.pos += 1;
                            break;
                        }
                        Some(&b) => {
                            value.push(b);
                            self.pos += 1;
                        }
                    }
                }
                // Only spaces may sit between a closing quote and the delimiter.
                while self.bytes.get(self.pos) == Some(&b' ') {
                    self.pos += 1;
                }
                match self.bytes.get(self.pos) {
                    None | Some(b'\n' | b'\r') => {}
                    Some(&b) if b == self.delimiter => {}
                    Some(_) => {
                        return Some(Err((
                            self.pos,
                            "unexpected character after closing quote".into(),
                        )));
                    }
                }
            } else {
                value_start = start;
                while let Some(&b) = self.bytes.get(self.pos) {
                    if b == self.delimiter || b == b'\n' || b == b'\r' {
                        break;
                    }
                    value.push(b);
                    self.pos += 1;
                }
            }
            cells.push(Cell {
                value,
                start,
                value_start,
            });
            match self.bytes.get(self.pos) {
                Some(&b) if b == self.delimiter => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if self.bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    return Some(Ok(cells));
                }
                Some(b'\n') => {
                    self.pos += 1;
                    return Some(Ok(cells));
                }
                _ => return Some(Ok(cells)),
            }
        }
    }
}

/// Comma unless the header line has more semicolons or tabs (European CMMS exports).
fn sniff_delimiter(header_line: &[u8]) -> u8 {
    let count = |d: u8| header_line.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (count(d), d == b','))
        .unwrap_or(b',')
}

fn is_blank(cells: &[Cell]) -> bool {
    cells
        .iter()
        .all(|c| c.value.iter().all(u8::is_ascii_whitespace))
}

pub(super) fn read(bytes: &[u8], options: &ReadOptions) -> Inventory {
    let mut inv = Inventory::new(InventoryFormat::Csv);
    let body_start = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let header_end = bytes[body_start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| body_start + i);
    let mut tok = Tokenizer {
        bytes,
        pos: body_start,
        delimiter: sniff_delimiter(&bytes[body_start..header_end]),
    };
    let lines = LineIndex::new(bytes);
    let at = |offset: usize| lines.position(offset);
    let problem = |inv: &mut Inventory, offset: usize, message: String| {
        inv.problems.push(Problem {
            position: at(offset),
            message,
        })
    };

    // Header: map each column to a field, or keep it as an attribute name.
    let header = loop {
        match tok.next_record() {
            None => {
                problem(
                    &mut inv,
                    body_start,
                    "empty file: expected a CSV header row".into(),
                );
                return inv;
            }
            Some(Err((offset, msg))) => {
                problem(&mut inv, offset, msg);
                return inv;
            }
            Some(Ok(cells)) if is_blank(&cells) => continue,
            Some(Ok(cells)) => break cells,
        }
    };
    let mut columns: Vec<Result<Field, String>> = Vec::with_capacity(header.len());
    let mut seen: HashMap<Field, usize> = HashMap::new();
    let mut header_ok = true;
    for (i, cell) in header.iter().enumerate() {
        let name = match std::str::from_utf8(&cell.value) {
            Ok(s) => s.trim().to_string(),
            Err(e) => {
                problem(
                    &mut inv,
                    cell.value_start + e.valid_up_to(),
                    "invalid UTF-8 byte in header".into(),
                );
                header_ok = false;
                String::new()
            }
        };
        match Field::from_label(&name) {
            Some(field) => {
                if let Some(&first) = seen.get(&field) {
                    problem(
                        &mut inv,
                        cell.start,
                        format!(
                            "column {:?} means {} like column {} ({:?}); keep one",
                            name,
                            field.canonical(),
                            first + 1,
                            String::from_utf8_lossy(&header[first].value).trim()
                        ),
                    );
                    header_ok = false;
                }
                seen.insert(field, i);
                columns.push(Ok(field));
            }
            None if name.is_empty() => columns.push(Err(format!("column_{}", i + 1))),
            None => columns.push(Err(name)),
        }
    }
    for field in REQUIRED {
        if !seen.contains_key(&field) {
            problem(
                &mut inv,
                header[0].start,
                format!(
                    "missing required column {:?} (or an alias such as {})",
                    field.canonical(),
                    alias_hint(field)
                ),
            );
            header_ok = false;
        }
    }
    if !header_ok {
        return inv;
    }

    // Rows.
    while let Some(record) = tok.next_record() {
        let cells = match record {
            Ok(cells) => cells,
            Err((offset, msg)) => {
                // The rest of the file cannot be split reliably after a quoting error.
                inv.records += 1;
                problem(&mut inv, offset, msg);
                break;
            }
        };
        if is_blank(&cells) {
            continue;
        }
        inv.records += 1;
        let row_start = cells[0].start;
        if cells.len() != columns.len() {
            let offset = cells.get(columns.len()).map_or(row_start, |c| c.start);
            problem(
                &mut inv,
                offset,
                format!("expected {} fields, found {}", columns.len(), cells.len()),
            );
            continue;
        }
        let mut device = blank_device(options);
        let mut ok = true;
        for (cell, column) in cells.iter().zip(&columns) {
            let value = match std::str::from_utf8(&cell.value) {
                Ok(v) => v,
                Err(e) => {
                    problem(
                        &mut inv,
                        cell.value_start + e.valid_up_to(),
                        "invalid UTF-8 byte".into(),
                    );
                    ok = false;
                    continue;
                }
            };
            let trimmed = value.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = value.len() - value.trim_start().len();
            match column {
                Ok(field) => {
                    if let Err((inner, msg)) = apply(&mut device, *field, trimmed) {
                        problem(&mut inv, cell.value_start + lead + inner, msg);
                        ok = false;
                    }
                }
                Err(name) => {
                    device.attributes.insert(name.clone(), trimmed.to_string());
                }
            }
        }
        if device.asset_id.is_empty() {
            let cell = &cells[seen[&Field::AssetId]];
            problem(
                &mut inv,
                cell.start,
                "empty asset_id: every device needs one".into(),
            );
            ok = false;
        }
        inv.identity(&device, at(row_start));
        if ok {
            inv.rows.push(InventoryRow {
                position: at(row_start),
                device,
            });
        }
    }
    inv
}

fn alias_hint(field: Field) -> &'static str {
    match field {
        Field::AssetId => "\"Asset Tag\" or \"Equipment ID\"",
        Field::Manufacturer => "\"Manufacturer Name\" or \"Vendor\"",
        Field::Model => "\"Model Number\" or \"Product\"",
        _ => "none",
    }
}

#[cfg(test)]
mod tests {
    use medvigil_model::{ClinicalFunction, NetworkZone};

    use super::*;
    use crate::position::Position;

    const CANONICAL: &str = "asset_id,manufacturer,model,version,serial,site,department,ip,mac,device_class,clinical_function,network_zone\n";

    fn read_str(s: &str) -> Inventory {
        super::super::read(s.as_bytes(), &ReadOptions::default())
    }

    fn problems(inv: &Inventory) -> Vec<String> {
        inv.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn canonical_header_reads_every_field() {
        let inv = read_str(&format!(
            "{CANONICAL}PUMP-1,BD,Alaris 8015,12.1.2,SN1,North,ICU,10.0.0.1;10.0.0.2,00:1b:44:11:3a:b7,Infusion Pump,therapeutic,clinical_vlan\n"
        ));
        assert!(inv.problems.is_empty(), "{:?}", inv.problems);
        let d = &inv.rows[0].device;
        assert_eq!((d.asset_id.as_str(), d.site.as_str()), ("PUMP-1", "North"));
        assert_eq!(d.manufacturer.as_deref(), Some("BD"));
        assert_eq!(d.version.as_deref(), Some("12.1.2"));
        assert_eq!(d.department.as_deref(), Some("ICU"));
        assert_eq!(d.ips.len(), 2);
        assert_eq!(d.macs[0].to_string(), "00:1b:44:11:3a:b7");
        assert_eq!(d.clinical_function, Some(ClinicalFunction::Therapeutic));
        assert_eq!(d.network_zone, Some(NetworkZone::ClinicalVlan));
        assert!(d.attributes.is_empty());
    }

    #[test]
    fn any_column_order_aliases_quotes_and_attributes() {
        let inv = read_str(
            "\u{feff}\"Model Number\",Cost Center,Equipment ID,\"Manufacturer Name\",Location,Firmware\r\n\
             \"CARESCAPE B450\",4410,MON-1,\"GE Healthcare\",\"ICU, bed \"\"3\"\"\",2.1\r\n",
        );
        assert!(inv.problems.is_empty(), "{:?}", inv.problems);
        let d = &inv.rows[0].device;
        assert_eq!(d.asset_id, "MON-1");
        assert_eq!(d.model.as_deref(), Some("CARESCAPE B450"));
        assert_eq!(d.department.as_deref(), Some("ICU, bed \"3\""));
        assert_eq!(d.version.as_deref(), Some("2.1"));
        assert_eq!(d.site, "default");
        assert_eq!(d.attributes["Cost Center"], "4410");
    }

    #[test]
    fn semicolon_delimited_and_default_site() {
        let inv = super::super::read(
            b"Asset Tag;Vendor;Model\nA1;Draeger;Evita V500\n",
            &ReadOptions {
                default_site: Some("Sud".into()),
            },
        );
        assert!(inv.problems.is_empty(), "{:?}", inv.problems);
        assert_eq!(inv.rows[0].device.site, "Sud");
        assert_eq!(inv.rows[0].device.model.as_deref(), Some("Evita V500"));
    }

    #[test]
    fn every_error_class_has_its_exact_position() {
        let inv = read_str(&format!(
            "{CANONICAL}\
             P1,BD,Alaris,1,,,,10.0.0.1,,,critical,\n\
             P2,BD,Alaris,1,,,,10.0.0.256,,,,\n\
             P3,BD,Alaris,1,,,,,00:1b:44:11:3a,,,\n\
             P4,BD,Alaris,1,,,,,,,,lan\n\
             P1,BD,Alaris,2,,,,,,,,\n\
             P5,BD,Alaris\n\
             ,BD,Alaris,1,,,,,,,,\n\
             P6,BD,Alaris,1,,,,10.0.0.6; 10.0.0.x,,,,\n"
        ));
        let got = problems(&inv);
        assert_eq!(
            got,
            [
                "2:30: invalid clinical_function \"critical\": expected one of life_sustaining, therapeutic, diagnostic, monitoring, informational",
                "3:19: invalid IP address \"10.0.0.256\"",
                "4:20: invalid MAC address \"00:1b:44:11:3a\"",
                "5:23: invalid network_zone \"lan\": expected one of internet_exposed, hospital_lan, clinical_vlan, isolated",
                "6:1: duplicate asset id \"P1\" in site \"default\" (first at line 2)",
                "7:1: expected 12 fields, found 3",
                "8:1: empty asset_id: every device needs one",
                "9:29: invalid IP address \"10.0.0.x\"",
            ]
        );
        // P1 (first occurrence) is valid; the duplicate and every bad row are left out.
        // Every row has a problem: the first P1 an enum value, the second is a duplicate.
        assert!(inv.rows.is_empty(), "{:?}", inv.rows);
        assert_eq!(inv.records, 8);
    }

    #[test]
    fn missing_and_duplicated_columns() {
        let inv = read_str("Asset Tag,Model\nA,B\n");
        assert_eq!(
            problems(&inv),
            [
                "1:1: missing required column \"manufacturer\" (or an alias such as \"Manufacturer Name\" or \"Vendor\")"
            ]
        );
        assert!(inv.rows.is_empty());
        let inv = read_str("asset_id,manufacturer,model,Firmware,Software Version\n");
        assert_eq!(
            problems(&inv),
            [
                "1:38: column \"Software Version\" means version like column 4 (\"Firmware\"); keep one"
            ]
        );
    }

    #[test]
    fn non_utf8_byte_is_located() {
        let mut bytes = b"asset_id,manufacturer,model\nA1,Dr".to_vec();
        bytes.push(0xE4); // Latin-1 'ä'
        bytes.extend_from_slice(b"ger,V500\n");
        let inv = super::super::read(&bytes, &ReadOptions::default());
        assert_eq!(problems(&inv), ["2:6: invalid UTF-8 byte"]);
        assert!(inv.rows.is_empty());
    }

    #[test]
    fn quoting_errors() {
        let inv = read_str("asset_id,manufacturer,model\nA1,\"BD,Alaris\n");
        assert_eq!(problems(&inv), ["2:4: unterminated quoted field"]);
        let inv = read_str("asset_id,manufacturer,model\nA1,\"BD\"x,Alaris\n");
        assert_eq!(
            problems(&inv),
            ["2:8: unexpected character after closing quote"]
        );
    }

    #[test]
    fn multiline_quoted_cell_positions_follow_the_text() {
        let inv = read_str(
            "asset_id,manufacturer,model,network_zone\nA1,\"GE\nHealthcare\",B450,nowhere\n",
        );
        assert_eq!(
            problems(&inv)[0],
            "3:18: invalid network_zone \"nowhere\": expected one of internet_exposed, hospital_lan, clinical_vlan, isolated"
        );
    }

    #[test]
    fn empty_input_and_blank_lines() {
        assert_eq!(
            problems(&read_str("")),
            ["1:1: empty file: expected a CSV header row"]
        );
        let inv = read_str("\n\nasset_id,manufacturer,model\n\nA,B,C\n\n");
        assert!(inv.problems.is_empty());
        assert_eq!(inv.rows[0].position, Position { line: 5, column: 1 });
    }
}
