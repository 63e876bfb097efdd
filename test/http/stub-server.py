#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for the transix update server, for test-register.sh.

usage: stub-server.py ADDRESS STATEFILE LOGFILE

Listens on [ADDRESS]:<ephemeral port>.  Once ready, writes to STATEFILE
"PORT FULL_PORT CLOSED_PORT": FULL_PORT is a listener whose accept queue is
kept full, so that connecting to it hangs (SYNs are dropped); CLOSED_PORT had
a listener that is gone (connection refused).  Each request is appended to
LOGFILE as one JSON object: path, client address, decoded query, user agent,
and query_error: the query is decoded strictly, the way the transix server
does it (percent-decoding only: a "+" is a "+", not a space), and anything
but RFC 3986 unreserved characters and %XX in a name or value, a pair
without "=", bad UTF-8, is an error there (and the query is then left out).

The path picks the behaviour: /ok /ok-crlf /ok-bare /lead-space /ng /ng400
/500 /empty /binary /long /echo /echo-decoded /redirect /huge /huge-chunked
/hang /slow /trickle-ok /close.
"""
import json
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote_plus, unquote_to_bytes, urlsplit

STRICT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})*")


def strict_query(query):
    """{name: [values]} of a query string; ValueError if not strictly encoded."""
    out = {}
    if not query:
        return out
    for pair in query.split("&"):
        name, eq, value = pair.partition("=")
        if not eq:
            raise ValueError("no '=' in %r" % pair)
        for part in (name, value):
            if not STRICT.fullmatch(part):
                raise ValueError("not strictly percent-encoded: %r" % part)
        out.setdefault(unquote_to_bytes(name).decode("utf-8"), []).append(
            unquote_to_bytes(value).decode("utf-8"))
    return out


class Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # transix-register hangs up on purpose (too large, timeouts)
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "transix-stub"
    sys_version = ""

    def log_message(self, format, *args):  # quiet: the query holds a password
        pass

    def record(self, parts):
        try:
            query, error = strict_query(parts.query), ""
        except ValueError as e:  # UnicodeDecodeError included
            query, error = {}, str(e)
        entry = {
            "path": parts.path,
            "client": self.client_address[0],
            "query": query,
            "query_error": error,
            "raw_query": parts.query,
            "user_agent": self.headers.get("User-Agent", ""),
        }
        with LOG_LOCK, open(LOGFILE, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def reply(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def trickle(self, chunks, pause, length):
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()
        for c in chunks:
            self.wfile.write(c)
            self.wfile.flush()
            time.sleep(pause)

    def do_GET(self):
        parts = urlsplit(self.path)
        self.record(parts)
        p = parts.path
        try:
            if p == "/ok":
                self.reply(200, b"OK\n")
            elif p == "/ok-crlf":
                self.reply(200, b"OK\r\n\r\n \t")
            elif p == "/ok-bare":
                self.reply(200, b"OK")
            elif p == "/lead-space":
                self.reply(200, b" OK\n")
            elif p == "/ng":
                self.reply(200, b"NG\n")
            elif p == "/ng400":
                self.reply(400, b"NG\n")
            elif p == "/500":
                self.reply(500, b"")
            elif p == "/empty":
                self.reply(200, b"")
            elif p == "/binary":
                self.reply(200, b"\x1b[31mNG\x00\xff\r\nline2\t" + "パスワード".encode())
            elif p == "/long":
                self.reply(200, b"0123456789" * 20)
            elif p == "/echo":
                self.reply(200, ("NG " + parts.query).encode())
            elif p == "/echo-lower":
                # The same escapes in lower case ("%2b"): still the password.
                q = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), parts.query)
                self.reply(200, ("NG " + q).encode())
            elif p == "/echo-plus":
                # Spaces as '+', the way a form encoder writes them.
                pw = parse_qs(parts.query).get("password", [""])[0]
                self.reply(200, ("NG " + quote_plus(pw, safe="")).encode())
            elif p == "/echo-decoded":
                try:
                    pw = strict_query(parts.query).get("password", [""])[0]
                except ValueError:
                    pw = ""
                self.reply(200, ("NG wrong password " + pw).encode())
            elif p == "/redirect":
                loc = "http://[::1]:%d/ok?%s" % (self.server.server_address[1], parts.query)
                self.reply(302, b"moved\n", [("Location", loc)])
            elif p == "/huge":
                self.reply(200, b"x" * (1 << 20))
            elif p == "/huge-chunked":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(256):
                    self.wfile.write(b"y" * 4096)
                self.close_connection = True
            elif p == "/hang":
                time.sleep(120)
            elif p == "/slow":
                # 1 byte every 3 s: under 1 byte/s
                self.trickle([b"x"] * 40, 3, 40)
            elif p == "/trickle-ok":
                self.trickle([b"O", b"K", b"\n"], 1, 3)
            elif p == "/close":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            else:
                self.reply(404, b"no such test\n")
        except (BrokenPipeError, ConnectionResetError):
            pass


def full_listener(addr):
    """A listener with a full accept queue: new SYNs are dropped."""
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.bind((addr, 0))
    ls.listen(0)
    port = ls.getsockname()[1]
    fillers = []
    for _ in range(3):
        c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect((addr, port))
        except BlockingIOError:
            pass
        fillers.append(c)
    time.sleep(0.2)
    return ls, fillers, port


def closed_port(addr):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.bind((addr, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    global LOGFILE
    addr, statefile, LOGFILE = sys.argv[1:4]
    httpd = Server((addr, 0), Handler)
    keep = full_listener(addr)
    state = "%d %d %d\n" % (httpd.server_address[1], keep[2], closed_port(addr))
    with open(statefile + ".tmp", "w") as f:
        f.write(state)
    os.rename(statefile + ".tmp", statefile)
    httpd.serve_forever()


LOG_LOCK = threading.Lock()
LOGFILE = None

if __name__ == "__main__":
    main()
