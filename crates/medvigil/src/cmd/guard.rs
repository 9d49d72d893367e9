//! `medvigil guard`: not built yet (issue 7).

use std::process::ExitCode;

use crate::context::Context;

/// Arguments of `medvigil guard`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil guard` is not implemented yet (issue 7)")
}
