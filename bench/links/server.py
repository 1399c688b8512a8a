#!/usr/bin/env python3
"""Benchmark link server: the hosts of bench/links/run.sh, all on one PORT.

usage: server.py PORT DELAY_MS

* 127.0.0.1 .. 127.0.0.25, `/p/<i>`: the 25-host set. Answers after DELAY_MS;
  page i is host i % 25's (i // 25)-th page, j: 404 when j % 100 < 3 (3% dead),
  503 to the first request when j % 100 is 3 or 4 (2% "503 once"), 200
  otherwise; so each host has the same share of dead and busy pages (6 and 4
  of its 200). gen.py's page_kind is the same rule.
* 127.0.0.30, `/r/<i>`: a rate-limited host: 429 (Retry-After: 1) to any
  request that finds 2 others in flight, else 200 after DELAY_MS.
* 127.0.0.31, `/b/<i>`: a black hole: reads the request, never answers.
* 127.0.0.32, `/g/<i>`: pages sent gzip-encoded whether asked or not; page i
  defines the anchor `part` when i is odd.

GET /stats (any host) answers JSON: requests per host and method, per-host
peak in flight; GET /reset clears them (and which pages answered 503).

With LINKS_LOG=FILE in the environment, every request is logged to FILE as a
line `arrived answered host method path status` (times in seconds since the
last /reset), for bench/links/tail.py to say where a run's time went.
"""
import os
import gzip
import json
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, DELAY = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
LOCK = threading.Lock()
IN_FLIGHT = defaultdict(int)
PEAK = defaultdict(int)
REQUESTS = defaultdict(int)
METHODS = defaultdict(int)
SEEN_503 = set()
LOG = open(os.environ["LINKS_LOG"], "a", buffering=1) if os.environ.get("LINKS_LOG") else None
EPOCH = [time.monotonic()]


def number(path):
    try:
        return int(path.split("/")[2].split("?")[0])
    except (IndexError, ValueError):
        return -1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    # Headers and body are two writes: with Nagle on, the body waits for the
    # client's delayed ACK of the headers (40 ms on Linux), so every GET took
    # DELAY_MS + 40. Real servers set TCP_NODELAY too.
    disable_nagle_algorithm = True
    counted = None  # the host whose in-flight count this request holds
    counted_at = None  # when it arrived, for LINKS_LOG

    def leave(self):
        """The request is answered: it is no longer in flight (before the bytes
        go out, since the client may send its next request as soon as they arrive)."""
        if self.counted is not None:
            with LOCK:
                IN_FLIGHT[self.counted] -= 1
            self.counted = None

    def log_message(self, *args):
        pass

    def send(self, method, status, body=b"", headers=()):
        logged = LOG and self.counted is not None
        self.leave()
        if logged:
            t = time.monotonic() - EPOCH[0]
            LOG.write(f"{self.counted_at:.4f} {t:.4f} {self.server.server_address[0]} {method} {self.path} {status}\n")
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method == "GET":
            self.wfile.write(body)

    def answer(self, method):
        host = self.server.server_address[0]
        if self.path == "/reset":
            with LOCK:
                for d in (PEAK, REQUESTS, METHODS):
                    d.clear()
                SEEN_503.clear()
                EPOCH[0] = time.monotonic()
                if LOG:
                    LOG.write("reset\n")
            return self.send("GET", 200, b"reset\n")
        if self.path == "/stats":
            with LOCK:
                doc = {"requests": dict(REQUESTS), "peak": dict(PEAK), "methods": dict(METHODS)}
            return self.send("GET", 200, json.dumps(doc).encode(), [("Content-Type", "application/json")])
        with LOCK:
            IN_FLIGHT[host] += 1
            PEAK[host] = max(PEAK[host], IN_FLIGHT[host])
            REQUESTS[host] += 1
            METHODS[method] += 1
            others = IN_FLIGHT[host] - 1
        self.counted = host
        self.counted_at = time.monotonic() - EPOCH[0]
        try:
            self.route(method, host, others)
        finally:
            self.leave()

    def route(self, method, host, others):
        i = number(self.path)
        kind = self.path[1:2]
        if kind == "b":
            time.sleep(3600)
            return
        if kind == "r" and others >= 2:
            return self.send(method, 429, b"slow down\n", [("Retry-After", "1")])
        time.sleep(DELAY)
        if kind == "g":
            anchor = '<h2 id="part">Part</h2>' if i % 2 else "<h2>No anchor here</h2>"
            body = gzip.compress(f"<html><body><h1>Page {i}</h1>{anchor}</body></html>\n".encode())
            return self.send(method, 200, body, [("Content-Encoding", "gzip")])
        j = (i // 25) % 100
        if kind == "p" and j < 3:
            return self.send(method, 404, b"not found\n")
        if kind == "p" and j in (3, 4):
            with LOCK:
                first = i not in SEEN_503
                SEEN_503.add(i)
            if first:
                return self.send(method, 503, b"busy\n")
        self.send(method, 200, b"<html><body>ok</body></html>\n")

    def do_HEAD(self):
        self.answer("HEAD")

    def do_GET(self):
        self.answer("GET")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


addresses = [f"127.0.0.{h}" for h in list(range(1, 26)) + [30, 31, 32]]
servers = [Server((a, PORT), Handler) for a in addresses]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ready", flush=True)
servers[0].serve_forever()
