//! A pull request controls every byte and every file type of the checkout.
//! These cases are files a note links to, or sits beside, that daybook must
//! neither read outside the repository nor wait on: links to a file outside
//! (its headings were quoted), to `/dev/zero` (read until memory ran out) and
//! to a FIFO (the job hung), and a FIFO named like a note.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{daybook, fixtures, temp_copy};

/// Run `c`, killing it if it is still running after a minute: a hang is a
/// failure, not a test that never ends. (No speed is asserted: a minute is
/// hundreds of times what these runs take.)
fn run_or_kill(mut c: Command) -> Output {
    use std::io::Read;
    let mut child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Drained as it runs: a full pipe would block the child, not a hang of its own.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            r.read_to_end(&mut v).unwrap();
            v
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("hung; killed after a minute: {}", String::from_utf8_lossy(&stderr.join().unwrap()));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

fn shown(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// `[a](docs.md#nope)` with `docs.md` a link out of the repository: the
/// `missing-anchor` help listed the outside file's headings; `docs.md` a
/// link to `/dev/zero` was read until memory ran out, a FIFO never returned.
#[cfg(unix)]
#[test]
fn an_anchor_link_target_is_read_only_inside_and_bounded() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("s.md"), "# Secret heading\n\n## Another secret\n").unwrap();
    let dir = temp_copy(&fixtures("lint").join("clean"));
    let note = dir.path().join("notes/202301/0101.md");
    let text = std::fs::read_to_string(&note).unwrap();
    std::fs::write(
        &note,
        format!("{text}- [a](../../out.md#nope) [b](../../zero.md#nope) [c](../../fifo.md#nope)\n"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("s.md"), dir.path().join("out.md")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.md")).unwrap();
    mkfifo(&dir.path().join("fifo.md"));
    let mut c = daybook();
    c.arg("lint").arg(dir.path()).arg("--offline");
    let out = run_or_kill(c);
    let shown = shown(&out);
    assert!(!shown.to_lowercase().contains("secret"), "{shown}");
    assert!(out.status.code().is_some(), "{shown}");
}

/// A FIFO named like a note: `lint` said it is no regular file, but
/// `readme`, `readme --check` and `fix` opened it to read its title and hung.
#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_note_hangs_no_command() {
    let dir = temp_copy(&fixtures("github").join("repo"));
    mkfifo(&dir.path().join("notes/202401/0110.md"));
    for args in [&["lint", "--offline"][..], &["readme", "--check"], &["readme"], &["fix"]] {
        let mut c = daybook();
        c.args(args).arg(dir.path());
        let out = run_or_kill(c);
        assert!(out.status.code().is_some(), "{args:?}: {}", shown(&out));
    }
}

/// With the config given elsewhere (`--config`, the action's `config:`), a
/// `daybook.yml` at the root is no config, yet `note-set-empty` read it
/// unbounded: a FIFO hung `lint`, a link to `/dev/zero` took 13 GB in 10 s.
#[cfg(unix)]
#[test]
fn a_root_daybook_yml_beside_the_given_config_is_read_bounded() {
    let dir = temp_copy(&fixtures("github").join("repo"));
    std::fs::write(dir.path().join("c.yml"), "notes:\n  root: notes\n").unwrap();
    let yml = dir.path().join("daybook.yml");
    mkfifo(&yml);
    let lint = || {
        let mut c = daybook();
        c.args(["lint", "--offline", "--config"]).arg(dir.path().join("c.yml")).arg(dir.path());
        run_or_kill(c)
    };
    let out = lint();
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    std::fs::remove_file(&yml).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &yml).unwrap();
    let out = lint();
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
}

/// Each missing file's "did you mean" compared its name with every name in
/// the folder, by edit distance: 20,000 missing image links in a folder of
/// 2,000 pictures took 95 s in a release build (a 5 MB note, a quarter of an
/// hour). The search for likely typos has a budget per note.
#[test]
fn many_missing_links_into_a_big_folder_are_checked_in_bounded_time() {
    let dir = temp_copy(&fixtures("github").join("repo"));
    let img = dir.path().join("notes/202401/img");
    std::fs::create_dir_all(&img).unwrap();
    for i in 0..2000 {
        std::fs::write(img.join(format!("{i:05}-picture.png")), "").unwrap();
    }
    let note = dir.path().join("notes/202401/0109.md");
    let mut text = std::fs::read_to_string(&note).unwrap();
    text.push_str("\n- see");
    for i in 0..20_000 {
        text.push_str(&format!(" ![a](img/q{i:06}picturepng)"));
    }
    // A typo the budget still catches: the first missing link of the note.
    let first = "\n- see ![a](img/00001-pictre.png)";
    text = text.replacen("\n- see", &format!("{first}\n- see"), 1);
    text.push('\n');
    std::fs::write(&note, text).unwrap();
    let mut c = daybook();
    c.args(["lint", "--offline", "--format", "json"]).arg(dir.path());
    let out = run_or_kill(c);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("did you mean `img/00001-picture.png`?"), "{}", &json[..json.len().min(2000)]);
    assert!(json.contains("\"missing-file\": 20001"), "{}", &json[json.len().saturating_sub(300)..]);
}

