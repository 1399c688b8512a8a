//! Every way the README, its markers, the templates or the notes can stop
//! `daybook readme`: exit 2, the place named, the README left as it was.

use std::fs;
use std::path::Path;

use assert_cmd::prelude::*;
use predicates::prelude::*;
use tempfile::TempDir;

use super::{MARKED, read, readme_cmd, write_note};
use crate::common::daybook_in;

/// Run `daybook readme` on a repo with `readme` as README.md; it must fail with
/// exit 2, print `expect` on stderr and leave the README byte for byte.
fn fails(readme: Option<&str>, setup: impl FnOnce(&Path), expect: &[&str]) {
    let dir = TempDir::new().unwrap();
    write_note(dir.path(), "2022-04-14", "1. [a](https://example.org/a)       :star:\n");
    if let Some(r) = readme {
        fs::write(dir.path().join("README.md"), r).unwrap();
    }
    setup(dir.path());
    let out = readme_cmd(dir.path(), &[]).assert().code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for e in expect {
        assert!(stderr.contains(e), "expected {e:?} in:\n{stderr}");
    }
    match readme {
        Some(r) => assert_eq!(read(dir.path().join("README.md")), r),
        None => assert!(!dir.path().join("README.md").exists()),
    }
}

#[test]
fn bad_readme_missing() {
    fails(None, |_| {}, &["README.md: README not found", "daybook:today"]);
}

#[test]
fn bad_start_marker_without_end() {
    fails(
        Some("# t\n\n<!-- daybook:history -->\nold\n"),
        |_| {},
        &[
            "README.md:3: `<!-- daybook:history -->` has no end marker",
            "add a line `<!-- /daybook:history -->`",
        ],
    );
}

#[test]
fn bad_nested_markers() {
    fails(
        Some(
            "<!-- daybook:today -->\n<!-- daybook:history -->\n<!-- /daybook:history -->\n<!-- /daybook:today -->\n",
        ),
        |_| {},
        &["README.md:2: the history region starts inside the today region"],
    );
}

#[test]
fn bad_repeated_start_marker() {
    fails(
        Some("a\n<!-- daybook:today -->\nx\n<!-- daybook:today -->\n<!-- /daybook:today -->\n"),
        |_| {},
        &["README.md:4: `<!-- daybook:today -->` again, before the region opened on"],
    );
}

#[test]
fn bad_region_named_twice() {
    fails(
        Some(
            "<!-- daybook:updated -->\n<!-- /daybook:updated -->\n\n<!-- daybook:updated -->\n<!-- /daybook:updated -->\n",
        ),
        |_| {},
        &["README.md:4: a second updated region; the first starts on line 1"],
    );
}

#[test]
fn bad_end_marker_without_start() {
    fails(
        Some("x\n<!-- /daybook:today -->\n"),
        |_| {},
        &["README.md:2: `<!-- /daybook:today -->` without a start marker"],
    );
}

#[test]
fn bad_unknown_region_name() {
    fails(
        Some("<!-- daybook:histroy -->\n<!-- /daybook:histroy -->\n"),
        |_| {},
        &["README.md:1: unknown region `daybook:histroy`", "did you mean `daybook:history`?"],
    );
}

#[test]
fn bad_readme_without_markers() {
    fails(Some("# just a readme\n"), |_| {}, &["README.md: no daybook markers", "daybook init"]);
}

#[test]
fn bad_template_that_fails_only_on_the_real_notes_names_its_daybook_yml_line() {
    // Valid against the load-time sample, undefined on this one-note history.
    fails(
        Some(MARKED),
        |root| {
            fs::write(
                root.join("daybook.yml"),
                "readme:\n  templates:\n    history: |\n      {% for n in notes %}{{ n.title }}{% endfor %}\n      {{ notes[200].title }}\n",
            )
            .unwrap()
        },
        &["daybook.yml:5:", "readme.templates.history", "undefined"],
    );
}

#[test]
fn bad_template_that_does_not_compile() {
    fails(
        Some(MARKED),
        |root| {
            fs::write(
                root.join("daybook.yml"),
                "readme:\n  templates:\n    history: |\n      {% for n in notes %}\n      {{ n.title }\n      {% endfor %}\n",
            )
            .unwrap()
        },
        &["daybook.yml:5:", "readme.templates.history"],
    );
}

