//! Progress bars on long work, shown only when stderr is a terminal and not `-q`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::context::Context;

/// A bar of `len` steps labelled `what`; hidden when stderr is not a terminal or `-q`.
pub fn bar(ctx: &Context, len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), target(ctx));
    pb.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta})")
            .expect("static template")
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

/// A spinner for work of unknown length; hidden when stderr is not a terminal or `-q`.
pub fn spinner(ctx: &Context, what: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(None, target(ctx));
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos} {elapsed}").expect("static template"),
    );
    pb.set_message(what.to_string());
    pb
}

fn target(ctx: &Context) -> ProgressDrawTarget {
    if ctx.show_progress() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}
