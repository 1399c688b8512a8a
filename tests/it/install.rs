//! Installing daybook anywhere: `lint FILE...` for pre-commit and editors,
//! `--exclude`, `--quiet`, the colour variables, shell completions, the manual
//! page, and the committed JSON Schema of daybook.yml for editors.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{daybook, daybook_in, fixtures, project_root, temp_copy};
use crate::github::{git, isolate_git};

/// `broken`: four notes; 1102 repeats an article of 1101 (`duplicate-url`,
/// which only a look at both notes can find) among other findings.
fn broken() -> tempfile::TempDir {
    temp_copy(&fixtures("rules").join("broken"))
}

/// `lint --offline --format json ARGS` run in `dir`: exit code and diagnostics.
fn lint_json(dir: &Path, args: &[&str]) -> (i32, Vec<Value>) {
    let out = daybook_in(dir).args(["lint", "--offline", "--format", "json"]).args(args).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), doc["diagnostics"].as_array().unwrap().clone())
}

fn paths(diags: &[Value]) -> Vec<&str> {
    let mut p: Vec<&str> = diags.iter().map(|d| d["path"].as_str().unwrap()).collect();
    p.dedup();
    p
}

#[test]
fn named_files_report_only_their_findings_with_cross_note_rules_intact() {
    let repo = broken();
    let (code, all) = lint_json(repo.path(), &[]);
    assert_eq!(code, 1);
    assert!(paths(&all).len() > 1, "the fixture has findings in several files: {all:#?}");

    let (code, diags) = lint_json(repo.path(), &["notes/202611/1102.md"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&diags), ["notes/202611/1102.md"]);
    let dup: Vec<_> = diags.iter().filter(|d| d["rule"] == "duplicate-url").collect();
    assert_eq!(dup.len(), 1, "1101, not named, is still read: {diags:#?}");
    assert_eq!(dup[0]["related"][0]["path"], "notes/202611/1101.md");
    let expected: Vec<&Value> = all.iter().filter(|d| d["path"] == "notes/202611/1102.md").collect();
    assert_eq!(diags.iter().collect::<Vec<_>>(), expected, "the same findings as a full run's");

    // Two files, each reported; an absolute path works as well as a relative one.
    let abs = repo.path().join("notes/202611/1104.md");
    let (_, diags) = lint_json(repo.path(), &["notes/202611/1103.md", abs.to_str().unwrap()]);
    assert_eq!(paths(&diags), ["notes/202611/1103.md", "notes/202611/1104.md"]);
}

/// `lint/clean` plus one note with findings (no today section).
fn clean_but_one() -> tempfile::TempDir {
    let repo = temp_copy(&fixtures("lint").join("clean"));
    std::fs::write(repo.path().join("notes/202302/0215.md"), "# 公众号内容拓展学习笔记（2023.2.15）\n")
        .unwrap();
    repo
}

#[test]
fn the_exit_code_follows_the_named_files_only() {
    let repo = clean_but_one();
    let (code, all) = lint_json(repo.path(), &[]);
    assert_eq!((code, paths(&all)), (1, vec!["notes/202302/0215.md"]));
    let (code, diags) = lint_json(repo.path(), &["notes/202301/0101.md", "README.md"]);
    assert_eq!(diags, Vec::<Value>::new());
    assert_eq!(code, 0);
}

