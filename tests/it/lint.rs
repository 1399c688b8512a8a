//! `daybook lint`, `daybook config`, `daybook rules`: the built binary on
//! fixture repositories (tests/fixtures/lint), plus property tests of the
//! library entry points (any bytes in, diagnostics or an error out, no panic).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::prelude::*;
use proptest::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{copy_dir, daybook, fixtures, temp_copy};

fn fixture(name: &str) -> PathBuf {
    fixtures("lint").join(name)
}

/// A fixture to add files to.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    temp_copy(&fixture(name))
}

/// Run `lint --offline --format json` and return (exit code, diagnostics).
fn lint_json(root: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let out =
        daybook().arg("lint").arg(root).args(["--offline", "--format", "json"]).args(extra).output().unwrap();
    let code = out.status.code().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (code, doc["diagnostics"].as_array().unwrap().clone())
}

/// `(rule, path, line, column)` of the diagnostics of `rules`.
fn places(diags: &[Value], rules: &[&str]) -> Vec<(String, String, u64, u64)> {
    diags
        .iter()
        .filter(|d| rules.contains(&d["rule"].as_str().unwrap()))
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn p(rule: &str, path: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (rule.to_owned(), path.to_owned(), line, column)
}

#[test]
fn clean_repository_passes() {
    let (code, diags) = lint_json(&fixture("clean"), &["--deny-warnings"]);
    assert_eq!(diags, Vec::<Value>::new());
    assert_eq!(code, 0);
    daybook()
        .arg("lint")
        .arg(fixture("clean"))
        .arg("--offline")
        .assert()
        .success()
        .stdout("No problems found (3 files checked).\n");
}

#[test]
fn note_path_rule_positions() {
    let (code, diags) = lint_json(&fixture("paths"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&diags, &["note-path", "title"]),
        [
            p("note-path", "notes/202102/0231.md", 1, 1),
            p("note-path", "notes/202105/05010.md", 1, 1),
            p("note-path", "notes/202105/0610.md", 1, 1),
        ]
    );
    let help: Vec<_> =
        diags.iter().filter(|d| d["rule"] == "note-path").map(|d| d["help"].as_str().unwrap()).collect();
    assert!(help[1].contains("rename the file to `notes/202105/0510.md`"), "{help:?}");
    assert!(help[2].contains("`notes/202106/0610.md`"), "{help:?}");
}

#[test]
fn title_rule_positions() {
    let (code, diags) = lint_json(&fixture("titles"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&diags, &["note-path", "title"]),
        [
            p("title", "notes/202301/0101.md", 1, 1),
            p("title", "notes/202301/0102.md", 1, 3),
            p("title", "notes/202301/0103.md", 1, 3),
            p("title", "notes/202301/0104.md", 1, 3),
        ]
    );
}

#[test]
fn human_output_snapshot() {
    let out = daybook().arg("lint").arg(fixture("titles")).arg("--offline").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "NO_COLOR is respected");
    insta::assert_snapshot!("human_titles", text);
}

#[test]
fn github_actions_gets_human_output_plus_annotations() {
    // Annotations name files from the top of the repository: the fixture's copy is its own.
    let repo = copy_fixture("titles");
    let out = daybook()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", repo.path())
        .arg("lint")
        .arg(repo.path())
        .arg("--offline")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[title]: [*] the title says 2023-01-02"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("::error file=notes/202301/0103.md,line=1,")), "{text}");
}

