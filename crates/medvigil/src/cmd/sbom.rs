//! `medvigil sbom`: not built yet (issue 3).

use std::process::ExitCode;

use crate::context::Context;

/// Subcommands of `medvigil sbom`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Not implemented yet (issue 3).
    Todo,
}

pub fn run(_ctx: &Context, _cmd: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil sbom` is not implemented yet (issue 3)")
}
