//! The `links:` section compiled once: regexes built, status ranges parsed,
//! per-host rules ready. Validation is compiling: a config that compiles is valid.

use std::fmt;
use std::time::Duration;

use regex::{Regex, RegexSet};

use super::hosts::HostRules;
use crate::config::links::{LinksConfig, StatusSpec};

/// `links:` from daybook.yml, compiled. Built once per run and passed by reference.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    pub(crate) max_concurrency: usize,
    pub(crate) max_per_host: usize,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_redirects: usize,
    pub(crate) retries: u32,
    pub(crate) backoff: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) retry_after_max: Duration,
    pub(crate) max_body_bytes: usize,
    pub(crate) accept: Vec<(u16, u16)>,
    /// When not empty, only URLs matching one of these are checked.
    pub(crate) include: RegexSet,
    /// URLs matching one of these are never checked (wins over `include`).
    pub(crate) exclude: RegexSet,
    pub(crate) user_agent: String,
    /// How long a success in the cache stays fresh.
    pub cache_max_age: Duration,
    pub(crate) anchors: bool,
    pub(crate) github_api: bool,
    pub(crate) hosts: HostRules,
    /// The `hosts:` settings as written (stable JSON), for the cache fingerprint.
    pub(crate) hosts_digest: String,
}

/// Why `links:` does not compile; the message names the key at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidLinks {
    /// The key at fault as a path from the top of daybook.yml (`["links", "exclude"]`),
    /// for [`crate::config::links::locate`].
    pub(crate) key: Vec<String>,
    pub(crate) message: String,
}

impl InvalidLinks {
    pub(super) fn at(key: &[&str], message: String) -> Self {
        let key = std::iter::once("links").chain(key.iter().copied()).map(String::from).collect();
        InvalidLinks { key, message }
    }
}

impl fmt::Display for InvalidLinks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvalidLinks {}

impl LinkSettings {
    /// Compile `cfg`, checking what serde cannot express (regexes compile, ranges
    /// make sense, header names are header names). The first problem found is reported.
    pub(crate) fn compile(cfg: &LinksConfig) -> Result<Self, InvalidLinks> {
        cfg.check_ranges().map_err(|e| InvalidLinks { key: e.key, message: e.message })?;
        let include = regex_set("include", &cfg.include).map_err(|e| InvalidLinks::at(&["include"], e))?;
        let exclude = regex_set("exclude", &cfg.exclude).map_err(|e| InvalidLinks::at(&["exclude"], e))?;
        let accept =
            ranges(&cfg.accept).map_err(|e| InvalidLinks::at(&["accept"], format!("links.accept: {e}")))?;
        let hosts = HostRules::compile(&cfg.hosts)?;
        Ok(LinkSettings {
            max_concurrency: cfg.max_concurrency,
            max_per_host: cfg.max_per_host,
            connect_timeout: cfg.connect_timeout.0,
            timeout: cfg.timeout.0,
            max_redirects: cfg.max_redirects,
            retries: cfg.retries,
            backoff: cfg.retry_backoff.0,
            backoff_max: cfg.retry_backoff_max.0,
            retry_after_max: cfg.retry_after_max.0,
            max_body_bytes: cfg.max_body_bytes,
            accept,
            include,
            exclude,
            user_agent: cfg.user_agent.clone(),
            cache_max_age: cfg.cache_max_age.0,
            anchors: cfg.anchors,
            github_api: cfg.github_api,
            hosts,
            // Plain strings and numbers: serializing cannot fail.
            hosts_digest: serde_json::to_string(&cfg.hosts).unwrap_or_default(),
        })
    }

    /// Whether `url` (the full URL, fragment included) is left out by `include` / `exclude`.
    pub(crate) fn excludes(&self, url: &str) -> bool {
        (!self.include.is_empty() && !self.include.is_match(url)) || self.exclude.is_match(url)
    }
}

impl Default for LinkSettings {
    /// The built-in `links:` settings, compiled.
    fn default() -> Self {
        LinkSettings::compile(&LinksConfig::default()).expect("the built-in links settings compile")
    }
}

/// Checks serde cannot express, for config validation: `LinkSettings::compile`
/// with the result dropped.
pub fn validate_config(links: &LinksConfig) -> Result<(), InvalidLinks> {
    LinkSettings::compile(links).map(drop)
}

/// One set of `links.{key}` regexes; the error names the first that does not compile.
fn regex_set(key: &str, list: &[String]) -> Result<RegexSet, String> {
    RegexSet::new(list).map_err(|set_err| {
        list.iter()
            .find_map(|re| Regex::new(re).err().map(|e| format!("bad regex `{re}` in links.{key}: {e}")))
            // Each compiles alone but not all together (the size limit).
            .unwrap_or_else(|| format!("links.{key}: {set_err}"))
    })
}

pub(super) fn ranges(specs: &[StatusSpec]) -> Result<Vec<(u16, u16)>, String> {
    specs.iter().map(|s| s.range()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> LinksConfig {
        yaml_serde::from_str(yaml).unwrap()
    }

    #[test]
    fn validation_names_the_bad_key() {
        let bad = parse("exclude: ['(']");
        assert!(validate_config(&bad).unwrap_err().message.contains("links.exclude"));
        let bad = parse("accept: ['300-200']");
        assert!(validate_config(&bad).unwrap_err().message.contains("empty status range"));
        let bad = parse("accept: [42]");
        assert!(validate_config(&bad).unwrap_err().message.contains("not a status code"));
        let bad = parse("hosts:\n  'https://x.org': {}\n");
        assert!(validate_config(&bad).unwrap_err().message.contains("not a host name"));
        let bad = parse("hosts:\n  x.org:\n    soft_404:\n      - verdict: dead\n        pattern: '['\n");
        assert!(validate_config(&bad).unwrap_err().message.contains("soft_404"));
        assert!(validate_config(&LinksConfig::default()).is_ok());
    }

    #[test]
    fn include_and_exclude() {
        let s = LinkSettings::compile(&parse("include: ['^https://a\\.']\nexclude: ['skip']")).unwrap();
        assert!(!s.excludes("https://a.org/x"));
        assert!(s.excludes("https://b.org/x"));
        assert!(s.excludes("https://a.org/skip"));
        assert!(!LinkSettings::default().excludes("https://b.org/x"));
    }
}
