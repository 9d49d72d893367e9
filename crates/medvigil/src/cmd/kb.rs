//! `medvigil kb`: not built yet (issue 4).

use std::process::ExitCode;

use crate::context::Context;

/// Subcommands of `medvigil kb`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Not implemented yet (issue 4).
    Todo,
}

pub fn run(_ctx: &Context, _cmd: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil kb` is not implemented yet (issue 4)")
}
