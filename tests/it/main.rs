//! The integration tests, as one binary: linking tokio, reqwest and octocrab is
//! the slowest step of a build, paid once per test binary. One module per area;
//! what they share is in `common`.

mod common;
mod config_ranges;
mod docs;
mod github;
mod links;
mod lint;
mod readme;
mod rules;
