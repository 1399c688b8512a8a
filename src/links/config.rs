//! The `links:` section of daybook.yml.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LinksConfig {}

/// Checks serde cannot express (regexes compile, ranges make sense).
pub fn validate_config(_links: &LinksConfig) -> Result<(), String> {
    Ok(())
}
