//! Placeholder.

use medvigil_model::sbom::Sbom;

use super::SbomError;

pub(crate) fn parse(_text: &str) -> Result<Sbom, SbomError> {
    Err(SbomError::msg("spdx_tv is not supported yet"))
}
