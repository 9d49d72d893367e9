//! `medvigil scan`: not built yet (issue 5).

use std::process::ExitCode;

use crate::context::Context;

/// Arguments of `medvigil scan`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil scan` is not implemented yet (issue 5)")
}
