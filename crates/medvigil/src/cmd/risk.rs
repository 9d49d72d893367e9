//! `medvigil risk`: not built yet (issue 6).

use std::process::ExitCode;

use crate::context::Context;

/// Subcommands of `medvigil risk`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Not implemented yet (issue 6).
    Todo,
}

pub fn run(_ctx: &Context, _cmd: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil risk` is not implemented yet (issue 6)")
}
