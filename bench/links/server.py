#!/usr/bin/env python3
"""Benchmark link server: answers every request after a fixed delay.

Serves on HOSTS loopback addresses (127.0.0.1 .. 127.0.0.N), all on PORT, so a
checker sees N distinct hosts the way it sees mp.weixin.qq.com, github.com and
arxiv.org in a real notes repository. `/p/<i>` (cited on host i % N) answers 404
when (i // N) % 20 == 0, which is 5% of the links spread evenly over the hosts,
and 200 otherwise. Counts requests per method in /stats.

usage: server.py PORT HOSTS DELAY_MS
"""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, HOSTS, DELAY = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000.0
COUNTS = {"HEAD": 0, "GET": 0}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def log_message(self, *args):
        pass

    def answer(self, method):
        if self.path == "/stats":
            body = f"{COUNTS['HEAD']} {COUNTS['GET']}\n".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        with LOCK:
            COUNTS[method] += 1
        time.sleep(DELAY)
        dead = False
        if self.path.startswith("/p/"):
            try:
                dead = (int(self.path[3:].split("?")[0]) // HOSTS) % 20 == 0
            except ValueError:
                dead = True
        body = b"not found\n" if dead else b"<html><body>ok</body></html>\n"
        self.send_response(404 if dead else 200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method == "GET":
            self.wfile.write(body)

    def do_HEAD(self):
        self.answer("HEAD")

    def do_GET(self):
        self.answer("GET")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


servers = [Server((f"127.0.0.{h}", PORT), Handler) for h in range(1, HOSTS + 1)]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ready", flush=True)
servers[0].serve_forever()
