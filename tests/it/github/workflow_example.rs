//! The example workflow is one file: the copies in the README and in
//! docs/github.md are byte-equal to docs/examples/notes-workflow.yml.

use crate::common::project_root;

/// The fenced `yaml` blocks of a Markdown file.
pub(super) fn yaml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.split_inclusive('\n') {
        match &mut current {
            None if line == "```yaml\n" => current = Some(String::new()),
            Some(_) if line == "```\n" => blocks.push(current.take().unwrap()),
            Some(b) => b.push_str(line),
            None => {}
        }
    }
    blocks
}

#[test]
fn the_readme_and_the_docs_copy_the_example_workflow_byte_for_byte() {
    let file = std::fs::read_to_string(project_root().join("docs/examples/notes-workflow.yml")).unwrap();
    let first = file.lines().next().unwrap();
    for doc in ["README.md", "docs/github.md"] {
        let text = std::fs::read_to_string(project_root().join(doc)).unwrap();
        let copies: Vec<String> = yaml_blocks(&text).into_iter().filter(|b| b.starts_with(first)).collect();
        assert_eq!(copies.len(), 1, "{doc} has one copy of the example workflow");
        assert!(
            copies[0] == file,
            "{doc}'s copy differs from docs/examples/notes-workflow.yml: paste the file"
        );
    }
}

#[test]
fn the_example_has_three_jobs_with_the_least_permissions() {
    let text = std::fs::read_to_string(project_root().join("docs/examples/notes-workflow.yml")).unwrap();
    let doc: serde_json::Value = yaml_serde::from_str(&text).unwrap();
    assert_eq!(doc["permissions"], serde_json::json!({}));
    let jobs = doc["jobs"].as_object().unwrap();
    let perms = |job: &str| doc["jobs"][job]["permissions"].clone();
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    assert_eq!(perms("publish"), serde_json::json!({"contents": "write", "checks": "write"}));
    assert_eq!(
        perms("pull-request"),
        serde_json::json!({"contents": "read", "checks": "write", "pull-requests": "write"})
    );
    assert_eq!(perms("links"), serde_json::json!({"contents": "read"}));
    assert!(doc["on"]["schedule"][0]["cron"].is_string());
    assert_eq!(doc["jobs"]["links"]["if"], "github.event_name == 'schedule'");
}
