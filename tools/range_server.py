#!/usr/bin/env python3
"""A small HTTP server for the fetcher tests: serves a directory with single byte ranges.

  GET /PATH                 the file DIR/PATH; with "Range: bytes=a-b" (or "a-", "-n") a 206
                            with Content-Range, or 416 when the range starts past the end
  GET /redirect?to=URL      302 to URL
  GET /hops/N/PATH          a chain of N redirects (to /hops/N-1/PATH ...) ending at /PATH
  GET /slow?ms=M&bytes=B    B bytes sent in 10 pieces over M milliseconds
  GET /status/NNN           an empty answer with status NNN
  GET /connections          the number of TCP connections accepted so far, as text

--ignore-range answers every file request with 200 and the whole body. --tls CERT serves
https instead, with a fresh self-signed certificate for 127.0.0.1 (an IP subjectAltName)
written to CERT as PEM, so a client can trust exactly it. The server binds 127.0.0.1 on
--port (0 picks a free port) and prints "PORT <n>" on stdout once listening.
"""
import argparse
import datetime
import ipaddress
import os
import signal
import ssl
import sys
import tempfile
import threading
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
    # Headers and body go out in separate writes; without TCP_NODELAY the body of every answer
    # on a kept-alive connection waits for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True

    def setup(self):
        # One handler per connection: count them (for the fetcher's connection-reuse test).
        with self.server.lock:
            self.server.connections += 1
        super().setup()

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
        if path == "/connections":
            return self.send_body(200, str(self.server.connections).encode())
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


def self_signed_context(cert_path):
    """A server TLS context with a new P-256 certificate for 127.0.0.1, its PEM at cert_path."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "range_server test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    with open(cert_path, "wb") as f:
        f.write(cert_pem)
    with tempfile.NamedTemporaryFile("wb", suffix=".pem") as both:
        both.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()) + cert_pem)
        both.flush()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(both.name)
    return context


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ignore-range", action="store_true")
    parser.add_argument("--tls", metavar="CERT")
    args = parser.parse_args()
    # A parent's blocked-signal mask is inherited; unblock so SIGTERM stops the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.lock = threading.Lock()
    server.connections = 0
    if args.tls:
        # A client that refuses the certificate fails the handshake inside accept(); that
        # SSLError is an OSError, which the server loop drops.
        server.socket = self_signed_context(args.tls).wrap_socket(server.socket, server_side=True)
    server.root = os.path.realpath(args.dir)
    server.ignore_range = args.ignore_range
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
