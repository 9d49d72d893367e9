//! The shape every CVSS metric shares: an abbreviation, a full name and a closed set of
//! one-letter (or one-word) value codes, as written in a vector string.

/// A CVSS metric: one enumeration per metric, values spelled as the vector string spells them.
pub trait Metric: Copy + Eq + Sized + 'static {
    /// The metric's abbreviation in a vector string ("AV").
    const ABBREV: &'static str;
    /// The metric's name in the specification ("Attack Vector").
    const NAME: &'static str;
    /// Every accepted value code, in the specification's order.
    const CODES: &'static [&'static str];
    /// The value's code in a vector string ("N").
    fn code(self) -> &'static str;
    /// The value for a code, if the metric has it.
    fn from_code(code: &str) -> Option<Self>;
}

/// Declares one metric enumeration with its codes; the caller writes the spec quote as doc.
macro_rules! metric {
    (
        $(#[$doc:meta])*
        $name:ident, $abbr:literal, $full:literal {
            $($(#[$vdoc:meta])* $var:ident = $code:literal),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $var),+
        }

        impl $crate::cvss::metric::Metric for $name {
            const ABBREV: &'static str = $abbr;
            const NAME: &'static str = $full;
            const CODES: &'static [&'static str] = &[$($code),+];
            fn code(self) -> &'static str {
                match self { $($name::$var => $code),+ }
            }
            fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$var),)+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::cvss::metric::Metric::code(*self))
            }
        }
    };
}
pub(crate) use metric;

/// Records one `KEY:VALUE` component into its slot, rejecting bad values and repeats.
pub(crate) fn set<M: Metric>(
    slot: &mut Option<M>,
    value: &str,
    version: &'static str,
) -> Result<(), super::CvssError> {
    if slot.is_some() {
        return Err(super::CvssError::Duplicate {
            version,
            metric: M::ABBREV,
        });
    }
    *slot = Some(
        M::from_code(value).ok_or_else(|| super::CvssError::InvalidValue {
            version,
            metric: M::ABBREV,
            name: M::NAME,
            value: value.to_string(),
            expected: M::CODES,
        })?,
    );
    Ok(())
}

/// A mandatory metric's value, or the error naming it.
pub(crate) fn required<M: Metric>(
    slot: Option<M>,
    version: &'static str,
) -> Result<M, super::CvssError> {
    slot.ok_or(super::CvssError::Missing {
        version,
        metric: M::ABBREV,
        name: M::NAME,
    })
}

/// A base metric that the environmental group can override ("MAV" overrides "AV").
pub trait Modifiable: Metric {
    /// The modified metric's abbreviation ("MAV").
    const MODIFIED_ABBREV: &'static str;
    /// The modified metric's name ("Modified Attack Vector").
    const MODIFIED_NAME: &'static str;
    /// The modified metric's codes: "X" followed by the base metric's codes.
    const MODIFIED_CODES: &'static [&'static str];
}

/// An environmental override of a base metric: `X` (Not Defined) keeps the base value.
///
/// CVSS v3.1 §4.3: "These metrics enable the consumer analyst to override individual Base
/// metric values based on specific characteristics of a user's environment."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Modified<T> {
    /// `X`: use the base metric's value.
    NotDefined,
    /// An explicit override.
    Value(T),
}

impl<T: Copy> Modified<T> {
    /// The value scoring uses: the override, or the base value when not defined.
    pub fn resolve(self, base: T) -> T {
        match self {
            Modified::NotDefined => base,
            Modified::Value(v) => v,
        }
    }
}

impl<T: Modifiable> Metric for Modified<T> {
    const ABBREV: &'static str = T::MODIFIED_ABBREV;
    const NAME: &'static str = T::MODIFIED_NAME;
    const CODES: &'static [&'static str] = T::MODIFIED_CODES;
    fn code(self) -> &'static str {
        match self {
            Modified::NotDefined => "X",
            Modified::Value(v) => v.code(),
        }
    }
    fn from_code(code: &str) -> Option<Self> {
        if code == "X" {
            Some(Modified::NotDefined)
        } else {
            T::from_code(code).map(Modified::Value)
        }
    }
}

/// Declares the modified counterpart's names and codes for a base metric.
macro_rules! modifiable {
    ($t:ty, $abbr:literal, $name:literal, [$($code:literal),+]) => {
        impl $crate::cvss::metric::Modifiable for $t {
            const MODIFIED_ABBREV: &'static str = $abbr;
            const MODIFIED_NAME: &'static str = $name;
            const MODIFIED_CODES: &'static [&'static str] = &["X", $($code),+];
        }
    };
}
pub(crate) use modifiable;

/// Splits a vector body into `KEY:VALUE` components, naming the first malformed one.
pub(crate) fn components<'a>(
    body: &'a str,
    version: &'static str,
) -> impl Iterator<Item = Result<(&'a str, &'a str), super::CvssError>> + 'a {
    body.split('/').map(move |part| {
        part.split_once(':')
            .filter(|(k, v)| !k.is_empty() && !v.is_empty())
            .ok_or_else(|| super::CvssError::Malformed {
                version,
                component: part.to_string(),
            })
    })
}
