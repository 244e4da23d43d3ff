#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Real TCP traffic for selftests/tcp.sh and scripts/bench-tcp.

  stall-serve --addr IP:PORT [--rcvbuf B]
        listen with a tiny receive buffer, accept and never read; print
        "ready" and sleep until killed: every peer meets a zero window
  orphan --dst IP:PORT --count N [--run CMD]...
        connect N times, write until each send buffer is full, close all:
        N orphans in FIN_WAIT1, probing the zero window. Prints one JSON
        object after running each --run command:
        {"result": {...}, "runs": [stdout, ...]}
  serve --addr IP:PORT
        listen, accept and hold every connection (the kernel buffers what
        little the clients write); print "ready" first
  abort --dst IP:PORT --mode M --cut CMD
        connect, run CMD (which must make the peer vanish), then wait for
        the kernel to give up; M is user_timeout (TCP_USER_TIMEOUT 2 s and
        a write), retries (a write) or keepalive (1 s timers, 2 probes).
        Prints {"errno": NAME, "seconds": S}
  stall --dst IP:PORT --user-timeout MS [--run CMD]...
        connect to a stall-serve peer, write until its window closes, run
        each --run command while the socket probes the zero window (with a
        TCP_USER_TIMEOUT of 10 minutes), then set TCP_USER_TIMEOUT MS and
        wait for the kernel to give up. Prints
        {"errno": NAME, "seconds": S, "runs": [stdout, ...]}
  syn --dst IP:PORT
        connect with TCP_SYNCNT 1 to an address that never answers;
        prints {"errno": NAME, "seconds": S}
  hold --dst IP:PORT --count N
        N idle connections; print "ready" and sleep until killed
  states --client-ns NS --server-ns NS --server IP --port P --count N
         --last-ack-client IP --cut CMD
        run from any netns: N connections from the client netns to a
        server of this process in the server netns for each of three
        orphan states, then print {"ports": {STATE: [local port, ...]}},
        "ready", and hold the server's sockets until killed:
          fin_wait2: TCP_LINGER2 120 s, closed; the server holds its end
          closing: the client writes until the window closes and closes
            (its FIN waits behind the data); the server, its buffer full,
            shuts down its side: simultaneous close, probing the window
          last_ack (from --last-ack-client): the server closes, the client
            reads the EOF, CMD makes the server vanish, the client closes
            and retransmits its FIN
