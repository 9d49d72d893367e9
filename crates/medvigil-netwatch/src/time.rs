//! Capture timestamps, printed as RFC 3339 UTC without pulling in a date library.

use std::fmt;

use serde::{Serialize, Serializer};

/// A capture timestamp: nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The epoch, for frames that carry no time (pcapng simple packet blocks).
    pub const ZERO: Timestamp = Timestamp(0);

    /// From whole seconds and nanoseconds.
    pub fn from_parts(secs: i64, nanos: u64) -> Timestamp {
        Timestamp(
            secs.saturating_mul(1_000_000_000)
                .saturating_add(nanos.min(999_999_999) as i64),
        )
    }

    /// From pcapng units of `1/resolution` seconds plus an offset in seconds.
    pub fn from_units(units: u64, resolution: u64, offset_secs: i64) -> Timestamp {
        let secs = (units / resolution) as i64;
        let rem = units % resolution;
        let nanos = (u128::from(rem) * 1_000_000_000 / u128::from(resolution)) as u64;
        Timestamp::from_parts(secs.saturating_add(offset_secs), nanos)
    }

    /// Seconds since the epoch.
    pub fn secs(self) -> i64 {
        self.0.div_euclid(1_000_000_000)
    }

    /// Seconds elapsed from `earlier` to `self` (saturating at zero).
    pub fn secs_since(self, earlier: Timestamp) -> i64 {
        (self.0.saturating_sub(earlier.0)).max(0) / 1_000_000_000
    }
}

impl fmt::Display for Timestamp {
    /// `2011-06-13T08:36:17.123456Z` (microsecond precision, like Wireshark's default).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.secs();
        let micros = self.0.rem_euclid(1_000_000_000) / 1000;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00.000000Z");
        // 2011-06-13T08:36:17Z, checked with `date -u -d @1307954177`.
        assert_eq!(
            Timestamp::from_parts(1_307_954_177, 123_456_000).to_string(),
            "2011-06-13T08:36:17.123456Z"
        );
        assert_eq!(
            Timestamp::from_parts(951_782_400, 0).to_string(),
            "2000-02-29T00:00:00.000000Z"
        );
        assert_eq!(
            Timestamp::from_units(1_500_000, 1_000_000, 10).to_string(),
            "1970-01-01T00:00:11.500000Z"
        );
    }
}
