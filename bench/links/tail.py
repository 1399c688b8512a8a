#!/usr/bin/env python3
"""Where a run's time went, from the server's request log (server.py LINKS_LOG).

usage: tail.py LOG [SLOTS]

Reads the requests since the log's last `reset` and prints: when the last answer
went out; per host the requests, the end of its last answer and the slot time it
left unused before then (SLOTS per host, 8 by default, against the requests it was
sent); how long the follow-ups of a link (the GET after a HEAD, by the HEAD's
status) waited after the request before them; and the last requests of the host
that ended last.
"""
import sys
from collections import defaultdict

path = sys.argv[1]
slots = int(sys.argv[2]) if len(sys.argv) > 2 else 8
rows = []
for line in open(path):
    if line.startswith("reset"):
        rows = []
        continue
    a, b, host, method, url, status = line.split()
    rows.append((float(a), float(b), host, method, url, int(status)))
if not rows:
    sys.exit("no requests logged")
start = min(r[0] for r in rows)
end = max(r[1] for r in rows)
hosts = defaultdict(list)
for r in rows:
    hosts[r[2]].append(r)
print(f"    log: {len(rows)} requests, first at {start:.3f} s, last answered at {end:.3f} s ({end - start:.3f} s)")
ends = []
for h, rs in hosts.items():
    busy = sum(b - a for a, b, *_ in rs)
    last = max(r[1] for r in rs)
    ends.append((last, h, len(rs), slots * (last - start) - busy))
ends.sort()
spread = [e[0] - start for e in ends]
print(f"    hosts' last answers: first {spread[0]:.3f} s, median {spread[len(spread) // 2]:.3f} s, last {spread[-1]:.3f} s")
for last, h, n, idle in ends[-3:]:
    print(f"      {h}: {n} requests, done at {last - start:.3f} s, {idle:.2f} slot-seconds unused")
# follow-ups: the next request of the same path, by what the one before it got
by_path = defaultdict(list)
for r in rows:
    by_path[(r[2], r[4])].append(r)
waits = defaultdict(list)
for rs in by_path.values():
    rs.sort()
    for prev, nxt in zip(rs, rs[1:]):
        waits[(prev[3], prev[5])].append((nxt[0] - prev[1], nxt[1] - start))
for (m, st), ws in sorted(waits.items()):
    w = sorted(x for x, _ in ws)
    print(f"    after {m} {st}: {len(w)} follow-ups, waited median {w[len(w) // 2] * 1000:.0f} ms, "
          f"max {w[-1] * 1000:.0f} ms, last answered at {max(e for _, e in ws):.3f} s")
last_host = ends[-1][1]
print(f"    {last_host}'s last requests (arrived, answered, method, path, status):")
for a, b, _, m, u, st in sorted(hosts[last_host])[-10:]:
    print(f"      {a - start:.3f} {b - start:.3f} {m} {u} {st}")