#[test]
fn bad_template_with_an_undefined_variable() {
    fails(
        Some(MARKED),
        |root| {
            fs::write(root.join("daybook.yml"), "readme:\n  templates:\n    updated: \"{{ newest.dat }}\"\n")
                .unwrap()
        },
        &["daybook.yml:3:", "readme.templates.updated", "undefined"],
    );
}

#[test]
fn bad_notes_root_with_no_notes() {
    fails(
        Some(MARKED),
        |root| {
            fs::remove_dir_all(root.join("notes")).unwrap();
            fs::create_dir(root.join("notes")).unwrap();
        },
        &["notes: no notes found", "notes.root"],
    );
}

#[test]
fn bad_no_notes_folder() {
    fails(
        Some(MARKED),
        |root| fs::remove_dir_all(root.join("notes")).unwrap(),
        &["no notes folder", "notes.root"],
    );
}

#[test]
fn bad_every_note_left_out() {
    fails(
        Some(MARKED),
        |root| fs::rename(root.join("notes/202204/0414.md"), root.join("notes/202204/04140.md")).unwrap(),
        &["none of the 1 notes can be listed"],
    );
}

#[test]
fn bad_marker_line_inside_a_notes_today_section() {
    fails(
        Some(MARKED),
        |root| {
            write_note(
                root,
                "2022-04-15",
                "1. [a](https://example.org/a)       :star:\n<!-- /daybook:today -->\n",
            )
        },
        &["notes/202204/0415.md:6: the today section contains a daybook marker line"],
    );
}

#[test]
fn bad_readme_not_utf8() {
    let dir = TempDir::new().unwrap();
    write_note(dir.path(), "2022-04-14", "1. x\n");
    fs::write(dir.path().join("README.md"), b"<!-- daybook:today -->\n\xff\n<!-- /daybook:today -->\n")
        .unwrap();
    readme_cmd(dir.path(), &[])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md:2:1: not valid UTF-8"));
}

#[test]
fn a_readme_that_is_not_utf8_names_the_line() {
    let dir = TempDir::new().unwrap();
    fs::create_dir_all(dir.path().join("notes")).unwrap();
    fs::write(dir.path().join("README.md"), b"# t\n\nsaved as GBK: \xb9\xfe\n".as_slice()).unwrap();
    daybook_in(dir.path())
        .args(["readme", ".", "--check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md:3:15: not valid UTF-8"));
}

/// The README of a long history is larger than a note may be: `readme` wrote a
/// 5.4 MB index for 50,000 notes that `readme --check` then refused to read.
#[test]
fn a_readme_larger_than_a_note_is_regenerated_and_checked() {
    let dir = TempDir::new().unwrap();
    write_note(dir.path(), "2022-04-14", "1. [a](https://example.org/a)       :star:\n");
    let prose = format!("{}\n", "long prose. ".repeat(6 * 1024 * 1024 / 12));
    fs::write(dir.path().join("README.md"), format!("{MARKED}\n{prose}")).unwrap();
    readme_cmd(dir.path(), &[]).assert().code(0);
    readme_cmd(dir.path(), &["--check"]).assert().code(0);
    // lint reads it too (its links), with the README's limit, not a note's.
    let lint = daybook_in(dir.path()).args(["lint", ".", "--offline"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&lint.stderr);
    let stdout = String::from_utf8_lossy(&lint.stdout);
    assert!(!stdout.contains("unreadable-file") && !stderr.contains("unreadable-file"), "{stdout}{stderr}");
}

/// Past the README limit the message is about size, not about file types.
#[test]
fn a_readme_over_the_limit_is_refused_with_its_size() {
    let huge = format!("{MARKED}{}\n", "x".repeat(33 * 1024 * 1024));
    fails(
        Some(&huge),
        |_| {},
        &["README.md is not read: it is", "33554432 bytes", "keep the README under 32 MB"],
    );
}

/// A template that renders more than the README may hold writes nothing.
#[test]
fn a_readme_that_would_grow_over_the_limit_is_not_written() {
    fails(
        Some(MARKED),
        |root| {
            fs::write(
                root.join("daybook.yml"),
                "readme:\n  templates:\n    updated: \"{{ 'x' * 40000000 }}\"\n",
            )
            .unwrap();
        },
        &["README.md: the regenerated README would be", "33554432 bytes", "nothing was written"],
    );
}
