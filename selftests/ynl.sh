#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docs/netlink/specs/nkstat.yaml against the module, through the kernel's
# own YNL CLI (tools/net/ynl from Debian's linux-source-6.12, unpacked by
# scripts/deps): the spec must validate against the kernel's genetlink
# schema, found beside it as in the kernel's tree, give every command,
# attribute, enum entry and constant the value include/uapi/linux/nkstat.h
# gives it (and leave none of the header's out), and what YNL decodes with
# it must agree with nkstat -j.
# If it does not, the spec or the uapi header is wrong.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

SRC=${NKSTAT_SOURCE:-$NKSTAT_REPO/.cache/linux-source-6.12}
SPEC=$NKSTAT_REPO/docs/netlink/specs/nkstat.yaml
[ -f "$SRC/tools/net/ynl/cli.py" ] || skip_all "no YNL CLI in $SRC (run scripts/deps)"
pyrun -c 'import yaml, jsonschema' </dev/null 2>/dev/null ||
	skip_all "python3-yaml and python3-jsonschema are needed (run scripts/deps)"

ns=nks-ynl-$$
# the tcp group's client and server netns, over a veth
CL=$ns-cl SV=$ns-sv
CL_IP=10.78.0.1 SV_IP=10.78.0.2
traffic=(python3 "$NKSTAT_REPO/selftests/tcp_traffic.py")
holder=
server=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	[ -n "$server" ] && kill "$server" 2>/dev/null
	wait 2>/dev/null
	for netns in "$ns" "$CL" "$SV"; do ip netns del "$netns" 2>/dev/null; done
	rm -f "/tmp/$ns.ready" "/tmp/$SV.ready"
}
trap cleanup EXIT

# the YNL CLI with our spec, JSON out; the spec is validated against the
# schema once (the check below), not again on every call. It reads the
# spec with libyaml's loader, not PyYAML's pure-Python one: 0.09 s
# against 0.72 s of a guest's CPU per call (6.12 guest).
ynl=(/usr/bin/python3 -c 'import runpy, sys, yaml
yaml.safe_load = lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader)
sys.argv = sys.argv[1:]
sys.path.insert(0, sys.argv[0].rsplit("/", 1)[0])
runpy.run_path(sys.argv[0], run_name="__main__")'
	"$SRC/tools/net/ynl/cli.py" --spec "$SPEC" --no-schema --output-json)
