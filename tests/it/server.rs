//! `daybook server`: the built binary spoken to over stdio, as an editor does.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{daybook, fixtures, temp_copy};

/// A client: the server process, its stdin, and the messages it sent.
struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: mpsc::Receiver<Value>,
    next_id: i64,
}

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

impl Client {
    fn start(cwd: &Path) -> Client {
        let mut child = daybook()
            .args(["server", "--stdio"])
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            while let Some(v) = read_frame(&mut stdout) {
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, rx, next_id: 1 }
    }

    fn raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, msg: Value) {
        self.raw(&msg.to_string());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request; the id it went out with.
    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The next message from the server.
    fn next(&self) -> Value {
        self.rx.recv_timeout(Duration::from_secs(30)).expect("the server answers within 30 s")
    }

    /// Send a request and return its response; every message before it is
    /// returned too, in order.
    fn call(&mut self, method: &str, params: Value) -> (Value, Vec<Value>) {
        let id = self.request(method, params);
        let mut before = Vec::new();
        loop {
            let m = self.next();
            if m["id"] == json!(id) && m.get("method").is_none() {
                return (m, before);
            }
            before.push(m);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Value {
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"].clone();
            }
        }
    }

    fn initialize(&mut self, root: &Path) {
        let root_uri = uri(root);
        let (r, _) = self.call(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "notes"}],
                "capabilities": {},
            }),
        );
        assert_eq!(r["result"]["capabilities"]["positionEncoding"], "utf-16", "{r}");
        assert_eq!(r["result"]["serverInfo"]["name"], "daybook");
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    /// `shutdown`, then `exit`: the process's exit code.
    fn shutdown(mut self) -> i32 {
        let (r, _) = self.call("shutdown", Value::Null);
        assert_eq!(r["result"], Value::Null, "{r}");
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    fn exit_code(mut self) -> i32 {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().expect("exited, not killed");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("the server did not exit within 30 s");
    }
}

fn uri(path: &Path) -> String {
    url::Url::from_file_path(path.canonicalize().unwrap()).unwrap().to_string()
}

/// `rule`'s findings in published diagnostics.
fn of_rule<'a>(published: &'a Value, rule: &str) -> Vec<&'a Value> {
    published["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == rule).collect()
}

#[test]
fn a_typo_is_reported_explained_suppressible_and_cleared() {
    let repo = temp_copy(&fixtures("rules/cases/unknown-field"));
    let note = repo.path().join("notes/202401/0101.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let note_uri = uri(&note);
    let mut c = Client::start(repo.path());
    c.initialize(repo.path());
    c.open(&note_uri, &text);

    let published = c.diagnostics(&note_uri);
    let found = of_rule(&published, "unknown-field");
    assert_eq!(found.len(), 1, "{published}");
    let d = found[0];
    // `   - GtiHub: ...` is line 13 (0-based 12), the label from column 5.
    assert_eq!(d["range"]["start"], json!({"line": 12, "character": 5}), "{d}");
    assert_eq!(d["severity"], 1, "an error, as `daybook lint` reports it");
    assert_eq!(d["source"], "daybook");
    assert!(d["message"].as_str().unwrap().contains("GtiHub"), "{d}");
    assert!(d["codeDescription"]["href"].as_str().unwrap().ends_with("docs/rules/unknown-field.md"));
    assert_eq!(published["version"], 1);

    let (hover, _) = c.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": note_uri}, "position": {"line": 12, "character": 7}}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or_else(|| panic!("{hover}"));
    let docs =
        std::fs::read_to_string(crate::common::project_root().join("docs/rules/unknown-field.md")).unwrap();
    assert!(shown.contains(docs.lines().next().unwrap()), "{shown}");

    let (actions, _) = c.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": note_uri},
            "range": {"start": {"line": 12, "character": 6}, "end": {"line": 12, "character": 6}},
            "context": {"diagnostics": []},
        }),
    );
    let actions = actions["result"].as_array().unwrap_or_else(|| panic!("{actions}"));
    let disable = actions
        .iter()
        .find(|a| a["title"] == "Disable `unknown-field` for this line")
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(disable["kind"], "quickfix");
    let edits = &disable["edit"]["changes"][&note_uri];
    assert_eq!(
        edits,
        &json!([{
            "range": {"start": {"line": 12, "character": 0}, "end": {"line": 12, "character": 0}},
            "newText": "   <!-- daybook-disable-next-line unknown-field -->\n",
        }])
    );

    // The suppression, applied by the editor, silences the finding.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(12, "   <!-- daybook-disable-next-line unknown-field -->");
    let suppressed = lines.join("\n") + "\n";
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": note_uri, "version": 2}, "contentChanges": [{"text": suppressed}]}),
    );
    let published = c.diagnostics(&note_uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    assert_eq!(published["version"], 2);

    // Typo back, then fixed: the finding comes and goes with the text.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": note_uri, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    assert_eq!(of_rule(&c.diagnostics(&note_uri), "unknown-field").len(), 1);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": note_uri, "version": 4},
               "contentChanges": [{"text": text.replace("GtiHub", "GitHub")}]}),
    );
    let published = c.diagnostics(&note_uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    assert_eq!(published["version"], 4);

    assert_eq!(c.shutdown(), 0);
}