"""
import argparse
import ctypes
import errno
import json
import os
import socket
import struct
import subprocess
import sys
import time


def addr(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


def sleep_forever():
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def listener(a, rcvbuf=None):
    """A socket listening on address a; with rcvbuf, a tiny window."""
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf is not None:
        # before listen(): accepted sockets inherit it, and the window with it
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    lst.bind(a)
    lst.listen(4096)
    return lst


def stall_serve(args):
    lst = listener(addr(args.addr), args.rcvbuf)
    print("ready", flush=True)
    held = []
    while True:
        conn, _ = lst.accept()
        held.append(conn)


def orphan(args):
    socks = []
    for _ in range(args.count):
        c = socket.socket()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        c.connect(addr(args.dst))
        c.setblocking(False)
        socks.append(c)
    sent = 0
    # fill each send buffer: the peer's window closes first
    for c in socks:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                sent += c.send(b"x" * 65536)
            except BlockingIOError:
                time.sleep(0.01)
                try:
                    sent += c.send(b"x" * 65536)
                except BlockingIOError:
                    break
    for c in socks:
        c.close()
    runs = [subprocess.run(cmd, shell=True, capture_output=True, text=True,
                           check=False).stdout for cmd in args.run]
    json.dump({"result": {"orphaned": len(socks), "sent": sent}, "runs": runs},
              sys.stdout)
    sys.stdout.write("\n")


def serve(args):
    lst = listener(addr(args.addr))
    print("ready", flush=True)
    held = []
    while True:
        held.append(lst.accept()[0])


def wait_acked(c):
    """Poll TCP_INFO until nothing is outstanding (tcpi_unacked == 0)."""
    for _ in range(3000):
        # struct tcp_info: 8 bytes of u8 fields, then rto, ato, snd_mss,
        # rcv_mss, unacked (u32 each)
        info = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        if struct.unpack_from("=I", info, 24)[0] == 0:
            return
        time.sleep(0.01)
    sys.exit("what was sent is still unacknowledged after 30 s")


def wait_error(c, write):
    start = time.monotonic()
    try:
        if write:
            c.send(b"y" * 1000)
        c.settimeout(600)
        c.recv(1)
        err = "EOF"
    except OSError as e:
        err = errno.errorcode.get(e.errno, str(e.errno))
    return err, time.monotonic() - start


def abort(args):
    c = socket.socket()
    c.connect(addr(args.dst))
    if args.mode == "user_timeout":
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 2000)
    elif args.mode == "keepalive":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 2)
    c.send(b"hello")
    wait_acked(c)
    subprocess.run(args.cut, shell=True, check=True)
    err, secs = wait_error(c, args.mode != "keepalive")
    json.dump({"errno": err, "seconds": round(secs, 2)}, sys.stdout)
    sys.stdout.write("\n")


def fill(c):
    """Write until c's send buffer is full: the peer's window closed."""
    c.setblocking(False)
    while True:
        try:
            c.send(b"x" * 65536)
        except BlockingIOError:
            time.sleep(0.05)
            try:
                c.send(b"x" * 65536)
            except BlockingIOError:
                return


def stall(args):
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    c.connect(addr(args.dst))
    # The user timeout is set only once the --run commands are done, so
    # that however slow they are, they see the socket still probing; until
    # then one of 10 minutes has it counted as set. The probe timer then
    # aborts at its next expiry: its probes went on since before.
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, 600000)
    fill(c)
    start = time.monotonic()
    runs = [subprocess.run(cmd, shell=True, capture_output=True, text=True,
                           check=False).stdout for cmd in args.run]
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, args.user_timeout)
    c.setblocking(True)
    err, _ = wait_error(c, False)
    json.dump({"errno": err, "seconds": round(time.monotonic() - start, 2),
               "runs": runs}, sys.stdout)
    sys.stdout.write("\n")


def syn(args):
    c = socket.socket()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)
    start = time.monotonic()
    try:
        c.connect(addr(args.dst))
        err = "connected"
    except OSError as e:
        err = errno.errorcode.get(e.errno, str(e.errno))
    json.dump({"errno": err, "seconds": round(time.monotonic() - start, 2)},
              sys.stdout)
    sys.stdout.write("\n")


def hold(args):
    held = []
    for _ in range(args.count):
        c = socket.socket()
        c.connect(addr(args.dst))
        held.append(c)
    sleep_forever()


def setns(name):
    """Enter network namespace NAME (ip netns); sockets keep theirs."""
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            raise OSError(ctypes.get_errno(), "setns " + name)
    finally:
        os.close(fd)


def states(args):
    setns(args.server_ns)
    lst = listener((args.server, args.port), 2048)
    setns(args.client_ns)
    conns = {}          # state: [(client socket, server socket)]
    for state in ("fin_wait2", "closing", "last_ack"):
        conns[state] = []
        for _ in range(args.count):
            c = socket.socket()
            if state == "last_ack":
                c.bind((args.last_ack_client, 0))
            if state == "closing":
                c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
            c.connect((args.server, args.port))
            conns[state].append((c, lst.accept()[0]))
    ports = {k: sorted(c.getsockname()[1] for c, _ in v) for k, v in conns.items()}
    for c, _ in conns["fin_wait2"]:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_LINGER2, 120)
        c.close()
    for c, sv in conns["closing"]:
        fill(c)
        c.close()
        sv.shutdown(socket.SHUT_WR)
    for c, sv in conns["last_ack"]:
        sv.close()
        c.settimeout(30)
        if c.recv(1) != b"":
            sys.exit("last_ack: data where the server's FIN was due")
    subprocess.run(args.cut, shell=True, check=True)
    for c, _ in conns["last_ack"]:
        c.close()
    json.dump({"ports": ports}, sys.stdout)
    sys.stdout.write("\n")
    sleep_forever()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("stall-serve")
    sp.add_argument("--addr", required=True)
    sp.add_argument("--rcvbuf", type=int, default=2048)
    sp = sub.add_parser("orphan")
    sp.add_argument("--dst", required=True)
    sp.add_argument("--count", type=int, default=10)
    sp.add_argument("--run", action="append", default=[])
    sp = sub.add_parser("serve")
    sp.add_argument("--addr", required=True)
    sp = sub.add_parser("abort")
    sp.add_argument("--dst", required=True)
    sp.add_argument("--mode", required=True,
                    choices=["user_timeout", "retries", "keepalive"])
    sp.add_argument("--cut", required=True)
    sp = sub.add_parser("stall")
    sp.add_argument("--dst", required=True)
    sp.add_argument("--user-timeout", type=int, required=True)
    sp.add_argument("--run", action="append", default=[])
    sp = sub.add_parser("syn")
    sp.add_argument("--dst", required=True)
    sp = sub.add_parser("hold")
    sp.add_argument("--dst", required=True)
    sp.add_argument("--count", type=int, default=100)
    sp = sub.add_parser("states")
    for opt in ("--client-ns", "--server-ns", "--server", "--last-ack-client", "--cut"):
        sp.add_argument(opt, required=True)
    sp.add_argument("--port", type=int, required=True)
    sp.add_argument("--count", type=int, default=10)
    args = p.parse_args()
    {"stall-serve": stall_serve, "orphan": orphan, "serve": serve,
     "abort": abort, "stall": stall, "syn": syn,
     "hold": hold, "states": states}[args.cmd](args)


if __name__ == "__main__":
    main()
