//! `daybook readme` and `daybook init` on fixture repositories
//! (tests/fixtures/readme/): generated READMEs against hand-checked files, the
//! seed layout reproduced exactly, byte preservation (CRLF, BOM, trailing
//! whitespace), link rebasing, every bad-input case, `--check` exit codes, and
//! an idempotence property. Shared here: fixtures, the command, note writing.

mod bad_input;
mod check;
mod generation;
mod idempotence;
mod init;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use daybook::config::Config;
use tempfile::TempDir;

use crate::common::{daybook_in, fixtures, temp_copy};

fn fixture(name: &str) -> PathBuf {
    fixtures("readme").join(name)
}

fn read(p: impl AsRef<Path>) -> String {
    fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// A temporary copy of a fixture repository.
fn repo(name: &str) -> TempDir {
    temp_copy(&fixture(name))
}

fn readme_cmd(dir: &Path, extra: &[&str]) -> Command {
    let mut c = daybook_in(dir);
    c.arg("readme").arg(".").args(["--today", "2022-04-14"]).args(extra);
    c
}

/// Write a minimal note for `date` with `today` as its today section.
fn write_note(root: &Path, date: &str, today: &str) {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let path = root.join(d.format("notes/%Y%m/%m%d.md").to_string());
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let title = format!("公众号内容拓展学习笔记（{}）", d.format("%Y.%-m.%-d"));
    fs::write(
        path,
        format!("# {title}\n\n## :paperclip:  今日要点\n\n{today}\n## :paperclip:  Others\n\n- end\n"),
    )
    .unwrap();
}

const MARKED: &str = "# t\n\n<!-- daybook:updated -->\n<!-- /daybook:updated -->\n\n<!-- daybook:today -->\n<!-- /daybook:today -->\n\n<!-- daybook:history -->\n<!-- /daybook:history -->\n";

/// The README as regenerated from notes parsed in full by the lint loader: the
/// fast head-only loader of `generate` must agree with it exactly.
fn via_full_parse(
    root: &Path,
    cfg: &Config,
    today: NaiveDate,
) -> Result<String, daybook::readme::ReadmeError> {
    let readme = daybook::readme::ReadmeFile::read(root, cfg)?;
    let regions = readme.regions()?;
    let templates = daybook::readme::compile(cfg)?;
    let loaded = daybook::lint::load_notes(root, &daybook::settings::Settings::compile(cfg.clone())?)?;
    daybook::readme::regenerate(&readme, &regions, &loaded.notes, &templates, cfg, today)
        .map(|(text, _)| text)
}