#[test]
fn the_root_is_found_from_the_files_or_given() {
    let repo = broken();
    std::fs::write(repo.path().join("daybook.yml"), "rules:\n  bare-url: off\n").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let file = repo.path().join("notes/202611/1102.md");
    // From another folder: the root is the one holding daybook.yml, whose config applies.
    let (code, diags) = lint_json(elsewhere.path(), &[file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(paths(&diags), ["notes/202611/1102.md"]);
    assert!(diags.iter().all(|d| d["rule"] != "bare-url"), "{diags:#?}");
    assert!(diags.iter().any(|d| d["rule"] == "duplicate-url"), "{diags:#?}");

    // Without daybook.yml: the folder above `notes/`.
    std::fs::remove_file(repo.path().join("daybook.yml")).unwrap();
    let (_, diags) = lint_json(elsewhere.path(), &[file.to_str().unwrap()]);
    assert!(diags.iter().any(|d| d["rule"] == "bare-url"), "{diags:#?}");
    assert!(diags.iter().any(|d| d["rule"] == "duplicate-url"), "{diags:#?}");

    // --root, with the file relative to the current directory.
    let root = repo.path().to_str().unwrap();
    let (_, given) = lint_json(repo.path(), &["--root", root, "notes/202611/1102.md"]);
    assert_eq!(given, diags);

    // A file outside the root, or a folder among files: usage errors.
    let stray = elsewhere.path().join("x.md");
    std::fs::write(&stray, "# x\n").unwrap();
    for args in [
        vec!["--root", root, stray.to_str().unwrap()],
        vec!["notes/202611/1102.md", "notes"],
        vec!["notes/202611/1102.md", "notes/nowhere.md"],
    ] {
        let out = daybook_in(repo.path()).args(["lint", "--offline"]).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = daybook_in(repo.path())
        .args(["lint", "--offline", "--root", root, "notes/202611/1102.md"])
        .arg(&stray)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the repository root"));
}

#[test]
fn exclude_adds_to_ignore() {
    let repo = broken();
    let (_, diags) =
        lint_json(repo.path(), &["--exclude", "notes/202611/1103.md", "--exclude", "**/1104.md"]);
    let shown = paths(&diags);
    assert!(
        !shown.contains(&"notes/202611/1103.md") && !shown.contains(&"notes/202611/1104.md"),
        "{shown:?}"
    );
    assert!(shown.contains(&"notes/202611/1102.md"), "{shown:?}");
    let out = daybook_in(repo.path()).args(["lint", "--offline", "--exclude", "a[b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--exclude"));
}

#[test]
fn quiet_prints_only_the_findings() {
    let repo = clean_but_one();
    let run = |args: &[&str]| {
        let out = daybook_in(repo.path()).args(["lint", "--offline"]).args(args).output().unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, loud) = run(&["notes/202302/0215.md"]);
    let (quiet_code, quiet) = run(&["-q", "notes/202302/0215.md"]);
    assert_eq!((code, quiet_code), (1, 1));
    assert!(loud.contains("in 1 file (1 file checked)"), "{loud}");
    assert!(quiet.contains("error[missing-today-section]"), "{quiet}");
    assert!(!quiet.contains("Found"), "{quiet}");
    assert!(loud.starts_with(&quiet), "quiet is the report less its last line");
    let (code, clean) = run(&["--quiet", "notes/202301/0101.md"]);
    assert_eq!((code, clean.as_str()), (0, ""));
}

#[test]
fn colour_follows_force_color_and_no_color() {
    let clean = fixtures("lint").join("clean");
    let lint = |vars: &[(&str, &str)], extra: &[&str]| {
        let mut c = daybook();
        c.env_remove("NO_COLOR").args(["lint", "--offline"]).arg(&clean).args(extra);
        for (k, v) in vars {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap().contains('\x1b')
    };
    assert!(!lint(&[], &[]), "a pipe is not a terminal");
    assert!(lint(&[("FORCE_COLOR", "1")], &[]));
    assert!(lint(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!lint(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(!lint(&[("FORCE_COLOR", "")], &[]), "empty is unset");
    assert!(!lint(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]), "NO_COLOR wins");
    assert!(!lint(&[("FORCE_COLOR", "1")], &["--color", "never"]), "the flag wins");
    assert!(lint(&[("NO_COLOR", "1")], &["--color", "always"]), "the flag wins");
}

#[test]
fn completions_generate_for_every_shell_and_bash_parses_them() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = daybook().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("daybook") && script.contains("offline"), "{shell}: {script}");
    }
    let out = daybook().args(["completions", "bash"]).output().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("daybook.bash");
    std::fs::write(&file, &out.stdout).unwrap();
    let Ok(check) = Command::new("bash").arg("-n").arg(&file).output() else {
        panic!("bash is needed to check the completion script's syntax");
    };
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let out = daybook().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_prints_a_roff_page() {
    let out = daybook().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    // clap_mangen opens with the two lines defining the `\*(Aq` apostrophe
    // string (`.ie` / `.el`); the page's header is the first macro after them.
    let first = page.lines().find(|l| !l.starts_with(".ie ") && !l.starts_with(".el ")).unwrap_or("");
    assert!(first.starts_with(".TH daybook 1"), "{}", &page[..page.len().min(200)]);
    assert!(page.contains("completions") && page.contains("lint"), "the subcommands are listed");
}

fn schema() -> Value {
    let out = daybook().args(["config", "schema"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Editors fetch the committed file by its `$id`: it must be what this
/// daybook accepts. `DAYBOOK_UPDATE_SCHEMA=1` rewrites it.
#[test]
fn schema_file_is_the_generated_schema() {
    let path = project_root().join("daybook.schema.json");
    let out = daybook().args(["config", "schema"]).output().unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    if std::env::var_os("DAYBOOK_UPDATE_SCHEMA").is_some_and(|v| !v.is_empty()) {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "daybook.schema.json is out of date: run `DAYBOOK_UPDATE_SCHEMA=1 cargo test --test it schema`"
    );
    let s = schema();
    assert_eq!(s["$id"], daybook::config::SCHEMA_URL);
    assert_eq!(s["title"], "daybook.yml");
    assert!(s["properties"]["$schema"].is_object(), "a `$schema` key is allowed");
}

/// Every property an editor completes has a description to show.
#[test]
fn schema_describes_every_property() {
    fn walk(node: &Value, at: &str, missing: &mut Vec<String>, seen: &mut usize) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (name, prop) in props {
                        *seen += 1;
                        let described = prop.get("description").and_then(Value::as_str);
                        if described.is_none_or(|d| d.trim().is_empty()) {
                            missing.push(format!("{at}/properties/{name}"));
                        }
                    }
                }
                for (k, v) in map {
                    walk(v, &format!("{at}/{k}"), missing, seen);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{at}/{i}"), missing, seen);
                }
            }
            _ => {}
        }
    }
    let (mut missing, mut seen) = (Vec::new(), 0);
    walk(&schema(), "#", &mut missing, &mut seen);
    assert!(seen > 50, "the walk reached the nested definitions ({seen} properties)");
    assert!(missing.is_empty(), "add a doc comment to these fields: {missing:#?}");
}

#[test]
fn a_misspelt_key_is_named_with_the_likely_one() {
    let repo = broken();
    std::fs::write(repo.path().join("daybook.yml"), "strcit_since: 2021-04-25\nlinks:\n  exlude: []\n")
        .unwrap();
    let out = daybook_in(repo.path()).args(["lint", "--offline"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // miette wraps the message: one line again, without its gutter.
    let one_line = |b: &[u8]| {
        String::from_utf8_lossy(b).replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let err = one_line(&out.stderr);
    assert!(err.contains("unknown field `strcit_since`; did you mean `strict_since`?"), "{err}");
    assert!(err.contains("daybook.yml:1:1"), "at the key's line: {err}");
    std::fs::write(repo.path().join("daybook.yml"), "links:\n  timeout: 5s\n  exlude: []\n").unwrap();
    let out = daybook_in(repo.path()).args(["lint", "--offline"]).output().unwrap();
    let err = one_line(&out.stderr);
    assert!(err.contains("unknown field `exlude`; did you mean `exclude`?"), "{err}");
    assert!(err.contains("daybook.yml:3:3"), "at the key's line: {err}");
    // `$schema` is not one of them.
    let clean = temp_copy(&fixtures("lint").join("clean"));
    let yaml = format!("$schema: {}\n", daybook::config::SCHEMA_URL);
    std::fs::write(clean.path().join("daybook.yml"), yaml).unwrap();
    let out = daybook_in(clean.path()).args(["lint", "--offline"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The README's Install section, in the order a user should try them: the
/// Python wheel (pip, pipx, uvx: the package pyproject.toml names), then the
/// release binaries, the image, and a source build last.
#[test]
fn the_install_section_leads_with_the_wheel_then_binaries_image_and_source() {
    let readme = std::fs::read_to_string(project_root().join("README.md")).unwrap();
    let start = readme.find("\n## Install\n").expect("an Install section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let commands: Vec<&str> = section
        .split("```sh\n")
        .skip(1)
        .flat_map(|b| b[..b.find("```").unwrap()].lines())
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    let first = |tool: &str| {
        commands.iter().position(|c| *c == tool).unwrap_or_else(|| panic!("no `{tool}` in {commands:?}"))
    };
    assert_eq!(&commands[..3], ["pip", "pipx", "uvx"], "{commands:?}");
    assert!(first("uvx") < first("cargo") && first("cargo") < first("docker"), "{commands:?}");
    let binstall = section.find("cargo binstall").unwrap();
    assert!(binstall < section.find("docker run").unwrap());
    assert!(section.find("docker run").unwrap() < section.find("cargo install").unwrap());

    // The name the commands install is the distribution pyproject.toml builds.
    let pyproject = std::fs::read_to_string(project_root().join("pyproject.toml")).unwrap();
    let name = pyproject
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("pyproject.toml names the distribution");
    for cmd in [
        format!("pip install {name}"),
        format!("pipx run --spec {name} daybook"),
        format!("uvx --from {name} daybook"),
    ] {
        assert!(section.contains(&cmd), "the README says `{cmd}`");
    }
    // The image the README runs is the one action.yml names.
    let action = std::fs::read_to_string(project_root().join("action.yml")).unwrap();
    let image = action.lines().find_map(|l| l.trim().strip_prefix("image: docker://")).unwrap();
    assert!(section.contains(&format!("--entrypoint daybook {image} lint")), "{image}");
    // And the Editors section covers the four editors the docs promise.
    let editors = &readme[readme.find("\n## Editors\n").expect("an Editors section")..];
    for editor in ["**VS Code**", "**Neovim** 0.11", "vim.lsp.config('daybook'", "**Helix**", "**Zed**"] {
        assert!(editors.contains(editor), "{editor}");
    }
}

/// The pre-commit hooks run commands that work, the way pre-commit runs them
/// (in the repository, the staged files appended unless `pass_filenames` is
/// false): each passes on a clean repository and fails on one with a finding,
/// and a hook given only clean files passes beside a broken note. Every
/// `language: python` hook has a `language: rust` twin running the same, and
/// the README and docs name only hooks that exist.
#[test]
fn pre_commit_hooks_run_and_each_has_a_rust_twin() {
    let text = std::fs::read_to_string(project_root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<Value> = yaml_serde::from_str(&text).unwrap();
    let same =
        |a: &Value, b: &Value| ["entry", "files", "pass_filenames"].iter().all(|k| a.get(k) == b.get(k));
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    for h in &hooks {
        let id = &h["id"];
        match h["language"].as_str() {
            Some("python") => assert!(
                hooks.iter().any(|r| r["language"] == "rust" && same(h, r)),
                "{id} has no language: rust twin"
            ),
            Some("rust") => {}
            other => panic!("{id}: language {other:?}"),
        }
        let entry: Vec<&str> = h["entry"].as_str().unwrap().split_whitespace().collect();
        assert_eq!(entry[0], "daybook", "{id}");
        let files = h["pass_filenames"] != false;
        let run = |repo: &Path, staged: &[&str]| {
            let mut c = daybook_in(repo);
            c.args(&entry[1..]);
            if files {
                c.args(staged);
            }
            let out = c.output().unwrap();
            (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
        };
        // The example repository, as the release smoke run checks it, then with a
        // note that has no today section (and is missing from the README).
        let repo = temp_copy(&project_root().join("examples/notes-repo"));
        assert_eq!(run(repo.path(), &["notes/202611/1126.md"]).0, Some(0), "{id} on a clean repository");
        std::fs::write(repo.path().join("notes/202611/1127.md"), "# 公众号内容拓展学习笔记（2026.11.27）\n")
            .unwrap();
        let (code, out) = run(repo.path(), &["notes/202611/1127.md"]);
        assert_eq!(code, Some(1), "{id} with a broken note staged: {out}");
        if files {
            assert_eq!(run(repo.path(), &["notes/202611/1126.md"]).0, Some(0), "{id}: only staged files");
        }
    }
    // The docs' configuration takes the hook repository (pre-commit/ here),
    // whose hooks are these (the_hook_repository_pins_this_release_and_offers_the_same_hooks).
    for doc in ["README.md", "docs/github.md"] {
        let text = std::fs::read_to_string(project_root().join(doc)).unwrap();
        let at = text.find("repo: https://github.com/daybook-rs/daybook-pre-commit\n").expect(doc);
        let block = &text[at..at + text[at..].find("```").unwrap()];
        for id in block.lines().filter_map(|l| l.trim().strip_prefix("- id: ")) {
            assert!(ids.contains(&id), "{doc} names the hook {id}, which .pre-commit-hooks.yaml lacks");
        }
        for id in text.split('`').filter(|w| w.starts_with("daybook-") && w.ends_with("-rust")) {
            assert!(ids.contains(&id), "{doc} names the hook {id}, which .pre-commit-hooks.yaml lacks");
        }
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(project_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `[project]` table's `KEY = VALUE` of a pyproject.toml: VALUE as written.
fn project_key(pyproject: &str, key: &str) -> String {
    let prefix = format!("{key} = ");
    pyproject
        .lines()
        .skip_while(|l| *l != "[project]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("[project] has no `{key}`"))
        .trim()
        .to_owned()
}

fn cargo_version() -> String {
    let cargo = read("Cargo.toml");
    let line = cargo.lines().find(|l| l.starts_with("version = ")).unwrap();
    line["version = ".len()..].trim_matches('"').to_owned()
}

fn hooks(path: &str) -> Vec<Value> {
    yaml_serde::from_str(&read(path)).unwrap()
}

/// The hook repository's package (pre-commit/, synced to daybook-pre-commit on
/// a tag) pins the wheel this release publishes, offers exactly this
/// repository's `language: python` hooks, and the release syncs it only once
/// PyPI has that wheel (a tag there before the wheel exists breaks every first run).
#[test]
fn the_hook_repository_pins_this_release_and_offers_the_same_hooks() {
    let version = cargo_version();
    let dist = project_key(&read("pyproject.toml"), "name");
    assert_eq!(dist, "\"daybook-rs\"");
    let template = read("pre-commit/pyproject.toml");
    assert_eq!(project_key(&template, "version"), format!("\"{version}\""), "pre-commit/pyproject.toml");
    assert_eq!(
        project_key(&template, "dependencies"),
        format!("[\"{}=={version}\"]", dist.trim_matches('"')),
        "pre-commit/pyproject.toml depends on this release's wheel alone"
    );
    let ours: Vec<Value> =
        hooks(".pre-commit-hooks.yaml").into_iter().filter(|h| h["language"] == "python").collect();
    assert!(ours.len() >= 3, "{ours:#?}");
    assert_eq!(hooks("pre-commit/.pre-commit-hooks.yaml"), ours);

    let release: Value = yaml_serde::from_str(&read(".github/workflows/release.yml")).unwrap();
    let job = &release["jobs"]["pre-commit-hooks"];
    assert!(job.is_object(), "release.yml has a pre-commit-hooks job syncing pre-commit/");
    let needs: Vec<&str> = job["needs"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(needs.contains(&"pypi"), "{needs:?}");
    let steps = serde_json::to_string(&job["steps"]).unwrap();
    assert!(steps.contains("daybook-rs/daybook-pre-commit") && steps.contains("pre-commit/"), "{steps}");
}

/// `found`, or `None` with a notice; with DAYBOOK_REQUIRE_VALIDATORS=1 (CI,
/// .ci/run) a missing one fails instead.
fn needed<T>(found: Option<T>, what: &str, how: &str) -> Option<T> {
    if found.is_none() {
        if std::env::var("DAYBOOK_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1") {
            panic!("{what} is required (DAYBOOK_REQUIRE_VALIDATORS=1): {how}");
        }
        eprintln!("notice: no {what}, skipping this test ({how})");
    }
    found
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Every path under `dir` whose file name is `name`.
fn find_named(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if e.file_name() == name {
            found.push(p.clone());
        }
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            find_named(&p, name, found);
        }
    }
}

/// What a user of the hook repository gets: pre-commit clones it, pip-installs
/// its package, whose one dependency comes from the wheel .ci/wheel.sh built
/// (DAYBOOK_WHEEL_DIR) and nothing else (no index: no network, no sdist, no
/// cargo on PATH), and each hook runs that daybook: all pass on the example
/// notes, and all fail on a note with a finding.
#[test]
fn pre_commit_runs_the_hook_repository_from_the_wheel_alone() {
    let how =
        "DAYBOOK_WHEEL_DIR=$PWD/target/ci-wheel .ci/wheel.sh, then run the tests with DAYBOOK_WHEEL_DIR set";
    let Some(wheels) =
        needed(std::env::var_os("DAYBOOK_WHEEL_DIR").map(PathBuf::from), "DAYBOOK_WHEEL_DIR", how)
    else {
        return;
    };
    let Some(pre_commit) = needed(on_path("pre-commit"), "pre-commit on PATH", "pip install pre-commit")
    else {
        return;
    };
    let version = cargo_version();
    let found: Vec<String> = std::fs::read_dir(&wheels)
        .unwrap_or_else(|e| panic!("{}: {e}", wheels.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".whl"))
        .collect();
    assert!(
        found.len() == 1 && found[0].starts_with(&format!("daybook_rs-{version}-")),
        "one daybook-rs {version} wheel in {}: {found:?}",
        wheels.display()
    );

    let tmp = tempfile::tempdir().unwrap();
    // The hook repository as the release workflow writes it: the folder, committed.
    let hook_repo = tmp.path().join("daybook-pre-commit");
    crate::common::copy_dir(&project_root().join("pre-commit"), &hook_repo);
    git(&hook_repo, &["init", "-q"]);
    git(&hook_repo, &["add", "-A"]);
    git(&hook_repo, &["commit", "-q", "-m", &format!("daybook-rs {version}")]);
    let rev = git(&hook_repo, &["rev-parse", "HEAD"]);

    let notes = tmp.path().join("notes");
    crate::common::copy_dir(&project_root().join("examples/notes-repo"), &notes);
    let ids: Vec<String> = hooks("pre-commit/.pre-commit-hooks.yaml")
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect();
    let config: String = ids.iter().map(|id| format!("      - id: {id}\n")).collect();
    let config = format!("repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n{config}", hook_repo.display());
    std::fs::write(notes.join(".pre-commit-config.yaml"), config).unwrap();
    git(&notes, &["init", "-q"]);
    git(&notes, &["add", "-A"]);

    // No cargo (nor a daybook) on the hooks' PATH: only the wheel can provide it.
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(
        std::env::split_paths(&path).filter(|d| !d.join("cargo").exists() && !d.join("daybook").exists()),
    )
    .unwrap();
    let home = tmp.path().join("pre-commit-home");
    let run = || {
        let mut c = Command::new(&pre_commit);
        c.current_dir(&notes).args(["run", "--all-files", "--color", "never"]);
        isolate_git(&mut c);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if k.starts_with("PIP_")
                || k.starts_with("UV_")
                || k.starts_with("GITHUB_")
                || k.starts_with("VIRTUALENV_")
            {
                c.env_remove(k.as_ref());
            }
        }
        c.env("PATH", &path)
            .env("CARGO", "false")
            .env("PRE_COMMIT_HOME", &home)
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", &wheels)
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("VIRTUALENV_NO_PERIODIC_UPDATE", "1")
            .env("NO_COLOR", "1");
        let out = c.output().unwrap();
        let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code(), log)
    };

    let (code, log) = run();
    assert_eq!(code, Some(0), "every hook passes on the example notes: {log}");
    assert_eq!(log.matches("Passed").count(), ids.len(), "{log}");
    // pip installed daybook-rs (the wheel: there was nothing else) into the hooks' environment.
    let (mut info, mut bin) = (Vec::new(), Vec::new());
    find_named(&home, &format!("daybook_rs-{version}.dist-info"), &mut info);
    find_named(&home, "daybook", &mut bin);
    assert_eq!(info.len(), 1, "{info:?}");
    assert!(bin.iter().any(|b| b.parent().is_some_and(|p| p.ends_with("bin"))), "{bin:?}");

    std::fs::write(notes.join("notes/202611/1127.md"), "# 公众号内容拓展学习笔记（2026.11.27）\n").unwrap();
    git(&notes, &["add", "-A"]);
    let (code, log) = run();
    assert_eq!(code, Some(1), "{log}");
    for id in &ids {
        assert!(log.contains(&format!("- hook id: {id}\n")), "{id} fails on the planted note: {log}");
    }
    assert!(log.contains("error[missing-today-section]") && log.contains("notes/202611/1127.md"), "{log}");
}
