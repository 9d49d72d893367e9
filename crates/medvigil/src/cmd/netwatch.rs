//! `medvigil netwatch`: not built yet (issue 8).

use std::process::ExitCode;

use crate::context::Context;

/// Arguments of `medvigil netwatch`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil netwatch` is not implemented yet (issue 8)")
}
