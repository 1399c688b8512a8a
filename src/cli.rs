//! Command-line interface (clap derive). Each subcommand's behaviour lives in
//! `crate::commands`; this file only defines flags and dispatches.
//!
//! Exit codes: 0 clean, 1 findings (errors, warnings with `--deny-warnings`, a
//! stale README with `--check`), 2 usage, config or I/O problems.

// The doc comments below are clap's help text, where `<repo>` is a placeholder.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "daybook", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// Path of daybook.yml (default: <repo>/daybook.yml when it exists).
    // An empty value (`DAYBOOK_CONFIG: ${{ inputs.config }}` left blank in a
    // workflow) means the default, not a usage error: see `Config::load`.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "DAYBOOK_CONFIG",
        value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), PathBuf::from)
    )]
    pub(crate) config: Option<PathBuf>,

    /// When to use colours in human output. `auto`: on a terminal, unless NO_COLOR
    /// is set (non-empty); FORCE_COLOR (non-empty) or CLICOLOR_FORCE (not `0`)
    /// colour a pipe too. NO_COLOR wins over both; this flag over all three.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// rustc-style snippets (miette).
    Human,
    /// GitHub workflow commands (`::error file=...`).
    Github,
    /// A versioned JSON document (see README, "JSON output").
    Json,
    /// SARIF 2.1.0 for `github/codeql-action/upload-sarif`.
    Sarif,
}

impl From<FormatArg> for crate::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Human => Self::Human,
            FormatArg::Github => Self::Github,
            FormatArg::Json => Self::Json,
            FormatArg::Sarif => Self::Sarif,
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check every note against the schema and every link for death.
    Lint(LintArgs),
    /// Apply the fixes of every fixable finding, then report what is left (`lint --fix`).
    Fix(LintArgs),
    /// Regenerate the README's today, history and updated regions from the notes.
    Readme(ReadmeArgs),
    /// Adopt a hand-made README: wrap its today, history and date sections in markers.
    Init(InitArgs),
    /// Regenerate the README and commit it back when (and only when) it changed.
    Publish(PublishArgs),
    /// Run as a GitHub Action (reads INPUT_* and GITHUB_* from the environment).
    Action(ActionArgs),
    /// Show the effective configuration or its JSON Schema.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// List the rules, or explain one.
    Rules(RulesArgs),
    /// List every link of the notes and the README, without checking any.
    Links(LinksArgs),
    /// Print a shell completion script (e.g. `daybook completions bash > ~/.local/share/bash-completion/completions/daybook`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `daybook man > daybook.1`.
    Man,
    /// Run the language server on stdin/stdout (for editors; see README, "Editors").
    Server(ServerArgs),
    /// Create the note for today (or --date) from the note template, and print its path.
    New(NewArgs),
    /// Append an item per URL to the day's note, its title read from the page.
    Add(AddArgs),
}

#[derive(Debug, Args, Clone)]
pub(crate) struct AddArgs {
    /// The pages to add, one item each (http or https).
    #[arg(required = true, value_name = "URL")]
    pub(crate) urls: Vec<String>,
    /// The rating, in `:star:`s (default: stars.min when ratings are required).
    #[arg(long, value_name = "N")]
    pub(crate) stars: Option<u32>,
    /// The day whose note gets the items (YYYY-MM-DD; default: today, local time).
    #[arg(long, value_name = "DATE")]
    pub(crate) date: Option<chrono::NaiveDate>,
    /// The paper's URL, for the `Paper` field (its link text is the paper page's title).
    #[arg(long, value_name = "URL")]
    pub(crate) paper: Option<String>,
    /// The code's URL, for the `Code` field.
    #[arg(long, value_name = "URL")]
    pub(crate) code: Option<String>,
    /// Fetch nothing: each URL stands for its title.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Allow fetching titles from loopback, private and link-local addresses.
    #[arg(long)]
    pub(crate) allow_private: bool,
    /// Per-request total timeout in seconds (1 to 3600; default links.timeout).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) timeout: Option<u64>,
    /// Repository root.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct ServerArgs {
    /// Talk LSP on stdin/stdout, the only transport; accepted because
    /// clients such as vscode-languageclient pass it.
    #[arg(long)]
    pub(crate) stdio: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ActionArgs {
    /// Which findings a pull request shows (overrides input `filter_mode`):
    /// on changed lines, changed lines and their hunks' context, in changed
    /// files, or all.
    #[arg(long, value_enum)]
    pub(crate) filter_mode: Option<FilterModeArg>,
}

/// reviewdog's filter mode names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FilterModeArg {
    Added,
    #[value(name = "diff_context")]
    DiffContext,
    File,
    Nofilter,
}

