//! Printing repository text where the GitHub Actions runner reads it.
//!
//! The runner takes every line of a step's stdout and stderr that starts, after
//! leading whitespace, with `::name ...::` or `##[name ...]` as a workflow
//! command. A note quoted into a report (an image `src` with line breaks in it,
//! a README line in a diff) could otherwise mask secrets, set outputs or forge
//! annotations. On Actions such text is printed between
//! `::stop-commands::TOKEN` and `::TOKEN::`, which turns command processing off
//! and on again (`report::safe::guard_for_runner`); the token is random, so
//! the text cannot end the block early.
//! daybook's own annotations are printed outside it.

use std::io::Write;

use crate::github::context::in_actions;
use crate::report::safe::guard_for_runner;

/// `text` as it goes to a log: guarded on Actions, as it is elsewhere.
pub(crate) fn for_log(text: &str) -> std::borrow::Cow<'_, str> {
    if in_actions() && !text.is_empty() { guard_for_runner(text).into() } else { text.into() }
}

/// Write `text` (which may quote the repository) to `out`, guarded on Actions.
/// A closed pipe (`daybook lint | head`) is not an error worth a panic.
pub(crate) fn write_log(out: &mut impl Write, text: &str) {
    let _ = out.write_all(for_log(text).as_bytes()).and_then(|_| out.flush());
}

/// [`write_log`] to stdout.
pub(crate) fn print_log(text: &str) {
    write_log(&mut std::io::stdout().lock(), text);
}

/// Print `text`, data holding repository text (a regenerated README, the
/// effective config), to stdout. Redirected to a file it is exact; on Actions
/// otherwise the runner reads it as log lines, and a template's line
/// `::error::...` (or YAML's indented `  ::add-mask::...`) would be a
/// command: there it is guarded like a report, controls escaped.
pub(crate) fn print_data(text: &str) {
    let mut out = std::io::stdout().lock();
    if in_actions() && !stdout_is_a_file() {
        write_log(&mut out, &crate::report::safe::controls(text));
    } else {
        let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    }
}

/// Whether stdout is redirected to a regular file (`> README.md`).
fn stdout_is_a_file() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .and_then(|fd| std::fs::File::from(fd).metadata().ok())
            .is_some_and(|m| m.is_file())
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// One status line on stderr (`README.md is up to date`). It may start with a
/// path daybook.yml or the tree names (`::error::x.md`): guarded on Actions.
pub(crate) fn eprint_status(line: &str) {
    eprint_log(&format!("{line}\n"));
}

/// [`write_log`] to stderr: the runner reads commands there too.
pub(crate) fn eprint_log(text: &str) {
    write_log(&mut std::io::stderr().lock(), text);
}

/// A failure's full report on stderr. It may quote daybook.yml or a note: on
/// Actions guarded, with controls escaped (the report's own colours too, which
/// a log does not need); elsewhere exactly as miette draws it.
pub(crate) fn eprint_report(report: &miette::Report) {
    if in_actions() {
        eprint_log(&crate::report::safe::controls(&format!("{report:?}\n")));
    } else {
        eprintln!("{report:?}");
    }
}

/// A unified diff with ANSI colours when `color`: headers bold, removed
/// lines red, added green, hunk headers cyan.
pub(crate) fn paint_diff(diff: &str, color: bool) -> String {
    if !color {
        return diff.to_owned();
    }
    diff.split_inclusive('\n')
        .map(|l| {
            let code = if l.starts_with("+++") || l.starts_with("---") {
                "1"
            } else if l.starts_with('+') {
                "32"
            } else if l.starts_with('-') {
                "31"
            } else if l.starts_with("@@") {
                "36"
            } else {
                return l.to_owned();
            };
            let (body, nl) = l.strip_suffix('\n').map(|b| (b, "\n")).unwrap_or((l, ""));
            format!("\x1b[{code}m{body}\x1b[0m{nl}")
        })
        .collect()
}

/// Free `value` on a thread of its own: what a run built for every note (its
/// models, its files' line tables) is tens of thousands of allocations, and
/// freeing them on the thread that prints the report only delays the exit.
/// Dropped here if no thread can be had.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}
