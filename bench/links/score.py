#!/usr/bin/env python3
"""Score one checker's report against a scenario's expected verdicts.

usage: score.py daybook|lychee EXPECTED_TSV REPORT_JSON

Prints `right wrong`. daybook: every URL's verdict must be the expected one
(ok, dead, unverified, or no-anchor for a live page without the cited anchor).
lychee has no "unverified": a URL is right when lychee fails it (an error or
a timeout) exactly when it is not ok.
"""
import json
import re
import sys

tool, expected_path, report = sys.argv[1], sys.argv[2], sys.argv[3]
expected = {}
for line in open(expected_path):
    url, verdict = line.rstrip("\n").split("\t")
    expected[url.split("#")[0].rstrip("/")] = verdict

try:
    doc = json.load(open(report))
except (OSError, ValueError):
    doc = None

got = {}
if doc is None:
    pass
elif tool == "daybook":
    kinds = {"dead-link": "dead", "unverified-link": "unverified", "missing-external-anchor": "no-anchor"}
    for d in doc["diagnostics"]:
        kind = kinds.get(d["rule"])
        m = re.search(r"(http\S+)$", d["message"])
        if kind and m:
            got[m.group(1).split("#")[0].rstrip("/")] = kind
else:
    # Timeouts are lychee's failures too, kept in a map of their own.
    for key in ("error_map", "fail_map", "timeout_map"):
        for fails in (doc.get(key) or {}).values():
            for f in fails:
                got[f["url"].split("#")[0].rstrip("/")] = "fail"

right = wrong = 0
for url, want in expected.items():
    have = got.get(url, "ok")
    if tool == "lychee":
        ok = (have == "ok") == (want == "ok")
    else:
        ok = have == want
    right += ok
    wrong += not ok
print(right, wrong)
