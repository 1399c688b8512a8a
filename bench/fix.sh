#!/usr/bin/env bash
# Fix-speed benchmark: `daybook fix --offline` on the generated benchmark
# repository (bench/lint.sh's generator, with its planted defects), each run on
# a fresh copy since fix rewrites notes. Prints the median wall time; asserts
# nothing (the target lives here, not in a timed test).
#
#   bench/fix.sh [NOTES=10000] [RUNS=5]      PROFILE=debug to skip the release build
#
# Target (issue 13): under 2 s at 10,000 notes, release build.
set -euo pipefail
cd "$(dirname "$0")/.."
NOTES=${1:-10000}
RUNS=${2:-5}
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --quiet --bin daybook --example gen_notes
else
  cargo build --quiet --bin daybook --example gen_notes
fi
BIN=target/$PROFILE
SRC=${BENCH_DIR:-/tmp/daybook-bench}/notes-$NOTES
[ -d "$SRC" ] || "$BIN/examples/gen_notes" --notes "$NOTES" --out "$SRC" --defects 50
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $PROFILE build; $NOTES notes; median of $RUNS runs"
walls=()
for _ in $(seq "$RUNS"); do
  rm -rf "$WORK/repo" && cp -r "$SRC" "$WORK/repo"
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN/daybook" fix --offline "$WORK/repo" >/dev/null 2>"$WORK/err" || true
  read -r wall kb < <(tail -n 1 "$WORK/time")
  walls+=("$wall")
done
grep -o 'fixed [0-9]* findings[^.]*' "$WORK/err" | head -1 || true
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'daybook fix --offline: %s s (median), peak RSS %s MB (last run)\n' "$median" "$((kb / 1024))"
