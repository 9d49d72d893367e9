//! HL7 DTM timestamps (`YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`) and the RFC 3339
//! times of the audit log, on plain Unix seconds: the guard needs no calendar beyond
//! the proleptic Gregorian day count.

/// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Gregorian date of a day count (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Parses `+HHMM` / `-HHMM` into seconds east of UTC.
pub fn parse_offset(s: &str) -> Option<i64> {
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits[2..].parse().ok()?;
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// Why a DTM value cannot be used as a point in time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DtmError {
    /// Not the DTM grammar, or an impossible date.
    #[error("{0:?} is not an HL7 date/time (YYYYMMDDHHMM[SS[.S]][+/-ZZZZ])")]
    Invalid(String),
    /// Coarser than minutes: an age cannot be judged.
    #[error("{0:?} is not precise to the minute")]
    TooCoarse(String),
    /// No UTC offset and no default configured.
    #[error("{0:?} has no UTC offset (+/-ZZZZ) and no default_utc_offset is configured")]
    NoOffset(String),
}

/// Parses a DTM precise to at least the minute into Unix seconds. `default_offset`
/// (seconds east of UTC) is used when the value has no offset.
pub fn parse_dtm(s: &str, default_offset: Option<i64>) -> Result<i64, DtmError> {
    let invalid = || DtmError::Invalid(s.to_string());
    let s = s.trim();
    let (body, offset) = match s.find(['+', '-']) {
        Some(i) => (&s[..i], Some(parse_offset(&s[i..]).ok_or_else(invalid)?)),
        None => (s, None),
    };
    let (digits, fraction) = match body.split_once('.') {
        Some((d, f)) => (d, Some(f)),
        None => (body, None),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit())
        || !matches!(digits.len(), 4 | 6 | 8 | 10 | 12 | 14)
    {
        return Err(invalid());
    }
    if let Some(f) = fraction
        && (digits.len() != 14
            || f.is_empty()
            || f.len() > 4
            || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid());
    }
    if digits.len() < 12 {
        return Err(DtmError::TooCoarse(s.to_string()));
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<i64>().unwrap_or(-1);
    let (y, mo, d, h, mi) = (n(0..4), n(4..6), n(6..8), n(8..10), n(10..12));
    let sec = if digits.len() == 14 { n(12..14) } else { 0 };
    let days_in_month = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return Err(invalid()),
    };
    if d < 1 || d > days_in_month || h > 23 || mi > 59 || sec > 59 {
        return Err(invalid());
    }
    let offset = offset
        .or(default_offset)
        .ok_or_else(|| DtmError::NoOffset(s.to_string()))?;
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Formats Unix time (seconds and microseconds) as RFC 3339 UTC.
pub fn rfc3339(secs: i64, micros: u32) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

/// Parses the audit log's `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` back into Unix seconds.
pub fn parse_rfc3339_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !s.ends_with('Z') {
        return None;
    }
    let digits: String = s[..19].chars().filter(|c| c.is_ascii_digit()).collect();
    parse_dtm(&digits, Some(0)).ok()
}

/// Formats Unix time as an HL7 DTM in UTC (`YYYYMMDDHHMMSS+0000`).
pub fn hl7_utc(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}+0000",
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

/// Now, as Unix seconds and microseconds.
pub fn now() -> (i64, u32) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs() as i64, d.subsec_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtm_values() {
        // 2008-01-01 12:34:56 -0600 = 18:34:56 UTC = 1199212496.
        assert_eq!(parse_dtm("20080101123456-0600", None), Ok(1_199_212_496));
        assert_eq!(parse_dtm("20080101183456+0000", None), Ok(1_199_212_496));
        assert_eq!(
            parse_dtm("20080101183456.1234+0000", None),
            Ok(1_199_212_496)
        );
        assert_eq!(parse_dtm("200801011834+0000", None), Ok(1_199_212_440));
        assert_eq!(parse_dtm("20080101183456", Some(0)), Ok(1_199_212_496));
        assert_eq!(parse_dtm("20240229000000+0000", None), Ok(1_709_164_800));
        assert!(matches!(
            parse_dtm("20080101183456", None),
            Err(DtmError::NoOffset(_))
        ));
        assert!(matches!(
            parse_dtm("20080101+0000", None),
            Err(DtmError::TooCoarse(_))
        ));
        for bad in [
            "",
            "2008",
            "20230229000000+0000",
            "20081301000000+0000",
            "2008010100000x+0000",
            "20080101000000+2500",
            "20080101000000.+0000",
            "20080101246000+0000",
        ] {
            assert!(parse_dtm(bad, Some(0)).is_err() || bad == "2008", "{bad}");
        }
    }

    #[test]
    fn civil_round_trip_and_formatting() {
        for days in [-800_000, -1, 0, 1, 10_957, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(rfc3339(1_199_212_496, 42), "2008-01-01T18:34:56.000042Z");
        assert_eq!(
            parse_rfc3339_utc("2008-01-01T18:34:56.000042Z"),
            Some(1_199_212_496)
        );
        assert_eq!(parse_rfc3339_utc("2008-01-01 18:34:56Z"), None);
        assert_eq!(hl7_utc(1_199_212_496), "20080101183456+0000");
        assert_eq!(parse_offset("-0600"), Some(-21_600));
        assert_eq!(parse_offset("0600"), None);
    }
}
