#!/usr/bin/env python3
"""A small HTTP server for the fetcher tests: serves a directory with single byte ranges.

  GET /PATH                 the file DIR/PATH; with "Range: bytes=a-b" (or "a-", "-n") a 206
                            with Content-Range, or 416 when the range starts past the end
  GET /redirect?to=URL      302 to URL
  GET /hops/N/PATH          a chain of N redirects (to /hops/N-1/PATH ...) ending at /PATH
  GET /slow?ms=M&bytes=B    B bytes sent in 10 pieces over M milliseconds
  GET /status/NNN           an empty answer with status NNN

--ignore-range answers every file request with 200 and the whole body. The server binds
127.0.0.1 on --port (0 picks a free port) and prints "PORT <n>" on stdout once listening.
"""
import argparse
import os
import signal
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_range(header, size):
    """(start, end_exclusive) for one 'bytes=' range, 'unsatisfiable', or None to ignore it."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes="):].strip().partition("-")
    try:
        if first == "":
            n = int(last)
            return (max(0, size - n), size) if n > 0 else "unsatisfiable"
        start = int(first)
        end = int(last) + 1 if last else size
    except ValueError:
        return None
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = url.path
        if path == "/redirect":
            return self.send_body(302, b"", [("Location", query["to"][0])])
        if path.startswith("/hops/"):
            _, _, n, rest = path.split("/", 3)
            target = "/" + rest if int(n) == 0 else "/hops/%d/%s" % (int(n) - 1, rest)
            return self.send_body(302, b"", [("Location", target)])
        if path == "/slow":
            ms, total = int(query["ms"][0]), int(query["bytes"][0])
            self.send_response(200)
            self.send_header("Content-Length", str(total))
            self.end_headers()
            piece = total // 10
            for i in range(10):
                time.sleep(ms / 10000.0)
                self.wfile.write(b"x" * (piece if i < 9 else total - 9 * piece))
                self.wfile.flush()
            return
        if path.startswith("/status/"):
            return self.send_body(int(path[len("/status/"):]), b"")
        full = os.path.realpath(os.path.join(self.server.root, path.lstrip("/")))
        if not full.startswith(self.server.root + os.sep) or not os.path.isfile(full):
            return self.send_body(404, b"")
        with open(full, "rb") as f:
            data = f.read()
        wanted = None if self.server.ignore_range else parse_range(self.headers.get("Range"), len(data))
        if wanted is None:
            return self.send_body(200, data)
        if wanted == "unsatisfiable":
            return self.send_body(416, b"", [("Content-Range", "bytes */%d" % len(data))])
        start, end = wanted
        return self.send_body(206, data[start:end], [("Content-Range", "bytes %d-%d/%d" % (start, end - 1, len(data)))])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ignore-range", action="store_true")
    args = parser.parse_args()
    # A parent's blocked-signal mask is inherited; unblock so SIGTERM stops the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.root = os.path.realpath(args.dir)
    server.ignore_range = args.ignore_range
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
