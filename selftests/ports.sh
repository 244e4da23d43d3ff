#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ports group against real TCP traffic: ephemeral-port exhaustion,
# owners per port, TIME_WAIT pressure and reuse, isolation, and dumps
# under churn. Each figure is cross-checked with the kernel's own view
# (ss, /proc/net/sockstat, nstat) where one exists. The sockets live in
# selftests/ports_traffic.py, which runs the checks' commands while they
# are open.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

traffic=(python3 "$NKSTAT_REPO/selftests/ports_traffic.py")
p=nks-ports-$$
CL=$p-cl SV=$p-sv LO=$p-lo TW=$p-tw RU=$p-ru X=$p-x Y=$p-y Z=$p-z V=$p-v
all_ns=("$CL" "$SV" "$LO" "$TW" "$RU" "$X" "$Y" "$Z" "$V")
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	for ns in "${all_ns[@]}"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT

netns_up "${all_ns[@]}"
ulimit -n 65536

# unpack NAME JSON: NAME, an associative array of ports.KEY of a
# `nkstat -j ports` reply, its scalars as json_get prints them: one
# Python run per reply, not one per value
unpack() {
	eval "$(pyrun -c 'import json, shlex, sys
d = json.load(sys.stdin)["ports"]
print("declare -gA %s=(%s)" % (sys.argv[1], " ".join("[%s]=%s" % (k, shlex.quote(str(v)))
	for k, v in d.items() if not isinstance(v, (dict, list)))))' "$1" <<<"$2")"
}
declare -A E=() B=() A=() S=()	# the replies unpacked below
# nstat_abs NETNS COUNTER: the kernel's own counter, absolute
nstat_abs() {
	ip netns exec "$1" nstat -asz "$2" | awk -v c="$2" '$1 == c { print $2 }'
}
# sockstat_tw < /proc/net/sockstat: its "tw"
sockstat_tw() {
	awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "tw") print $(i + 1) }'
}
# run_nth OUT N: stdout of the Nth --run command of a traffic scenario
run_nth() {
	json_get "d['runs'][$2]" <<<"$1"
}

# chain_check JSON LENGTHS...: the bind-hash figures of a `nkstat -j
# ports` reply, where the netns's bind buckets fill one hash bucket per
# LENGTH, that many each: bind_buckets, buckets_used, max_chain, and
# chain_hist (bucket fls64(length), the rest in "0"), which sums to
# bhash_size. Prints what differs; fails if anything does.
# shellcheck disable=SC2317 # run by tap_check
chain_check() {
	pyrun - "$@" <<'PY'
import json, sys
d = json.loads(sys.argv[1])["ports"]
chains = [int(c) for c in sys.argv[2:]]
size = d["bhash_size"]
labels = list(d["chain_hist"])
want_hist = [0] * len(labels)
want_hist[0] = size - len(chains)
for c in chains:
    want_hist[min(c.bit_length(), len(labels) - 1)] += 1
want = {"bind_buckets": sum(chains), "buckets_used": len(chains),
        "max_chain": max(chains, default=0),
        "chain_hist": dict(zip(labels, want_hist))}
got = {k: d[k] for k in want}
bad = ["%s %s, want %s" % (k, got[k], want[k]) for k in want if got[k] != want[k]]
print("# bhash_size %d: %s" % (size, "; ".join(bad) or "as expected"))
sys.exit(1 if bad else 0)
PY
}

mark=$(dmesg_mark)

# --- 0. nkstat info ---------------------------------------------------
info=$(nkstat -j info ports)
tap_check "info: ports is active" \
	[ "$(json_get 'd["info"]["groups"][0]["state"]' <<<"$info")" = active ]
tap_check "info: both kretprobes attached" \
	[ "$(json_get '" ".join(sorted(h["name"] for h in d["info"]["groups"][0]["hooks"]
		if h["error"] is None and h["kind"] == "kretprobe"))' <<<"$info")" = \
	"__inet_hash_connect inet_csk_get_port" ]
