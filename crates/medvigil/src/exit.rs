//! Exit statuses and how errors reach the user.
//!
//! 0 success, 1 a policy threshold was reached (`--fail-on`), 2 usage or input error,
//! 3 internal error. Commands return `anyhow::Result<ExitCode>`; an error whose chain
//! holds an [`InputError`] exits 2, anything else 3.

use std::fmt;
use std::process::ExitCode;

/// Success.
pub const OK: u8 = 0;
/// A `--fail-on` (or similar) policy threshold was reached.
pub const THRESHOLD: u8 = 1;
/// Bad usage or bad input (the user can fix it).
pub const INPUT: u8 = 2;
/// Anything else: a bug or an environment failure.
pub const INTERNAL: u8 = 3;

/// Marks an error as the user's input being wrong, so the process exits 2.
///
/// The message is shown as is; put every problem in it (e.g. one `file:line:col: reason`
/// per line).
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Shorthand: an `anyhow::Error` that exits 2.
pub fn input_error(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(InputError(msg.into()))
}

/// Prints the error chain (if any) and turns the result into the process exit status.
pub fn report(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(err) => {
            // `medvigil ... | head`: the reader closed the pipe because it has what it
            // wanted. That is not a failure of ours.
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            let code = if err.chain().any(|e| e.is::<InputError>()) {
                INPUT
            } else {
                INTERNAL
            };
            eprintln!("medvigil: error: {err:#}");
            ExitCode::from(code)
        }
    }
}
