//! `daybook rules`: one line per rule, or one rule's full documentation.

use std::io::Write;
use std::process::ExitCode;

use crate::catalog::{info, names, registry};
use crate::cli::{Cli, RulesArgs};
use crate::diag::RuleInfo;
use crate::error::Error;

pub(crate) fn run(_cli: &Cli, args: &RulesArgs) -> miette::Result<ExitCode> {
    let text = match &args.name {
        None => list(registry()),
        Some(name) => explain(name)?,
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    Ok(ExitCode::SUCCESS)
}

/// `name  severity  summary`, aligned.
pub(crate) fn list(rules: &[&RuleInfo]) -> String {
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rules {
        out.push_str(&format!("{:width$}  {:7}  {}\n", r.name, r.default_severity.as_str(), r.summary));
    }
    out
}

/// The rule's documentation, or a usage error with a suggestion.
pub(crate) fn explain(name: &str) -> Result<String, Error> {
    let Some(r) = info(name) else {
        let mut msg = format!("there is no rule named `{name}`");
        match crate::suggest::did_you_mean(name, names()) {
            Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
            None => msg.push_str("; `daybook rules` lists them all"),
        }
        return Err(Error::Usage(msg));
    };
    let mut out = format!("# {}\n\n{}\n\nDefault severity: {}.\n", r.name, r.summary, r.default_severity);
    if !r.docs.is_empty() {
        out.push('\n');
        out.push_str(r.docs.trim_end());
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_has_one_line_per_rule() {
        let text = list(registry());
        assert_eq!(text.lines().count(), registry().len());
        assert!(text.lines().any(|l| l.starts_with("title ") && l.contains("error")), "{text}");
    }

    #[test]
    fn explain_known_and_unknown() {
        let doc = explain("note-path").unwrap();
        assert!(doc.starts_with("# note-path\n"), "{doc}");
        assert!(doc.contains("## Example"), "{doc}");
        let err = explain("titel").unwrap_err().to_string();
        assert!(err.contains("did you mean `title`?"), "{err}");
    }
}
