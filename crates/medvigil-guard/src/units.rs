//! Infusion units and conversions: rates (mL/h), dose rates (ug/kg/min, units/h,
//! mg/kg/h, ...) and doses, written as UCUM-style text (`mL/h`, `ug/kg/min`,
//! `[iU]/h`), common local spellings (`mcg/kg/min`, `mL/hr`, `units/h`) or ISO/IEEE
//! 11073-10101 reference ids (`MDC_DIM_MICRO_G_PER_KG_PER_MIN`).
//!
//! A drug library states each drug's limits in one unit; senders may program the
//! pump in another. [`convert`] brings the programmed value into the library's unit,
//! using the patient's weight or body surface area when exactly one side is
//! body-size based, and the bag's concentration (drug amount per mL, RXG-17/18 over
//! RXG-23/24) when one side is a volume and the other a drug amount. Anything else
//! (mg against units) is incompatible: the guard refuses to guess.

use std::fmt;

/// What an amount measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountKind {
    /// Fluid volume; base unit mL.
    Volume,
    /// Drug mass; base unit mg.
    Mass,
    /// Biological activity (heparin, insulin); base unit: units.
    Units,
    /// Milliequivalents (potassium chloride); base unit mEq.
    Equivalents,
    /// Amount of substance; base unit mmol.
    Moles,
}

impl AmountKind {
    /// The base unit all amounts of this kind are converted through.
    pub fn base_unit(self) -> &'static str {
        match self {
            AmountKind::Volume => "mL",
            AmountKind::Mass => "mg",
            AmountKind::Units => "units",
            AmountKind::Equivalents => "mEq",
            AmountKind::Moles => "mmol",
        }
    }
}

/// What a dose is scaled by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerBody {
    /// Not scaled.
    None,
    /// Per kilogram of body weight.
    Kg,
    /// Per square metre of body surface area.
    SquareMetre,
}

/// A parsed unit: an amount, optionally per body size, optionally per time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// What the amount measures.
    pub kind: AmountKind,
    /// How many base units one of this unit's amount is (mg: 1, ug: 0.001, L: 1000).
    pub to_base: f64,
    /// Body-size scaling.
    pub per_body: PerBody,
    /// `Some(f)`: a rate, where value × f is the amount per hour (min: 60, h: 1).
    /// `None`: a plain amount (a dose, a volume).
    pub per_hour: Option<f64>,
    text: &'static str,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

impl Unit {
    /// Whether this is a rate (has a time denominator).
    pub fn is_rate(&self) -> bool {
        self.per_hour.is_some()
    }
}

/// Parses a unit. Accepts UCUM (`mL/h`, `ug/kg/min`, `[iU]/h`, `meq/h`), common
/// spellings (`mcg`, `hr`, `units`), and MDC reference ids. Case-insensitive.
pub fn parse_unit(s: &str) -> Option<Unit> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(u) = mdc_code(s) {
        return Some(u);
    }
    if let Some(rest) = s.strip_prefix("MDC_DIM_") {
        return parse_mdc(rest);
    }
    let lower = s.to_ascii_lowercase().replace(['µ', 'μ'], "u");
    let mut parts = lower.split('/');
    let (kind, to_base, amount_text) = amount(parts.next()?.trim())?;
    let mut per_body = PerBody::None;
    let mut per_hour = None;
    for p in parts {
        let p = p.trim();
        if let Some(f) = time(p) {
            if per_hour.is_some() {
                return None;
            }
            per_hour = Some(f);
        } else if per_hour.is_none() && per_body == PerBody::None && p == "kg" {
            per_body = PerBody::Kg;
        } else if per_hour.is_none() && per_body == PerBody::None && (p == "m2" || p == "m^2") {
            per_body = PerBody::SquareMetre;
        } else {
            return None;
        }
    }
    Some(Unit {
        kind,
        to_base,
        per_body,
        per_hour,
        text: canonical_text(amount_text, per_body, per_hour),
    })
}

