//! The one minijinja environment daybook renders templates in.
//!
//! A pull request writes daybook.yml, templates included, and daybook renders
//! them in CI (README regions, and the note template, which is checked when the
//! configuration loads). Every render therefore gets an instruction budget
//! (minijinja's fuel) and a shallow recursion limit: a template that loops or
//! recurses without end fails fast, with its name, instead of hanging the job.

use minijinja::{Environment, UndefinedBehavior};

/// Instructions one render may run: about half a second of work in a release
/// build. The built-in README styles spend under 50 per note (their unit test
/// fits 20,000 notes in the tests' budget), so this covers 400,000 notes. The
/// unit tests run with a twentieth of it, so that a runaway template stops
/// quickly in a debug build.
pub(crate) const FUEL: u64 = if cfg!(test) { 1_000_000 } else { 20_000_000 };

/// Nesting of macro calls and includes; a README or note template needs a handful.
const RECURSION_LIMIT: usize = 64;

/// An environment with the budget, `trim_blocks`/`lstrip_blocks`, strict
/// undefined values (a typo'd variable is an error, not an empty string) and
/// no escaping (the output is Markdown; the `html` filter escapes where asked).
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// The message for a render that ran out of fuel.
pub(crate) fn out_of_fuel() -> String {
    format!(
        "the template does too much work: it ran {FUEL} instructions without finishing \
         (a loop over a huge list, or loops nested deep); loop over the notes once"
    )
}
