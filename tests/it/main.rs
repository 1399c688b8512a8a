//! The integration tests, as one binary: linking tokio, reqwest and octocrab is
//! the slowest step of a build, paid once per test binary. One module per area;
//! what they share is in `common`.

// Test and example crates are binaries: their modules' `pub` is for each other.
#![allow(unreachable_pub)]

mod common;
mod config_ranges;
mod docs;
mod fix;
mod fix_cases;
mod fix_seed;
mod github;
mod hostile;
mod install;
mod links;
mod links_dump;
mod lint;
mod readme;
mod rule_cases;
mod rules;
mod server;
mod shapes;
mod write;
