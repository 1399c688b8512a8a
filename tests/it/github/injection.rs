//! Workflow-command injection through the log. A pull request controls every
//! byte of the notes, the README and daybook.yml; on GitHub Actions whatever
//! daybook prints goes through the runner, which runs any line that starts
//! (after leading whitespace) with `::name ...::` or `##[name ...]`. These
//! tests read daybook's output the way the runner does and check that the only
//! commands in it are daybook's own.

use std::path::Path;
use std::process::Output;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{Remote, git, repo_copy};
use crate::common::daybook;

/// Each way into the runner's command parser: a forged command on a line of
/// its own, the legacy `##[...]` form, a bare CR (the runner splits lines on it
/// too), and terminal escapes that are echoed raw into the log.
const ATTACKS: &[&str] = &[
    "\n::stop-commands::pwnd\n",
    "\n::add-mask::secret\n",
    "\n  ##[command]forged\n",
    "\r::error::forged-cr",
    "\x1b[31mred",
    "\u{9b}31mc1",
    "\n::set-output name=x::y\n",
    "\n::error file=notes/202401/0109.md::forged\n",
    "evil\u{202e}gnp.md",
];

/// A workflow command as the runner sees it: its name, properties and data.
#[derive(Debug, Clone)]
pub struct Command {
    pub line: String,
    pub name: String,
    pub props: String,
    pub data: String,
}

/// Parse one (already trimmed) line like the runner's `ActionCommand.TryParseV2`
/// (`::name props::data`) and `TryParse` (`##[name props]data`).
fn parse_command(line: &str) -> Option<Command> {
    let (info, data) = if let Some(rest) = line.strip_prefix("::") {
        let end = rest.find("::")?;
        (&rest[..end], &rest[end + 2..])
    } else if let Some(rest) = line.strip_prefix("##[") {
        let end = rest.find(']')?;
        (&rest[..end], &rest[end + 1..])
    } else {
        return None;
    };
    let (name, props) = info.split_once(' ').unwrap_or((info, ""));
    if name.is_empty() {
        return None;
    }
    Some(Command {
        line: line.to_owned(),
        name: name.to_owned(),
        props: props.to_owned(),
        data: data.to_owned(),
    })
}

/// Every command the runner would execute from one output stream: lines split
/// on `\n` and on a bare `\r`, leading whitespace trimmed (.NET `TrimStart`),
/// nothing run between `::stop-commands::TOKEN` and `::TOKEN::` (or `##[TOKEN]`,
/// compared case-insensitively) except that resume itself.
pub fn runner_commands(out: &[u8]) -> Vec<Command> {
    let text = String::from_utf8_lossy(out);
    let mut commands = Vec::new();
    let mut stopped: Option<String> = None;
    for line in text.split(['\n', '\r']) {
        let Some(c) = parse_command(line.trim_start()) else { continue };
        if let Some(token) = &stopped {
            if c.name.eq_ignore_ascii_case(token) {
                stopped = None;
                commands.push(c);
            }
            continue;
        }
        if c.name == "stop-commands" {
            stopped = Some(c.data.clone());
        }
        commands.push(c);
    }
    commands
}

/// The runner's un-escaping of a property value or of data.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
}

/// Raw ESC, a bare CR or another C0/C1 control (besides `\n`, `\t` and the
/// CR of a CRLF line ending, which the runner reads as one line break) in `s`.
fn raw_control(s: &str) -> Option<char> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\r' && chars.peek() == Some(&'\n');
        let bidi = matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if bidi || (c.is_control() && c != '\n' && c != '\t' && !line_end) {
            return Some(c);
        }
    }
    None
}