/// The quick fix `daybook fix` would make, offered as a code action: the
/// editor applies its edit, and the finding is gone.
#[test]
fn a_typo_s_fix_is_a_code_action_that_clears_it() {
    let repo = temp_copy(&fixtures("rules/cases/unknown-field"));
    let note = repo.path().join("notes/202401/0101.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let note_uri = uri(&note);
    let mut c = Client::start(repo.path());
    c.initialize(repo.path());
    c.open(&note_uri, &text);

    let published = c.diagnostics(&note_uri);
    let found = of_rule(&published, "unknown-field");
    assert_eq!(found.len(), 1, "{published}");
    assert_eq!(found[0]["range"]["start"], json!({"line": 12, "character": 5}), "{published}");

    let (actions, _) = c.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": note_uri},
            "range": {"start": {"line": 12, "character": 7}, "end": {"line": 12, "character": 7}},
            "context": {"diagnostics": [found[0]]},
        }),
    );
    let actions = actions["result"].as_array().unwrap_or_else(|| panic!("{actions}"));
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    // The fix first, the suppression after it.
    assert_eq!(
        titles,
        ["Fix `unknown-field`: replace `GtiHub` with `GitHub`", "Disable `unknown-field` for this line"],
        "{actions:?}"
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true, "a safe fix is the one to apply");
    assert_eq!(fix["diagnostics"][0]["code"], "unknown-field");
    let edits = fix["edit"]["changes"][&note_uri].as_array().unwrap_or_else(|| panic!("{fix}"));
    assert_eq!(
        edits,
        &[json!({
            "range": {"start": {"line": 12, "character": 5}, "end": {"line": 12, "character": 11}},
            "newText": "GitHub",
        })]
    );

    // The editor applies the edit and sends the new text: the finding is cleared.
    let line = text.lines().nth(12).unwrap();
    let fixed_line = format!("{}GitHub{}", &line[..5], &line[11..]);
    let fixed = text.replacen(line, &fixed_line, 1);
    assert_eq!(fixed, text.replace("GtiHub", "GitHub"));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": note_uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let published = c.diagnostics(&note_uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    assert_eq!(published["version"], 2);
    let (actions, _) = c.call(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": note_uri},
            "range": {"start": {"line": 12, "character": 7}, "end": {"line": 12, "character": 7}},
            "context": {"diagnostics": []},
        }),
    );
    assert_eq!(actions["result"], json!([]), "nothing left to fix or disable: {actions}");

    assert_eq!(c.shutdown(), 0);
}

const NOTE: &str = "# 公众号内容拓展学习笔记（2024.1.DAY）\n\n------\n\n## :paperclip:  今日要点\n\n\
    1. [今日😀文章](https://example.com/a)       :star:\n   - Abstract: what it is about\n\n\
    ## :paperclip:  Others\n\n- nothing to add\n";

#[test]
fn cross_note_findings_use_the_repository_on_disk_and_count_utf16() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path().join("notes/202401");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("0101.md"), NOTE.replace("DAY", "1")).unwrap();
    // Not on disk: the editor's buffer of a new note.
    let new_uri = format!("{}/0102.md", uri(&dir));
    let mut c = Client::start(repo.path());
    c.initialize(repo.path());
    c.open(&new_uri, &NOTE.replace("DAY", "2"));
    let published = c.diagnostics(&new_uri);
    let found = of_rule(&published, "duplicate-url");
    assert_eq!(found.len(), 1, "{published}");
    let line = "1. [今日😀文章](";
    let character = line.encode_utf16().count();
    assert_eq!(character, 12, "CJK one unit each, the emoji two");
    assert_eq!(found[0]["range"]["start"], json!({"line": 6, "character": character}), "{published}");
    let related = &found[0]["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], uri(&dir.join("0101.md")));
    assert_eq!(related["range"]["start"]["line"], 6);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn bad_messages_unknown_documents_and_outside_files_do_not_crash_it() {
    let repo = temp_copy(&fixtures("rules/cases/unknown-field"));
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("notes/202401")).unwrap();
    let stray = outside.path().join("notes/202401/0101.md");
    std::fs::copy(repo.path().join("notes/202401/0101.md"), &stray).unwrap();
    let mut c = Client::start(repo.path());

    // Before `initialize`: refused, not served.
    let (r, _) = c.call("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.initialize(repo.path());

    c.raw("{this is not json");
    let r = c.next();
    assert_eq!(r["id"], Value::Null, "{r}");
    assert_eq!(r["error"]["code"], -32700, "{r}");
    c.raw(r#"{"jsonrpc":"2.0","id":99,"method":17}"#);
    let r = c.next();
    assert_eq!((r["id"].clone(), r["error"]["code"].clone()), (json!(99), json!(-32600)), "{r}");
    c.raw("[]");
    assert_eq!(c.next()["error"]["code"], -32600);

    // Params of the wrong shape, an unknown method, an unknown document.
    let (r, _) = c.call("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let (r, _) = c.call("daybook/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let unknown = uri(&repo.path().join("notes/202401/0101.md"));
    let (r, _) = c.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": unknown}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": unknown, "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    c.notify("textDocument/didOpen", json!({"textDocument": "not a document"}));

    // A note outside the workspace, and a non-file URI: no diagnostics at all
    // (the hover's answer is the next message, nothing published before it).
    let stray_uri = uri(&stray);
    c.open(&stray_uri, &std::fs::read_to_string(&stray).unwrap());
    c.open("untitled:Untitled-1", "- GtiHub: x\n");
    let (r, before) = c.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": stray_uri}, "position": {"line": 12, "character": 6}}),
    );
    assert_eq!(before, Vec::<Value>::new());
    assert_eq!(r["result"], Value::Null, "{r}");

    // Still serving.
    let note = repo.path().join("notes/202401/0101.md");
    c.open(&uri(&note), &std::fs::read_to_string(&note).unwrap());
    assert_eq!(of_rule(&c.diagnostics(&uri(&note)), "unknown-field").len(), 1);
    assert_eq!(c.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let repo = tempfile::tempdir().unwrap();
    let mut c = Client::start(repo.path());
    c.initialize(repo.path());
    c.notify("exit", Value::Null);
    assert_eq!(c.exit_code(), 1);
}
