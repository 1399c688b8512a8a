#!/usr/bin/env bash
# Language-server latency: `daybook server` on the generated benchmark
# repository (bench/lint.sh's generator), spoken to over stdio by a small client
# (Python, standard library only) as an editor would. One note is opened, then
# edited RUNS times, each edit adding or removing a typo'd label (so each reply
# carries a different diagnostic set); the figure is the time from sending
# didChange to receiving the publishDiagnostics of that version. Prints the
# median (and the first publish after didOpen, which loads the repository);
# asserts nothing (the target lives here, not in a timed test).
#
#   bench/lsp.sh [NOTES=10000] [RUNS=51]      PROFILE=debug to skip the release build
#
# Target (issue 15): diagnostics within 50 ms of a change at 10,000 notes.
set -euo pipefail
cd "$(dirname "$0")/.."
NOTES=${1:-10000}
RUNS=${2:-51}
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --quiet --bin daybook --example gen_notes
else
  cargo build --quiet --bin daybook --example gen_notes
fi
BIN=target/$PROFILE
REPO=${BENCH_DIR:-/tmp/daybook-bench}/notes-$NOTES
[ -d "$REPO" ] || "$BIN/examples/gen_notes" --notes "$NOTES" --out "$REPO" --defects 50
echo "machine: $(nproc) cores; $PROFILE build; $NOTES notes; $RUNS edits"
python3 - "$BIN/daybook" "$REPO" "$RUNS" <<'PY'
import json, pathlib, statistics, subprocess, sys, time

daybook, repo, runs = str(pathlib.Path(sys.argv[1]).resolve()), pathlib.Path(sys.argv[2]).resolve(), int(sys.argv[3])
proc = subprocess.Popen([daybook, "server"], cwd=repo, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

def send(msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()

def receive():
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))

def wait(pred):
    while True:
        m = receive()
        if pred(m):
            return m

def request(id_, method, params):
    send({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})
    return wait(lambda m: m.get("id") == id_ and "method" not in m)

def notify(method, params):
    send({"jsonrpc": "2.0", "method": method, "params": params})

# The newest note with a today section (the one a person edits; the
# generator's planted defects include notes without one, where field rules
# have nothing to check).
for note in sorted((repo / "notes").rglob("*.md"), reverse=True):
    text = note.read_text(encoding="utf-8")
    if "## :paperclip:  今日要点" in text:
        break
uri = note.as_uri()
lines = text.splitlines(keepends=True)
# A typo'd label under the first item, or a second copy of the text without it.
at = next(i for i, l in enumerate(lines) if l.startswith("   - "))
typo = "".join(lines[: at + 1] + ["   - GtiHub: x\n"] + lines[at + 1 :])

def published(version):
    return wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri and m["params"].get("version") == version)

request(1, "initialize", {"processId": None, "rootUri": repo.as_uri(),
                          "workspaceFolders": [{"uri": repo.as_uri(), "name": "bench"}], "capabilities": {}})
notify("initialized", {})
start = time.perf_counter()
notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
published(1)
first = time.perf_counter() - start

latencies, counts = [], set()
for i in range(runs):
    version = i + 2
    body = typo if i % 2 == 0 else text
    start = time.perf_counter()
    notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                      "contentChanges": [{"text": body}]})
    m = published(version)
    latencies.append(time.perf_counter() - start)
    counts.add(len(m["params"]["diagnostics"]))

request(2, "shutdown", None)
notify("exit", None)
proc.wait(timeout=30)
ms = sorted(x * 1000 for x in latencies)
print(f"note: {note.relative_to(repo)} ({len(text.encode())} bytes); diagnostics per reply: {sorted(counts)}")
print(f"didOpen -> first publishDiagnostics (loads the repository): {first * 1000:.1f} ms")
print(f"didChange -> publishDiagnostics: median {statistics.median(ms):.2f} ms, "
      f"p90 {ms[int(len(ms) * 0.9) - 1]:.2f} ms, max {ms[-1]:.2f} ms ({len(ms)} edits)")
if len(counts) < 2:
    sys.exit("every reply had the same diagnostics: the edits did not reach the linter")
PY
