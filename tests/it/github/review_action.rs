//! The action's review step: a same-repository pull request gets one review
//! with the suggestion for its typo; without `pull-requests: write` one
//! notice; a fork's pull request no review request at all.

use serde_json::json;

use super::action::{Run, pull_request_payload, stdout};
use super::note;
use super::pull_request::{NEW, Pr, annotations, pull_request};
use crate::common::fake_github::{FakeGithub, READ_ONLY, read_only};

const TOKEN: &str = "ghs_token";

fn typo_note() -> String {
    note(2024, 1, 10, "新笔记").replace(
        "   - Abstract: 关于新笔记的笔记\n",
        "   - Abstract: 关于新笔记的笔记\n   - GtiHub: [c](https://example.org/c)\n",
    )
}

async fn run_on(pr: &Pr, fake: &FakeGithub, fork: bool) -> (std::process::Output, Run) {
    let mut run = pr.run();
    if fork {
        run.event = pull_request_payload(&pr.head, &pr.base);
    }
    run.with.insert("command", "lint".into());
    run.token = TOKEN.into();
    run.api_url = fake.api_url();
    tokio::task::spawn_blocking(move || (run.run(), run)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_action_posts_the_typos_suggestion_once_says_403_once_and_skips_forks() {
    let pr = pull_request(2, NEW, &typo_note());
    let fake = FakeGithub::dotcom().await;
    fake.json("GET", "/pulls/7/reviews", 200, json!([])).mount(&fake).await;
    fake.create_review(99).expect(1).mount(&fake).await;
    let (out, run) = run_on(&pr, &fake, false).await;
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(annotations(&log).iter().any(|l| l.contains("GtiHub")), "{log}");
    let reqs = fake.requests(TOKEN).await;
    let posted = &reqs.iter().find(|(m, p, _)| m == "POST" && p.ends_with("/pulls/7/reviews")).unwrap().2;
    let body = posted["comments"][0]["body"].as_str().unwrap();
    assert!(body.contains("```suggestion\n   - GitHub: [c](https://example.org/c)\n```"), "{body}");
    assert_eq!(posted["comments"][0]["line"], 9);
    assert!(run.summary().contains("suggests 1 fix(es)"), "{}", run.summary());

    fake.reset().await;
    fake.json("GET", "/pulls/7/reviews", 200, json!([])).mount(&fake).await;
    fake.json("POST", "/pulls/7/reviews", 403, read_only("pulls/reviews#create-a-review-for-a-pull-request"))
        .mount(&fake)
        .await;
    let (out, _) = run_on(&pr, &fake, false).await;
    let log = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "the findings decide, not the 403\n{log}");
    let notices: Vec<&str> = log.lines().filter(|l| l.starts_with("::notice")).collect();
    assert_eq!(notices.len(), 1, "{log}");
    assert!(notices[0].contains(READ_ONLY) && notices[0].contains("pull-requests: write"), "{}", notices[0]);

    fake.reset().await;
    let (out, _) = run_on(&pr, &fake, true).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(annotations(&stdout(&out)).iter().any(|l| l.contains("GtiHub")), "{}", stdout(&out));
    assert_eq!(fake.received_requests().await.unwrap().len(), 0, "a fork's pull request gets no review");
}
