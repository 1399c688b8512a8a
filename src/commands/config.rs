//! `daybook config`: the effective configuration, or the JSON Schema of daybook.yml.

use std::process::ExitCode;

use crate::cli::{Cli, ConfigCommand};
use crate::config::Config;
use crate::error::Error;

pub(crate) fn run(cli: &Cli, args: &ConfigCommand) -> miette::Result<ExitCode> {
    let text = match args {
        ConfigCommand::Show { path } => {
            let settings = super::open_repo(cli, path)?;
            show(&settings.config, settings.path.as_deref())?
        }
        ConfigCommand::Schema => schema(),
    };
    super::output::print_data(&text);
    Ok(ExitCode::SUCCESS)
}

/// The effective config as YAML, with a comment saying where it came from.
pub(crate) fn show(config: &Config, from: Option<&std::path::Path>) -> Result<String, Error> {
    let yaml = yaml_serde::to_string(config)
        .map_err(|e| Error::Usage(format!("could not print the config: {e}")))?;
    let origin = match from {
        Some(p) => format!("# Effective configuration: {} merged over the built-in defaults.\n", p.display()),
        None => "# Effective configuration: built-in defaults (no daybook.yml found).\n".to_owned(),
    };
    Ok(format!("{origin}{yaml}"))
}

/// The JSON Schema of daybook.yml, pretty-printed.
pub(crate) fn schema() -> String {
    let mut s =
        serde_json::to_string_pretty(&Config::json_schema(crate::catalog::names())).unwrap_or_default();
    s.push('\n');
    s
}