/// Numeric MDC unit codes the IHE PCD framework spells out (Vol. 2, PCD-03 examples).
fn mdc_code(s: &str) -> Option<Unit> {
    let name = match s {
        "263762" => "MILLI_L",
        "265266" => "MILLI_L_PER_HR",
        "265619" => "MICRO_G_PER_KG_PER_MIN",
        "263872" => "X_G",
        "263875" => "KILO_G",
        "263890" => "MILLI_G",
        _ => return None,
    };
    parse_mdc(name)
}

fn parse_mdc(rest: &str) -> Option<Unit> {
    let mut parts = rest.split("_PER_");
    let amt = parts.next()?;
    let (prefix, base) = amt.split_once('_')?;
    if !matches!(prefix, "X" | "KILO" | "MILLI" | "MICRO" | "NANO") {
        return None;
    }
    // The UCUM amount this MDC amount names, or "" for a prefixed litre or gram.
    let ucum_amount = match (prefix, base) {
        (_, "L") | (_, "G") => "",
        ("X", "INTL_UNIT") => "units",
        ("MILLI", "INTL_UNIT") => "milliunits",
        ("MILLI", "EQUIV") => "meq",
        ("MILLI", "MOLE") => "mmol",
        _ => return None,
    };
    let mut text = String::new();
    if ucum_amount.is_empty() {
        text.push_str(match prefix {
            "X" => "",
            "KILO" => "k",
            "MILLI" => "m",
            "MICRO" => "u",
            _ => "n",
        });
        text.push(if base == "L" { 'l' } else { 'g' });
    } else {
        text.push_str(ucum_amount);
    }
    for p in parts {
        text.push('/');
        text.push_str(match p {
            "KG" | "KILO_G" => "kg",
            "SQ_X_M" | "X_M_SQ" => "m2",
            "HR" => "h",
            "MIN" => "min",
            "X_SEC" | "SEC" => "s",
            "DAY" => "d",
            _ => return None,
        });
    }
    parse_unit(&text)
}

fn amount(t: &str) -> Option<(AmountKind, f64, &'static str)> {
    use AmountKind::*;
    Some(match t {
        "ml" => (Volume, 1.0, "mL"),
        "l" => (Volume, 1000.0, "L"),
        "ul" => (Volume, 1e-3, "uL"),
        "g" => (Mass, 1000.0, "g"),
        "mg" => (Mass, 1.0, "mg"),
        "ug" | "mcg" => (Mass, 1e-3, "ug"),
        "ng" => (Mass, 1e-6, "ng"),
        "kg" => (Mass, 1e6, "kg"),
        "units" | "unit" | "u" | "[iu]" | "iu" | "[u]" => (Units, 1.0, "units"),
        "milliunits" | "mu" | "m[iu]" => (Units, 1e-3, "milliunits"),
        "meq" | "m[eq]" => (Equivalents, 1.0, "mEq"),
        "mmol" => (Moles, 1.0, "mmol"),
        _ => return None,
    })
}

fn time(t: &str) -> Option<f64> {
    Some(match t {
        "h" | "hr" | "hour" => 1.0,
        "min" => 60.0,
        "s" | "sec" => 3600.0,
        "d" | "day" => 1.0 / 24.0,
        _ => return None,
    })
}

/// Interned display text, so [`Unit`] stays `Copy`.
fn canonical_text(amount: &'static str, body: PerBody, per_hour: Option<f64>) -> &'static str {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut s = amount.to_string();
    match body {
        PerBody::None => {}
        PerBody::Kg => s.push_str("/kg"),
        PerBody::SquareMetre => s.push_str("/m2"),
    }
    if let Some(f) = per_hour {
        s.push_str(match f {
            1.0 => "/h",
            60.0 => "/min",
            3600.0 => "/s",
            _ => "/d",
        });
    }
    let mut map = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // The set of distinct names is small and fixed by the grammar above.
    map.entry(s.clone())
        .or_insert_with(|| Box::leak(s.into_boxed_str()))
}

/// A bag's concentration: `amount` base units of drug (mg, units, ...) in `volume_ml`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concentration {
    /// What the drug amount measures.
    pub kind: AmountKind,
    /// Drug amount in the kind's base unit.
    pub amount: f64,
    /// Diluent volume in mL.
    pub volume_ml: f64,
}

