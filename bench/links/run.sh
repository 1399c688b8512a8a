#!/usr/bin/env bash
# Link-checking benchmark: daybook and lychee on the same files, against the same
# local server, in the same run. Prints wall times and finding counts.
#
#   bench/links/run.sh            # 2,000 URLs, 10 hosts, 50 ms per response, 5% dead
#   N=500 DELAY_MS=100 bench/links/run.sh
#
# Needs python3; lychee is used when it is on PATH (`cargo install lychee --locked`).
# The daybook binary is target/release/daybook (built if missing) or $DAYBOOK.
set -euo pipefail

N=${N:-2000}
HOSTS=${HOSTS:-10}
DELAY_MS=${DELAY_MS:-50}
PORT=${PORT:-18777}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DAYBOOK=${DAYBOOK:-$ROOT/target/release/daybook}
if [ ! -x "$DAYBOOK" ]; then
  cargo build --release --manifest-path "$ROOT/Cargo.toml"
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HERE/gen.py" "$WORK/repo" "$PORT" "$HOSTS" "$N"
python3 "$HERE/server.py" "$PORT" "$HOSTS" "$DELAY_MS" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do grep -q ready "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/server.log" || { cat "$WORK/server.log"; echo "server did not start" >&2; exit 2; }

stats() { curl -s "http://127.0.0.1:$PORT/stats" 2>/dev/null || python3 -c "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:$PORT/stats').read().decode().strip())"; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# Unique dead URLs and diagnostics in daybook's JSON report.
daybook_count() {
  python3 - "$1" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))["diagnostics"]
dead = [x for x in d if x["rule"] == "dead-link"]
urls = {re.search(r"(http\S+)$", x["message"]).group(1) for x in dead}
other = sorted({x["rule"] for x in d if x["rule"] != "dead-link"})
print(f"{len(urls)} {len(dead)} {','.join(other) or '-'}")
PY
}

# Unique failing URLs in lychee's JSON report.
lychee_count() {
  python3 - "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
urls, cites = set(), 0
for _src, fails in (doc.get("error_map") or doc.get("fail_map") or {}).items():
    for f in fails:
        urls.add(f["url"]); cites += 1
print(f"{len(urls)} {cites}")
PY
}

expected=$(python3 -c "print(sum(1 for i in range($N) if (i // $HOSTS) % 20 == 0))")
echo "links benchmark: $N unique URLs on $HOSTS hosts, ${DELAY_MS} ms per response, $expected dead (5%)"
echo "notes: $(find "$WORK/repo/notes" -name '*.md' | wc -l) files + README; machine: $(nproc) cores"
echo

# daybook, cold (empty cache), then warm.
before=$(stats)
t0=$(now)
"$DAYBOOK" lint "$WORK/repo" --allow-private --cache "$WORK/cache.json" --format json -o "$WORK/daybook.json" 2>"$WORK/daybook.err" || true
t1=$(now)
after=$(stats)
read -r d_urls d_diags d_other <<<"$(daybook_count "$WORK/daybook.json")"
requests=$(python3 -c "a='$before'.split();b='$after'.split();print(f'{int(b[0])-int(a[0])} HEAD + {int(b[1])-int(a[1])} GET')")
echo "daybook (cold):  $(secs "$t0" "$t1") s   dead URLs found: $d_urls ($d_diags diagnostics)   requests: $requests"
grep '^links:' "$WORK/daybook.err" | sed 's/^/                 /' || true
[ "$d_other" = "-" ] || echo "                 (other rules fired: $d_other)"

t0=$(now)
"$DAYBOOK" lint "$WORK/repo" --allow-private --cache "$WORK/cache.json" --format json -o "$WORK/daybook2.json" 2>"$WORK/daybook2.err" || true
t1=$(now)
read -r w_urls w_diags _ <<<"$(daybook_count "$WORK/daybook2.json")"
echo "daybook (warm):  $(secs "$t0" "$t1") s   dead URLs found: $w_urls   (successes from the cache, the $w_urls failures re-checked)"
grep '^links:' "$WORK/daybook2.err" | sed 's/^/                 /' || true

t0=$(now)
"$DAYBOOK" lint "$WORK/repo" --offline --format json -o "$WORK/offline.json" 2>/dev/null || true
t1=$(now)
echo "daybook --offline (parse + lint, no network): $(secs "$t0" "$t1") s"

if command -v lychee >/dev/null; then
  echo
  files=("$WORK/repo/README.md" "$WORK/repo/notes")
  t0=$(now)
  lychee --no-progress --format json --output "$WORK/lychee.json" "${files[@]}" >/dev/null 2>"$WORK/lychee.err" || true
  t1=$(now)
  read -r l_urls l_cites <<<"$(lychee_count "$WORK/lychee.json")"
  echo "lychee $(lychee --version | awk '{print $2}') (defaults):  $(secs "$t0" "$t1") s   dead URLs found: $l_urls ($l_cites failing citations)"
  t0=$(now)
  lychee --no-progress --format json --output "$WORK/lychee2.json" --host-request-interval 0ms \
    --host-concurrency 8 --max-concurrency 64 "${files[@]}" >/dev/null 2>"$WORK/lychee2.err" || true
  t1=$(now)
  read -r l2_urls l2_cites <<<"$(lychee_count "$WORK/lychee2.json")"
  echo "lychee (daybook's limits: 64 total, 8 per host, no request interval):  $(secs "$t0" "$t1") s   dead URLs found: $l2_urls"
  python3 - "$WORK/daybook.json" "$WORK/lychee.json" <<'PY'
import json, re, sys
d = {re.search(r"(http\S+)$", x["message"]).group(1).rstrip("/")
     for x in json.load(open(sys.argv[1]))["diagnostics"] if x["rule"] == "dead-link"}
doc = json.load(open(sys.argv[2]))
l = {f["url"].rstrip("/") for fails in (doc.get("error_map") or doc.get("fail_map") or {}).values() for f in fails}
print("same dead URLs in both reports:", "yes" if d == l else f"no (daybook only: {len(d - l)}, lychee only: {len(l - d)})")
PY
else
  echo
  echo "lychee: not installed (cargo install lychee --locked); skipped"
fi
