//! Every `uses:` the project ships or shows is pinned by a full commit SHA with
//! its release in a comment (`owner/repo@<40 hex> # vX.Y.Z`): a tag can be moved
//! to other code by whoever controls the action's repository, a commit cannot.
//! Dependabot (.github/dependabot.yml) keeps the pins and their comments current.
//!
//! Covered: .github/workflows/*, action.yml, the example workflow, and every
//! fenced `yaml` block of the README and docs/ (what users copy).

use std::path::{Path, PathBuf};

use crate::common::project_root;

use super::workflow_example::yaml_blocks;

/// Actions that stay on a tag, each with the reason. Nothing else may.
const ON_A_TAG: &[(&str, &str)] = &[(
    "daybook-rs/daybook",
    "this project's own action: its release commit is made by the release itself, \
     so the examples can only name the tag (whose image the release workflow checks); \
     a user's Dependabot pins it in their copy",
)];

/// Why one `uses:` value is not acceptable, or `None` when it is.
fn refusal(uses: &str, comment: &str) -> Option<String> {
    if uses.starts_with("./") {
        return None;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        return (!image.contains("@sha256:"))
            .then(|| format!("`{uses}`: a docker:// step names its image by digest (@sha256:…)"));
    }
    let Some((action, reference)) = uses.split_once('@') else {
        return Some(format!("`{uses}` has no @ref"));
    };
    let repo: String = action.split('/').take(2).collect::<Vec<_>>().join("/");
    if ON_A_TAG.iter().any(|(name, _)| *name == repo) {
        return None;
    }
    let sha = reference.len() == 40 && reference.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !sha {
        return Some(format!("`{uses}`: pin {action} by its full 40-hex commit SHA, not `{reference}`"));
    }
    let version = comment.trim().strip_prefix('#').map(str::trim).unwrap_or_default();
    let semver = version.strip_prefix('v').is_some_and(|v| {
        v.split('.').count() == 3
            && v.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    });
    if !semver {
        return Some(format!(
            "`{uses}`: say which release the SHA is with a `# vX.Y.Z` comment, not `{comment}`"
        ));
    }
    None
}

/// `(where, uses, comment)` for each `uses:` line of a YAML text.
fn uses_lines(text: &str, origin: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start().trim_start_matches("- ").trim_start();
        let Some(rest) = t.strip_prefix("uses:") else { continue };
        let rest = rest.trim();
        let (value, comment) = match rest.find(" #") {
            Some(at) => (rest[..at].trim(), rest[at..].trim()),
            None => (rest, ""),
        };
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        out.push((format!("{origin}:{}", i + 1), value.to_owned(), comment.to_owned()));
    }
    out
}

fn files_in(dir: &Path, ext: &[&str]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| ext.iter().any(|e| x == *e)))
        .collect();
    v.sort();
    v
}

/// Every `uses:` of the shipped YAML and of the docs' YAML blocks.
fn every_use() -> Vec<(String, String, String)> {
    let root = project_root();
    let rel = |p: &Path| p.strip_prefix(root).unwrap().display().to_string();
    let mut yaml = files_in(&root.join(".github/workflows"), &["yml", "yaml"]);
    yaml.extend(files_in(&root.join("docs/examples"), &["yml", "yaml"]));
    yaml.push(root.join("action.yml"));
    let mut all = Vec::new();
    for p in &yaml {
        all.extend(uses_lines(&std::fs::read_to_string(p).unwrap(), &rel(p)));
    }
    let mut markdown = vec![root.join("README.md")];
    markdown.extend(files_in(&root.join("docs"), &["md"]));
    markdown.extend(files_in(&root.join("docs/rules"), &["md"]));
    for p in &markdown {
        for block in yaml_blocks(&std::fs::read_to_string(p).unwrap()) {
            all.extend(uses_lines(&block, &format!("{} (yaml block)", rel(p))));
        }
    }
    all
}

#[test]
fn every_uses_is_pinned_by_commit_sha_with_its_version() {
    let all = every_use();
    assert!(all.len() > 20, "the scan finds the workflows' steps: {all:?}");
    let refused: Vec<String> = all
        .iter()
        .filter_map(|(at, uses, comment)| refusal(uses, comment).map(|why| format!("{at}: {why}")))
        .collect();
    assert!(refused.is_empty(), "unpinned actions:\n{}", refused.join("\n"));
}

/// One pin per action: two SHAs (or one SHA with two versions) for the same
/// action is a half-done update or a copying slip.
#[test]
fn each_action_has_one_pin_everywhere() {
    let mut seen: std::collections::BTreeMap<String, (String, (String, String))> = Default::default();
    for (at, uses, comment) in every_use() {
        let Some((action, reference)) = uses.split_once('@') else { continue };
        if uses.starts_with("docker://") || reference.len() != 40 {
            continue;
        }
        let repo: String = action.split('/').take(2).collect::<Vec<_>>().join("/");
        let pin = (reference.to_owned(), comment.clone());
        match seen.get(&repo) {
            Some((first, p)) => assert_eq!(p, &pin, "{repo} at {at} differs from its pin at {first}"),
            None => {
                seen.insert(repo, (at, pin));
            }
        }
    }
}

#[test]
fn the_pin_check_refuses_tags_short_shas_and_missing_versions() {
    let sha = "3d3c42e5aac5ba805825da76410c181273ba90b1";
    assert_eq!(refusal(&format!("actions/checkout@{sha}"), "# v7.0.1"), None);
    assert_eq!(refusal(&format!("github/codeql-action/upload-sarif@{sha}"), "# v4.38.1"), None);
    assert_eq!(refusal("./local-action", ""), None);
    assert_eq!(refusal("daybook-rs/daybook@v0.1.0", ""), None);
    for (uses, comment) in [
        ("actions/checkout@v7", ""),
        ("actions/checkout@v7.0.1", "# v7.0.1"),
        ("actions/checkout@3d3c42e", "# v7.0.1"),
        ("actions/checkout@3D3C42E5AAC5BA805825DA76410C181273BA90B1", "# v7.0.1"),
        (&format!("actions/checkout@{sha}"), ""),
        (&format!("actions/checkout@{sha}"), "# v7"),
        (&format!("actions/checkout@{sha}"), "# main"),
        ("docker://alpine:3.22", ""),
    ] {
        assert!(refusal(uses, comment).is_some(), "{uses} {comment} must be refused");
    }
    let lines =
        uses_lines(&format!("    - uses: \"actions/checkout@{sha}\" # v7.0.1\n      uses: x@y\n"), "t");
    assert_eq!(lines[0].1, format!("actions/checkout@{sha}"));
    assert_eq!(lines[0].2, "# v7.0.1");
    assert_eq!(lines[1].1, "x@y");
}
