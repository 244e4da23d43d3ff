#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The nkstat tool against the loaded module: text and JSON output agree
# with the running kernel and module, and it works inside a netns.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

ns="nkstat-tool-$$"
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() { ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT

out=$(nkstat info)
tap_check "info exits 0" [ $? = 0 ]
tap_check "info names the kernel" grep -qx "kernel   $(uname -r)" <<<"$out"
tap_check "info names the module version" \
	grep -qx "module   nkstat $(cat /sys/module/nkstat/version)" <<<"$out"
for g in neigh ports tcp; do
	tap_check "info lists group $g" grep -Eq "^$g +(active|partial|unavailable)" <<<"$out"
done

json=$(nkstat -j info)
tap_check "json info exits 0" [ $? = 0 ]
tap_check "json is valid" pyrun -c 'import json,sys; json.load(sys.stdin)' <<<"$json"
tap_check "json kernel_release is uname -r" \
	[ "$(json_get 'd["info"]["kernel_release"]' <<<"$json")" = "$(uname -r)" ]
tap_check "json module_version is the loaded module's" \
	[ "$(json_get 'd["info"]["module_version"]' <<<"$json")" = "$(cat /sys/module/nkstat/version)" ]
tap_check "json lists the groups in order" \
	[ "$(json_get '" ".join(g["name"] for g in d["info"]["groups"])' <<<"$json")" = "neigh ports tcp" ]
# What each state carries (the uapi header; nkstat_genl and hooks_off.sh
# check the same): active, no reason and nothing unavailable; partial,
# no group-wide reason and each missing counter named with its reason;
# unavailable, a reason.
bad=$(json_get '"; ".join("%s: %s" % (g["name"], g["state"]) for g in d["info"]["groups"]
	if not ((g["state"] == "active" and g["reason"] is None and not g["unavailable"]) or
		(g["state"] == "partial" and g["reason"] is None and g["unavailable"] and
		 all(u["counter"] and u["reason"] for u in g["unavailable"])) or
		(g["state"] == "unavailable" and g["reason"])))' <<<"$json")
echo "# groups whose state and reasons disagree: ${bad:-none}"
tap_check "json: each group carries what its state requires" [ -z "$bad" ]

json=$(nkstat -j info tcp)
tap_check "json info GROUP reports that group only" \
	[ "$(json_get '",".join(g["name"] for g in d["info"]["groups"])' <<<"$json")" = tcp ]

# Per-netns state: a fresh netns has served no request before this one.
ip netns add "$ns"
json=$(ip netns exec "$ns" nkstat -j info)
tap_check "info works in a new netns" [ $? = 0 ]
tap_check "a new netns counts its own requests" \
	[ "$(json_get 'd["info"]["netns_requests"]' <<<"$json")" = 1 ]

# -n NETNS asks from inside NETNS, as ip netns exec does.
json=$(nkstat -n "$ns" -j info)
tap_check "-n NETNS: the request is counted in that netns" \
	[ "$(json_get 'd["info"]["netns_requests"]' <<<"$json")" = 2 ]
ip -n "$ns" link set lo up
# One port bound in the netns, so that both must find it: two failures or
# two empty lists would also compare equal.
ready=$(mktemp)
ip netns exec "$ns" python3 -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 4242))
open(sys.argv[1], "w").write("ready")
time.sleep(120)' "$ready" &
holder=$!
wait_ready "$ready"
by_n=$(nkstat -n "$ns" -j ports list) rc_n=$?
by_exec=$(ip netns exec "$ns" nkstat -j ports list) rc_exec=$?
kill "$holder"
wait "$holder" 2>/dev/null
rm -f "$ready"
tap_check "-n NETNS: the same ports as ip netns exec NETNS, port 4242 among them" \
	all [ "$rc_n/$rc_exec" = 0/0 ] -- [ "$by_n" = "$by_exec" ] -- \
	[ "$(json_get '[p["port"] for p in d["ports_list"]]' <<<"$by_n")" = "[4242]" ]
tap_check "-n NETNS by path: /run/netns/NETNS" \
	[ "$(nkstat -n "/run/netns/$ns" -j info | json_get 'd["info"]["netns_requests"]')" = 5 ]

# completion asks the tool, which knows the netns names and the groups
tap_check "completion: -n offers the network namespaces" \
	grep -qx "$ns" <<<"$(nkstat __complete -n)"
tap_check "completion: info offers the module's groups" \
	[ "$(nkstat __complete info | paste -sd' ')" = "neigh ports tcp" ]

tap_done