# The bind hash is the host's; tcp_init() logs its size at boot.
boot=$(dmesg | sed -n 's/.*TCP: Hash tables configured (established [0-9]* bind \([0-9]*\)).*/\1/p')
empty=$(nkstat -j ports)
unpack E "$empty"
echo "# bhash_size ${E[bhash_size]}, boot log: bind ${boot:-(no line)}"
tap_check "bhash: bhash_size is the size tcp_init() logged" \
	[ "${E[bhash_size]}" = "${boot:-none}" ]

# --- 1. the incident: 100 ephemeral ports, 120 connects ----------------
veth_up "$CL" c0 "$SV" s0 10.77.0.1/24 10.77.0.2/24
ip netns exec "$CL" sysctl -q -w net.ipv4.ip_local_port_range="40000 40099"
# start_bg NETNS NAME ARGS...: a traffic scenario in the background, once
# it has printed "ready"; it is killed on exit.
start_bg() {
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "${traffic[@]}" "$@" >"/tmp/$p.$name" &
	pids+=($!)
	wait_ready "/tmp/$p.$name" && return
	echo "# $name did not get ready"
	return 1
}
start_bg "$SV" server serve --addr 10.77.0.2:5000

before=$(ip netns exec "$CL" nkstat -j ports)
unpack B "$before"
out=$(ip netns exec "$CL" "${traffic[@]}" exhaust --dst 10.77.0.2:5000 --count 120 \
	--run "nkstat -j ports" --run "ss -tanH" --run "nkstat ports")
after=$(run_nth "$out" 0)
unpack A "$after"
fails=$(json_get 'd["result"]["eaddrnotavail"]' <<<"$out")
echo "# connects: $(json_get 'd["result"]' <<<"$out")"
tap_check "incident: 100 connects succeed, 20 fail with EADDRNOTAVAIL" \
	[ "$(json_get 'd["result"]["ok"]' <<<"$out")/$fails" = "100/20" ]
d_conn=$((A[connect_eaddrnotavail] - B[connect_eaddrnotavail]))
echo "# connect_eaddrnotavail delta $d_conn, failures seen $fails"
tap_check "incident: connect_eaddrnotavail rose by the failures seen" [ "$d_conn" = "$fails" ]
tap_check "incident: ephemeral_ports_used is 100, utilisation 100%" \
	[ "${A[ephemeral_ports_used]}/${A[ephemeral_utilisation_pct]}" = "100/100.0" ]
