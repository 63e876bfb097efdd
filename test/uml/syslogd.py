#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Minimal syslog sink for the UML test guest.

No syslog daemon runs in the guest (rsyslog is not installed and the guest
has no systemd), so syslog() of the programs under test would vanish.  This
binds /dev/log (a path-named AF_UNIX datagram socket: reachable from every
network namespace) and appends one line per message to a file:

    2024-05-01T12:34:56.789 daemon.err transix-hook[123]: message text

i.e. local time with milliseconds, facility.severity, then the message as
sent minus the RFC 3164 timestamp that glibc puts in front.  Tests grep it;
the file is truncated by the guest between scenarios, which is safe because
it is opened with O_APPEND.

Usage: syslogd.py SOCKET LOGFILE READY-FILE
"""
import os
import re
import socket
import sys
import time

FACILITIES = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
              "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
              "local0", "local1", "local2", "local3", "local4", "local5", "local6",
              "local7"]
SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
PRI_RE = re.compile(rb"^<(\d{1,3})>")
# glibc: "<PRI>May  1 12:34:56 tag[pid]: msg"; util-linux logger may send
# RFC 5424 ("<PRI>1 2024-05-01T12:34:56.789+00:00 host tag pid - - msg").
TS3164_RE = re.compile(rb"^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d ")


def main():
    path, logfile, ready = sys.argv[1:4]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    out = os.open(logfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with open(ready, "w") as f:
        f.write("%d\n" % os.getpid())
    while True:
        data = sock.recv(65536)
        pri = 13  # user.notice, what syslog(3) assumes without a priority
        m = PRI_RE.match(data)
        if m:
            pri = int(m.group(1))
            data = data[m.end():]
        data = TS3164_RE.sub(b"", data, count=1)
        fac = pri >> 3
        facname = FACILITIES[fac] if fac < len(FACILITIES) else str(fac)
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(now))
        head = "%s.%03d %s.%s " % (stamp, int(now * 1000) % 1000, facname,
                                   SEVERITIES[pri & 7])
        # One message, one line: embedded newlines would fool grep-based tests.
        body = data.rstrip(b"\n\0").replace(b"\n", b"\\n")
        os.write(out, head.encode() + body + b"\n")


if __name__ == "__main__":
    main()