impl From<FilterModeArg> for crate::github::diff::FilterMode {
    fn from(m: FilterModeArg) -> Self {
        match m {
            FilterModeArg::Added => Self::Added,
            FilterModeArg::DiffContext => Self::DiffContext,
            FilterModeArg::File => Self::File,
            FilterModeArg::Nofilter => Self::NoFilter,
        }
    }
}

#[derive(Debug, Args, Clone)]
pub(crate) struct NewArgs {
    /// The day of the note (YYYY-MM-DD; default: today, local time).
    #[arg(long, value_name = "DATE")]
    pub(crate) date: Option<chrono::NaiveDate>,
    /// Repository root.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct LintArgs {
    /// The repository root (default `.`), or note files: then the whole
    /// repository is read (cross-note rules see every note) and only the
    /// findings in these files are reported and decide the exit code.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Repository root of the files given as PATH. Default: the nearest folder
    /// above the first file holding daybook.yml, else the top of its git work
    /// tree, else the current directory.
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Skip notes matching GLOB (relative to the repository root), on top of
    /// `ignore:` in daybook.yml. Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// Print only the findings: no summary line, no progress bar, no link-check tally.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Skip external (http/https) link checks.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Apply the safe fixes of the findings first (files are rewritten in
    /// place), then report what is left.
    #[arg(long)]
    pub(crate) fix: bool,
    /// With --fix (or in `daybook fix`): apply unsafe fixes too (they may
    /// drop text or pick one of several equally close spellings). Without:
    /// count them as fixable in the report.
    // No `requires = "fix"`: `daybook fix` sets `fix` after parsing, so clap
    // would refuse `daybook fix --unsafe-fixes`.
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,
    /// Write nothing: print a unified diff of what the fixes would change
    /// (implies --fix), exit 1 when there is one.
    #[arg(long, conflicts_with_all = ["format", "output"])]
    pub(crate) diff: bool,
    /// Exit 1 when there are warnings, not only errors.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// Output format (default: human; on GitHub Actions, human plus annotations).
    #[arg(long, value_enum)]
    pub(crate) format: Option<FormatArg>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) links: LinkCheckArgs,
}

