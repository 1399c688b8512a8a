#!/usr/bin/env python3
"""Generate a notes repository citing the benchmark server's URLs.

usage: gen.py OUT_DIR PORT SCENARIO

SCENARIO (see server.py for how each host answers):
  hosts25      5,000 URLs on 25 hosts
  ratelimited  20 URLs on the host answering 429 above 2 in flight
  blackhole    16 URLs on the host that never answers
  gzip         20 gzip-encoded pages, each cited with `#part`

Notes follow the seed layout (notes/YYYYMM/MMDD.md, one numbered item per
article with a star rating, an Abstract and a Paper link), 10 items per note,
two URLs per item. The README cites the newest note's links again, so a checker
that does not de-duplicate pays for it. Prints each URL and the verdict it
deserves (ok, dead, unverified, no-anchor) to OUT_DIR/expected.tsv.

The 25-host set is cited in a shuffled order (the same every time): which of a
host's pages come last is then chance, as in a real repository, not the pages
the server's rule happens to number last (a checker that takes each host's links
in order would otherwise never meet a busy page at the end of its run).
"""
import datetime
import os
import random
import sys

out, port, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def page_kind(i):
    """What page i of the 25-host set is (the same rule as server.py's).

    Page i is on host i % 25 and is that host's (i // 25)-th page: deciding on
    the latter spreads the 3% dead and the 2% 503-once evenly over the hosts (6
    and 4 of each host's 200), as the issue's floor assumes. (Deciding on
    i % 100 put every dead page on hosts .1-.3 and every 503 on .4-.5.)
    """
    j = (i // 25) % 100
    return "dead" if j < 3 else "busy-once" if j in (3, 4) else "ok"


def urls():
    if scenario == "hosts25":
        for i in range(5000):
            yield f"http://127.0.0.{i % 25 + 1}:{port}/p/{i}", "dead" if page_kind(i) == "dead" else "ok"
    elif scenario == "ratelimited":
        for i in range(20):
            yield f"http://127.0.0.30:{port}/r/{i}", "ok"
    elif scenario == "blackhole":
        for i in range(16):
            yield f"http://127.0.0.31:{port}/b/{i}", "unverified"
    elif scenario == "gzip":
        for i in range(20):
            yield f"http://127.0.0.32:{port}/g/{i}#part", "ok" if i % 2 else "no-anchor"
    else:
        sys.exit(f"unknown scenario {scenario}")


all_urls = list(urls())
if scenario == "hosts25":
    random.Random(14).shuffle(all_urls)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "expected.tsv"), "w") as f:
    f.write("".join(f"{u}\t{v}\n" for u, v in all_urls))
links = [u for u, _ in all_urls]
day = datetime.date(2024, 1, 1)
i = 0
last = []
while i < len(links):
    items = []
    for k in range(1, 11):
        if i >= len(links):
            break
        a = links[i]
        p = links[i + 1] if i + 1 < len(links) else None
        item = f"{k}. [Article {i}]({a})       :star::star:\n    - Abstract: article number {i}\n"
        if p:
            item += f"    - Paper: [Paper {i + 1}]({p})\n"
        items.append(item)
        last = [a] + ([p] if p else [])
        i += 2
    folder = os.path.join(out, "notes", day.strftime("%Y%m"))
    os.makedirs(folder, exist_ok=True)
    title = f"# 公众号内容拓展学习笔记（{day.year}.{day.month}.{day.day}）"
    text = f"{title}\n\n------\n\n## :paperclip:  今日要点\n\n" + "\n".join(items)
    text += "\n## :paperclip:  Others\n\n- generated for the link benchmark\n"
    with open(os.path.join(folder, day.strftime("%m%d") + ".md"), "w") as f:
        f.write(text)
    day += datetime.timedelta(days=1)

with open(os.path.join(out, "README.md"), "w") as f:
    f.write("# Benchmark notes\n\n" + "".join(f"- [{u}]({u})\n" for u in last))
