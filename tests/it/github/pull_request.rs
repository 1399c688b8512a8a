//! Pull requests with real git: a base commit on `main` whose old notes carry
//! errors, a head commit on a branch, the merge commit checked out the way
//! actions/checkout does (`refs/pull/N/merge`), and a real-shaped
//! `pull_request` payload. The findings shown are the pull request's.

use serde_json::{Value, json};
use wiremock::ResponseTemplate;
use wiremock::matchers::query_param;

use super::action::{Run, pull_request_payload, repository_payload, stdout};
use super::{Remote, git, note, output, read_outputs};
use crate::common::daybook;
use crate::common::fake_github::{FakeGithub, bodies};

/// A pull request in a temporary repository.
pub(super) struct Pr {
    pub remote: Remote,
    pub base: String,
    pub head: String,
    pub merge: String,
}

/// Old notes with `bad_old` title errors, the README up to date on `main`
/// (pushed), then a branch adding `rel` with `text`, and the merge commit of
/// both checked out detached.
pub(super) fn pull_request(bad_old: usize, rel: &str, text: &str) -> Pr {
    let remote = Remote::new();
    let work = &remote.work;
    std::fs::create_dir_all(work.join("notes/202312")).unwrap();
    for i in 0..bad_old {
        let d = 10 + i as u32;
        // The title spells another day than the path: a `title` error.
        let text = note(2023, 12, d, "旧笔记").replace(&format!("2023.12.{d}"), "2023.12.1");
        std::fs::write(work.join(format!("notes/202312/12{d}.md")), text).unwrap();
    }
    // The README as the push job leaves it: up to date with main's notes.
    let readme = daybook().arg("readme").arg(work).output().unwrap();
    assert!(readme.status.success(), "{}", String::from_utf8_lossy(&readme.stderr));
    git(work, &["add", "-A"]);
    git(work, &["commit", "-q", "-m", "old notes, README up to date"]);
    git(work, &["push", "-q", "origin", "HEAD:main"]);
    let base = git(work, &["rev-parse", "HEAD"]);

    git(work, &["checkout", "-q", "-b", "feature"]);
    let path = work.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    git(work, &["add", "-A"]);
    git(work, &["commit", "-q", "-m", &format!("add {rel}")]);
    let head = git(work, &["rev-parse", "HEAD"]);

    git(work, &["checkout", "-q", "--detach", &base]);
    git(work, &["merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature"]);
    let merge = git(work, &["rev-parse", "HEAD"]);
    Pr { remote, base, head, merge }
}

/// A pull request from a branch of the same repository (not a fork).
pub(super) fn same_repo_payload(head: &str, base: &str) -> Value {
    let mut ev = pull_request_payload(head, base);
    ev["pull_request"]["head"]["repo"] = repository_payload();
    ev["pull_request"]["head"]["label"] = json!("me:feature");
    ev
}

impl Pr {
    pub fn run(&self) -> Run {
        let mut run = Run::new(
            &self.remote.work,
            "pull_request",
            same_repo_payload(&self.head, &self.base),
            "refs/pull/7/merge",
            &self.merge,
        );
        run.with.insert("offline", "true".into());
        run
    }
}

/// Annotation lines (`::error file=…`, `::warning file=…`, `::notice file=…`).
pub(super) fn annotations(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.starts_with("::") && l.contains(" file=")).collect()
}

pub(super) const NEW: &str = "notes/202401/0110.md";

