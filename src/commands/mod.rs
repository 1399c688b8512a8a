//! One function per subcommand: load config, call the library stages, choose
//! the exit code. Kept thin so the library stays testable without a process.

pub mod action;
pub mod config;
pub mod init;
pub mod lint;
pub mod publish;
pub mod readme;
pub mod rules;
