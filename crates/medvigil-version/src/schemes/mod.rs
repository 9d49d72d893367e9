//! One module per versioning scheme. Each defines a parsed type that implements `Ord` with
//! the ecosystem's own precedence rules; [`crate::Version`] wraps them behind
//! [`crate::Scheme`].

pub(crate) mod debian;
pub mod generic;
pub(crate) mod maven;
pub(crate) mod nuget;
pub(crate) mod pep440;
pub(crate) mod rpm;
pub mod semver;
pub mod vendor;