#[test]
fn color_always_and_never() {
    let out =
        daybook().arg("--color=always").arg("lint").arg(fixture("titles")).arg("--offline").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\u{1b}["));
    let out =
        daybook().arg("--color=never").arg("lint").arg(fixture("titles")).arg("--offline").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn inline_suppressions_and_unused_ones() {
    let (code, diags) = lint_json(&fixture("suppress"), &[]);
    // 0101: a wrong title date on the next line, suppressed. 0102: its title is
    // right, so the suppression is unused. 0103: a wrong date inside a region.
    assert_eq!(
        places(&diags, &["title", "unused-suppression"]),
        [p("unused-suppression", "notes/202301/0102.md", 1, 1)]
    );
    assert_eq!(code, 0, "only a warning is left: {diags:?}");
}

#[test]
fn severity_overrides_and_deny_warnings() {
    let dir = copy_fixture("titles");
    std::fs::write(dir.path().join("daybook.yml"), "rules:\n  title: warning\n").unwrap();
    let (code, diags) = lint_json(dir.path(), &[]);
    assert!(diags.iter().filter(|d| d["rule"] == "title").all(|d| d["severity"] == "warning"));
    assert_eq!(code, 0);
    let (code, _) = lint_json(dir.path(), &["--deny-warnings"]);
    assert_eq!(code, 1);
    std::fs::write(dir.path().join("daybook.yml"), "rules:\n  title: 'off'\n").unwrap();
    let (_, diags) = lint_json(dir.path(), &[]);
    assert!(diags.iter().all(|d| d["rule"] != "title"), "{diags:?}");
}

#[test]
fn bad_files_are_one_diagnostic_each_and_the_rest_is_linted() {
    let dir = copy_fixture("clean");
    let notes = dir.path().join("notes/202301");
    std::fs::write(notes.join("0102.md"), b"# \xe5\x85\xac\n\xff\xfe oops\n").unwrap();
    std::fs::write(notes.join("0103.md"), b"").unwrap();
    std::fs::write(notes.join("0104.md"), vec![b'a'; 5 * 1024 * 1024 + 1]).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("missing.md"), notes.join("0105.md")).unwrap();
    // A real problem next to them is still found.
    std::fs::write(notes.join("0106.md"), "# 公众号内容拓展学习笔记（2023.1.7）\n").unwrap();
    let (code, diags) = lint_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let mut expected = vec![
        p("unreadable-file", "notes/202301/0102.md", 2, 1),
        p("unreadable-file", "notes/202301/0103.md", 1, 1),
        p("unreadable-file", "notes/202301/0104.md", 1, 1),
    ];
    #[cfg(unix)]
    expected.push(p("unreadable-file", "notes/202301/0105.md", 1, 1));
    expected.push(p("title", "notes/202301/0106.md", 1, 3));
    assert_eq!(places(&diags, &["unreadable-file", "title"]), expected);
    let messages: Vec<_> = diags.iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("not valid UTF-8")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("is empty")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("5 MB")), "{messages:?}");
    #[cfg(unix)]
    assert!(messages.iter().any(|m| m.contains("broken symbolic link")), "{messages:?}");
}

#[test]
fn malformed_config_is_exit_2_naming_file_and_line() {
    let dir = copy_fixture("clean");
    std::fs::write(dir.path().join("daybook.yml"), "notes:\n  root: notes\nstars:\n  maximum: 5\n").unwrap();
    let out = daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("daybook.yml:4:"), "{err}");
    assert!(err.contains("maximum"), "{err}");
    assert!(out.stdout.is_empty());

    std::fs::write(dir.path().join("daybook.yml"), "rules:\n  titel: warning\n").unwrap();
    let out = daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("daybook.yml:2:") && err.contains("unknown rule `titel`"), "{err}");
}

#[test]
fn missing_notes_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.root"));
}

fn tree_hash(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in ignore::WalkBuilder::new(root).hidden(false).ignore(false).git_ignore(false).build() {
        let e = e.unwrap();
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        let key = e.path().strip_prefix(root).unwrap().display().to_string();
        let value = if meta.is_file() {
            format!("{:x}", Sha256::digest(std::fs::read(e.path()).unwrap()))
        } else {
            format!("{:?}", meta.file_type())
        };
        out.insert(key, value);
    }
    out
}

#[test]
fn lint_never_writes_to_the_repository() {
    let dir = copy_fixture("titles");
    let report_dir = tempfile::tempdir().unwrap();
    let before = tree_hash(dir.path());
    daybook().arg("lint").arg(dir.path()).arg("--offline").assert().code(1);
    let report = report_dir.path().join("report.txt");
    daybook().arg("lint").arg(dir.path()).args(["--offline", "-o"]).arg(&report).assert().code(1).stdout("");
    assert!(std::fs::read_to_string(&report).unwrap().contains("error[title]"));
    assert_eq!(tree_hash(dir.path()), before);
}

