#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Real TCP traffic for selftests/ports.sh, run inside a netns.

Each scenario sets up its sockets, then runs every --run command while
they are still open, and prints one JSON object on stdout:
  {"result": {...what the application saw...}, "runs": [stdout, ...]}

  exhaust --dst IP:PORT --count N   connect() N times, holding each
  mix                               listeners, a SO_REUSEPORT group, IPv6,
                                    connections, TIME_WAIT, bound-only
  timewait --count N                N loopback connections, the client
                                    closing first: N TIME_WAIT attempts
  reuse --count N                   N TIME_WAIT, then N connects that can
                                    only succeed by reusing them
  hold --ports LO-HI --owners K     bind K sockets to each port, print
                                    "ready" and sleep until killed
  serve --addr IP:PORT              listen there, print "ready" and sleep
  devbind --port P DEV...           bind a socket to port P on each DEV
                                    (SO_BINDTODEVICE), and one on none
  churn --seconds S                 bind and close sockets on random ports
"""
import argparse
import errno
import json
import os
import random
import socket
import subprocess
import sys
import time


def run_commands(cmds):
    return [subprocess.run(c, shell=True, capture_output=True, text=True,
                           check=False).stdout for c in cmds]


def emit(result, cmds):
    json.dump({"result": result, "runs": run_commands(cmds)}, sys.stdout)
    sys.stdout.write("\n")


def listener(addr, port, family=socket.AF_INET, reuseport=False, backlog=1024):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuseport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((addr, port))
    s.listen(backlog)
    return s


def exhaust(args):
    host, port = args.dst.rsplit(":", 1)
    held, seen = [], {"ok": 0, "eaddrnotavail": 0, "other": 0}
    for _ in range(args.count):
        c = socket.socket()
        try:
            c.connect((host, int(port)))
            held.append(c)
            seen["ok"] += 1
        except OSError as e:
            c.close()
            seen["eaddrnotavail" if e.errno == errno.EADDRNOTAVAIL else "other"] += 1
    # With every ephemeral port taken by connect(): bind() to one of them
    # and listen() on an unbound socket (which binds a free port) fail.
    refused = 0
    if held:
        b = socket.socket()
        try:
            b.bind(("0.0.0.0", held[0].getsockname()[1]))
        except OSError as e:
            refused += e.errno == errno.EADDRINUSE
        b.close()
        lsock = socket.socket()
        try:
            lsock.listen(1)
        except OSError as e:
            refused += e.errno == errno.EADDRINUSE
        lsock.close()
    seen["eaddrinuse"] = refused
    emit(seen, args.run)


def pairs(srv, dst, count, family=socket.AF_INET):
    """count connected (client, accepted child) pairs to srv at dst."""
    out = []
    for _ in range(count):
        c = socket.socket(family, socket.SOCK_STREAM)
        c.connect(dst)
        child, _ = srv.accept()
        out.append((c, child))
    return out


def close_client_first(prs):
    """The client closes first, then the server: TIME_WAIT on the client."""
    for c, child in prs:
        c.close()
    time.sleep(0.2)
    for c, child in prs:
        child.close()
    time.sleep(0.3)


def mix(args):
    keep = []
    main = listener("127.0.0.1", 6000)
    keep.append(main)
    # connections held open: clients, and children still in the queue
    for _ in range(120):
        c = socket.socket()
        c.connect(("127.0.0.1", 6000))
        keep.append(c)
    # 30 accepted and closed, client first: 30 TIME_WAIT (a listener of
    # their own, whose queue holds nothing else to accept)
    closing = listener("127.0.0.1", 6003)
    keep.append(closing)
    close_client_first(pairs(closing, ("127.0.0.1", 6003), 30))
    # a SO_REUSEPORT group of 4
    keep += [listener("0.0.0.0", 6001, reuseport=True) for _ in range(4)]
    # IPv6, with 10 connections
    six = listener("::1", 6002, family=socket.AF_INET6)
    keep.append(six)
    keep += [s for p in pairs(six, ("::1", 6002), 10, socket.AF_INET6) for s in p]
    # one port, two local addresses
    keep += [listener("127.0.0.1", 7100), listener("127.0.0.2", 7100)]
    # bound, never listening nor connected: ss cannot see these
    for port in range(7000, 7020):
        b = socket.socket()
        b.bind(("127.0.0.1", port))
        keep.append(b)
    emit({"bound_only": list(range(7000, 7020))}, args.run)


def timewait(args):
    srv = listener("127.0.0.1", 6100)
    close_client_first(pairs(srv, ("127.0.0.1", 6100), args.count))
    emit({"pairs": args.count}, args.run)


def reuse(args):
    srv = listener("127.0.0.1", 6200)
    close_client_first(pairs(srv, ("127.0.0.1", 6200), args.count))
    # a TIME_WAIT is reusable once its last timestamp is a second old
    time.sleep(2.1)
    ok, keep = 0, []
    for _ in range(args.count):
        c = socket.socket()
        try:
            c.connect(("127.0.0.1", 6200))
            ok += 1
            keep.append(c)
        except OSError:
            c.close()
    emit({"reconnected": ok}, args.run)


def hold(args):
    lo, hi = (int(p) for p in args.ports.split("-"))
    keep = []
    for port in range(lo, hi + 1):
        for _ in range(args.owners):
            b = socket.socket()
            b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            b.bind(("0.0.0.0", port))
            keep.append(b)
    print("ready", flush=True)
    time.sleep(3600)


def serve(args):
    host, port = args.addr.rsplit(":", 1)
    s = listener(host, int(port), backlog=4096)
    print("ready", flush=True)
    time.sleep(3600)
    s.close()


def devbind(args):
    keep = []
    for dev in args.devs + [None]:
        b = socket.socket()
        if dev:
            b.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
        b.bind(("0.0.0.0", args.port))
        keep.append(b)
    emit({"sockets": len(keep)}, args.run)


def churn(args):
    """Binds and closes 200 sockets at a time until --until exists (at most --seconds)."""
    end, n = time.monotonic() + args.seconds, 0
    while time.monotonic() < end and not os.path.exists(args.until):
        socks = []
        for _ in range(200):
            b = socket.socket()
            try:
                b.bind(("0.0.0.0", random.randint(20000, 29999)))
            except OSError:
                pass
            socks.append(b)
        for b in socks:
            b.close()
        n += 1
    print(n * 200)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("exhaust", "mix", "timewait", "reuse"):
        sp = sub.add_parser(name)
        sp.add_argument("--run", action="append", default=[])
        if name == "exhaust":
            sp.add_argument("--dst", required=True)
        if name != "mix":
            sp.add_argument("--count", type=int, default=100)
    sp = sub.add_parser("hold")
    sp.add_argument("--ports", required=True)
    sp.add_argument("--owners", type=int, default=1)
    sp = sub.add_parser("serve")
    sp.add_argument("--addr", required=True)
    sp = sub.add_parser("devbind")
    sp.add_argument("--port", type=int, required=True)
    sp.add_argument("--run", action="append", default=[])
    sp.add_argument("devs", nargs="+")
    sp = sub.add_parser("churn")
    sp.add_argument("--seconds", type=float, default=300)
    sp.add_argument("--until", required=True)
    args = p.parse_args()
    globals()[args.cmd](args)


if __name__ == "__main__":
    main()
