#!/usr/bin/env python3
"""Generate a notes repository citing N unique URLs on the benchmark server.

usage: gen.py OUT_DIR PORT HOSTS N

Notes follow the seed layout (notes/YYYYMM/MMDD.md, one numbered item per
article with a star rating, an Abstract and a Paper link), 10 items per note,
two URLs per item. The README cites the newest note's links again, so a checker
that does not de-duplicate pays for it.
"""
import datetime
import os
import sys

out, port, hosts, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


def url(i):
    return f"http://127.0.0.{i % hosts + 1}:{port}/p/{i}"


day = datetime.date(2024, 1, 1)
i = 0
last = []
while i < n:
    items = []
    for k in range(1, 11):
        if i >= n:
            break
        a, p = url(i), url(i + 1) if i + 1 < n else None
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