#[test]
fn a_valid_note_passes_whatever_the_old_notes_carry() {
    let pr = pull_request(3, NEW, &note(2024, 1, 10, "新笔记"));
    // The old notes do carry errors.
    let all = daybook().args(["lint", "--offline"]).arg(&pr.remote.work).output().unwrap();
    assert_eq!(all.status.code(), Some(1), "{}", stdout(&all));

    let run = pr.run();
    let out = run.run();
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{log}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(annotations(&log), Vec::<&str>::new(), "no annotation on files the PR did not touch:\n{log}");
    // The README is stale only because of the new note: a notice, not on the file.
    let readme_notice = log
        .lines()
        .find(|l| l.starts_with("::notice title=readme-stale::"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        readme_notice.contains("regenerated from the notes when the pull request is merged"),
        "{readme_notice}"
    );
    let outs = read_outputs(&run.outputs_file());
    assert_eq!(output(&outs, "errors").as_deref(), Some("0"), "{outs:?}");
    assert_eq!(output(&outs, "readme_changed").as_deref(), Some("true"));
    let summary = run.summary();
    assert!(summary.contains("**✅ passed**"), "{summary}");
    assert!(summary.contains("findings outside the pull request's diff are not shown"), "{summary}");
    assert!(summary.contains("when the pull request is merged"), "{summary}");
    assert_eq!(git(&pr.remote.bare, &["rev-parse", "main"]), pr.base, "nothing pushed");
}

/// A note whose `Code` label is misspelt, on line 8.
fn typo_note() -> String {
    note(2024, 1, 10, "新笔记")
        .replace("   - Abstract:", "   - Cdoe: [c](https://example.org/c)\n   - Abstract:")
}

#[test]
fn a_typo_in_the_new_note_fails_and_is_annotated_first() {
    // More old errors than the runner shows: the PR's own must not be hidden.
    let pr = pull_request(12, NEW, &typo_note());
    let run = pr.run();
    let out = run.run();
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    let shown = annotations(&log);
    assert!(!shown.is_empty(), "{log}");
    assert!(shown.iter().all(|l| l.contains(&format!("file={NEW},"))), "only the new note's: {shown:#?}");
    assert!(shown.iter().any(|l| l.contains("Cdoe")), "{shown:#?}");

    // Every finding shown (`nofilter`): the new note's still come first.
    let mut run = pr.run();
    run.with.insert("filter_mode", "nofilter".into());
    let log = stdout(&run.run());
    let errors: Vec<&str> = log.lines().filter(|l| l.starts_with("::error file=")).collect();
    assert!(errors.len() > 12, "{log}");
    assert!(errors[0].contains(&format!("file={NEW},")), "{errors:#?}");
}

#[test]
fn added_mode_shows_only_changed_lines() {
    // The PR edits one line of an old note that carries a title error on line 1.
    let pr = pull_request(1, NEW, &note(2024, 1, 10, "新笔记"));
    let work = &pr.remote.work;
    let old = "notes/202312/1210.md";
    git(work, &["checkout", "-q", "feature"]);
    let text = std::fs::read_to_string(work.join(old)).unwrap();
    std::fs::write(work.join(old), text.replace("- 星标表示", "- 星标仅表示")).unwrap();
    git(work, &["commit", "-qam", "edit an old note"]);
    let head = git(work, &["rev-parse", "HEAD"]);
    git(work, &["checkout", "-q", "--detach", &pr.base]);
    git(work, &["merge", "-q", "--no-ff", "-m", "merge", "feature"]);
    let merge = git(work, &["rev-parse", "HEAD"]);
    let run_with = |mode: &str| {
        let mut run =
            Run::new(work, "pull_request", same_repo_payload(&head, &pr.base), "refs/pull/7/merge", &merge);
        run.with.insert("offline", "true".into());
        run.with.insert("command", "lint".into());
        run.with.insert("filter_mode", mode.into());
        run.run()
    };
    let file = run_with("file");
    assert_eq!(file.status.code(), Some(1), "the title error is in a changed file\n{}", stdout(&file));
    assert!(stdout(&file).contains(&format!("::error file={old},line=1,")), "{}", stdout(&file));
    let added = run_with("added");
    assert_eq!(added.status.code(), Some(0), "line 1 is not a changed line\n{}", stdout(&added));
    assert_eq!(annotations(&stdout(&added)), Vec::<&str>::new());
    let bad = run_with("everything");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("`filter_mode`"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_commits_the_files_come_from_the_api_every_page() {
    let fake = FakeGithub::dotcom().await;
    let pr = pull_request(2, NEW, &typo_note());
    // A shallow checkout: the head commit is not there, only the merge.
    let head = "feedfacefeedfacefeedfacefeedfacefeedface".to_owned();
    let patch = typo_note().lines().map(|l| format!("+{l}\n")).collect::<String>();
    let patch = format!("@@ -0,0 +1,{} @@\n{patch}", typo_note().lines().count());
    // 100 files on the first page (the API's page size), the note on the second.
    let root = fake.api_url();
    let filler: Vec<Value> = (0..100)
        .map(|i| {
            bodies::diff_entry(
                &root,
                &format!("gone/{i}.md"),
                "removed",
                Some("e69de29"),
                Some("@@ -1 +0,0 @@\n-x"),
            )
        })
        .collect();
    fake.on("GET", "/pulls/7/files")
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(filler))
        .expect(1)
        .mount(&fake)
        .await;
    fake.on("GET", "/pulls/7/files")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([bodies::diff_entry(
            &root,
            NEW,
            "added",
            Some("3b18e512dba79e4c8300dd08aeb37f8e728b8dad"),
            Some(&patch)
        )])))
        .expect(1)
        .mount(&fake)
        .await;
    let mut run = Run::new(
        &pr.remote.work,
        "pull_request",
        same_repo_payload(&head, &pr.base),
        "refs/pull/7/merge",
        &pr.merge,
    );
    run.with.insert("offline", "true".into());
    run.with.insert("command", "lint".into());
    run.with.insert("filter_mode", "added".into());
    // Only the files here; the review has its own tests.
    run.with.insert("review", "false".into());
    run.token = "ghs_token".into();
    run.api_url = fake.api_url();
    let (out, _run) = tokio::task::spawn_blocking(move || (run.run(), run)).await.unwrap();
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    let shown = annotations(&log);
    assert!(!shown.is_empty() && shown.iter().all(|l| l.contains(&format!("file={NEW},"))), "{log}");
    assert!(!log.contains("Every finding is shown"), "{log}");
    let reqs = fake.requests("ghs_token").await;
    let gets: Vec<String> = fake
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}?{}", r.method, r.url.path(), r.url.query().unwrap_or("")))
        .collect();
    assert_eq!(
        gets,
        [
            "GET /repos/me/notes/pulls/7/files?per_page=100&page=1",
            "GET /repos/me/notes/pulls/7/files?per_page=100&page=2"
        ],
        "{reqs:?}"
    );
}

