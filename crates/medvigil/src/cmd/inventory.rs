//! `medvigil inventory`.

use std::process::ExitCode;

use crate::context::Context;

/// Subcommands of `medvigil inventory`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Not implemented yet (issue 2).
    Todo,
}

pub fn run(_ctx: &Context, _cmd: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not implemented yet (issue 2)")
}
