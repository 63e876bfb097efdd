#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Emulated HB46PP provisioning server (issue 14; spec v6pc/v6mig-prov 1.1).

Runs in the `isp` network namespace of the UML test guest, started by
isp_prov_setup (test/lib/isp.sh), which also makes its CA and certificates
(openssl, at test time) and the DNS names and TXT record of 4over6.info.

Listeners (--listen NAME ADDR PORT CERT KEY, repeated; CERT KEY "- -" for
plain http).  NAME is the host the listener stands for: answers are chosen
and requests logged by NAME, never by the Host header the client sends.
isp_prov_setup opens:
    prov.isp.test   [$PROV_ADDR]:443 (cert prov.isp.test) and :80 (http)
    prov2.isp.test  [$PROV2_ADDR]:443 (cert prov2.isp.test): another host,
                    with a valid certificate (a 307 target)
    wrong.isp.test  [$PROV3_ADDR]:443 with the certificate of prov.isp.test:
                    a name that does not match

Answers are scripted by a JSON file (--script), read again on every
request (isp_prov_script writes it):

    { "prov.isp.test": STEP | [STEP, ...], "default": STEP, ... }

The listener's NAME picks the entry ("default" when none).  A list is
consumed one step per request to that NAME, its last step repeating (the
count restarts whenever the file changes).  A STEP is an object:
    "status": N          HTTP status (default 200)
    "json": VALUE        the body, as JSON; in its strings "{source}" is the
                         request's source address and "{prefix}" its /64
                         without "::/64" (e.g. "{prefix}::feed")
    "body": "text"       the body as is (instead of json)
    "huge": N            a JSON object padded to N bytes
    "deep": N            a JSON object with N nested arrays
    "location": URL      the Location header (for a 307)
    "delay": SECONDS     wait before answering
    "by_auth": {"user": U, "pass": P, "ok": STEP, "bad": STEP, "none": STEP}
                         the step by the request's user/pass: none sent,
                         both matching, or anything else
    "provision": true    an ipip answer also provisions the AFTR ($AFTR,
                         --aftr): an ip6tnl to the answer's ipv6_local with
                         its ipv4 routed into it, as the update server does
                         on a registration
No script, or no entry and no default: 404.

Request log (--log), one JSON object per line, written when the request has
been read (before any delay):
    {"time": T, "listener": NAME, "scheme": "https"|"http", "host": HOST,
     "source": ADDR, "path": "/config", "query": {"vendorid": "...", ...,
     "pass": "present"}, "status": N}
