//! Step outputs (`$GITHUB_OUTPUT`) and the job summary (`$GITHUB_STEP_SUMMARY`).
//!
//! Both are files the runner reads after the step. Outputs use `name=value`
//! lines, or `name<<DELIMITER` blocks for values with line breaks, with a
//! delimiter that provably does not occur in the value (the runner would end
//! the value early otherwise, letting data inject further outputs).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::Error;

/// One output in the runner's file syntax.
pub(crate) fn format_output(name: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{name}={value}\n");
    }
    // A delimiter derived from the value, re-derived until it is not contained in it.
    let mut seed = Sha256::digest(value.as_bytes());
    loop {
        let hex: String = seed.iter().take(12).map(|b| format!("{b:02x}")).collect();
        let delim = format!("ghadelimiter_{hex}");
        if !value.contains(&delim) {
            return format!("{name}<<{delim}\n{value}\n{delim}\n");
        }
        seed = Sha256::digest(seed);
    }
}

fn append(path: &Path, text: &str, what: &'static str) -> Result<(), Error> {
    let mut f =
        OpenOptions::new().create(true).append(true).open(path).map_err(|e| Error::io(path, what, e))?;
    f.write_all(text.as_bytes()).map_err(|e| Error::io(path, what, e))
}

/// Append outputs to the file named by `GITHUB_OUTPUT`.
pub(crate) fn write_outputs(path: &Path, outputs: &[(&str, String)]) -> Result<(), Error> {
    let text: String = outputs.iter().map(|(n, v)| format_output(n, v)).collect();
    append(path, &text, "append step outputs to")
}

/// Append Markdown to the file named by `GITHUB_STEP_SUMMARY`.
pub(crate) fn append_summary(path: &Path, markdown: &str) -> Result<(), Error> {
    append(path, markdown, "append the job summary to")
}

/// Parse an outputs file the way the runner does (for tests and for reading back).
pub fn parse_outputs(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        if let Some((name, delim)) = line.split_once("<<") {
            let mut value: Vec<&str> = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                value.push(l);
            }
            out.push((name.to_owned(), value.join("\n")));
        } else if let Some((name, value)) = line.split_once('=') {
            out.push((name.to_owned(), value.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_values_are_plain() {
        assert_eq!(format_output("errors", "3"), "errors=3\n");
        assert_eq!(format_output("commit_sha", ""), "commit_sha=\n");
    }

    #[test]
    fn multi_line_values_use_a_delimiter_not_in_the_value() {
        let value = "line 1\nerrors=999\nghadelimiter_x";
        let text = format_output("diff", value);
        assert!(text.starts_with("diff<<ghadelimiter_"), "{text}");
        assert_eq!(parse_outputs(&text), vec![("diff".to_owned(), value.to_owned())]);
    }

    #[test]
    fn files_are_appended_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out");
        std::fs::write(&p, "earlier=1\n").unwrap();
        write_outputs(&p, &[("errors", "2".into()), ("notes", "a\nb".into())]).unwrap();
        let parsed = parse_outputs(&std::fs::read_to_string(&p).unwrap());
        assert_eq!(
            parsed,
            vec![
                ("earlier".into(), "1".into()),
                ("errors".into(), "2".into()),
                ("notes".into(), "a\nb".into())
            ]
        );
    }
}