impl Concentration {
    /// Base units of drug per mL.
    pub fn per_ml(&self) -> f64 {
        self.amount / self.volume_ml
    }

    /// Whether two concentrations describe the same bag (amount and volume equal,
    /// within rounding).
    pub fn same_as(&self, other: &Concentration) -> bool {
        self.kind == other.kind
            && close(self.amount, other.amount)
            && close(self.volume_ml, other.volume_ml)
    }
}

impl fmt::Display for Concentration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}/{} mL",
            self.amount,
            self.kind.base_unit(),
            self.volume_ml
        )
    }
}

impl std::str::FromStr for Concentration {
    type Err = String;

    /// Parses `"400 mg/250 mL"` (also `"400mg / 250 mL"`, `"25000 units/500 mL"`).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("invalid concentration {s:?}: expected e.g. \"400 mg/250 mL\"");
        let (a, v) = s.split_once('/').ok_or_else(bad)?;
        let (av, au) = split_number(a).ok_or_else(bad)?;
        let (vv, vu) = split_number(v).ok_or_else(bad)?;
        let au = parse_unit(au).filter(|u| !u.is_rate() && u.per_body == PerBody::None);
        let vu = parse_unit(vu).filter(|u| !u.is_rate() && u.kind == AmountKind::Volume);
        let (Some(au), Some(vu)) = (au, vu) else {
            return Err(bad());
        };
        if au.kind == AmountKind::Volume || av <= 0.0 || vv <= 0.0 {
            return Err(bad());
        }
        Ok(Concentration {
            kind: au.kind,
            amount: av * au.to_base,
            volume_ml: vv * vu.to_base,
        })
    }
}

fn split_number(s: &str) -> Option<(f64, &str)> {
    let s = s.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let v: f64 = s[..end].parse().ok()?;
    v.is_finite().then_some((v, s[end..].trim()))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Patient and bag facts a conversion may need.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Patient weight in kg (OBX `MDC_ATTR_PT_WEIGHT`).
    pub weight_kg: Option<f64>,
    /// Body surface area in m² (OBX `MDC_AREA_BODY_SURF_ACTUAL`).
    pub bsa_m2: Option<f64>,
    /// The bag's concentration (RXG-17/18 over RXG-23/24).
    pub concentration: Option<Concentration>,
}

/// Why a value cannot be brought into the library's unit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// A weight-based conversion without a patient weight.
    #[error("the conversion from {from} to {to} needs the patient weight")]
    NeedsWeight {
        /// Programmed unit.
        from: String,
        /// Library unit.
        to: String,
    },
    /// A BSA-based conversion without a body surface area.
    #[error("the conversion from {from} to {to} needs the patient body surface area")]
    NeedsBsa {
        /// Programmed unit.
        from: String,
        /// Library unit.
        to: String,
    },
    /// A volume/drug-amount conversion without the bag's concentration.
    #[error("the conversion from {from} to {to} needs the concentration (RXG-17/18 and RXG-23/24)")]
    NeedsConcentration {
        /// Programmed unit.
        from: String,
        /// Library unit.
        to: String,
    },
    /// The concentration is of another kind of drug amount than the units involved.
    #[error("the concentration is in {conc} but the units are {from} and {to}")]
    ConcentrationKind {
        /// Concentration's base unit.
        conc: String,
        /// Programmed unit.
        from: String,
        /// Library unit.
        to: String,
    },
    /// The units measure different things (mg against units, a rate against a dose).
    #[error("{from} cannot be converted to {to}")]
    Incompatible {
        /// Programmed unit.
        from: String,
        /// Library unit.
        to: String,
    },
}