ss_eph=$(run_nth "$out" 1 | awk '{ n = split($4, a, ":"); p = a[n]; if (p >= 40000 && p <= 40099) u[p] = 1 }
	END { print length(u) }')
tap_check "incident: ss sees the same 100 ephemeral ports" [ "$ss_eph" = 100 ]
d_bind=$((A[bind_eaddrinuse] - B[bind_eaddrinuse]))
tap_check "incident: bind() and listen() refused with EADDRINUSE are counted" \
	[ "$d_bind/$(json_get 'd["result"]["eaddrinuse"]' <<<"$out")" = "2/2" ]
tap_check "incident: the text summary flags the full range" \
	grep -q "100 of 100 ports in use (100.0%, FULL)" <<<"$(run_nth "$out" 2)"
range=$(ip netns exec "$CL" sysctl -n net.ipv4.ip_local_port_range | tr -s '\t ' ' ')
echo "# ephemeral_lo/hi ${A[ephemeral_lo]}/${A[ephemeral_hi]}, ip_local_port_range $range"
tap_check "incident: ephemeral_lo and ephemeral_hi are ip_local_port_range" \
	[ "${A[ephemeral_lo]} ${A[ephemeral_hi]}" = "$range" ]

# --- 2. owners per port against ss ------------------------------------
ip netns exec "$LO" sysctl -q -w net.ipv4.tcp_max_tw_buckets=120
out=$(ip netns exec "$LO" "${traffic[@]}" mix --run "nkstat -j ports list" --run "ss -tanH" \
	--run "nkstat -j ports" --run "cat /proc/net/sockstat")
cmp=$(pyrun - "$out" <<'PY'
import json, sys
from collections import defaultdict
out = json.loads(sys.argv[1])
rows = json.loads(out["runs"][0])["ports_list"]
ss = defaultdict(lambda: {"n": 0, "tw": 0, "addrs": set()})
for line in out["runs"][1].splitlines():
    f = line.split()
    addr, port = f[3].rsplit(":", 1)
    e = ss[int(port)]
    e["n"] += 1
    e["tw"] += f[0] == "TIME-WAIT"
    e["addrs"].add(addr)
bound_only = set(out["result"]["bound_only"])
bad = []
for r in rows:
    e = ss.get(r["port"], {"n": 0, "tw": 0, "addrs": set()})
    want = e["n"] + (r["port"] in bound_only)
    if (r["owners"], r["tw_owners"]) != (want, e["tw"]):
        bad.append("port %d: nkstat %d/%d, ss %d/%d" % (r["port"], r["owners"], r["tw_owners"], want, e["tw"]))
    if e["n"] and r["addrs"] != len(e["addrs"]):
        bad.append("port %d: %d addrs, ss %s" % (r["port"], r["addrs"], sorted(e["addrs"])))
missing = set(ss) - {r["port"] for r in rows}
by = {r["port"]: r for r in rows}
print(len(rows), sum(r["owners"] for r in rows), sum(e["n"] for e in ss.values()),
      by[6000]["owners"], by[6001]["owners"], by[7100]["addrs"],
      len(bad) + len(missing), "; ".join(bad[:5]), sorted(missing)[:5])
PY
)
echo "# rows, owners, ss sockets, :6000, :6001, :7100 addrs, mismatches: $cmp"
read -r n_rows n_owners n_ss o6000 o6001 a7100 n_bad _ <<<"$cmp"
tap_check "owners: every port's owners and TIME_WAIT owners equal ss's" [ "$n_bad" = 0 ]
tap_check "owners: bound-only sockets, which ss cannot see, are counted" \
	[ "$n_owners" = $((n_ss + 20)) ]
tap_check "owners: the listener's port holds it and its 120 children" [ "$o6000" = 121 ]
tap_check "owners: a SO_REUSEPORT group of 4 is 4 owners of one port" [ "$o6001" = 4 ]
tap_check "owners: one port on two local addresses has addrs 2" [ "$a7100" = 2 ]
sum=$(run_nth "$out" 2)
unpack S "$sum"
tap_check "owners: the summary's owners equal the list's" \
	[ "${S[owners]}/${S[bind_buckets]}" = "$n_owners/$n_rows" ]

# --- 3. TIME_WAIT: count, overflow, reuse -----------------------------
tw_ss=$(run_nth "$out" 1 | grep -c '^TIME-WAIT')
tw_sockstat=$(run_nth "$out" 3 | sockstat_tw)
echo "# tw_count ${S[tw_count]}, ss $tw_ss, sockstat $tw_sockstat, tw_owners ${S[tw_owners]}"
tap_check "timewait: tw_count equals ss and /proc/net/sockstat (30)" \
	[ "${S[tw_count]}/$tw_ss/$tw_sockstat" = "30/30/30" ]
tap_check "timewait: tw_owners equals tw_count" \
	[ "${S[tw_owners]}" = "${S[tw_count]}" ]
tap_check "timewait: tw_utilisation_pct is 30 of tcp_max_tw_buckets 120" \
	[ "${S[tw_max]}/${S[tw_utilisation_pct]}" = "120/25.0" ]

# delta_run NETNS FIELD MIB SCENARIO ARGS...: a traffic scenario in NETNS;
# sets out and after (its output, and nkstat -j ports at its end), and
# d_nk and d_mib, the deltas of ports.FIELD and of nstat's MIB across it.
delta_run() {
	local ns=$1 fld=$2 mib=$3 before m0
	shift 3
	before=$(ip netns exec "$ns" nkstat -j ports)
	unpack B "$before"
	m0=$(nstat_abs "$ns" "$mib")
	out=$(ip netns exec "$ns" "${traffic[@]}" "$@" --run "nkstat -j ports")
	after=$(run_nth "$out" 0)
	unpack A "$after"
	d_mib=$(($(nstat_abs "$ns" "$mib") - m0))
	# shellcheck disable=SC2004 # $fld is a key, not an index
	d_nk=$((A[$fld] - B[$fld]))
}

ip netns exec "$TW" sysctl -q -w net.ipv4.tcp_max_tw_buckets=10
delta_run "$TW" tw_overflows TcpExtTCPTimeWaitOverflow timewait --count 25
echo "# tcp_max_tw_buckets 10, 25 closes: tw_overflows +$d_nk, TcpExtTCPTimeWaitOverflow +$d_mib, tw_count ${A[tw_count]}"
tap_check "timewait: tw_overflows delta equals nstat's TCPTimeWaitOverflow (15)" \
	[ "$d_nk/$d_mib" = "15/15" ]
tap_check "timewait: tw_count stops at tw_max, utilisation 100%" \
	[ "${A[tw_count]}/${A[tw_max]}/${A[tw_utilisation_pct]}" = "10/10/100.0" ]
tap_check "timewait: tw_count equals sockstat's tw" \
	[ "${A[tw_count]}" = "$(ip netns exec "$TW" cat /proc/net/sockstat | sockstat_tw)" ]

ip netns exec "$RU" sysctl -q -w net.ipv4.tcp_tw_reuse=1 \
	net.ipv4.ip_local_port_range="41000 41009"
delta_run "$RU" tw_reuse TcpExtTWRecycled reuse --count 10
echo "# tw_reuse +$d_nk, TcpExtTWRecycled +$d_mib, reconnected $(json_get 'd["result"]["reconnected"]' <<<"$out")"
tap_check "timewait: tw_reuse delta equals nstat's TWRecycled (10)" \
	[ "$d_nk/$d_mib" = "10/10" ]

# --- 5. isolation: the same ports in two netns ------------------------
start_bg "$Y" y hold --ports 8000-8004 --owners 2
start_bg "$X" x hold --ports 8000-8009 --owners 1
lx=$(ip netns exec "$X" nkstat -j ports list --range 8000-8009 |
	json_get '" ".join("%d:%d" % (r["port"], r["owners"]) for r in d["ports_list"])')
ly=$(ip netns exec "$Y" nkstat -j ports list --range 8000-8009 |
	json_get '" ".join("%d:%d" % (r["port"], r["owners"]) for r in d["ports_list"])')
tap_check "isolation: netns X sees its 10 ports, one owner each" \
	[ "$lx" = "8000:1 8001:1 8002:1 8003:1 8004:1 8005:1 8006:1 8007:1 8008:1 8009:1" ]
tap_check "isolation: netns Y sees its 5 ports, two owners each" \
	[ "$ly" = "8000:2 8001:2 8002:2 8003:2 8004:2" ]
tap_check "isolation: each summary counts only its own netns" \
	[ "$(ip netns exec "$X" nkstat -j ports | json_get 'd["ports"]["owners"]')/$(ip netns exec "$Y" nkstat -j ports | json_get 'd["ports"]["owners"]')" = "10/10" ]
tap_check "isolation: a netns with nothing bound has no bind buckets" \
	chain_check "$(ip netns exec "$Z" nkstat -j ports)"
# 8000-8009: consecutive ports hash to 10 buckets (inet_bhashfn() adds a
# netns constant to the port, modulo bhash_size)
tap_check "bhash: netns X's 10 ports are 10 buckets of one" \
	chain_check "$(ip netns exec "$X" nkstat -j ports)" 1 1 1 1 1 1 1 1 1 1
top=$(ip netns exec "$Y" nkstat -j ports list --top 2 |
	json_get '" ".join(str(r["owners"]) for r in d["ports_list"])')
tap_check "list: --top 2 gives the two ports with the most owners" [ "$top" = "2 2" ]

# --- 4. dumps: one port in 70 VRFs, more bind buckets than a batch ----
# Bound to a VRF, a socket's bind bucket is (port, the VRF's ifindex):
# 70 of them and one without a VRF make 71 rows for one port, more than
# the module copies at a time, so the dump resumes inside the port.
if ip -n "$V" link add vrf-probe type vrf table 999 2>/dev/null; then
	ip -n "$V" link del vrf-probe
	vrfs=()
	for i in $(seq 70); do
		echo "link add vrf$i type vrf table $((1000 + i))"
		echo "link set vrf$i up"
	done | ip -n "$V" -batch -
	for i in $(seq 70); do vrfs+=("vrf$i"); done
	out=$(ip netns exec "$V" "${traffic[@]}" devbind --port 9000 "${vrfs[@]}" \
		--run "nkstat -j ports list --range 9000" --run "ip -o link show type vrf" \
		--run "nkstat -j ports")
	got=$(run_nth "$out" 0 | json_get '" ".join(str(i) for i in sorted(r["l3mdev"] for r in d["ports_list"]))')
	want=$( (echo 0; run_nth "$out" 1 | awk -F': ' 'NF > 1 { print $1 }') | sort -n | paste -sd' ')
	echo "# l3mdev of port 9000's bind buckets: $got"
	tap_check "vrf: 71 bind buckets of one port, each l3mdev once" \
		[ "$(wc -w <<<"$got")/$got" = "71/$want" ]
	# the l3mdev is not in inet_bhashfn(): one hash bucket holds all 71
	tap_check "vrf: the 71 bind buckets are one chain of 71 (max_chain, chain_hist)" \
		chain_check "$(run_nth "$out" 2)" 71
else
	tap_skip "vrf: 71 bind buckets of one port, each l3mdev once" "no VRF support"
	tap_skip "vrf: the 71 bind buckets are one chain of 71 (max_chain, chain_hist)" "no VRF support"
fi

# --- 4. dumps while sockets come and go -------------------------------
# Dumps for 6 s and at least 4 rounds (a debug kernel managed 3 in 6 s),
# while the churn runs: it stops only when told to.
ip netns exec "$Z" "${traffic[@]}" churn --until "/tmp/$p.stop" >"/tmp/$p.churn" &
churn=$!
pids+=("$churn")
dumps=0 dump_fail=0 t0=$SECONDS
while { [ "$dumps" -lt 4 ] || [ $((SECONDS - t0)) -lt 6 ]; } && kill -0 "$churn" 2>/dev/null; do
	ip netns exec "$Z" nkstat -j ports list >/dev/null || dump_fail=$((dump_fail + 1))
	ip netns exec "$Z" nkstat -j ports >/dev/null || dump_fail=$((dump_fail + 1))
	dumps=$((dumps + 1))
done
churning=no
kill -0 "$churn" 2>/dev/null && churning=yes
touch "/tmp/$p.stop"
wait "$churn"
echo "# $dumps list+summary rounds during $(cat "/tmp/$p.churn") binds, churn still running after them: $churning"
tap_check "churn: 4 or more list+summary rounds during bind/close churn, each succeeded" \
	[ "$dump_fail/$((dumps > 3))/$churning" = 0/1/yes ]
rm -f "/tmp/$p".*

# every count above is exact only if no kretprobe hit went unhandled
missed=$(nkstat -j info ports | json_get '" ".join("%s:%s" % (h["name"], h["missed"])
	for h in d["info"]["groups"][0]["hooks"] if h["kind"] == "kretprobe")')
echo "# kretprobe misses: $missed"
tap_check "info: the kretprobes missed no hit" \
	[ "$missed" = "__inet_hash_connect:0 inet_csk_get_port:0" ]

tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
