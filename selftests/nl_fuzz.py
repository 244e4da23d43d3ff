#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Random and malformed generic-netlink messages to the nkstat family.

Usage: nl_fuzz.py COUNT SEED

Sends COUNT requests, each with NLM_F_ACK, generated from SEED (the same
SEED gives the same messages): commands valid and not, do and dump,
random flags and versions, attributes of the right and wrong types,
lengths and values, nested or not, truncated mid-attribute, headers cut
short. Reads every reply to the end (the ack, or a dump's NLMSG_DONE)
and prints one JSON document: messages sent, replies by errno, which
errors carried an extack message, which did not (a header cut short is
counted apart: the generic netlink core refuses it with EINVAL and no
message), and the first requests whose error had none, in hex.
"""
import errno
import json
import os
import random
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
SOL_NETLINK = 270
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 1, 2, 4
NLM_F_DUMP = 0x300
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 1 << 15
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 3, 1, 2

# include/uapi/linux/nkstat.h
CMD_MAX = 7
A_MAX = 21
A_GROUP_ID, A_NEIGH_TABLE = 5, 7
A_IFINDEX, A_IFNAME = 9, 10
A_PORT_MIN, A_PORT_MAX, A_PORT_EPHEMERAL, A_PORT_MIN_OWNERS = 13, 14, 15, 16
A_ORPHAN_ZERO_WINDOW = 19
DUMPS = {3, 5, 7}  # the others are do only
# (type, size) of what each command reads; size 0 is a flag
KNOWN = {
    1: [(A_GROUP_ID, 4)],
    2: [(A_NEIGH_TABLE, 4)],
    3: [(A_NEIGH_TABLE, 4), (A_IFINDEX, 4)],
    4: [],
    5: [(A_PORT_MIN, 2), (A_PORT_MAX, 2), (A_PORT_EPHEMERAL, 0), (A_PORT_MIN_OWNERS, 4)],
    6: [],
    7: [(A_ORPHAN_ZERO_WINDOW, 0)],
}


def nla(atype, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, atype) + payload + b"\0" * (-n % 4)


def interesting(rng, size):
    if size == 0:
        return b""
    bits = size * 8
    v = rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 255, 1024, 32768, 65535,
                    (1 << bits) - 1, (1 << (bits - 1)), rng.getrandbits(bits)])
    return (v & ((1 << bits) - 1)).to_bytes(size, "little")


def attrs(rng, cmd, depth=0):
    out = b""
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 4, 6])):
        r = rng.random()
        known = KNOWN.get(cmd, [])
        if known and r < 0.5:
            atype, size = rng.choice(known)
            if rng.random() < 0.8:
                payload = interesting(rng, size)
            else:
                payload = rng.randbytes(rng.choice([0, 1, 2, 3, 5, 8, 16]))
        else:
            atype = rng.choice([rng.randrange(A_MAX + 3), rng.randrange(1 << 14)])
            payload = rng.randbytes(rng.choice([0, 1, 2, 4, 8, 12, 40]))
        if depth < 3 and rng.random() < 0.1:
            atype |= NLA_F_NESTED
            payload = attrs(rng, cmd, depth + 1)
        elif rng.random() < 0.03:
            atype |= NLA_F_NESTED
        one = nla(atype, payload)
        if rng.random() < 0.03:
            # nla_len past the end of the message
            one = struct.pack("=HH", len(one) + rng.randrange(1, 200), atype) + one[4:]
        out += one
    if out and rng.random() < 0.08:
        out = out[:rng.randrange(len(out))]  # cut mid-attribute
    return out


def message(rng, family, seq):
    cmd = rng.choice([rng.randrange(1, CMD_MAX + 1)] * 6 +
                     [0, CMD_MAX + 1, rng.randrange(256)])
    flags = NLM_F_REQUEST | NLM_F_ACK
    if (cmd in DUMPS) == (rng.random() < 0.85):
        flags |= NLM_F_DUMP
    if rng.random() < 0.1:
        flags |= rng.getrandbits(16) & ~NLM_F_MULTI
        flags |= NLM_F_REQUEST | NLM_F_ACK
    version = 1 if rng.random() < 0.9 else rng.randrange(256)
    reserved = 0 if rng.random() < 0.9 else rng.getrandbits(16)
    genl = struct.pack("=BBH", cmd, version, reserved)
    short = rng.random() < 0.02
    if short:
        body = genl[:rng.randrange(4)]  # a generic netlink header cut short
    else:
        body = genl + attrs(rng, cmd)
    return cmd, short, struct.pack("=IHHII", 16 + len(body), family, flags, seq, 0) + body


def resolve(sock):
    req = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + nla(CTRL_ATTR_FAMILY_NAME, b"nkstat\0")
    sock.send(struct.pack("=IHHII", 16 + len(req), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + req)
    data = sock.recv(65536)
    length, mtype = struct.unpack_from("=IH", data)
    if mtype == NLMSG_ERROR:
        sys.exit("the nkstat family is not registered: %s" %
                 os.strerror(-struct.unpack_from("=i", data, 16)[0]))
    off = 20
    while off < length:
        alen, atype = struct.unpack_from("=HH", data, off)
        if atype == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from("=H", data, off + 4)[0]
        off += (alen + 3) & ~3
    sys.exit("no family id in the reply")


def extack_msg(data, off, length, flags, echoed):
    """The extack message of an NLMSG_ERROR or NLMSG_DONE payload, if any:
    after the header, the error and the ECHOED bytes of the request."""
    if not flags & NLM_F_ACK_TLVS:
        return None
    tlv = off + 16 + 4 + echoed
    while tlv + 4 <= off + length:
        alen, atype = struct.unpack_from("=HH", data, tlv)
        if alen < 4:
            break
        if atype == NLMSGERR_ATTR_MSG:
            return data[tlv + 4:tlv + alen].rstrip(b"\0").decode(errors="replace")
        tlv += (alen + 3) & ~3
    return None


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.settimeout(10)
    sock.bind((0, 0))
    family = resolve(sock)
    errnos, with_msg, silent = {}, {}, 0
    no_msg, samples, short_einval, dump_msgs = {}, [], 0, 0
    t0 = time.monotonic()
    for seq in range(2, count + 2):
        cmd, short, msg = message(rng, family, seq)
        sock.send(msg)
        done = False
        while not done:
            try:
                data = sock.recv(1 << 20)
            except socket.timeout:
                silent += 1
                break
            off = 0
            while off + 16 <= len(data):
                length, mtype, flags, rseq = struct.unpack_from("=IHHI", data, off)
                if length < 16:
                    break
                if rseq != seq:
                    pass  # a late part of an earlier dump
                elif mtype in (NLMSG_ERROR, NLMSG_DONE):
                    err = -struct.unpack_from("=i", data, off + 16)[0]
                    # an error echoes the request's header only (CAP_ACK)
                    echoed = 16 if mtype == NLMSG_ERROR else 0
                    text = extack_msg(data, off, length, flags, echoed)
                    name = errno.errorcode.get(err, str(err)) if err else "0"
                    errnos[name] = errnos.get(name, 0) + 1
                    if err and text:
                        with_msg[name] = with_msg.get(name, 0) + 1
                    elif err and short and err == errno.EINVAL:
                        short_einval += 1
                    elif err:
                        no_msg[name] = no_msg.get(name, 0) + 1
                        if name != "ENOTSUP" and len(samples) < 5:
                            samples.append("cmd %d: %s" % (cmd, msg.hex()))
                    done = True
                elif mtype == family:
                    dump_msgs += 1
                off += (length + 3) & ~3
    json.dump({"sent": count, "seed": seed, "uid": os.getuid(),
               "seconds": round(time.monotonic() - t0, 1), "errnos": errnos,
               "with_extack": with_msg, "no_extack": no_msg,
               "no_extack_samples": samples, "short_header_einval": short_einval,
               "reply_messages": dump_msgs, "silent": silent}, sys.stdout, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