# the CLI as a reader of the README would run it: no flag but the spec's
# path, whose folder above holds the schema
validate=(/usr/bin/python3 "$SRC/tools/net/ynl/cli.py" --spec "$SPEC" --list-ops)
# shellcheck disable=SC2317 # run through tap_check
# same WHAT A B: true if the JSON values A (from YNL) and B (from nkstat)
# are equal; prints both when they are not
same() {
	pyrun - "$@" <<'PY'
import json, sys
what, a, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
if a != b:
    print("# %s: ynl %s" % (what, a))
    print("# %s: nkstat %s" % (what, b))
    sys.exit(1)
PY
}
# pick EXPR < JSON: the value of EXPR over d, as JSON
pick() {
	pyrun -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps(eval(sys.argv[1], {"d": d})))' "$1"
}
# shellcheck disable=SC2317 # run through tap_check
# spec_is_uapi: every command, attribute, enum entry and constant of the
# spec has the value the uapi header gives the C name YNL derives from it
# (NKSTAT_CMD_GET_INFO, NKSTAT_A_GROUP_ID, NKSTAT_PORTS_A_PAD,
# NKSTAT_TCP_TIMER_NONE, NKSTAT_HIST_BUCKETS), and every enum entry of the
# header but UNSPEC and the __MAX bookkeeping is in the spec
spec_is_uapi() {
	pyrun - "$SRC/tools/net/ynl" "$SPEC" "$NKSTAT_REPO/include/uapi/linux/nkstat.h" <<'PY'
import re, sys
sys.path.insert(0, sys.argv[1])
from lib import SpecFamily

spec = SpecFamily(sys.argv[2], schema_path="")
hdr = re.sub(r"/\*.*?\*/", "", open(sys.argv[3]).read(), flags=re.S)
uapi, entries = {}, set()
for body in re.findall(r"\benum\s+\w+\s*\{(.*?)\}", hdr, re.S):
    val = 0
    for item in filter(None, (i.strip() for i in body.split(","))):
        name, _, expr = (x.strip() for x in item.partition("="))
        if expr:
            val = eval(expr, {}, dict(uapi))
        uapi[name] = val
        if not (name.startswith("__") or name.endswith("_UNSPEC") or "__" in expr):
            entries.add(name)
        val += 1
for name, val in re.findall(r"^#define\s+(NKSTAT_\w+)\s+(\d+)\s*$", hdr, re.M):
    uapi[name] = int(val)


def c(*parts):
    return "_".join(parts).upper().replace("-", "_")


want = {}
for op in spec.ops.values():
    want[c("nkstat-cmd", op.name)] = op.req_value
for aset in spec.attr_sets.values():
    prefix = "nkstat-a" if aset.name == "nkstat" else "nkstat-%s-a" % aset.name
    for attr in aset.attrs.values():
        want[c(prefix, attr.name)] = attr.value
for name, k in spec.consts.items():
    if isinstance(k, dict):
        want[c("nkstat", name)] = k["value"]
    else:
        for e in k.entries.values():
            want[c("nkstat", name, e.name)] = e.value
bad = ["%s: spec %s, uapi %s" % (n, v, uapi.get(n)) for n, v in want.items() if uapi.get(n) != v]
bad += ["%s: in the uapi, not in the spec" % n for n in sorted(entries - set(want))]
for line in bad:
    print("# " + line)
sys.exit(1 if bad else 0)
PY
}
# orphan_rows ynl|nkstat JSON: a get-tcp-orphans dump as YNL or nkstat -j
# prints it, as sorted [local, local_port, peer, peer_port, state, timer]
# rows in nkstat's words
orphan_rows() {
	pyrun - "$@" <<'PY'
import ipaddress, json, sys
src, d = sys.argv[1], json.loads(sys.argv[2])
if src == "nkstat":
    rows = [[o["local"], o["local_port"], o["peer"], o["peer_port"], o["state"], o["timer"]]
            for o in d["tcp_orphans"]]
else:
    # YNL prints binary as hex; states are the kernel's (net/tcp_states.h)
    states = {1: "established", 3: "syn_recv", 4: "fin_wait1", 5: "fin_wait2",
              7: "close", 8: "close_wait", 9: "last_ack", 11: "closing"}
    timers = {"none": "off", "retrans": "on", "probe0": "persist", "keepalive": "keepalive"}

    def addr(h):
        return str(ipaddress.ip_address(bytes.fromhex(h)))
    rows = [[addr(o["saddr"]), o["sport"], addr(o["daddr"]), o["dport"],
             states.get(o["state"], o["state"]), timers.get(o["timer"], o["timer"])]
            for m in d for o in m.get("orphan", [])]
print(json.dumps(sorted(rows, key=json.dumps)))
PY
}

# shellcheck disable=SC2317 # run through tap_check
# shellcheck disable=SC2317 # run through tap_check
validated() { "${validate[@]}" >/dev/null; }
tap_check "spec: the schema beside it is the kernel's genetlink.yaml" \
	cmp "$NKSTAT_REPO/docs/netlink/genetlink.yaml" "$SRC/Documentation/netlink/genetlink.yaml"
tap_check "spec: validates against the kernel's genetlink schema, found with no flag" validated
tap_check "spec: every value is the uapi header's, and no entry of the header is missing" \
	spec_is_uapi

y=$("${ynl[@]}" --do get-info)
n=$(nkstat -j info)
tap_check "get-info: module and kernel versions agree" \
	same versions "$(pick '[d["module-version"], d["kernel-release"]]' <<<"$y")" \
	"$(pick '[d["info"]["module_version"], d["info"]["kernel_release"]]' <<<"$n")"