/// Panic unless every command in `out` is one daybook itself emits: annotations
/// on a real file of `repo` titled with a rule name (or located nowhere and
/// titled `daybook...`), log groups, and a stop/resume pair around the
/// repository's text whose token is 32 random hex digits.
pub fn assert_only_daybooks_commands(out: &[u8], repo: &Path, what: &str) {
    let text = String::from_utf8_lossy(out);
    let mut open: Option<String> = None;
    for c in runner_commands(out) {
        let forged = || format!("{what}: forged command `{}` in:\n{text}", c.line);
        match c.name.as_str() {
            "stop-commands" => {
                assert!(c.data.len() == 32 && c.data.bytes().all(|b| b.is_ascii_hexdigit()), "{}", forged());
                open = Some(c.data.clone());
            }
            "group" | "endgroup" => assert!(raw_control(&c.data).is_none(), "{}", forged()),
            "error" | "warning" | "notice" => {
                let mut file = None;
                let mut title = None;
                for p in c.props.split(',').filter(|p| !p.is_empty()) {
                    let (k, v) = p.split_once('=').unwrap_or_else(|| panic!("{}", forged()));
                    match k {
                        "file" => file = Some(unescape(v)),
                        "title" => title = Some(unescape(v)),
                        "line" | "endLine" | "col" | "endColumn" => {
                            assert!(v.parse::<usize>().is_ok(), "{}", forged())
                        }
                        _ => panic!("{}", forged()),
                    }
                }
                let title = title.unwrap_or_else(|| panic!("{}", forged()));
                match file {
                    Some(f) => {
                        assert!(repo.join(&f).is_file(), "{}: annotation on `{f}`, no such file", forged());
                        assert!(
                            !title.is_empty() && title.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                            "{}",
                            forged()
                        );
                    }
                    None => assert!(title.starts_with("daybook"), "{}", forged()),
                }
                let message = unescape(&c.data);
                assert!(raw_control(&message).is_none(), "{what}: raw control in `{message:?}`");
            }
            name => match &open {
                Some(token) if name.eq_ignore_ascii_case(token) => open = None,
                _ => panic!("{}", forged()),
            },
        }
    }
    assert!(
        open.is_none(),
        "{what}: commands left stopped, daybook's own annotations would be lost:\n{text}"
    );
    assert_eq!(raw_control(&text), None, "{what}: a raw control character in the output:\n{text:?}");
}

/// The fixture repository with every attack in a note, in the README (inside
/// a generated region, so the diff shows it, and next to one, as context) and
/// in a README template of daybook.yml.
fn attacked(root: &Path) {
    let note = root.join("notes/202401/0109.md");
    let mut text = std::fs::read_to_string(&note).unwrap();
    for (i, a) in ATTACKS.iter().enumerate() {
        text.push_str(&format!("\n- img{i}: <img src=\"x{a}.png\"> [l{i}](missing{a}.md) {a}\n"));
    }
    std::fs::write(&note, text).unwrap();

    let readme = root.join("README.md");
    let all: String = ATTACKS.concat();
    let text = std::fs::read_to_string(&readme)
        .unwrap()
        .replace("更新今日时间：2000.1.1", &format!("更新今日时间：2000.1.1{all}"))
        .replace("主要内容", &format!("主要内容{all}"));
    std::fs::write(&readme, text).unwrap();

    let yaml_escaped = all
        .replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\x1b', "\\e")
        .replace('\u{9b}', "\\x9b")
        .replace('"', "\\\"");
    std::fs::write(
        root.join("daybook.yml"),
        format!(
            "readme:\n  templates:\n    updated: \"更新今日时间：{{{{ newest.date }}}}{yaml_escaped}\"\n"
        ),
    )
    .unwrap();
}

fn on_actions(root: &Path, args: &[&str]) -> Output {
    let mut c = daybook();
    super::isolate_git(&mut c);
    c.current_dir(root).args(args).env("GITHUB_ACTIONS", "true").output().unwrap()
}

fn check(out: &Output, repo: &Path, what: &str) {
    assert_only_daybooks_commands(&out.stdout, repo, &format!("{what} (stdout)"));
    assert_only_daybooks_commands(&out.stderr, repo, &format!("{what} (stderr)"));
}

