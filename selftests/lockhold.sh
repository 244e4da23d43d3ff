#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Walks hold a kernel lock with bottom halves off over a bounded number
# of entries at a time. 5,000 sockets bound to one port (SO_REUSEPORT)
# are 5,000 owners of one bind bucket, and 3,000 loopback connections
# in a netns whose established hash has one bucket
# (tcp_child_ehash_entries=1) are 6,000 sockets in one chain: the
# function graph tracer counts the locked sections (nks_ports_hold(),
# nks_tcp_hold(): one call, one section), and the counts must still be
# exact, against ss.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

T=/sys/kernel/tracing
[ -e "$T"/current_tracer ] || mount -t tracefs nodev $T
NS=nklh-$$
OWNERS=5000
CONNS=3000
BUDGET=256
ready=$(mktemp)
holder=
child_ehash=$(sysctl -n net.ipv4.tcp_child_ehash_entries)
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	sysctl -q -w net.ipv4.tcp_child_ehash_entries="$child_ehash"
	echo nop >"$T"/current_tracer
	echo >"$T"/set_ftrace_filter
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -f "$ready"
}
trap cleanup EXIT
ulimit -n 20000

# holds FUNC CMD...: how many times FUNC ran during CMD (-1 if CMD failed)
holds() {
	local fn=$1 rc
	shift
	echo "$fn" >"$T"/set_ftrace_filter
	echo function_graph >"$T"/current_tracer
	echo >"$T"/trace
	echo 1 >"$T"/tracing_on
	"$@" >/dev/null
	rc=$?
	echo 0 >"$T"/tracing_on
	if [ $rc = 0 ]; then
		grep -v '^#' "$T"/trace | grep -c "$fn"
	else
		echo -1
	fi
	echo nop >"$T"/current_tracer
	echo 1 >"$T"/tracing_on
}

mark=$(dmesg_mark)
sysctl -q -w net.ipv4.tcp_child_ehash_entries=1
netns_up "$NS"
ip netns exec "$NS" python3 - "$OWNERS" "$CONNS" "$ready" <<'PY' &
import socket, sys, time
owners, conns, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
keep = []
for _ in range(owners):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("127.0.0.1", 5000))
    keep.append(s)
srv = socket.socket()
srv.bind(("127.0.0.1", 6000))
srv.listen(4096)
for _ in range(conns):
    c = socket.create_connection(("127.0.0.1", 6000))
    keep += [c, srv.accept()[0]]
open(ready, "w").write("ready")
time.sleep(600)
PY
holder=$!
tap_check "$OWNERS bound sockets and $CONNS connections are set up" wait_ready "$ready" 1200

# Bound, unconnected sockets are in no hash ss reads: the test's own
# count is the reference.
owners=$(ip netns exec "$NS" nkstat -j ports list --min-owners 2 |
	json_get '[p["owners"] for p in d["ports_list"] if p["port"] == 5000]')
tap_check "ports list: port 5000 has $OWNERS owners ($owners)" [ "$owners" = "[$OWNERS]" ]
owners=$(ip netns exec "$NS" nkstat -j ports | json_get 'd["ports"]["owners"]')
tap_check "ports: $OWNERS owners, plus one per connection's two sockets ($owners)" \
	[ "$owners" = $((OWNERS + 2 * CONNS + 1)) ]

n=$(holds nks_ports_hold ip netns exec "$NS" nkstat ports)
tap_check "ports: $OWNERS owners of one bucket take $n lock holds, at least $((OWNERS / BUDGET))" \
	[ "$n" -ge $((OWNERS / BUDGET)) ]
n=$(holds nks_ports_hold ip netns exec "$NS" nkstat ports list)
tap_check "ports list: $OWNERS owners of one bucket take $n lock holds, at least $((OWNERS / BUDGET))" \
	[ "$n" -ge $((OWNERS / BUDGET)) ]

est=$(ip netns exec "$NS" ss -tanH state established | wc -l)
tap_check "tcp: one established hash bucket holds $est sockets, as the test made" \
	all [ "$est" = $((2 * CONNS)) ] -- \
	[ "$(ip netns exec "$NS" sysctl -n net.ipv4.tcp_ehash_entries)" = 1 ]
n=$(holds nks_tcp_hold ip netns exec "$NS" nkstat tcp)
tap_check "tcp: its census takes $n lock holds, at least $((2 * CONNS / BUDGET))" \
	[ "$n" -ge $((2 * CONNS / BUDGET)) ]
n=$(holds nks_tcp_hold ip netns exec "$NS" nkstat tcp orphans)
tap_check "tcp orphans: the dump takes $n lock holds, at least $((2 * CONNS / BUDGET))" \
	[ "$n" -ge $((2 * CONNS / BUDGET)) ]

tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
