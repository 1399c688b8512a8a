#!/usr/bin/env bash
# `daybook init` speed on generated repositories of each shape (docs/shapes.md):
# 10,000 notes each by default, with a README indexing them. Prints figures;
# asserts nothing (the target, under 1 s per shape, lives here, not in tests).
#
#   bench/init.sh [NOTES=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
NOTES=${1:-10000}
OUT=${BENCH_DIR:-/tmp/daybook-bench}/init-$NOTES
cargo build --release --quiet --bin daybook
BIN=$PWD/target/release/daybook
rm -rf "$OUT" && mkdir -p "$OUT"
python3 - "$NOTES" "$OUT" <<'PY'
import datetime, os, sys
n, out = int(sys.argv[1]), sys.argv[2]
def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        f.write(text)
days = [datetime.date(2000, 1, 1) + datetime.timedelta(d) for d in range(n)]
# the seed
for d in days:
    w(f"{out}/seed/notes/{d:%Y%m}/{d:%m%d}.md",
      f"# 公众号内容拓展学习笔记（{d.year}.{d.month}.{d.day}）\n\n## :paperclip:  今日要点\n\n1. [a](https://example.com/{d})       :star:\n   - Abstract: x\n")
w(f"{out}/seed/README.md", "# notes\n\n## 历史更新\n\n<pre><details><summary>2000年</summary>\n</details></pre>\n")
# a TIL collection: 50 topics
topics = [f"topic-{i}" for i in range(50)]
lines = [f"_{n} TILs and counting..._", ""] + [f"- [{t.replace('-', ' ').title()}](#{t})" for t in topics] + [""]
by = {t: [] for t in topics}
for i in range(n):
    t = topics[i % 50]
    w(f"{out}/til/{t}/note-{i}.md", f"# Note {i:05}\n\nText.\n")
    by[t].append(i)
for t in topics:
    lines += [f"### {t.replace('-', ' ').title()}", ""] + [f"- [Note {i:05}]({t}/note-{i}.md)" for i in by[t]] + [""]
w(f"{out}/til/README.md", "# TIL\n\n" + "\n".join(lines))
# a journal, every other day in a per-year folder
for i, d in enumerate(days):
    folder = f"{d.year} (Year)/" if i % 2 else ""
    w(f"{out}/journal/{folder}{d:%Y-%m-%d}.md", f"# {d:%Y-%m-%d}\r\n\r\n- a thing\r\n")
w(f"{out}/journal/README.md", "# Journal\n\n" + "\n".join(f"- [{d:%Y-%m-%d}]({d:%Y-%m-%d}.md)" for d in reversed(days[::2])) + "\n")
# Jekyll posts, the newest 10 listed
for d in days:
    w(f"{out}/posts/_posts/{d:%Y-%m-%d}-post-{d:%Y%m%d}.md", f"---\ntitle: Post {d}\ndate: {d} 10:00:00 +0100\ntags: [a]\n---\n\nBody.\n")
w(f"{out}/posts/README.md", "# Blog\n\n" + "\n".join(f"- [Post {d}](_posts/{d:%Y-%m-%d}-post-{d:%Y%m%d}.md)" for d in reversed(days[-10:])) + "\n")
# a folder per note beside numbered weekly notes
for i, d in enumerate(days):
    if i % 2:
        w(f"{out}/folders/daily/{d:%Y}/{d:%Y%m}/{d:%Y%m%d}-day/README.md", f"# Day {d}\n\nText.\n")
    else:
        w(f"{out}/folders/notes/week{i:05}-week/README.md", f"# WEEK{i:05} - Week {i}\n\nText.\n")
w(f"{out}/folders/README.md", "# Log\n\n" + "\n".join(f"* WEEK{i:05} - [Week {i}](./notes/week{i:05}-week/README.md)" for i in reversed(range(0, n, 2))) + "\n")
# an Obsidian vault with Logseq journals
for i, d in enumerate(days):
    if i % 2:
        w(f"{out}/vault/Daily/{d:%Y-%m-%d}.md", f"# {d:%Y-%m-%d}\n\nMet [[Alice]].\n")
    else:
        w(f"{out}/vault/journals/{d:%Y_%m_%d}.md", "- a thing\n")
w(f"{out}/vault/pages/Alice.md", "# Alice\n")
w(f"{out}/vault/README.md", "# Vault\n\n" + "\n".join(f"- [{d:%Y-%m-%d}](Daily/{d:%Y-%m-%d}.md)" for d in reversed(days[1::2])) + "\n")
# items notes in English: a today section of rated items with labelled fields
for i, d in enumerate(days):
    repo = f"   - Repo: [code](https://github.com/x/{i})\n" if i % 3 == 0 else ""
    label = "Sumary" if i % 1000 == 7 else "Summary"
    w(f"{out}/items/log/{d:%Y-%m-%d}.md",
      f"# {d:%Y-%m-%d}\n\n## Today\n\n1. [a](https://example.com/{d}) :star:\n   - {label}: x\n   - Source: [s](https://s.example/{i})\n{repo}\n## Elsewhere\n\n- me\n")
w(f"{out}/items/README.md", "# Log\n\n" + "\n".join(f"- [{d:%Y-%m-%d}](log/{d:%Y-%m-%d}.md)" for d in reversed(days)) + "\n")
# a diary indexed by year and month headings, newest first
import itertools
for d in days:
    w(f"{out}/months/journal/{d:%Y-%m-%d}.md", f"# {d:%Y-%m-%d}\n\nText.\n")
lines = []
for y, ds in itertools.groupby(reversed(days), key=lambda d: d.year):
    lines += [f"## {y}", ""]
    for m, ms in itertools.groupby(ds, key=lambda d: d.month):
        lines += [f"### {datetime.date(2000, m, 1):%B}", ""] + [f"- [{d:%Y-%m-%d}](journal/{d:%Y-%m-%d}.md)" for d in ms] + [""]
w(f"{out}/months/README.md", "# Diary\n\n" + "\n".join(lines))
PY
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wall seconds and peak RSS of one 'daybook init --dry-run'"
for shape in seed til journal posts folders vault items months; do
  /usr/bin/time -f '%e %M' -o "$OUT/time" "$BIN" init --dry-run "$OUT/$shape" > "$OUT/$shape.out" 2>&1 || true
  read -r wall kb < <(tail -n 1 "$OUT/time")
  printf '%-8s %6d files %7.2f s %8.1f MB  %s\n' "$shape" "$(find "$OUT/$shape" -name '*.md' | wc -l)" "$wall" \
    "$(echo "$kb / 1024" | bc -l)" "$(grep -m1 -E 'would wrap|no index|nothing' "$OUT/$shape.out" | cut -c1-70)"
done