/// Converts `value` in `from` into `to`, using `facts` where needed.
pub fn convert(value: f64, from: &Unit, to: &Unit, facts: &Facts) -> Result<f64, ConvertError> {
    let names = || (from.to_string(), to.to_string());
    if from.per_hour.is_some() != to.per_hour.is_some() {
        let (from, to) = names();
        return Err(ConvertError::Incompatible { from, to });
    }
    // Amount (base units) per hour (or per dose), possibly per body size.
    let mut v = value * from.to_base * from.per_hour.unwrap_or(1.0);
    // Remove the programmed unit's body scaling, unless both sides share it.
    let same_body = from.per_body == to.per_body;
    if !same_body {
        v *= body_factor(from.per_body, facts, from, to)?;
    }
    if from.kind != to.kind {
        if from.kind != AmountKind::Volume && to.kind != AmountKind::Volume {
            let (from, to) = names();
            return Err(ConvertError::Incompatible { from, to });
        }
        let conc = facts.concentration.ok_or_else(|| {
            let (from, to) = names();
            ConvertError::NeedsConcentration { from, to }
        })?;
        let drug_kind = if from.kind == AmountKind::Volume {
            to.kind
        } else {
            from.kind
        };
        if conc.kind != drug_kind {
            let (from, to) = names();
            return Err(ConvertError::ConcentrationKind {
                conc: conc.kind.base_unit().to_string(),
                from,
                to,
            });
        }
        if from.kind == AmountKind::Volume {
            v *= conc.per_ml();
        } else {
            v /= conc.per_ml();
        }
    }
    if !same_body {
        v /= body_factor(to.per_body, facts, from, to)?;
    }
    Ok(v / (to.to_base * to.per_hour.unwrap_or(1.0)))
}

