//! The one minijinja environment daybook renders templates in.
//!
//! A pull request writes daybook.yml, templates included, and daybook renders
//! them in CI (README regions, and the note template, which is checked when the
//! configuration loads). Every render therefore gets an instruction budget
//! (minijinja's fuel) and a shallow recursion limit: a template that loops or
//! recurses without end fails fast, with its name, instead of hanging the job.

use minijinja::value::{Rest, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};

/// Instructions one render may run: about half a second of work in a release
/// build. The built-in README styles spend under 50 per note (their unit test
/// fits 20,000 notes in the tests' budget), so this covers 400,000 notes. The
/// unit tests run with a twentieth of it, so that a runaway template stops
/// quickly in a debug build.
pub(crate) const FUEL: u64 = if cfg!(test) { 1_000_000 } else { 20_000_000 };

/// Nesting of macro calls and includes; a README or note template needs a handful.
const RECURSION_LIMIT: usize = 64;

/// The largest width or count a sizing filter takes, and the most items a
/// sequence printed whole may hold. Fuel counts instructions, not what one
/// instruction allocates: `indent(100000000000)` or `batch(10**11, 0)` asked
/// for 100 GB at once and aborted the process, `slice(10**9)` took 7 GB, and
/// printing `[1] * 10**12` never ended. No README needs more than this.
pub(crate) const MAX_SIZE: i64 = 10_000;
const MAX_PRINTED_ITEMS: usize = 100_000;

/// Builtin filters with an argument that sizes what they build; each is
/// wrapped to refuse sizes over [`MAX_SIZE`], the builtin kept under a name a
/// template cannot spell (a `-` in a filter name parses as a minus).
const SIZED_FILTERS: &[&str] = &["indent", "batch", "slice", "format"];

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
    env.add_filter("indent-unchecked", minijinja::filters::indent);
    env.add_filter("batch-unchecked", minijinja::filters::batch);
    env.add_filter("slice-unchecked", minijinja::filters::slice);
    env.add_filter("format-unchecked", minijinja::filters::format);
    for &name in SIZED_FILTERS {
        let hidden = format!("{name}-unchecked");
        env.add_filter(name, move |state: &State, value: Value, args: Rest<Value>| {
            if name == "format" {
                check_format(&value)?;
            } else if let Some(size) = args.first() {
                // The size: the first argument, or `width=` (indent's keyword).
                check_size(name, size)?;
            }
            let mut all = vec![value];
            all.extend(args.iter().cloned());
            state.apply_filter(&hidden, &all)
        });
    }
    env.set_formatter(|out, state, value| {
        if matches!(value.kind(), ValueKind::Seq | ValueKind::Map | ValueKind::Iterable)
            && value.len().is_some_and(|n| n > MAX_PRINTED_ITEMS)
        {
            return Err(too_large(format!("a sequence of {} items is printed", value.len().unwrap_or(0))));
        }
        minijinja::escape_formatter(out, state, value)
    });
    env
}

fn too_large(what: String) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{what}: over daybook's limit of {MAX_SIZE} for a README"),
    )
}

/// A size (a number, or keyword arguments' `width`) over [`MAX_SIZE`].
fn check_size(filter: &str, v: &Value) -> Result<(), Error> {
    if let Some(n) = v.as_i64().filter(|&n| n > MAX_SIZE) {
        return Err(too_large(format!("`{filter}({n})`")));
    }
    if v.kind() == ValueKind::Map
        && let Ok(width) = v.get_item(&Value::from("width"))
    {
        check_size(filter, &width)?;
    }
    Ok(())
}

/// A printf width or precision over [`MAX_SIZE`] (`%100000000000d`).
fn check_format(v: &Value) -> Result<(), Error> {
    let Some(s) = v.as_str() else { return Ok(()) };
    let mut digits = 0usize;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits > 4 {
                return Err(too_large("a `format` width or precision".to_owned()));
            }
        } else {
            digits = 0;
        }
    }
    Ok(())
}

/// The message for a render that ran out of fuel.
pub(crate) fn out_of_fuel() -> String {
    format!(
        "the template does too much work: it ran {FUEL} instructions without finishing \
         (a loop over a huge list, or loops nested deep); loop over the notes once"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str) -> Result<String, String> {
        let env = environment();
        env.render_str(source, ()).map_err(|e| e.to_string())
    }

    /// Each aborted the process (an allocation of 100 GB), took gigabytes or
    /// never ended before sizes were checked.
    #[test]
    fn sizes_that_would_exhaust_memory_are_errors() {
        for t in [
            "{{ 'x' | indent(100000000000) }}",
            "{{ 'x' | indent(width=100000000000) }}",
            "{{ [1] | batch(100000000000, 0) }}",
            "{{ [1] | slice(1000000000) }}",
            "{{ '%100000000000d' | format(1) }}",
            "{{ [1] * 1000000000000 }}",
        ] {
            let err = render(t).unwrap_err();
            assert!(err.contains("limit"), "{t}: {err}");
        }
    }

    #[test]
    fn ordinary_sizes_still_work() {
        assert_eq!(render("{{ 'a\nb' | indent(2) }}").unwrap(), "a\n  b");
        assert_eq!(render("{{ 'a\nb' | indent(width=2) }}").unwrap(), "a\n  b");
        assert_eq!(render("{{ [1,2,3] | batch(2, 99999) | list }}").unwrap(), "[[1, 2], [3, 99999]]");
        assert_eq!(render("{{ '%05d' | format(42) }}").unwrap(), "00042");
        assert_eq!(render("{{ [1, 2] }}").unwrap(), "[1, 2]");
    }
}