/// The walk honours `.gitignore` and `.ignore` files, which the walker opened
/// and read as they came: one that is a FIFO hung every command, one linked to
/// `/dev/zero` was read without end, and a huge one took memory by the GB.
/// Such a file is refused, named, and the rest is linted.
#[cfg(unix)]
#[test]
fn hostile_ignore_files_are_refused_not_read() {
    for (at, kind) in [
        ("notes/202401/.gitignore", "fifo"),
        (".gitignore", "fifo"),
        ("notes/.ignore", "zero"),
        ("notes/202401/.gitignore", "zero"),
    ] {
        let dir = temp_copy(&fixtures("github").join("repo"));
        let path = dir.path().join(at);
        match kind {
            "fifo" => mkfifo(&path),
            _ => std::os::unix::fs::symlink("/dev/zero", &path).unwrap(),
        }
        for args in [&["lint", "--offline"][..], &["readme", "--check"]] {
            let mut c = daybook();
            c.args(args).arg(dir.path());
            let out = run_or_kill(c);
            let shown = shown(&out);
            assert!(out.status.code().is_some_and(|c| c <= 2), "{at} {kind} {args:?}: {shown}");
            if args[0] == "lint" {
                assert!(shown.contains(at), "{at} {kind}: {shown}");
            }
        }
    }
}

/// Each link to a missing anchor compared its fragment with every heading of
/// the target, several ways: 30,000 such links in a note of 3,000 headings
/// took 20 s (release). The search comes out of the note's budget.
#[test]
fn many_missing_anchors_in_a_note_of_many_headings_are_checked_in_bounded_time() {
    let dir = temp_copy(&fixtures("github").join("repo"));
    let note = dir.path().join("notes/202401/0109.md");
    let mut text = std::fs::read_to_string(&note).unwrap();
    text.push_str("\n- [typo](#heading-0001x)");
    for i in 0..30_000 {
        text.push_str(&format!(" [a](#nope{i:05})"));
    }
    text.push('\n');
    for i in 0..3000 {
        text.push_str(&format!("\n### heading {i:04}\n"));
    }
    std::fs::write(&note, text).unwrap();
    let mut c = daybook();
    c.args(["lint", "--offline", "--format", "json"]).arg(dir.path());
    let out = run_or_kill(c);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("\"missing-anchor\": 30001"), "{}", &json[json.len().saturating_sub(400)..]);
    // The first one, within the budget, still gets its suggestion.
    assert!(json.contains("did you mean `#heading-0001`?"), "{}", &json[..json.len().min(3000)]);
}

/// An unknown label's "did you mean" compared it with every configured
/// spelling, and its help listed every field: 20,000 unknown labels against
/// 3,000 fields took 28 s and 1.7 GB (release).
#[test]
fn many_unknown_labels_against_many_fields_are_checked_in_bounded_time() {
    let dir = temp_copy(&fixtures("github").join("repo"));
    let fields: String = (0..3000).map(|i| format!("  - label: Fx{i:05}\n")).collect();
    std::fs::write(dir.path().join("daybook.yml"), format!("fields:\n{fields}")).unwrap();
    let note = dir.path().join("notes/202401/0109.md");
    let labels: String = (0..20_000).map(|i| format!("   - Qy{i:05}: x\n")).collect();
    let text = std::fs::read_to_string(&note).unwrap().replacen(
        "   - Abstract:",
        &format!("{labels}   - Abstract:"),
        1,
    );
    std::fs::write(&note, text).unwrap();
    let mut c = daybook();
    c.args(["lint", "--offline", "--format", "json"]).arg(dir.path());
    let out = run_or_kill(c);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("\"unknown-field\": 20005"), "{}", &json[json.len().saturating_sub(400)..]);
    assert!(
        json.contains("(3000 in all, under `fields` in daybook.yml)"),
        "{}",
        &json[..json.len().min(3000)]
    );
}

/// `daybook init` samples notes (and looks at the README) to infer the
/// configuration: it opened a FIFO named like a note, or as the README, and
/// hung.
#[cfg(unix)]
#[test]
fn init_opens_no_fifo() {
    for at in ["notes/202401/0110.md", "README.md"] {
        let dir = temp_copy(&fixtures("github").join("repo"));
        let path = dir.path().join(at);
        let _ = std::fs::remove_file(&path);
        mkfifo(&path);
        let mut c = daybook();
        c.arg("init").arg(dir.path());
        let out = run_or_kill(c);
        assert!(out.status.code().is_some(), "{at}: {}", shown(&out));
    }
}
