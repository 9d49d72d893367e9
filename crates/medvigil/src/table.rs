//! Plain-text tables for people: left-aligned columns, widths from the content.

use std::io::{self, Write};

/// Writes `rows` under `header`, columns separated by two spaces. Cells longer than
/// `max` characters are cut with an ellipsis so one long value cannot wreck the layout.
pub fn write(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    max: usize,
) -> io::Result<()> {
    let cut = |s: &str| -> String {
        if s.chars().count() > max {
            s.chars().take(max.saturating_sub(1)).chain(['…']).collect()
        } else {
            s.to_string()
        }
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cut(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
        let mut s = String::new();
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(cell);
            s.extend(std::iter::repeat_n(' ', w - cell.chars().count()));
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &mut header.iter().copied())?;
    for row in &rows {
        line(out, &mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn aligns_and_cuts() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["a".to_string(), "long value here".to_string()],
            vec!["bbb".to_string(), "x".to_string()],
        ];
        super::write(&mut out, &["K", "V"], &rows, 8).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "K    V\na    long va…\nbbb  x\n"
        );
    }
}
