//! What every command gets: global flags, the data directory, and store access.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use medvigil_store::{SqliteStore, Store};

/// Flags accepted by every command.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Where medvigil keeps its database [default: the platform data directory,
    /// e.g. ~/.local/share/medvigil on Linux].
    #[arg(long, global = true, env = "MEDVIGIL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print only errors (no progress bars, no informational logs).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Shared state handed to every command.
pub struct Context {
    pub global: GlobalArgs,
}

impl Context {
    pub fn new(global: GlobalArgs) -> Context {
        Context { global }
    }

    /// The data directory: `--data-dir`, `MEDVIGIL_DATA_DIR`, or the platform default.
    pub fn data_dir(&self) -> anyhow::Result<PathBuf> {
        if let Some(d) = &self.global.data_dir {
            return Ok(d.clone());
        }
        let dirs = directories::ProjectDirs::from("org", "medvigil", "medvigil")
            .context("no home directory to put the default data directory in; pass --data-dir")?;
        Ok(dirs.data_dir().to_path_buf())
    }

    /// Opens the store in the data directory (creating and migrating it if needed).
    pub fn open_store(&self) -> anyhow::Result<Box<dyn Store>> {
        Ok(Box::new(self.open_sqlite()?))
    }

    /// The SQLite store itself, for commands that need backend-specific features.
    pub fn open_sqlite(&self) -> anyhow::Result<SqliteStore> {
        let dir = self.data_dir()?;
        medvigil_store::open_sqlite(&dir)
            .with_context(|| format!("opening the store in {}", dir.display()))
    }

    /// Whether to draw progress bars: stderr is a terminal and not `-q`.
    pub fn show_progress(&self) -> bool {
        !self.global.quiet && std::io::stderr().is_terminal()
    }
}

/// Logs go to stderr via tracing; `-q` keeps errors only, `-v` raises the level.
pub fn init_logging(global: &GlobalArgs) {
    use tracing_subscriber::EnvFilter;
    let level = match (global.quiet, global.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
