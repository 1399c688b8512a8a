#!/usr/bin/env bash
# Lint-speed benchmark: daybook against the floors (`cat` of the same files,
# a pulldown-cmark-only parse of them: examples/parse_only.rs) and against
# rumdl and markdownlint-cli2, at each repository size given. Prints figures;
# asserts nothing (targets live here, not in timed tests).
#
#   bench/lint.sh [SIZES="10000 50000"] [RUNS=5]
#
# Targets (issue 14): at 10,000 notes at most 2x the parse-only run and under
# 80 MB; at 50,000 at most 5.5x the 10,000-note time and under 200 MB.
# Peers run at the first size only (PEERS=0 skips them), when on PATH or
# installable: `pip install rumdl`, `npm install markdownlint-cli2` (looked up
# in bench/.peers/node_modules/.bin too).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${1:-10000 50000}
RUNS=${2:-5}
PEERS=${PEERS:-1}
PATH="$PWD/bench/.peers/node_modules/.bin:$PATH"

cargo build --release --quiet --bin daybook --example gen_notes --example parse_only
# peers, installed on first use (registries only); failures just skip that peer
command -v rumdl >/dev/null || python3 -m pip install --quiet rumdl >/dev/null 2>&1 || true
if ! command -v markdownlint-cli2 >/dev/null && command -v npm >/dev/null; then
  npm install --silent --prefix bench/.peers markdownlint-cli2 >/dev/null 2>&1 || true
fi
echo "machine: $(nproc) cores; each figure is the median of $RUNS runs (wall s, peak RSS MB)"

# median wall time and max RSS of a command over $RUNS runs
measure() {
  local name=$1; shift
  local walls=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o /tmp/daybook-bench-time "$@" >/dev/null 2>&1 || true
    # GNU time prepends "Command exited with non-zero status N" when the linter finds problems
    read -r wall kb < <(tail -n 1 /tmp/daybook-bench-time)
    walls+=("$wall")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  LAST=$median
  printf '%-44s %8.3f s %8.1f MB' "$name" "$median" "$(echo "$rss / 1024" | bc -l)"
}
ratio() { python3 -c "print(f'{$1 / max($2, 0.001):.2f}')"; }

FIRST_LINT=
for NOTES in $SIZES; do
OUT=${BENCH_DIR:-/tmp/daybook-bench}/notes-$NOTES
if [ ! -d "$OUT" ]; then
  target/release/examples/gen_notes --notes "$NOTES" --out "$OUT" --defects 50
fi
echo
echo "repository: $OUT ($(find "$OUT/notes" -name '*.md' | wc -l) notes, $(du -sh "$OUT/notes" | cut -f1))"
measure "cat of every note" sh -c "find '$OUT/notes' -name '*.md' -print0 | xargs -0 cat"; echo
CAT=$LAST
measure "pulldown-cmark parse only" target/release/examples/parse_only "$OUT/notes"; echo
PARSE=$LAST
measure "daybook lint --offline" target/release/daybook lint --offline "$OUT"
LINT=$LAST
printf '   %sx cat, %sx parse-only' "$(ratio "$LINT" "$CAT")" "$(ratio "$LINT" "$PARSE")"
if [ -n "$FIRST_LINT" ]; then
  printf ', %sx the %s-note run' "$(ratio "$LINT" "$FIRST_LINT")" "$FIRST_SIZE"
else
  FIRST_LINT=$LINT FIRST_SIZE=$NOTES
fi
echo
measure "daybook readme --stdout" target/release/daybook readme --stdout "$OUT"; echo
cp "$OUT/README.md" /tmp/daybook-bench-readme.bak
target/release/daybook readme "$OUT" >/dev/null 2>&1 || true
measure "daybook readme --check (up to date)" target/release/daybook readme --check "$OUT"; echo
cp /tmp/daybook-bench-readme.bak "$OUT/README.md"
[ "$PEERS" = 1 ] || continue
PEERS=0
if command -v rumdl >/dev/null; then
  measure "rumdl check ($(rumdl --version 2>/dev/null | head -1))" rumdl check --no-cache "$OUT/notes"; echo
else
  echo "rumdl: not installed (pip install rumdl)"
fi
if command -v markdownlint-cli2 >/dev/null; then
  measure "markdownlint-cli2 ($(markdownlint-cli2 --help 2>/dev/null | head -1 | awk '{print $2}'))" \
    markdownlint-cli2 "$OUT/notes/**/*.md"; echo
else
  echo "markdownlint-cli2: not installed (npm install markdownlint-cli2)"
fi
done
echo
# Worst cases for complexity, not speed: one 3.6 MB note of 60,000 items whose
# fields are not nested (60,000 findings), and one 56 KB line citing a missing
# file 8,000 times. Both were quadratic once (minutes, 900 MB).
BIG=${BENCH_DIR:-/tmp/daybook-bench}/big-note
if [ ! -d "$BIG" ]; then
  mkdir -p "$BIG/a/notes/202306" "$BIG/b/notes/202306"
  awk 'BEGIN { print "# 公众号内容拓展学习笔记（2023.6.2）\n\n## :paperclip:  今日要点\n";
               for (i = 1; i <= 60000; i++) printf "%d. [A%d](https://e.com/%d) :star:\n   - Abstract: x\n", i, i, i }' \
    > "$BIG/a/notes/202306/0602.md"
  awk 'BEGIN { printf "# 公众号内容拓展学习笔记（2023.6.1）\n\n## :paperclip:  今日要点\n\n1. [A](https://e.com/a) :star:\n   - Abstract:";
               for (i = 1; i <= 8000; i++) printf " [x](y)"; print "" }' > "$BIG/b/notes/202306/0601.md"
fi
measure "daybook lint: 60,000 stray fields in one note" target/release/daybook lint --offline "$BIG/a"; echo
measure "daybook lint: 8,000 findings on one line" target/release/daybook lint --offline "$BIG/b"; echo