tap_check "get-info: groups, states, hooks and unavailable counters agree" \
	same groups "$(pick '[[g["name"], g["state"], [(h["name"], h["kind"]) for h in g.get("hook", [])],
		[u["counter"] for u in g.get("unavailable", [])]] for g in d["group"]]' <<<"$y")" \
	"$(pick '[[g["name"], g["state"], [(h["name"], h["kind"]) for h in g["hooks"]],
		[u["counter"] for u in g["unavailable"]]] for g in d["info"]["groups"]]' <<<"$n")"

# A netns of our own, with a few ports bound, that nothing else touches.
netns_up "$ns"
ip netns exec "$ns" python3 "$NKSTAT_REPO/selftests/ports_traffic.py" hold \
	--ports 8000-8009 --owners 2 >"/tmp/$ns.ready" &
holder=$!
wait_ready "/tmp/$ns.ready"

y=$(ip netns exec "$ns" "${ynl[@]}" --do get-ports)
n=$(ip netns exec "$ns" nkstat -j ports)
keys='["bhash_size", "buckets_used", "bind_buckets", "max_chain", "owners", "tw_owners",
	"ephemeral_lo", "ephemeral_hi", "ephemeral_ports_used", "tw_count", "tw_max"]'
tap_check "get-ports: every summary value agrees" \
	same ports "$(pick "[d['ports'][k.replace('_', '-')] for k in $keys] + [d['ports']['chain-hist']]" <<<"$y")" \
	"$(pick "[d['ports'][k] for k in $keys] + [list(d['ports']['chain_hist'].values())]" <<<"$n")"

y=$(ip netns exec "$ns" "${ynl[@]}" --dump get-ports-list \
	--json '{"port-min": 8000, "port-max": 8009}' --dbg-small-recv 2>/dev/null)
n=$(ip netns exec "$ns" nkstat -j ports list --range 8000-8009)
tap_check "get-ports-list: the same rows, read 4000 bytes at a time" \
	same rows "$(pick '[[p["port"], p["l3mdev"], p["owners"], p["tw-owners"], p["addrs"], p["fastreuse"],
		p["fastreuseport"]] for m in d for p in m["port"]]' <<<"$y")" \
	"$(pick '[[p["port"], p["l3mdev"], p["owners"], p["tw_owners"], p["addrs"], p["fastreuse"],
		p["fastreuseport"]] for p in d["ports_list"]]' <<<"$n")"

y=$(ip netns exec "$ns" "${ynl[@]}" --do get-neigh)
n=$(ip netns exec "$ns" nkstat -j neigh)
tap_check "get-neigh: tables and thresholds agree" \
	same neigh "$(pick '[[t["table"], t["gc-thresh1"], t["gc-thresh2"], t["gc-thresh3"],
		t["nud"]["permanent"], t["alloc-failures"]] for t in d["neigh"]]' <<<"$y")" \
	"$(pick '[[k, t["gc_thresh1"], t["gc_thresh2"], t["gc_thresh3"], t["netns"]["permanent"],
		t["netns"]["alloc_failures"]] for k, t in d["neigh"].items()]' <<<"$n")"

y=$(ip netns exec "$ns" "${ynl[@]}" --dump get-neigh-dev)
n=$(ip netns exec "$ns" nkstat -j neigh dev)
tap_check "get-neigh-dev: the same devices" \
	same devices "$(pick '[[m["ifindex"], m["ifname"]] for m in d]' <<<"$y")" \
	"$(pick '[[e["ifindex"], e["ifname"]] for e in d["neigh_dev"]]' <<<"$n")"

