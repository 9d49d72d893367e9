//! `medvigil vex`: not built yet (issue 5).

use std::process::ExitCode;

use crate::context::Context;

/// Subcommands of `medvigil vex`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Not implemented yet (issue 5).
    Todo,
}

pub fn run(_ctx: &Context, _cmd: Command) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil vex` is not implemented yet (issue 5)")
}