The password is never written: "pass" is logged as "present" (the key is
absent when not sent).  A connection that ends without a request (e.g. the
client refused the certificate) is logged as {"time": T, "listener": NAME,
"scheme": ..., "source": ADDR, "tls": "failed" (https) | "none" (http),
"error": "..."}: it proves a client connected but sent nothing.
"""
import argparse
import http.server
import ipaddress
import json
import os
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse


class State:
    def __init__(self, args):
        self.script = args.script
        self.log_path = args.log
        self.aftr = args.aftr
        self.lock = threading.Lock()
        self.counts = {}
        self.script_text = None
        self.tunnels = {}  # ipv6_local -> name

    def step_for(self, name):
        with self.lock:
            try:
                with open(self.script) as f:
                    text = f.read()
            except (FileNotFoundError, TypeError):
                return None
            if text != self.script_text:
                self.script_text = text
                self.counts = {}
            try:
                script = json.loads(text) if text.strip() else {}
            except ValueError as e:
                sys.stderr.write("provision-server: bad script: %s\n" % e)
                return {"status": 500, "body": "bad script"}
            entry = script.get(name, script.get("default"))
            if isinstance(entry, list):
                n = self.counts.get(name, 0)
                self.counts[name] = n + 1
                entry = entry[min(n, len(entry) - 1)] if entry else None
            return entry

    def log(self, obj):
        if not self.log_path:
            return
        obj = dict(obj, time=round(time.time(), 3))
        with self.lock, open(self.log_path, "a") as f:
            f.write(json.dumps(obj, sort_keys=True) + "\n")

    def provision(self, answer):
        """The AFTR side of an ipip answer: a tunnel to ipv6_local."""
        for e in answer.get("ipip", []):
            local, v4 = e["ipv6_local"], e["ipv4"]
            with self.lock:
                name = self.tunnels.get(local)
                verb = "change" if name else "add"
                name = name or "prov-%d" % (len(self.tunnels) + 1)
                batch = (
                    "link {verb} {name} type ip6tnl mode ipip6 local {aftr} remote {local}"
                    " encaplimit none\n"
                    "link set {name} up\n"
                    "route replace {ip} dev {name}\n"
                ).format(verb=verb, name=name, aftr=self.aftr, local=local,
                         ip=v4 if "/" in v4 else v4 + "/32")
                r = subprocess.run(["ip", "-batch", "-"], input=batch.encode(),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                if r.returncode != 0:
                    sys.stderr.write("provision-server: provisioning failed: %s\n"
                                     % r.stdout.decode())
                    continue
                self.tunnels[local] = name


def substitute(value, source, prefix):
    if isinstance(value, str):
        return value.replace("{source}", source).replace("{prefix}", prefix)
    if isinstance(value, list):
        return [substitute(v, source, prefix) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, source, prefix) for k, v in value.items()}
    return value


def parse_query(query):
    params = {}
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        params.setdefault(urllib.parse.unquote(key), urllib.parse.unquote(value))
    return params


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "hb46pp-emulator/1"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # noqa: N802 - the request line has the password
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        srv = self.server
        st = srv.state
        self.got_request = True
        path, _, query = self.path.partition("?")
        params = parse_query(query)
        source = self.client_address[0]
        try:
            net = ipaddress.IPv6Network(source + "/64", strict=False)
            prefix = str(net.network_address).rstrip(":")
        except ValueError:
            prefix = ""
        step = st.step_for(srv.name)
        if isinstance(step, dict) and "by_auth" in step:
            a = step["by_auth"]
            if "user" not in params and "pass" not in params:
                step = a.get("none")
            elif params.get("user") == a.get("user") and params.get("pass") == a.get("pass"):
                step = a.get("ok")
            else:
                step = a.get("bad")
        if not isinstance(step, dict):
            step = {"status": 404, "body": ""}
        status = int(step.get("status", 200))
        logged = {k: ("present" if k == "pass" else v) for k, v in params.items()}
        st.log({"listener": srv.name, "scheme": srv.scheme, "host": self.headers.get("Host"),
                "source": source, "path": path, "query": logged, "status": status})
        if step.get("delay"):
            time.sleep(float(step["delay"]))
        if "json" in step:
            answer = substitute(step["json"], source, prefix)
            body = json.dumps(answer, ensure_ascii=False).encode()
            if step.get("provision") and isinstance(answer, dict):
                st.provision(answer)
        elif "huge" in step:
            n = int(step["huge"])
            body = ('{"order":[],"pad":"' + "x" * max(0, n - 22) + '"}').encode()
        elif "deep" in step:
            n = int(step["deep"])
            body = ('{"order":[],"x":' + "[" * n + "]" * n + "}").encode()
        else:
            body = step.get("body", "").encode()
        headers = [("Location", step["location"])] if "location" in step else []
        self.reply(status, body, headers)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    address_family = socket.AF_INET6

    def __init__(self, name, addr, port, cert, key, state):
        self.name, self.state = name, state
        self.scheme = "http" if cert == "-" else "https"
        self.ctx = None
        if cert != "-":
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(cert, key)
        super().__init__((addr, port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would do a reverse DNS lookup (getfqdn).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        # The handshake in the request's thread, so that a failed one is
        # seen (and logged) and never blocks the accept loop.  With TLS 1.3
        # the server's side of the handshake ends before the client has
        # checked the certificate: a client that refuses it closes without
        # a request, which is logged the same way.
        error = "closed without a request"
        try:
            if self.ctx:
                request = self.ctx.wrap_socket(request, server_side=True)
            handler = self.RequestHandlerClass(request, client_address, self)
            if getattr(handler, "got_request", False):
                return
        except (ssl.SSLError, OSError) as e:
            error = str(e)[:120]
        self.state.log({"listener": self.name, "scheme": self.scheme,
                        "source": client_address[0], "error": error,
                        "tls": "failed" if self.ctx else "none"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", nargs=5, action="append", required=True,
                    metavar=("NAME", "ADDR", "PORT", "CERT", "KEY"))
    ap.add_argument("--script")
    ap.add_argument("--log")
    ap.add_argument("--aftr", default="2001:db8:ffff::140")
    ap.add_argument("--ready", help="file written once listening")
    args = ap.parse_args()
    state = State(args)
    servers = [Server(n, a, int(p), c, k, state) for n, a, p, c, k in args.listen]
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(args.ready + ".tmp", args.ready)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
