//! `medvigil cvss`: not built yet (issue 6).

use std::process::ExitCode;

use crate::context::Context;

/// Arguments of `medvigil cvss`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil cvss` is not implemented yet (issue 6)")
}