# The tcp group. A server that never reads: the client's N closed
# connections stay orphans in FIN-WAIT-1, probing its zero window, enough
# rows that the dump resumes. Then one SYN aborted in the client's netns
# (the server's netns routes its answers into a blackhole), so that not
# every abort counter is 0. Nothing else moves these counts while the
# server lives.
N=100
netns_up "$CL" "$SV"
veth_up "$CL" nks-ycl "$SV" nks-ysv "$CL_IP/24" "$SV_IP/24"
ip netns exec "$SV" "${traffic[@]}" stall-serve --addr "$SV_IP:8000" >"/tmp/$SV.ready" &
server=$!
wait_ready "/tmp/$SV.ready"
ip netns exec "$CL" "${traffic[@]}" orphan --dst "$SV_IP:8000" --count $N >/dev/null
# 6.12's tcp_syn_linear_timeouts would add retries; 6.1 has none
ip netns exec "$CL" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null
ip -n "$SV" route add blackhole "$CL_IP/32"
ip netns exec "$CL" "${traffic[@]}" syn --dst "$SV_IP:8001" >/dev/null
ip -n "$SV" route del blackhole "$CL_IP/32"
n=$(ip netns exec "$CL" nkstat -j tcp)
tap_check "tcp: the client's netns has $N orphans probing a zero window and 1 timeout abort" \
	[ "$(pick '[d["tcp"]["orphans"]["total"], d["tcp"]["orphans"]["zero_window_probing"],
		d["tcp"]["kernel"]["abort_on_timeout"]]' <<<"$n")" = "[$N, $N, 1]" ]

y=$(ip netns exec "$CL" "${ynl[@]}" --do get-tcp)
n=$(ip netns exec "$CL" nkstat -j tcp)
orphans='["total", "fin_wait1", "fin_wait2", "closing", "last_ack", "zero_window_probing",
	"zero_window_rto"]'
stalled='["stalled_zero_window", "with_user_timeout", "orphans_global"]'
aborts='["retries2", "user_timeout", "orphan_retries", "orphan_zero_window", "keepalive",
	"syn_retries", "memory", "other", "zero_window_rto"]'
kernel='["abort_on_timeout", "abort_on_memory"]'
tap_check "get-tcp: orphans by state, stalls, aborts by cause and the kernel's totals agree" \
	same tcp "$(pick "[[d['tcp']['orphans'].get(k.replace('_', '-')) for k in $orphans],
		[d['tcp'].get(k.replace('_', '-')) for k in $stalled],
		[d['tcp']['aborts'].get(k.replace('_', '-')) for k in $aborts],
		[d['tcp'].get(k.replace('_', '-')) for k in $kernel]]" <<<"$y")" \
	"$(pick "[[d['tcp']['orphans'][k] for k in $orphans], [d['tcp'][k] for k in $stalled],
		[d['tcp']['aborts'][k] for k in $aborts], [d['tcp']['kernel'][k] for k in $kernel]]" <<<"$n")"
tap_check "get-tcp: probes-hist has NKSTAT_HIST_BUCKETS buckets, holding every probing orphan" \
	[ "$(pick '[len(d["tcp"]["orphans"]["probes-hist"]), sum(d["tcp"]["orphans"]["probes-hist"])]' \
		<<<"$y")" = "[16, $N]" ]

y=$(ip netns exec "$CL" "${ynl[@]}" --dump get-tcp-orphans --dbg-small-recv 2>/dev/null)
n=$(ip netns exec "$CL" nkstat -j tcp orphans)
yr=$(orphan_rows ynl "$y")
tap_check "get-tcp-orphans: $N rows in several messages, read 4000 bytes at a time" \
	[ "$(pick 'len(d)' <<<"$yr") $(pick 'len(d) > 1' <<<"$y")" = "$N true" ]
tap_check "get-tcp-orphans: the same addresses, ports, states and timers" \
	same orphans "$yr" "$(orphan_rows nkstat "$n")"

y=$(ip netns exec "$CL" "${ynl[@]}" --dump get-tcp-orphans --json '{"orphan-zero-window": true}')
n=$(ip netns exec "$CL" nkstat -j tcp orphans --zero-window)
tap_check "get-tcp-orphans orphan-zero-window: the same rows" \
	same orphans "$(orphan_rows ynl "$y")" "$(orphan_rows nkstat "$n")"

tap_done
