use super::*;

#[test]
fn empty_file_is_defaults() {
    assert_eq!(Config::from_yaml("", Path::new("daybook.yml")).unwrap(), Config::default());
}

#[test]
fn unknown_key_points_at_its_line() {
    let err = Config::from_yaml("notes:\n  root: notes\n  rooot: x\n", Path::new("daybook.yml")).unwrap_err();
    let Error::Config(e) = err else { panic!("{err:?}") };
    assert_eq!(e.line, 3, "{}", e.message);
    assert!(e.message.contains("rooot"), "{}", e.message);
}

/// `pattern` is a key of both `notes` and `title`, and a rule name may prefix a
/// section name (`link` / `links`): errors point into the right section.
#[test]
fn validation_errors_point_into_their_section() {
    let line = |yaml: &str| match Config::from_yaml(yaml, Path::new("daybook.yml")).unwrap_err() {
        Error::Config(e) => e.line,
        err => panic!("{err:?}"),
    };
    let yaml = "notes:\n  pattern: \"{yyyy}{mm}/{mm}{dd}.md\"\ntitle:\n  pattern: \"Notes {yyyy}\"\n";
    assert_eq!(line(yaml), 4);
    assert_eq!(line("links:\n  timeout: 10s\nstars:\n  max: 2\n  min: 3\n"), 5);
}

/// daybook.yml comes with the pull request: its paths may not leave the
/// repository, nor point into git's own folder (a README "regenerated" into
/// `.git/config` or `.git/hooks/` would be git configuration or code).
#[test]
fn paths_stay_in_the_repository_and_out_of_git_s_folder() {
    let err = |yaml: &str| match Config::from_yaml(yaml, Path::new("daybook.yml")).unwrap_err() {
        Error::Config(e) => (e.line, e.message),
        err => panic!("{err:?}"),
    };
    // Single quotes: a backslash is read as `/` where the path is used, so
    // `..\\x` climbs and `.git\\hooks\\pre-push` is a hook (it was written).
    for bad in ["../x.md", "/tmp/x.md", "notes/../../x.md", "..\\x.md", "notes\\..\\..\\x.md", "\\tmp\\x.md"]
    {
        let (line, msg) = err(&format!("readme:\n  path: '{bad}'\n"));
        assert_eq!(line, 2, "{msg}");
        assert!(msg.contains("inside the repository"), "{msg}");
    }
    for bad in [
        ".git/config",
        ".git/hooks/post-checkout",
        "sub/.GIT/x.md",
        "./.git",
        ".git\\hooks\\pre-push",
        ".\\.git\\config",
    ] {
        let (line, msg) = err(&format!("readme:\n  path: '{bad}'\n"));
        assert_eq!(line, 2, "{msg}");
        assert!(msg.contains("git's own folder"), "{bad}: {msg}");
    }
    let (line, msg) = err("notes:\n  root: .git\n");
    assert_eq!(line, 2, "{msg}");
    assert!(msg.contains("git's own folder"), "{msg}");
    let (line, msg) = err("notes:\n  root: 'notes\\.git'\n");
    assert_eq!(line, 2, "{msg}");
    assert!(msg.contains("git's own folder"), "{msg}");
    let (line, msg) = err("notes:\n  root: '..\\..'\n");
    assert_eq!(line, 2, "{msg}");
    assert!(msg.contains("inside the repository"), "{msg}");
    // A folder that merely starts with `.git` is fine.
    assert!(Config::from_yaml("readme:\n  path: .github/README.md\n", Path::new("daybook.yml")).is_ok());
}

/// Editors put the schema's address in the file (`$schema: ...`); it was an unknown key.
#[test]
fn a_schema_key_is_accepted_and_ignored() {
    let yaml = "$schema: https://example.com/daybook.schema.json\nnotes:\n  root: daily\n";
    let c = Config::from_yaml(yaml, Path::new("daybook.yml")).unwrap();
    assert_eq!(c.notes.primary().root, "daily");
    let shown = yaml_serde::to_string(&c).unwrap();
    assert!(!shown.contains("$schema"), "{shown}");
}

#[test]
fn wrong_type_is_an_error() {
    let err = Config::from_yaml("stars:\n  max: lots\n", Path::new("daybook.yml")).unwrap_err();
    assert!(matches!(&err, Error::Config(e) if e.line == 2), "{err:?}");
}

/// `daybook.yml -> /proc/self/environ` printed the environment, tokens
/// included, in the config error's snippet.
#[cfg(unix)]
#[test]
fn a_config_linked_out_of_the_repository_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("env"), "GITHUB_TOKEN=ghs_secret\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path().join("env"), dir.path().join(CONFIG_FILE)).unwrap();
    let err = Config::load(dir.path(), None).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("outside the repository"), "{shown}");
    assert!(!shown.contains("ghs_secret"), "{shown}");
}

/// A FIFO or a device as daybook.yml hung or read until memory ran out.
#[cfg(unix)]
#[test]
fn a_config_that_is_not_a_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join(CONFIG_FILE);
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let root = dir.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(Config::load(&root, None).map(|_| ()).unwrap_err().to_string()));
    let err = rx.recv_timeout(std::time::Duration::from_secs(20)).expect("reading a FIFO hung");
    assert!(err.contains("named pipe"), "{err}");
    let err = Config::load(dir.path(), Some(Path::new("/dev/zero"))).unwrap_err().to_string();
    assert!(err.contains("device"), "{err}");
}

#[test]
fn defaults_round_trip_through_yaml() {
    let yaml = yaml_serde::to_string(&Config::default()).unwrap();
    assert_eq!(Config::from_yaml(&yaml, Path::new("x")).unwrap(), Config::default());
}