/// Flags of the external link checker (shared by `lint` and `action`).
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct LinkCheckArgs {
    /// Never draw the link checker's progress bar (it is drawn only on a terminal).
    #[arg(long)]
    pub(crate) no_progress: bool,
    /// Leave out the link checker's closing tally on stderr (`lint --quiet`).
    #[arg(skip)]
    pub(crate) no_tally: bool,
    /// Do not read or write the link cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// Link cache file (default: .daybook-cache.json at the repository root).
    #[arg(long, value_name = "FILE")]
    pub(crate) cache: Option<PathBuf>,
    /// Allow requests to loopback, private and link-local addresses.
    #[arg(long)]
    pub(crate) allow_private: bool,
    /// Token for the GitHub REST API (repository links); never printed.
    #[arg(long, env = "GITHUB_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    pub(crate) github_token: Option<String>,
    /// Read the link cache on a pull request too. Without it, a pull_request or
    /// pull_request_target run (GITHUB_EVENT_NAME) does not read the cache file,
    /// which came with the checkout and could mark dead links alive. Also set by
    /// DAYBOOK_TRUST_PULL_REQUEST_CACHE=true (for the action).
    #[arg(long)]
    pub(crate) trust_pull_request_cache: bool,
    /// Maximum requests in flight overall (1 to 1024).
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024)
    )]
    pub(crate) max_concurrency: Option<usize>,
    /// Per-request total timeout in seconds (1 to 3600).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) timeout: Option<u64>,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct ReadmeArgs {
    /// Repository root.
    #[arg(default_value = ".")]
    pub(crate) path: PathBuf,
    /// Write nothing; exit 1 with a unified diff when the README is stale.
    #[arg(long, conflicts_with = "stdout")]
    pub(crate) check: bool,
    /// Print the would-be README instead of writing it.
    #[arg(long)]
    pub(crate) stdout: bool,
    /// Treat this day as today (YYYY-MM-DD) for the future-date warning.
    #[arg(long, value_name = "DATE")]
    pub(crate) today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct InitArgs {
    /// Repository root.
    #[arg(default_value = ".")]
    pub(crate) path: PathBuf,
    /// Print what would change without writing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PublishModeArg {
    Auto,
    Api,
    Git,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct PublishArgs {
    /// Repository root (a git work tree).
    #[arg(default_value = ".")]
    pub(crate) path: PathBuf,
    /// How to commit (default from daybook.yml, else `auto`).
    #[arg(long, value_enum)]
    pub(crate) mode: Option<PublishModeArg>,
    /// Commit message (default from daybook.yml).
    #[arg(long)]
    pub(crate) message: Option<String>,
    /// Git remote to push to (git mode).
    #[arg(long, default_value = "origin")]
    pub(crate) remote: String,
    /// Branch to update (default: the current branch / GITHUB_REF_NAME).
    #[arg(long)]
    pub(crate) branch: Option<String>,
    /// Token for the Git Data API.
    #[arg(long, env = "GITHUB_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    pub(crate) github_token: Option<String>,
    /// Show what would be committed, commit nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Print the effective configuration as YAML.
    Show {
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Print the JSON Schema of daybook.yml.
    Schema,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct RulesArgs {
    /// A rule name; without it, one line per rule.
    pub(crate) name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LinksFormatArg {
    /// One aligned line per link.
    Human,
    /// A versioned JSON document (`{"version":1,"links":[...]}`).
    Json,
}

#[derive(Debug, Args, Clone)]
pub(crate) struct LinksArgs {
    /// Repository root.
    #[arg(default_value = ".")]
    pub(crate) path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LinksFormatArg::Human)]
    pub(crate) format: LinksFormatArg,
}

/// Run a parsed command line and turn the outcome into an exit code.
/// The binary's whole body: parse the command line, run the subcommand, map
/// the outcome to an exit code (see the module docs).
pub fn main() -> ExitCode {
    run(Cli::parse())
}

fn run(cli: Cli) -> ExitCode {
    match cli.color {
        ColorChoice::Always => miette_colors(true),
        ColorChoice::Never => miette_colors(false),
        ColorChoice::Auto => {}
    }
    let result = match &cli.command {
        Command::Lint(a) => crate::commands::lint::run(&cli, a),
        Command::Fix(a) => crate::commands::lint::run(&cli, &LintArgs { fix: true, ..a.clone() }),
        Command::Readme(a) => crate::commands::readme::run(&cli, a),
        Command::Init(a) => crate::commands::init::run(&cli, a),
        Command::Publish(a) => crate::commands::publish::run(&cli, a),
        Command::Action(args) => crate::commands::action::run(&cli, args),
        Command::Config(c) => crate::commands::config::run(&cli, c),
        Command::Rules(a) => crate::commands::rules::run(&cli, a),
        Command::Links(a) => crate::commands::links_list::run(&cli, a),
        Command::Completions(a) => crate::commands::completions::run(a),
        Command::Man => crate::commands::man::run(),
        Command::Server(a) => crate::commands::server::run(&cli, a),
        Command::New(a) => crate::commands::new::run(&cli, a),
        Command::Add(a) => crate::commands::add::run(&cli, a),
    };
    match result {
        Ok(code) => code,
        Err(report) => {
            crate::commands::output::eprint_report(&report);
            ExitCode::from(2)
        }
    }
}

fn miette_colors(on: bool) {
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(miette::MietteHandlerOpts::new().color(on).unicode(on).build())
    }));
}
