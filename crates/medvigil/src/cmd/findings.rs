//! `medvigil findings`: not built yet (issue 5).

use std::process::ExitCode;

use crate::context::Context;

/// Arguments of `medvigil findings`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil findings` is not implemented yet (issue 5)")
}