#[test]
fn the_runner_parser_finds_forged_commands() {
    // The parser the other tests rely on sees what an unprotected log would run.
    let naked = "  ::add-mask::x\nok\n##[set-output name=a]b\rpre\r::error::y\n";
    let names: Vec<String> = runner_commands(naked.as_bytes()).into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["add-mask", "set-output", "error"]);
    let guarded = "::stop-commands::ab\n::add-mask::x\n::AB::\n::notice::after\n";
    let names: Vec<String> = runner_commands(guarded.as_bytes()).into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["stop-commands", "AB", "notice"]);
}

#[test]
fn lint_in_every_format_runs_no_forged_command() {
    let dir = repo_copy();
    attacked(dir.path());
    for args in [
        &["lint", "--offline"][..],
        &["lint", "--offline", "--format", "human"],
        &["lint", "--offline", "--format", "github"],
        &["lint", "--offline", "--format", "json"],
        &["lint", "--offline", "--format", "sarif"],
    ] {
        let out = on_actions(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        check(&out, dir.path(), &args.join(" "));
    }
    // The default on Actions still annotates, outside the guarded block.
    let out = on_actions(dir.path(), &["lint", "--offline"]);
    let cmds = runner_commands(&out.stdout);
    assert!(cmds.iter().any(|c| c.name == "error" && c.props.contains("title=missing-file")), "{cmds:?}");
    // The escapes are visible in the log.
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("\\r::error::forged-cr") && log.contains("\\x1b[31mred"), "{log}");
    assert!(log.contains("\\u{9b}31mc1"), "{log}");
}

#[test]
fn json_and_sarif_keep_the_text_but_escape_every_control() {
    let dir = repo_copy();
    attacked(dir.path());
    for format in ["json", "sarif"] {
        let out = on_actions(dir.path(), &["lint", "--offline", "--format", format]);
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        assert_eq!(raw_control(&text), None, "{format}: {text:?}");
        assert!(text.contains("\\r::error::forged-cr") && text.contains("\\u009b31mc1"), "{format}: {text}");
        assert!(text.contains("\\u001b[31mred"), "{format}: {text}");
        // Still the exact repository text once parsed.
        let v: Value = serde_json::from_str(&text).unwrap();
        let message = if format == "json" {
            v["diagnostics"][0]["message"].as_str().unwrap().to_owned()
        } else {
            v["runs"][0]["results"][0]["message"]["text"].as_str().unwrap().to_owned()
        };
        assert!(message.contains("\n::stop-commands::pwnd\n"), "{format}: {message:?}");
        assert!(v.to_string().contains('\u{9b}'), "{format}: the C1 control is data, not dropped");
    }
}

