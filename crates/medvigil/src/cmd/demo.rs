//! `medvigil demo`.

use std::process::ExitCode;

use crate::context::Context;

/// Arguments of `medvigil demo`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`medvigil demo` is not implemented yet (issue 2)")
}
