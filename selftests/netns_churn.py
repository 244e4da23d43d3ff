#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Network namespaces that go with TCP timers pending, for netns_churn.sh.

  netns_churn.py COUNT

COUNT times, in this one process (no fork, no exec: each costs tens of
ms under TCG): unshare(CLONE_NEWNET), set lo up, open a listener on
127.0.0.1 with two connections and one idle SO_KEEPALIVE connection
(TCP_KEEPIDLE 1 s), drop every packet on lo (netem loss 100%), send on
both ends of the two connections, and read /proc/net/tcp: four sockets
must have their retransmit timer pending and one its keepalive timer.
Then close everything and unshare again. The previous netns is left to
its orphans: FIN_WAIT1 sockets whose retransmit timers keep firing with
no process in the netns (tcp_orphan_retries 1 kills them within about
a second), and it is dismantled when the last one is gone.

Once more, for a sample netns kept open by a file descriptor: after its
orphans have died, `nkstat -j tcp` there.

Prints one JSON object on stdout:
  {"netns": N, "seconds": S, "bad": [...], "sample": {...}}
where bad lists the rounds whose timers were not as wanted.
"""
import ctypes
import fcntl
import json
import os
import socket
import struct
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
RTM_NEWQDISC, NLMSG_ERROR = 36, 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
TCA_KIND, TCA_OPTIONS, TC_H_ROOT = 1, 2, 0xFFFFFFFF
PORT = 5000

libc = ctypes.CDLL(None, use_errno=True)


def check(rc, what):
    if rc:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def lo_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(s, SIOCGIFFLAGS, ifr))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))


def sysctl(name, value):
    with open("/proc/sys/" + name.replace(".", "/"), "w") as f:
        f.write(str(value))


def nlattr(kind, data):
    n = 4 + len(data)
    return struct.pack("HH", n, kind) + data + b"\0" * (-n % 4)


def drop_all_on_lo():
    """tc qdisc add dev lo root handle 1: netem loss 100%, over rtnetlink."""
    # struct tc_netem_qopt: latency, limit, loss (of 2^32 - 1), gap, duplicate, jitter
    qopt = struct.pack("6I", 0, 1000, 0xFFFFFFFF, 0, 0, 0)
    tcm = struct.pack("BBHiIII", socket.AF_UNSPEC, 0, 0, socket.if_nametoindex("lo"),
                      0x10000, TC_H_ROOT, 0)
    body = tcm + nlattr(TCA_KIND, b"netem\0") + nlattr(TCA_OPTIONS, qopt)
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE
    msg = struct.pack("IHHII", 16 + len(body), RTM_NEWQDISC, flags, 1, 0) + body
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as nl:
        nl.send(msg)
        reply = nl.recv(65536)
    _, kind = struct.unpack_from("IH", reply)
    err = struct.unpack_from("i", reply, 16)[0] if kind == NLMSG_ERROR else -1
    if err:
        raise OSError(-err, "netem qdisc on lo: %s" % os.strerror(-err))


def timers():
    """The sockets of this netns by pending timer: {1: rto, 2: keepalive, ...}."""
    count = {}
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            tr = int(line.split()[5].split(":")[0], 16)
            count[tr] = count.get(tr, 0) + 1
    return count


def one_netns():
    """A new netns with its timers pending; returns its sockets and timers."""
    check(libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
    lo_up()
    # orphans die after one retransmission of their FIN, not eight
    sysctl("net.ipv4.tcp_orphan_retries", 1)
    socks = []
    lsn = socket.socket()
    socks.append(lsn)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsn.bind(("127.0.0.1", PORT))
    lsn.listen(8)
    ka = socket.socket()
    socks.append(ka)
    ka.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    ka.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    ka.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    ka.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 1)
    ka.connect(("127.0.0.1", PORT))
    socks.append(lsn.accept()[0])
    data = []
    for _ in range(2):
        c = socket.socket()
        socks.append(c)
        c.connect(("127.0.0.1", PORT))
        s = lsn.accept()[0]
        socks.append(s)
        data += [c, s]
    drop_all_on_lo()
    for s in data:
        s.send(b"x" * 100)
    return socks, timers()


def close_all(socks):
    for s in socks:
        s.close()


def nkstat_json(args, fds=()):
    out = subprocess.run(["nkstat"] + args, capture_output=True, text=True,
                         pass_fds=fds, check=False)
    return json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr.strip()}


def sample(home):
    """One more netns, kept by a file descriptor once nobody is in it."""
    socks, _ = one_netns()
    fd = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    close_all(socks)
    check(libc.setns(home, CLONE_NEWNET), "setns back")
    path = "/proc/self/fd/%d" % fd
    at_close = nkstat_json(["-n", path, "-j", "tcp"], (fd,))
    deadline = time.monotonic() + 20
    while True:
        tcp = nkstat_json(["-n", path, "-j", "tcp"], (fd,))
        if "error" in tcp or tcp["tcp"]["orphans"]["total"] == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    os.close(fd)
    return {"orphans_at_close": at_close.get("tcp", {}).get("orphans", {}).get("total"),
            "after": tcp}


def main():
    count = int(sys.argv[1])
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    bad = []
    t0 = time.monotonic()
    for i in range(count):
        socks, tm = one_netns()
        if tm.get(1, 0) < 4 or tm.get(2, 0) < 1:
            bad.append({"round": i, "timers": tm})
        close_all(socks)
    check(libc.setns(home, CLONE_NEWNET), "setns back")
    seconds = round(time.monotonic() - t0, 1)
    json.dump({"netns": count, "seconds": seconds, "bad": bad[:5], "n_bad": len(bad),
               "sample": sample(home)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
