#!/usr/bin/python3 -I
# SPDX-License-Identifier: GPL-2.0-or-later
# The side-by-side bench's probe (make bench): runs inside the router's
# netns and watches one ifup without starting a single process, so that
# it neither slows the thing it measures nor shows up in the process
# count.  It polls every few milliseconds:
#   /proc/net/if_inet6     the token address appearing, and becoming
#                          usable (DAD done, or optimistic: RFC 4429)
#   /etc/resolv.conf       the ISP's DNS server written (dhclient-script)
#   an ICMP echo socket    IPv4 working: the first echo reply from the
#                          "internet" through the tunnel and the AFTR
#   /proc/loadavg          the last PID handed out, for processes spawned
# and prints "key=epoch_seconds" lines when IPv4 works or at the deadline
# (a deadline that only a hang reaches; the bench reports "-" then).
import os
import select
import socket
import struct
import sys
import time

IFA_F_OPTIMISTIC, IFA_F_DADFAILED, IFA_F_TENTATIVE = 0x04, 0x08, 0x40


def last_pid():
    with open('/proc/loadavg') as f:
        return int(f.read().split()[4])


def checksum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def main():
    addr, v4, dns, ready, deadline = sys.argv[1:6]
    want = socket.inet_pton(socket.AF_INET6, addr).hex()
    dns_b = dns.encode()
    end = time.time() + float(deadline)
    ev = {}
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sock.setblocking(False)
    seq = 0
    last_send = 0.0
    with open(ready, 'w') as f:
        f.write('%d\n' % last_pid())
    ev['pid0'] = last_pid()
    while time.time() < end:
        now = time.time()
        if 'feed_usable' not in ev:
            with open('/proc/net/if_inet6') as f:
                for line in f:
                    p = line.split()
                    if p[0] != want:
                        continue
                    ev.setdefault('feed_appeared', now)
                    fl = int(p[4], 16)
                    if fl & IFA_F_DADFAILED:
                        ev.setdefault('feed_dadfailed', now)
                    elif fl & IFA_F_OPTIMISTIC or not fl & IFA_F_TENTATIVE:
                        ev['feed_usable'] = now
                    if not fl & (IFA_F_TENTATIVE | IFA_F_DADFAILED):
                        ev['feed_valid'] = now
        elif 'feed_valid' not in ev:
            with open('/proc/net/if_inet6') as f:
                for line in f:
                    p = line.split()
                    if p[0] == want and not int(p[4], 16) & (IFA_F_TENTATIVE | IFA_F_DADFAILED):
                        ev['feed_valid'] = now
        if 'dns' not in ev:
            try:
                with open('/etc/resolv.conf', 'rb') as f:
                    if dns_b in f.read():
                        ev['dns'] = now
            except OSError:
                pass
        if now - last_send >= 0.01:
            seq = (seq + 1) & 0xffff
            hdr = struct.pack('!BBHHH', 8, 0, 0, 0, seq)
            pkt = struct.pack('!BBHHH', 8, 0, checksum(hdr + b'transix!'), 0, seq) + b'transix!'
            try:
                sock.sendto(pkt, (v4, 0))
            except OSError:
                pass        # no route yet: the tunnel is not there
            last_send = now
        r, _, _ = select.select([sock], [], [], 0.004)
        if r:
            try:
                data = sock.recv(2048)
            except OSError:
                data = b''
            # A raw socket: the IPv4 header first; an echo reply from v4.
            off = (data[0] & 0xf) * 4 if data else 0
            if data and data[off:off + 1] == b'\x00' and socket.inet_ntoa(data[12:16]) == v4:
                ev['ipv4'] = time.time()
                ev['pid_ipv4'] = last_pid()
                break
    for k, v in ev.items():
        print('%s=%s' % (k, v))


main()