#[test]
fn rules_command_lists_and_explains() {
    let out = daybook().arg("rules").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in ["unreadable-file", "note-path", "title", "unused-suppression"] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing in:\n{text}");
    }
    let out = daybook().args(["rules", "title"]).output().unwrap();
    let doc = String::from_utf8(out.stdout).unwrap();
    assert!(doc.contains("## What it checks") && doc.contains("## Configuration"), "{doc}");
    let out = daybook().args(["rules", "note-pth"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `note-path`?"));
}

#[test]
fn config_show_and_schema() {
    let dir = copy_fixture("clean");
    std::fs::write(dir.path().join("daybook.yml"), "stars:\n  max: 3\n").unwrap();
    let out = daybook().args(["config", "show"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let shown = daybook::Config::from_yaml(&text, Path::new("shown.yml")).unwrap();
    assert_eq!(shown.stars.max, 3);
    assert_eq!(shown.notes, daybook::Config::default().notes);

    let out = daybook().args(["config", "schema"]).output().unwrap();
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["type"], "object");
    assert!(schema["properties"]["strict_since"].is_object(), "{schema}");
    assert_eq!(schema["properties"]["strict_since"]["format"], "date");
    let rules = schema["properties"]["rules"]["propertyNames"]["enum"].as_array().unwrap();
    for name in ["title", "dead-link", "readme-stale"] {
        assert!(rules.iter().any(|r| r == name), "{name} in {rules:?}");
    }
    assert_eq!(schema["$defs"]["FieldConfig"]["required"], serde_json::json!(["label"]));
}

#[test]
fn config_show_on_a_path_that_is_not_a_directory_is_a_usage_error() {
    let dir = copy_fixture("clean");
    std::fs::write(dir.path().join("daybook.yml"), "stars:\n  max: 3\n").unwrap();
    for bad in [dir.path().join("nowhere"), dir.path().join("daybook.yml")] {
        let out = daybook().args(["config", "show"]).arg(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", bad.display());
        assert!(out.stdout.is_empty(), "printed a config for {}", bad.display());
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not a directory"));
    }
}

/// A report is read by the next workflow step, which on GitHub Actions runs as
/// another user than daybook's container: it must get the usual umask mode, not
/// the owner-only 0600 of a temporary file.
#[cfg(unix)]
#[test]
fn report_file_gets_the_mode_of_a_normal_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = copy_fixture("clean");
    let out_dir = tempfile::tempdir().unwrap();
    let reference = out_dir.path().join("reference");
    std::fs::write(&reference, "x").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    let report = out_dir.path().join("report.sarif");
    daybook()
        .arg("lint")
        .arg(dir.path())
        .args(["--offline", "--format", "sarif", "-o"])
        .arg(&report)
        .assert()
        .success();
    assert_eq!(mode(&report), mode(&reference));

    // Rewriting an existing report keeps the mode its owner gave it.
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).unwrap();
    daybook()
        .arg("lint")
        .arg(dir.path())
        .args(["--offline", "--format", "sarif", "-o"])
        .arg(&report)
        .assert()
        .success();
    assert_eq!(mode(&report), 0o640);
}

#[test]
fn missing_config_file_says_where_it_came_from_and_what_to_do() {
    let dir = copy_fixture("clean");
    let missing = dir.path().join("nothere.yml");
    let out =
        daybook().args(["lint", "--offline", "--config"]).arg(&missing).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothere.yml"), "{err}");
    assert!(err.contains("DAYBOOK_CONFIG"), "the help names both ways to set it: {err}");
}

/// `env: DAYBOOK_CONFIG: ${{ inputs.config }}` with the input left empty.
#[test]
fn empty_daybook_config_variable_means_the_default_config() {
    let dir = copy_fixture("clean");
    std::fs::write(dir.path().join("daybook.yml"), "rules:\n  title: off\n").unwrap();
    let out = daybook().env("DAYBOOK_CONFIG", "").args(["config", "show"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("title: off"));
}

/// `cd notes/202301 && daybook lint`: the error points at the repository root
/// instead of suggesting to create a `notes` folder in the subdirectory.
#[test]
fn running_from_a_subdirectory_points_at_the_repository_root() {
    let dir = copy_fixture("clean");
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let sub = dir.path().join("notes/202301");
    for args in [&["lint", "--offline"][..], &["readme", "--check"][..]] {
        let out = daybook().current_dir(&sub).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr).replace('\n', " ");
        assert!(err.contains("repository root"), "{err}");
        assert!(err.contains("`../..`"), "{err}");
    }
    // Given as PATH from the root, the root is `.`, as typed from there.
    let out = daybook().current_dir(dir.path()).args(["lint", "--offline", "notes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).replace('\n', " ");
    assert!(err.contains("`.` is"), "{err}");
    // At the root itself nothing changes.
    daybook().current_dir(dir.path()).args(["lint", "--offline"]).assert().success();
}

#[test]
fn output_into_a_missing_folder_says_so() {
    let dir = copy_fixture("clean");
    let out_dir = tempfile::tempdir().unwrap();
    let report = out_dir.path().join("reports/lint.json");
    let out = daybook()
        .arg("lint")
        .arg(dir.path())
        .args(["--offline", "--format", "json", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).replace('\n', " ");
    assert!(err.contains("does not exist") && !err.contains("temporary file"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_as_a_note_yield_diagnostics_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let config = daybook::settings::Settings::default();
        match daybook::discover::source_from_bytes("notes/202301/0101.md", Path::new("x"), bytes) {
            Ok(file) => { daybook::lint::lint_source(file, Path::new("."), &config).unwrap(); }
            Err(d) => prop_assert_eq!(d.rule.as_str(), "unreadable-file"),
        }
    }

    #[test]
    fn markdownish_text_as_a_note_never_panics(text in "([#>*`\\-\\[\\]()<!:：0-9. \\n]|:star:|今日|<div>|</div>|\\[a\\]\\(b\\)|## :paperclip:  今日要点\\n|1\\. |   - Paper: ){0,60}") {
        let config = daybook::settings::Settings::default();
        let file = daybook::SourceFile::new("notes/202301/0101.md", "x", text);
        daybook::lint::lint_source(file, Path::new("."), &config).unwrap();
    }

    #[test]
    fn any_text_as_config_is_config_or_error(text in "\\PC{0,200}|([a-z_]{1,8}:( [a-z0-9'\\[\\]{}-]{0,8})?\\n {0,4}){0,10}") {
        let _ = daybook::Config::from_yaml(&text, Path::new("daybook.yml"));
    }

    /// Any bytes at all as daybook.yml, read the way commands read it (control
    /// characters, invalid UTF-8, real keys with garbage values): a config or an
    /// error that names the file, never a panic.
    #[test]
    fn any_bytes_as_daybook_yml_are_config_or_error(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..300),
            (proptest::sample::select(CONFIG_KEYS), proptest::collection::vec(any::<u8>(), 0..40))
                .prop_map(|(k, v)| [k.as_bytes(), &v].concat()),
        ]
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("daybook.yml"), &bytes).unwrap();
        if let Err(e) = daybook::Config::load(dir.path(), None) {
            prop_assert!(e.to_string().contains("daybook.yml"), "{e}");
        }
    }
}

/// Openings of real daybook.yml sections, for the bytes that follow them.
const CONFIG_KEYS: &[&str] = &[
    "notes:\n  root: ",
    "notes:\n  pattern: ",
    "title:\n  pattern: ",
    "stars:\n  max: ",
    "stars: { token: ",
    "fields:\n  - label: ",
    "fields:\n  - { label: Paper, aliases: [",
    "strict_since: ",
    "rules:\n  stars: ",
    "readme:\n  templates:\n    updated: ",
    "links:\n  hosts:\n    a.example:\n      soft_404:\n        - phrases: [",
    "ignore: [",
];

#[test]
fn config_that_points_outside_the_repository_or_is_self_contradictory_is_refused() {
    let dir = copy_fixture("clean");
    let cases: &[(&str, &str)] = &[
        ("notes:\n  root: ../..\n", "daybook.yml:2:3: notes.root is `../..`: it must be a path"),
        ("notes:\n  root: /etc\n", "daybook.yml:2:3: notes.root is `/etc`"),
        ("readme:\n  path: ../README.md\n", "daybook.yml:2:3: readme.path is `../README.md`"),
        (
            "fields:\n  - { label: Paper }\n  - { label: Code, aliases: [Paper] }\n",
            "`Paper` is used for `Paper` and `Code`",
        ),
        ("stars:\n  token: ''\n", "daybook.yml:2:3: stars.token must not be empty"),
        ("sections:\n  today: ' '\n", "daybook.yml:2:3: sections.today must not be empty"),
    ];
    for (yaml, want) in cases {
        std::fs::write(dir.path().join("daybook.yml"), yaml).unwrap();
        let out = daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{yaml}: {err}");
        assert!(err.contains(want), "{yaml}: want {want:?} in {err}");
    }
    std::fs::write(dir.path().join("daybook.yml"), b"rules:\n  stars: warn\xffing\n").unwrap();
    let out = daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("daybook.yml:2:14: the config file is not valid UTF-8"), "{err}");
}

#[test]
fn annotations_and_sarif_name_files_from_the_top_of_the_repository() {
    // A notes repository in a subfolder of a git work tree, linted from the top:
    // GitHub places annotations by paths from the repository root.
    let top = tempfile::tempdir().unwrap();
    copy_dir(&fixture("titles"), &top.path().join("sub"));
    let git = std::process::Command::new("git").arg("init").arg("-q").arg(top.path()).status().unwrap();
    assert!(git.success());
    let run = |format: &str| {
        let out = daybook()
            .current_dir(top.path())
            .env_remove("GITHUB_WORKSPACE")
            .args(["lint", "--offline", "sub", "--format", format])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let github = run("github");
    assert!(github.lines().all(|l| l.contains("file=sub/notes/")), "{github}");
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(!uris.is_empty() && uris.iter().all(|u| u.starts_with("sub/notes/")), "{uris:?}");
    // JSON and human output keep paths from the linted folder.
    let json = run("json");
    assert!(json.contains("\"notes/") && !json.contains("sub/notes/"), "{json}");
}

/// A pull request can commit `reports -> /somewhere` as a symlink: a report
/// named inside the repository must not land outside it through the link.
#[cfg(unix)]
#[test]
fn a_report_is_not_written_out_of_the_repository_through_a_symlinked_folder() {
    let dir = copy_fixture("clean");
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("reports")).unwrap();
    let out = daybook()
        .current_dir(dir.path())
        .args(["lint", ".", "--offline", "--format", "sarif", "-o", "reports/daybook.sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the repository"));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing written outside");
    // A path the user names outside the repository is theirs to choose.
    let theirs = outside.path().join("mine.sarif");
    daybook()
        .arg("lint")
        .arg(dir.path())
        .args(["--offline", "--format", "sarif", "-o"])
        .arg(&theirs)
        .assert()
        .success();
    assert!(theirs.exists());
}

/// A note or daybook.yml linked into `.git` was read, and its lines quoted in
/// the report: `.git/config` holds the checkout's remote and, with
/// actions/checkout, its token. Git's folder is refused like the outside.
#[cfg(unix)]
#[test]
fn a_note_or_config_linked_into_git_s_folder_is_not_read() {
    let dir = copy_fixture("clean");
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let secret = "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n";
    std::fs::write(dir.path().join(".git/config"), format!("[core]\n\tbare = false\n{secret}")).unwrap();
    std::os::unix::fs::symlink("../../.git/config", dir.path().join("notes/202301/0105.md")).unwrap();
    let out = daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(!shown.contains("[core]") && !shown.contains("c2VjcmV0"), "{shown}");
    assert!(shown.contains("git's own folder"), "{shown}");

    std::fs::remove_file(dir.path().join("notes/202301/0105.md")).unwrap();
    let config = dir.path().join("daybook.yml");
    let _ = std::fs::remove_file(&config);
    std::os::unix::fs::symlink(".git/config", &config).unwrap();
    let out = daybook().arg("lint").arg(dir.path()).arg("--offline").output().unwrap();
    let shown = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(!shown.contains("[core]") && !shown.contains("bare = false"), "{shown}");
    assert!(shown.contains("git's own folder"), "{shown}");
}