#[test]
fn a_broken_or_missing_payload_lints_everything_with_one_notice() {
    let pr = pull_request(2, NEW, &note(2024, 1, 10, "新笔记"));
    let all_errors = 2;
    let cases = [
        ("{\"action\": \"opened\", \"pull_request\": {", false),
        ("", false),
        ("{\"action\": \"opened\"}", false),
        // Commits that are not strings.
        (
            "{\"number\": 7, \"pull_request\": {\"number\": 7, \"base\": {\"sha\": 1}, \"head\": {\"sha\": []}}}",
            false,
        ),
        // GITHUB_EVENT_PATH names a file that is not there.
        ("{}", true),
    ];
    for (raw, no_file) in cases {
        let mut run = pr.run();
        run.raw_event = Some(raw.to_owned());
        if no_file {
            run.event_path = Some(run.dir.path().join("no-such-event.json"));
        }
        run.with.insert("command", "lint".into());
        let out = run.run();
        let log = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "every finding decides: {raw:?}\n{log}");
        let notices: Vec<&str> = log.lines().filter(|l| l.starts_with("::notice")).collect();
        assert_eq!(notices.len(), 1, "{raw:?}\n{log}");
        assert!(notices[0].contains("Every finding is shown"), "{}", notices[0]);
        assert!(notices[0].contains("event payload"), "{}", notices[0]);
        let errors = log.lines().filter(|l| l.starts_with("::error file=")).count();
        assert_eq!(errors, all_errors, "{log}");
        assert!(run.summary().contains("Every finding is shown"), "{}", run.summary());
    }
}

#[test]
fn commit_false_on_a_pull_request_writes_the_readme_and_passes() {
    // `commit: "false"` used to be dead on pull requests: the stale README failed first.
    let pr = pull_request(0, NEW, &note(2024, 1, 10, "新笔记"));
    let mut run = pr.run();
    run.with.insert("commit", "false".into());
    std::fs::write(pr.remote.work.join("daybook.yml"), "readme_stale: error\n").unwrap();
    let out = run.run();
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert_eq!(git(&pr.remote.work, &["status", "--porcelain", "README.md"]), "M README.md");
    assert!(run.summary().contains("regenerated in the workspace (commit disabled)"), "{}", run.summary());
}

#[test]
fn readme_stale_error_fails_and_off_is_silent() {
    let pr = pull_request(0, NEW, &note(2024, 1, 10, "新笔记"));
    let cfg = pr.remote.work.join("daybook.yml");
    std::fs::write(&cfg, "readme_stale: error\n").unwrap();
    let out = pr.run().run();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("::error file=README.md,"), "{}", stdout(&out));
    std::fs::write(&cfg, "readme_stale: off\n").unwrap();
    let out = pr.run().run();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("readme-stale"), "{}", stdout(&out));
    std::fs::write(&cfg, "readme_stal: off\n").unwrap();
    let out = pr.run().run();
    assert_eq!(out.status.code(), Some(2));
    let err = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(err.contains("daybook.yml:1:1: unknown field `readme_stal`; did you"), "{err}");
    assert!(err.contains("mean `readme_stale`?"), "{err}");
}

#[test]
fn a_hand_edited_readme_region_stays_an_error() {
    let pr = pull_request(0, NEW, &note(2024, 1, 10, "新笔记"));
    let work = &pr.remote.work;
    git(work, &["checkout", "-q", "feature"]);
    let readme = std::fs::read_to_string(work.join("README.md")).unwrap();
    let edited = readme.replace("更新今日时间：2024.1.9", "更新今日时间：2024.1.10 (by hand)");
    assert_ne!(edited, readme);
    std::fs::write(work.join("README.md"), edited).unwrap();
    git(work, &["commit", "-qam", "README by hand"]);
    let head = git(work, &["rev-parse", "HEAD"]);
    git(work, &["checkout", "-q", "--detach", &pr.base]);
    git(work, &["merge", "-q", "--no-ff", "-m", "merge", "feature"]);
    let merge = git(work, &["rev-parse", "HEAD"]);
    let mut run =
        Run::new(work, "pull_request", same_repo_payload(&head, &pr.base), "refs/pull/7/merge", &merge);
    run.with.insert("offline", "true".into());
    let out = run.run();
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    let line =
        log.lines().find(|l| l.starts_with("::error file=README.md,")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("regeneration overwrites"), "{line}");
}
