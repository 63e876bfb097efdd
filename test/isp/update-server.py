#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Emulated transix update server (and the internet's "checkip" service).

Runs in the `isp` network namespace of the UML test guest, started by
isp_setup (test/lib/isp.sh).  Protocol, as the real service is known to
behave (see shared field notes):

    GET /request?username=U&password=P   ->  200 text/plain "OK" | "NG"

Query values are decoded with percent-decoding only (a literal '+' stays
'+').  A successful registration "provisions" the customer like an ISP
would: an ip6tnl `cust-<n>` (mode ipip6, local = the AFTR address, remote =
the SOURCE address of the request, encaplimit none) plus a /32 route of the
customer's fixed IPv4 address into it.  Before that no tunnel matches the
router's packets, so the kernel drops them: unregistered routers get no IPv4.
A registration from a new source address moves the tunnel.

Other services (issue 11), told apart by the request's path, each with its
exact parameter names, authentication and answers; a request in any other
form is refused, which proves the client's form in the tests:

    v6plus   GET /update?user=U&pass=P            200 "OK" | 403 "NG";
             a transix-style username=/password= -> 400 "bad parameters"
    ocn      GET /nic/update?hostname=U + HTTP Basic U:P
             no Basic auth -> 401 "badauth" (WWW-Authenticate: Basic);
             wrong credentials -> 200 "badauth"; another hostname ->
             200 "nohost"; registered -> 200 "good <fixed_ip>" (a new
             source) | "nochg <fixed_ip>" (the same source again)
    generic  GET /reseller/update?login=U&key=P&addr=SOURCE  (an emulated
             reseller: addr must be the request's own source address)
             200 "SUCCESS" | 200 "FAILED"
The log line then carries service=NAME after the source address.

Scripting: each request consumes the first line of the control file (if
any): ok | ng | NNN (an HTTP status, e.g. 500) | hang | slow:SECONDS | close.
With the file empty, requests get normal behaviour.

Request log, one line per request, written when the request arrives:
    <unix-time> <source-address> user=<U> password=<match|mismatch> answer=<A>
The password itself is never written anywhere, nor is the request line (the
default BaseHTTPRequestHandler logging would leak it).

Checkip: with --checkip-netns/--checkip-addr, a second listener is opened in
that network namespace (the emulated internet); GET of any path answers the
caller's address as one line.  One process for both saves a Python start,
which costs most of a second under User-Mode Linux.

Config file (--config), "key value" lines:
    listen 2001:db8:ffff::400      port 80
    user NAME                      password_file PATH   fixed_ip 203.0.113.5
    aftr 2001:db8:ffff::140        control PATH         log PATH
"""
import argparse
import ctypes
import http.server
import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse

CLONE_NEWNET = 0x40000000


class Config:
    def __init__(self, path):
        self.listen = "::"
        self.port = 80
        self.user = None
        self.password_file = None
        self.fixed_ip = "203.0.113.5"
        self.aftr = "2001:db8:ffff::140"
        self.control = None
        self.log = None
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                key, _, value = line.partition(" ")
                if not hasattr(self, key):
                    sys.exit("update-server: unknown config key %r" % key)
                setattr(self, key, int(value) if key == "port" else value.strip())

    def password(self):
        # Read per request: a test may change the password file on the fly.
        # Raw bytes; one trailing newline (from echo) is not part of it.
        with open(self.password_file, "rb") as f:
            pw = f.read()
        return pw[:-1] if pw.endswith(b"\n") else pw


class State:
    def __init__(self, cfg):
        self.cfg = cfg
        self.lock = threading.Lock()
        self.tunnels = {}  # user -> (name, remote)
        self.log_lock = threading.Lock()

    def next_script_item(self):
        """Pop the first line of the control file (under the lock)."""
        if not self.cfg.control:
            return "ok"
        with self.lock:
            try:
                with open(self.cfg.control) as f:
                    lines = f.read().splitlines()
            except FileNotFoundError:
                return "ok"
            lines = [l.strip() for l in lines if l.strip()]
            if not lines:
                return "ok"
            with open(self.cfg.control + ".new", "w") as f:
                f.write("".join(l + "\n" for l in lines[1:]))
            os.rename(self.cfg.control + ".new", self.cfg.control)
            return lines[0]

    def log(self, line):
        if not self.cfg.log:
            return
        with self.log_lock, open(self.cfg.log, "a") as f:
            f.write(line + "\n")

    def register(self, user, source):
        """Provision (or move) the customer's tunnel to `source`."""
        with self.lock:
            name, old = self.tunnels.get(user, ("cust-%d" % (len(self.tunnels) + 1), None))
            if old == source:
                return
            # `ip -6 tunnel` cannot go in a batch; `link add/change` can,
            # and change keeps the device (and the route through it).
            verb = "add" if old is None else "change"
            batch = (
                "link {verb} {name} type ip6tnl mode ipip6 local {aftr} remote {src} encaplimit none\n"
                "link set {name} up\n"
                "route replace {ip} dev {name}\n"
            ).format(verb=verb, name=name, aftr=self.cfg.aftr, src=source,
                     # A fixed-IP block ("203.0.113.8/29") is routed whole.
                     ip=self.cfg.fixed_ip if "/" in self.cfg.fixed_ip else self.cfg.fixed_ip + "/32")
            r = subprocess.run(["ip", "-batch", "-"], input=batch.encode(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                sys.stderr.write("update-server: provisioning failed: %s\n" % r.stdout.decode())
                raise RuntimeError("provisioning failed")
            self.tunnels[user] = (name, source)


def safe_for_log(value, password):
    """Printable, space-free rendering of a user name; never the password."""
    if password and password in value:
        return "<contains-password>"
    out = []
    for b in value:
        c = chr(b)
        out.append(c if 0x21 <= b < 0x7F and c != "%" else "%%%02X" % b)
    return "".join(out) or "<empty>"


def parse_query(query):
    """Percent-decoding only ('+' stays '+'); first occurrence wins."""
    params = {}
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        key = urllib.parse.unquote(key)
        params.setdefault(key, urllib.parse.unquote_to_bytes(value))
    return params


class UpdateHandler(http.server.BaseHTTPRequestHandler):
    server_version = "transix-update-emulator/1"
    sys_version = ""

    def log_message(self, fmt, *args):  # noqa: N802 - would log the password
        pass

    def reply(self, code, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self):  # noqa: N802
        self.do_GET()

    def do_GET(self):  # noqa: N802
        st = self.server.state
        cfg = st.cfg
        source = self.client_address[0]
        if source.startswith("::ffff:"):
            source = source[7:]
        path, _, query = self.path.partition("?")
        if path in OTHER_SERVICES:
            OTHER_SERVICES[path](self, st, cfg, source, parse_query(query))
            return
        if path != "/request":
            st.log("%d %s path-not-found answer=404" % (time.time(), source))
            self.reply(404, "Not Found")
            return
        params = parse_query(query)
        password = cfg.password()
        user = params.get("username", b"")
        pw_ok = "password" in params and params["password"] == password
        creds_ok = cfg.user is not None and user == cfg.user.encode() and pw_ok
        item = st.next_script_item()

        delay = 0.0
        if item == "ok":
            answer = "OK" if creds_ok else "NG"
        elif item == "ng":
            answer = "NG"
        elif item.startswith("slow:"):
            delay = float(item[5:])
            answer = "OK" if creds_ok else "NG"
        elif item in ("hang", "close") or (len(item) == 3 and item.isdigit()):
            answer = item
        else:
            sys.stderr.write("update-server: bad script item %r, behaving normally\n" % item)
            answer = "OK" if creds_ok else "NG"
        logged = answer if not delay else "%s+%s" % (item, answer)
        st.log("%d %s user=%s password=%s answer=%s" % (
            time.time(), source, safe_for_log(user, password),
            "match" if pw_ok else "mismatch", logged))

        if answer == "hang":
            # Never answer; return once the client gives up (EOF/reset).
            try:
                while self.connection.recv(4096):
                    pass
            except OSError:
                pass
            self.close_connection = True
            return
        if answer == "close":
            self.close_connection = True
            return
        if answer.isdigit():
            code = int(answer)
            self.reply(code, self.responses.get(code, ("Error",))[0])
            return
        if delay:
            time.sleep(delay)
        if answer == "OK":
            try:
                st.register(cfg.user, source)
            except RuntimeError:
                self.reply(500, "provisioning failed")
                return
        self.reply(200, answer)


def _other_log(st, source, service, user, pw_ok, answer, password):
    st.log("%d %s service=%s user=%s password=%s answer=%s" % (
        time.time(), source, service, safe_for_log(user, password),
        "match" if pw_ok else "mismatch", answer))


def _provision(handler, st, cfg, source):
    try:
        st.register(cfg.user, source)
    except RuntimeError:
        handler.reply(500, "provisioning failed")
        return False
    return True


def serve_v6plus(handler, st, cfg, source, params):
    """JPIX v6plus fixed IP: user= and pass= in the query."""
    password = cfg.password()
    if "username" in params or "password" in params or "user" not in params \
            or "pass" not in params:
        _other_log(st, source, "v6plus", params.get("user", params.get("username", b"")),
                   False, "400-form", password)
        handler.reply(400, "bad parameters")
        return
    user = params["user"]
    pw_ok = params["pass"] == password
    ok = cfg.user is not None and user == cfg.user.encode() and pw_ok
    item = st.next_script_item()
    if len(item) == 3 and item.isdigit():
        _other_log(st, source, "v6plus", user, pw_ok, item, password)
        handler.reply(int(item), "Error")
        return
    _other_log(st, source, "v6plus", user, pw_ok, "OK" if ok else "NG", password)
    if not ok:
        handler.reply(403, "NG")
    elif _provision(handler, st, cfg, source):
        handler.reply(200, "OK")


def serve_ocn(handler, st, cfg, source, params):
    """OCN fixed IP (IPoE): DynDNS style, hostname= and HTTP Basic auth."""
    import base64
    password = cfg.password()
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("Basic "):
        _other_log(st, source, "ocn", params.get("hostname", b""), False, "401-noauth",
                   password)
        handler.send_response(401)
        handler.send_header("WWW-Authenticate", 'Basic realm="ocn"')
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", "7")
        handler.end_headers()
        handler.wfile.write(b"badauth")
        return
    try:
        user, _, pw = base64.b64decode(auth[6:], validate=True).partition(b":")
    except ValueError:
        user, pw = b"", b""
    pw_ok = pw == password
    if cfg.user is None or user != cfg.user.encode() or not pw_ok:
        answer = "badauth"
    elif params.get("hostname") != cfg.user.encode():
        answer = "nohost"
    else:
        answer = "nochg" if st.tunnels.get(cfg.user, (None, None))[1] == source else "good"
    _other_log(st, source, "ocn", user, pw_ok, answer, password)
    if answer in ("good", "nochg") and not _provision(handler, st, cfg, source):
        return
    ip = cfg.fixed_ip.split("/")[0]
    handler.reply(200, answer + (" " + ip if answer in ("good", "nochg") else ""))


def serve_reseller(handler, st, cfg, source, params):
    """An unlisted reseller: login=, key=, addr= (our own source address)."""
    password = cfg.password()
    user = params.get("login", b"")
    pw_ok = params.get("key") == password
    ok = cfg.user is not None and user == cfg.user.encode() and pw_ok and \
        params.get("addr", b"").decode(errors="replace") == source
    _other_log(st, source, "generic", user, pw_ok, "SUCCESS" if ok else "FAILED", password)
    if not ok:
        handler.reply(200, "FAILED")
    elif _provision(handler, st, cfg, source):
        handler.reply(200, "SUCCESS")


OTHER_SERVICES = {
    "/update": serve_v6plus,
    "/nic/update": serve_ocn,
    "/reseller/update": serve_reseller,
}


class CheckipHandler(http.server.BaseHTTPRequestHandler):
    server_version = "checkip-emulator/1"
    sys_version = ""

    def log_message(self, fmt, *args):  # noqa: N802
        pass

    def do_GET(self):  # noqa: N802
        data = (self.client_address[0] + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, family, addr, handler, state=None):
        self.address_family = family
        self.state = state
        super().__init__(addr, handler)

    def server_bind(self):
        # HTTPServer.server_bind would do a reverse DNS lookup (getfqdn).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def open_in_netns(nspath, family, addr, handler):
    """Create a listener inside another network namespace, then come back.

    setns() applies to the calling thread only and a socket keeps the
    namespace it was created in, so the rest of the process (including the
    `ip` commands run for provisioning) stays in the ISP's namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(nspath, os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + nspath)
        try:
            return Server(family, addr, handler)
        finally:
            if libc.setns(home, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(home)
        os.close(target)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--checkip-netns")
    ap.add_argument("--checkip-addr", default="198.51.100.1")
    ap.add_argument("--ready", help="file written once listening")
    args = ap.parse_args()
    cfg = Config(args.config)
    servers = [Server(socket.AF_INET6, (cfg.listen, cfg.port), UpdateHandler, State(cfg))]
    if args.checkip_netns:
        servers.append(open_in_netns(args.checkip_netns, socket.AF_INET,
                                     (args.checkip_addr, 80), CheckipHandler))
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(args.ready + ".tmp", args.ready)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
