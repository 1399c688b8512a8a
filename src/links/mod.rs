//! Links: local targets (files, fragments) and external http(s) checking.

mod config;

pub use config::{LinksConfig, validate_config};
