#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docs/netlink/nkstat.yaml against the module, through the kernel's own
# YNL CLI (tools/net/ynl from Debian's linux-source-6.12, unpacked by
# scripts/deps): the spec must validate against the kernel's genetlink
# schema, and what YNL decodes with it must agree with nkstat -j. If it
# does not, the spec or the uapi header is wrong.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

SRC=${NKSTAT_SOURCE:-$NKSTAT_REPO/.cache/linux-source-6.12}
SPEC=$NKSTAT_REPO/docs/netlink/nkstat.yaml
[ -f "$SRC/tools/net/ynl/cli.py" ] || skip_all "no YNL CLI in $SRC (run scripts/deps)"
/usr/bin/python3 -c 'import yaml, jsonschema' 2>/dev/null ||
	skip_all "python3-yaml and python3-jsonschema are needed (run scripts/deps)"

ns=nks-ynl-$$
holder=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -f "/tmp/$ns.ready"
}
trap cleanup EXIT

# the YNL CLI with our spec, validated, JSON out
ynl=(/usr/bin/python3 "$SRC/tools/net/ynl/cli.py" --spec "$SPEC"
	--schema "$SRC/Documentation/netlink/genetlink.yaml" --output-json)
# shellcheck disable=SC2317 # run through tap_check
# same WHAT A B: true if the JSON values A (from YNL) and B (from nkstat)
# are equal; prints both when they are not
same() {
	python3 - "$@" <<'PY'
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
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps(eval(sys.argv[1], {"d": d})))' "$1"
}

# shellcheck disable=SC2317 # run through tap_check
ynl_quiet() { "${ynl[@]}" "$@" >/dev/null; }
tap_check "spec: validates against the kernel's genetlink schema" ynl_quiet --list-ops

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
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" python3 "$NKSTAT_REPO/selftests/ports_traffic.py" hold \
	--ports 8000-8009 --owners 2 >"/tmp/$ns.ready" &
holder=$!
for _ in $(seq 100); do grep -q ready "/tmp/$ns.ready" 2>/dev/null && break; sleep 0.1; done

y=$(ip netns exec "$ns" "${ynl[@]}" --do get-ports)
n=$(ip netns exec "$ns" nkstat -j ports)
keys='["bhash_size", "buckets_used", "bind_buckets", "max_chain", "owners", "tw_owners",
	"ephemeral_lo", "ephemeral_hi", "ephemeral_ports_used", "tw_count", "tw_max"]'
tap_check "get-ports: every summary value agrees" \
	same ports "$(pick "[d['ports'][k.replace('_', '-')] for k in $keys] + [d['ports']['chain-hist']]" <<<"$y")" \
	"$(pick "[d['ports'][k] for k in $keys] + [list(d['ports']['chain_hist'].values())]" <<<"$n")"

y=$(ip netns exec "$ns" "${ynl[@]}" --dump get-ports-list \
	--json '{"port-min": 8000, "port-max": 8009}' --dbg-small-recv)
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

tap_done