#[test]
fn a_broken_daybook_yml_is_reported_guarded() {
    // The failure report quotes the key as written: line breaks, CR and ESC.
    let dir = repo_copy();
    std::fs::write(dir.path().join("daybook.yml"), "\"bad\\n::add-mask::x\\r::error::y\\e[1m\": 1\n")
        .unwrap();
    for args in [&["lint", "--offline"][..], &["readme", "--check"], &["publish", "--dry-run"]] {
        let out = on_actions(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field"), "{args:?}");
        check(&out, dir.path(), &args.join(" "));
    }
}

#[test]
fn readme_check_prints_its_diff_guarded() {
    let dir = repo_copy();
    attacked(dir.path());
    let out = on_actions(dir.path(), &["readme", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("-更新今日时间：2000.1.1"), "{diff}");
    check(&out, dir.path(), "readme --check");
}

#[test]
fn publish_on_a_pull_request_and_dry_run_print_guarded() {
    let remote = Remote::new();
    attacked(&remote.work);
    git(&remote.work, &["commit", "-qam", "attack"]);
    let out = on_actions(&remote.work, &["publish", "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    check(&out, &remote.work, "publish --dry-run");

    let event = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(event.path(), "{}").unwrap();
    let mut c = daybook();
    super::isolate_git(&mut c);
    let out = c
        .current_dir(&remote.work)
        .args(["publish", "--mode", "git"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", event.path())
        .env("GITHUB_REF", "refs/pull/1/merge")
        .env("GITHUB_WORKSPACE", &remote.work)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let cmds = runner_commands(&out.stdout);
    assert!(cmds.iter().any(|c| c.props.contains("title=readme-stale")), "{cmds:?}");
    check(&out, &remote.work, "publish on a pull request");
}

#[test]
fn the_action_on_a_pull_request_prints_guarded() {
    let remote = Remote::new();
    attacked(&remote.work);
    git(&remote.work, &["commit", "-qam", "attack"]);
    let (out, summary) = action_on_a_pull_request(&remote);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    check(&out, &remote.work, "action");
    let cmds = runner_commands(&out.stdout);
    assert!(cmds.iter().any(|c| c.props.contains("title=readme-stale")), "{cmds:?}");
    assert!(cmds.iter().any(|c| c.name == "group"), "{cmds:?}");
    assert_eq!(raw_control(&summary), None, "job summary: {summary:?}");
}

/// Text biased towards what the runner's parser and a terminal react to.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(":".to_owned()),
        Just("::".to_owned()),
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("#".to_owned()),
        Just("##[".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("\x1b".to_owned()),
        Just("\u{9b}".to_owned()),
        Just(" ".to_owned()),
        Just("%0A".to_owned()),
        Just("stop-commands".to_owned()),
        Just("add-mask".to_owned()),
        Just("error".to_owned()),
        "[a-z]{1,4}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The renderers and the log guard `daybook lint` uses on Actions: a note whose
    /// text, quoted into the message, label and help, is anything at all.
    #[test]
    fn no_note_text_forges_a_command(text in hostile(), at in 0usize..64) {
        use daybook::diag::{Severity, SourceFile, Sources};
        use daybook::report::{RenderOptions, github, human};
        let body = format!("# t\n\n- a: {text}\n- b\n");
        let file = SourceFile::new("notes/202401/0109.md", "x", body.clone());
        let start = body.char_indices().map(|(i, _)| i).nth(at % body.chars().count()).unwrap();
        let end = body[start..].char_indices().nth(3).map_or(body.len(), |(i, _)| start + i);
        let d = file
            .diag("missing-file", Severity::Error, start..end, format!("image `{text}` does not exist"))
            .with_label(format!("no `{text}`"))
            .with_help(format!("resolves to `notes/{text}`"));
        let sources = Sources::from([(file.path.clone(), file.clone())]);
        let opts = RenderOptions { color: false, width: 100, unsafe_fixes: false };
        let mut out = daybook::report::safe::guard_for_runner(&human::render(std::slice::from_ref(&d), &sources, &opts));
        out.push_str(&github::render(std::slice::from_ref(&d)));
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join("notes/202401")).unwrap();
        std::fs::write(repo.path().join("notes/202401/0109.md"), "").unwrap();
        assert_only_daybooks_commands(out.as_bytes(), repo.path(), "proptest");
        // The human report alone, unguarded, carries no control either.
        let plain = human::render(&[d], &sources, &opts);
        prop_assert_eq!(raw_control(&plain), None);
    }
}

/// `daybook action` on a pull request, run as the runner runs it: its output
/// and the job summary it wrote.
fn action_on_a_pull_request(remote: &Remote) -> (Output, String) {
    let head = git(&remote.work, &["rev-parse", "HEAD"]);
    let tmp = tempfile::tempdir().unwrap();
    let event = tmp.path().join("event.json");
    let payload =
        json!({"pull_request": {"number": 1, "head": {"sha": head}}, "repository": {"fork": false}});
    std::fs::write(&event, payload.to_string()).unwrap();
    let mut c = daybook();
    super::isolate_git(&mut c);
    let out = c
        .arg("action")
        .current_dir(&remote.work)
        .env("GITHUB_ACTIONS", "true")
        .env("INPUT_OFFLINE", "true")
        .env("GITHUB_WORKSPACE", &remote.work)
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REF", "refs/pull/1/merge")
        .env("GITHUB_SHA", &head)
        .env("GITHUB_STEP_SUMMARY", tmp.path().join("summary.md"))
        .env("GITHUB_OUTPUT", tmp.path().join("outputs"))
        .output()
        .unwrap();
    (out, std::fs::read_to_string(tmp.path().join("summary.md")).unwrap_or_default())
}

proptest! {
    // Each case runs the binary on a real checkout: few cases, every surface.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// The whole action, with hostile text in a note, in the README (inside a
    /// generated region and beside it) and in daybook.yml, both as a template
    /// (a valid config) and as raw text (a config error quoting it): whatever
    /// the bytes, the runner executes no command but daybook's own.
    #[test]
    fn no_repository_text_forges_a_command_through_the_action(
        note in hostile(), readme in hostile(), yaml in hostile(), raw_yaml in proptest::bool::ANY,
    ) {
        let remote = Remote::new();
        let root = &remote.work;
        let path = root.join("notes/202401/0109.md");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}\n- x: <img src=\"{note}.png\"> [l](m{note}.md) {note}\n")).unwrap();
        let r = root.join("README.md");
        let text = std::fs::read_to_string(&r).unwrap().replace("主要内容", &format!("主要内容{readme}"));
        std::fs::write(&r, text).unwrap();
        let config = if raw_yaml {
            format!("readme:\n  path: README.md\n{yaml}\n")
        } else {
            let quoted = serde_json::to_string(&yaml).unwrap(); // a JSON string is a YAML string
            format!("readme:\n  templates:\n    updated: {quoted}\n")
        };
        std::fs::write(root.join("daybook.yml"), config).unwrap();
        git(root, &["commit", "-qam", "attack"]);
        let (out, summary) = action_on_a_pull_request(&remote);
        check(&out, root, "action (proptest)");
        prop_assert_eq!(raw_control(&summary), None);
    }
}

/// `readme --stdout` and `config show` print repository text as data: a
/// template line `\n::error::x` (or a YAML block scalar's indented
/// `  ::error::x`) ran as a command on Actions. Guarded when the runner reads
/// the output; exact bytes when it goes to a file.
#[test]
fn readme_stdout_and_config_show_print_guarded() {
    let dir = repo_copy();
    attacked(dir.path());
    for args in [&["readme", "--stdout"][..], &["config", "show"]] {
        let out = on_actions(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        check(&out, dir.path(), &args.join(" "));
    }
    // Redirected to a file, `--stdout` is the README itself, byte for byte.
    let file = tempfile::NamedTempFile::new().unwrap();
    let mut c = daybook();
    super::isolate_git(&mut c);
    let status = c
        .current_dir(dir.path())
        .args(["readme", "--stdout"])
        .env("GITHUB_ACTIONS", "true")
        .stdout(file.reopen().unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    let mut c = daybook();
    let plain = c.current_dir(dir.path()).args(["readme", "--stdout"]).output().unwrap();
    assert_eq!(std::fs::read(file.path()).unwrap(), plain.stdout);
    assert!(String::from_utf8_lossy(&plain.stdout).contains("\n::stop-commands::pwnd\n"));
}

/// The status lines (`README.md is up to date`, `...: regenerated ...`) start
/// with the README's path, which daybook.yml names: `readme.path:
/// '::error::x.md'` (or `::set-output name=...::`) was a command on Actions.
#[test]
fn status_lines_naming_the_readme_run_no_command() {
    let dir = repo_copy();
    std::fs::rename(dir.path().join("README.md"), dir.path().join("::error::x.md")).unwrap();
    std::fs::write(dir.path().join("daybook.yml"), "readme:\n  path: '::error::x.md'\n").unwrap();
    for args in
        [&["readme", "--check"][..], &["readme"], &["readme"], &["readme", "--check"], &["fix", "--offline"]]
    {
        let out = on_actions(dir.path(), args);
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        check(&out, dir.path(), &args.join(" "));
    }
}
