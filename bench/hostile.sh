#!/usr/bin/env bash
# Hostile-input benchmark: what a pull request can make daybook spend. Prints
# figures; asserts nothing (targets live here, not in timed tests).
#
#   bench/hostile.sh
#
# Targets (docs/security.md): 200 KB of nested YAML refused in under 0.1 s;
# 100,000 links on one line in under 1 s; doubling an input at most about
# doubles the time.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_DIR:-/tmp/daybook-bench}/hostile
cargo build --release --quiet --bin daybook
BIN=target/release/daybook
rm -rf "$OUT" && mkdir -p "$OUT"

# wall seconds and peak RSS of one run (the exit code is the finding count's business)
measure() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$OUT/time" "$@" >/dev/null 2>&1 || true
  read -r wall kb < <(tail -n 1 "$OUT/time")
  printf '%-52s %7.2f s %8.1f MB\n' "$name" "$wall" "$(echo "$kb / 1024" | bc -l)"
}

note() { # NAME N KIND: a note whose one line holds N links of KIND
  local dir="$OUT/$1-$2"
  mkdir -p "$dir/notes/202301"
  python3 - "$2" "$3" > "$dir/notes/202301/0101.md" <<'PY'
import sys
n, kind = int(sys.argv[1]), sys.argv[2]
links = {
    "web": lambda i: f"[x{i}](https://h{i % 50}.example/p{i})",
    "missing": lambda i: f"[x](m{i}.md)",  # one missing-file finding each
}[kind]
print("# 公众号内容拓展学习笔记（2023.1.1）\n\n## :paperclip:  今日要点\n\n"
      "1. [a](https://a.example/) :star:\n   - Abstract: " + " ".join(links(i) for i in range(n)))
PY
  echo "$dir"
}

for depth in 50000 100000; do
  d="$OUT/yaml-$depth"; mkdir -p "$d/notes"
  python3 -c "print('notes: ' + '[' * $depth + ']' * $depth)" > "$d/daybook.yml"
  measure "daybook.yml nested $depth deep ($(du -h "$d/daybook.yml" | cut -f1))" "$BIN" lint --offline "$d"
done
for n in 50000 100000; do
  measure "$n links on one line" "$BIN" lint --offline "$(note web $n web)"
done
for n in 25000 50000 100000; do
  measure "$n findings on one line (--format json)" "$BIN" lint --offline --format json "$(note missing $n missing)"
done