fn body_factor(body: PerBody, facts: &Facts, from: &Unit, to: &Unit) -> Result<f64, ConvertError> {
    let names = || (from.to_string(), to.to_string());
    match body {
        PerBody::None => Ok(1.0),
        PerBody::Kg => facts.weight_kg.ok_or_else(|| {
            let (from, to) = names();
            ConvertError::NeedsWeight { from, to }
        }),
        PerBody::SquareMetre => facts.bsa_m2.ok_or_else(|| {
            let (from, to) = names();
            ConvertError::NeedsBsa { from, to }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Unit {
        parse_unit(s).unwrap_or_else(|| panic!("unit {s:?}"))
    }

    fn approx(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9 * b.abs().max(1.0), "{a} != {b}");
    }

    #[test]
    fn spellings_parse_to_the_same_unit() {
        for (a, b) in [
            ("mL/h", "ml/hr"),
            ("mL/h", "MDC_DIM_MILLI_L_PER_HR"),
            ("mL/h", "265266"),
            ("ug/kg/min", "mcg/kg/min"),
            ("ug/kg/min", "MDC_DIM_MICRO_G_PER_KG_PER_MIN"),
            ("ug/kg/min", "265619"),
            ("units/h", "[iU]/h"),
            ("units/h", "MDC_DIM_X_INTL_UNIT_PER_HR"),
            ("mg", "263890"),
            ("g", "MDC_DIM_X_G"),
            ("mL", "263762"),
            ("mg/m2/h", "MDC_DIM_MILLI_G_PER_SQ_X_M_PER_HR"),
            ("mEq/h", "meq/hr"),
        ] {
            assert_eq!(u(a), u(b), "{a} vs {b}");
        }
        assert_eq!(u("mcg/kg/min").to_string(), "ug/kg/min");
        for bad in [
            "",
            "furlongs/h",
            "mL/h/h",
            "mg/h/kg",
            "mL/kg/kg",
            "MDC_DIM_PERCENT",
        ] {
            assert!(parse_unit(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn same_kind_scaling() {
        let f = Facts::default();
        approx(convert(1.0, &u("mL/min"), &u("mL/h"), &f).unwrap(), 60.0);
        approx(
            convert(1.0, &u("mg/h"), &u("ug/min"), &f).unwrap(),
            1000.0 / 60.0,
        );
        approx(convert(2.0, &u("g"), &u("mg"), &f).unwrap(), 2000.0);
        approx(
            convert(5.0, &u("ug/kg/min"), &u("mg/kg/h"), &f).unwrap(),
            0.3,
        );
    }

    #[test]
    fn weight_and_bsa() {
        let f = Facts {
            weight_kg: Some(85.0),
            bsa_m2: Some(2.0),
            ..Facts::default()
        };
        approx(
            convert(10.0, &u("ug/kg/min"), &u("mg/h"), &f).unwrap(),
            51.0,
        );
        approx(
            convert(51.0, &u("mg/h"), &u("ug/kg/min"), &f).unwrap(),
            10.0,
        );
        approx(
            convert(18.0, &u("units/kg/h"), &u("units/h"), &f).unwrap(),
            1530.0,
        );
        approx(convert(1.0, &u("mg/m2/h"), &u("mg/h"), &f).unwrap(), 2.0);
        let none = Facts::default();
        assert!(matches!(
            convert(10.0, &u("ug/kg/min"), &u("mg/h"), &none),
            Err(ConvertError::NeedsWeight { .. })
        ));
        assert!(matches!(
            convert(1.0, &u("mg/m2/h"), &u("mg/h"), &none),
            Err(ConvertError::NeedsBsa { .. })
        ));
    }

    #[test]
    fn concentration_links_volume_and_drug_amount() {
        // IHE PCD-03 example 1: dopamine 400 mg in 250 mL, 85 kg, 10 ug/kg/min.
        let f = Facts {
            weight_kg: Some(85.0),
            concentration: Some("400 mg/250 mL".parse().unwrap()),
            ..Facts::default()
        };
        // 10 ug/kg/min * 85 kg * 60 = 51 mg/h; at 1.6 mg/mL that is 31.875 mL/h.
        approx(
            convert(10.0, &u("ug/kg/min"), &u("mL/h"), &f).unwrap(),
            31.875,
        );
        approx(
            convert(31.875, &u("mL/h"), &u("ug/kg/min"), &f).unwrap(),
            10.0,
        );
        // Heparin 25,000 units in 500 mL: 20 mL/h = 1000 units/h.
        let hep = Facts {
            concentration: Some("25000 units/500 mL".parse().unwrap()),
            ..Facts::default()
        };
        approx(
            convert(20.0, &u("mL/h"), &u("units/h"), &hep).unwrap(),
            1000.0,
        );
        assert!(matches!(
            convert(20.0, &u("mL/h"), &u("mg/h"), &hep),
            Err(ConvertError::ConcentrationKind { .. })
        ));
        assert!(matches!(
            convert(20.0, &u("mL/h"), &u("units/h"), &Facts::default()),
            Err(ConvertError::NeedsConcentration { .. })
        ));
        assert!(matches!(
            convert(1.0, &u("mg/h"), &u("units/h"), &hep),
            Err(ConvertError::Incompatible { .. })
        ));
        assert!(matches!(
            convert(1.0, &u("mg"), &u("mg/h"), &hep),
            Err(ConvertError::Incompatible { .. })
        ));
    }

    #[test]
    fn concentrations_parse_and_compare() {
        let a: Concentration = "400 mg/250 mL".parse().unwrap();
        let b: Concentration = "0.4 g / 0.25 L".parse().unwrap();
        assert!(a.same_as(&b));
        assert!(!a.same_as(&"800 mg/250 mL".parse().unwrap()));
        for bad in [
            "400 mg",
            "mg/250 mL",
            "400 mL/250 mL",
            "400 mg/250 mg",
            "-1 mg/5 mL",
            "0 mg/5 mL",
        ] {
            assert!(bad.parse::<Concentration>().is_err(), "{bad}");
        }
    }
}
