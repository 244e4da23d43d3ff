#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The neigh group against real traffic: the ARP-overflow incident and its
# NDISC twin, forced and periodic gc, per-state counts, and isolation.
# Every figure is cross-checked with the kernel's own view
# (/proc/net/stat/{arp,ndisc}_cache, ip neigh) where one exists.
#
# The gc thresholds are global (init_net sysctls): they are lowered for
# the test and restored on exit.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

p=nks-neigh-$$
A=$p-a B=$p-b C=$p-c
sysctls=(net.ipv4.neigh.default.gc_thresh1 net.ipv4.neigh.default.gc_thresh2
	net.ipv4.neigh.default.gc_thresh3 net.ipv6.neigh.default.gc_thresh1
	net.ipv6.neigh.default.gc_thresh2 net.ipv6.neigh.default.gc_thresh3
	net.ipv4.neigh.default.base_reachable_time_ms)
saved=()
for s in "${sysctls[@]}"; do saved+=("$s=$(sysctl -n "$s")"); done
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	for ns in "$A" "$B" "$C"; do ip netns del "$ns" 2>/dev/null; done
	sysctl -q -w "${saved[@]}" >/dev/null
}
trap cleanup EXIT

# stat_cache TABLE FIELD...: counters of /proc/net/stat/TABLE, each summed
# over CPUs (entries, the same on every line, taken once), on one line.
stat_cache() {
	python3 -c 'import sys
lines = [l.split() for l in open("/proc/net/stat/" + sys.argv[1]) if l.strip()]
cols, rows = lines[0], lines[1:]
print(*(int(rows[0][cols.index(f)], 16) if f == "entries" else
        sum(int(r[cols.index(f)], 16) for r in rows) for f in sys.argv[2:]))' "$@"
}
# neigh_json [NETNS] [TABLE]: nkstat -j neigh, optionally inside NETNS.
neigh_json() {
	if [ -n "${1:-}" ]; then
		ip netns exec "$1" nkstat -j neigh ${2:+"$2"}
	else
		nkstat -j neigh ${2:+"$2"}
	fi
}
# field JSON TABLE KEY: neigh.TABLE.KEY (KEY may be "netns.alloc_failures")
field() {
	json_get "d['neigh']['$2']$(sed -E "s/([^.]+)/['\1']/g; s/\.//g" <<<"$3")" <<<"$1"
}

# gc_thresh1 only gates periodic gc: above the table's size it keeps the
# gc work from freeing entries behind the forced-gc checks' back.
sysctl -q -w net.ipv4.neigh.default.gc_thresh3=128 net.ipv4.neigh.default.gc_thresh2=64 \
	net.ipv4.neigh.default.gc_thresh1=1024 net.ipv6.neigh.default.gc_thresh3=128 \
	net.ipv6.neigh.default.gc_thresh2=64 net.ipv6.neigh.default.gc_thresh1=32
ip netns add "$A"
ip netns add "$B"
veth_up "$A" a0 "$B" b0 10.99.0.1/16 10.99.0.2/16 2001:db8:99::1/64 2001:db8:99::2/64

# burst FAMILY COUNT START: from netns A, one UDP datagram to each of
# COUNT addresses nobody answers. Prints "sent errno-name..." counts; with
# IP_RECVERR a refused neighbour shows as a failed sendto().
burst() {
	ip netns exec "$A" python3 - "$@" <<'PY'
import errno, socket, sys
fam, count, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
af = socket.AF_INET if fam == "4" else socket.AF_INET6
s = socket.socket(af, socket.SOCK_DGRAM)
IP_RECVERR, IPV6_RECVERR = 11, 25    # <linux/in.h>, <linux/in6.h>
if fam == "4":
    s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
else:
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
errs = {}
for i in range(start, start + count):
    addr = ("10.99.%d.%d" % (2 + i // 250, 1 + i % 250) if fam == "4"
            else "2001:db8:99::1:%x" % i)
    try:
        s.sendto(b"x", (addr, 9))
    except OSError as e:
        errs[errno.errorcode[e.errno]] = errs.get(errno.errorcode[e.errno], 0) + 1
print("sent=%d" % count, " ".join("%s=%d" % kv for kv in sorted(errs.items())))
PY
}

# snap TABLE: one consistent reading, with nothing counted in between:
# H (nkstat, host view), NA and NB (netns A and B), and FULLS, RUNS,
# PRUNS, DESTROYS, RESF, UNRES, ENTRIES from /proc/net/stat/TABLE_cache.
snap() {
	local before
	local stats="table_fulls forced_gc_runs periodic_gc_runs destroys res_failed
		unresolved_discards entries"
	for _ in 1 2 3 4 5; do
		# shellcheck disable=SC2086 # one field name per word
		before=$(stat_cache "$1_cache" $stats)
		H=$(neigh_json "" "$1") NA=$(neigh_json "$A" "$1") NB=$(neigh_json "$B" "$1")
		# shellcheck disable=SC2086
		S=$(stat_cache "$1_cache" $stats)
		[ "$before" = "$S" ] && break
	done
	read -r FULLS RUNS PRUNS DESTROYS RESF UNRES ENTRIES <<<"$S"
}
# delta TABLE KEY: KEY's change between the snapshots in $0* and $1*
delta() {
	echo $(($(field "$H1" "$1" "$2") - $(field "$H0" "$1" "$2")))
}
# refused TABLE: alloc_failures of netns A plus B since the first snapshot
refused() {
	echo $(($(field "$NA1" "$1" netns.alloc_failures) + $(field "$NB1" "$1" netns.alloc_failures) -
		$(field "$NA0" "$1" netns.alloc_failures) - $(field "$NB0" "$1" netns.alloc_failures)))
}
save0() {
	H0=$H NA0=$NA NB0=$NB FULLS0=$FULLS RUNS0=$RUNS PRUNS0=$PRUNS DESTROYS0=$DESTROYS
	RESF0=$RESF UNRES0=$UNRES
}
save1() {
	H1=$H NA1=$NA NB1=$NB FULLS1=$FULLS RUNS1=$RUNS PRUNS1=$PRUNS DESTROYS1=$DESTROYS
	RESF1=$RESF UNRES1=$UNRES ENTRIES1=$ENTRIES
}
hist_total() {
	json_get "sum(d['neigh']['$1']['$2'].values())" <<<"$3"
}

# --- 0. nkstat info: the group, its hooks and what is an estimate ------
info=$(nkstat -j info neigh)
tap_check "info: neigh is active" \
	[ "$(json_get 'd["info"]["groups"][0]["state"]' <<<"$info")" = active ]
tap_check "info: every neigh hook attached" \
	[ "$(json_get '" ".join(sorted(h["name"] for h in d["info"]["groups"][0]["hooks"]
		if h["error"] is None))' <<<"$info")" = \
	"___neigh_create neigh hash tables neigh_cleanup_and_release neigh_create" ]
tap_check "info: forced-gc attribution is marked as an estimate" \
	grep -q forced_gc_reclaimed <<<"$(json_get 'd["info"]["groups"][0]["estimates"]' <<<"$info")"

# --- 0b. unresolved discards: a queue of one packet ---------------------
# With a0's unres_qlen_bytes at 1, an unresolved neighbour queues one
# packet (__neigh_event_send() always keeps the newest): of 6 datagrams
# to one address nobody answers, each new one pushes out the one before.
snap arp
save0
ip netns exec "$A" sysctl -qw net.ipv4.neigh.a0.unres_qlen_bytes=1
ip netns exec "$A" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(6):
    s.sendto(b"x", ("10.99.250.1", 9))'
ip netns exec "$A" sysctl -qw net.ipv4.neigh.a0.unres_qlen_bytes=212992
snap arp
save1
d_unres=$(delta arp unresolved_discards)
echo "# arp: 6 datagrams queued one at a time: unresolved_discards +$d_unres" \
	"(arp_cache +$((UNRES1 - UNRES0)))"
tap_check "arp: unresolved_discards +5, = arp_cache's" \
	all [ "$d_unres" = 5 ] -- [ "$d_unres" = $((UNRES1 - UNRES0)) ]

# --- 1. the ARP-overflow incident -------------------------------------
mark=$(dmesg_mark)
snap arp
save0
max_gc=0 enobufs=0
for round in 0 1 2 3; do
	out=$(burst 4 500 $((round * 500)))
	echo "# arp burst $round: $out"
	n=$(sed -nE 's/.*ENOBUFS=([0-9]+).*/\1/p' <<<"$out")
	enobufs=$((enobufs + ${n:-0}))
	g=$(field "$(neigh_json "" arp)" arp gc_entries)
	[ "$g" -gt "$max_gc" ] && max_gc=$g
done
snap arp
save1
d_fail=$(delta arp forced_gc_failures) d_runs=$(delta arp forced_gc_runs)
d_traced=$(delta arp forced_gc_runs_traced) d_alloc=$(($(field "$NA1" arp netns.alloc_failures) -
	$(field "$NA0" arp netns.alloc_failures)))
echo "# arp: forced_gc_failures +$d_fail (table_fulls +$((FULLS1 - FULLS0)))," \
	"forced_gc_runs +$d_runs (arp_cache +$((RUNS1 - RUNS0))), traced +$d_traced," \
	"alloc_failures A +$d_alloc, A+B +$(refused arp), sendto ENOBUFS $enobufs," \
	"max gc_entries $max_gc"
tap_check "arp: the sender saw sendto() fail with ENOBUFS" [ "$enobufs" -gt 0 ]
tap_check "arp: forced_gc_failures delta > 0" [ "$d_fail" -gt 0 ]
tap_check "arp: forced_gc_failures delta equals arp_cache table_fulls delta" \
	[ "$d_fail" = $((FULLS1 - FULLS0)) ]
tap_check "arp: forced_gc_runs delta equals arp_cache forced_gc_runs delta" \
	[ "$d_runs" = $((RUNS1 - RUNS0)) ]
# Every refusal is some netns's: here only A and B have traffic.
tap_check "arp: refusals per netns add up to table_fulls delta" \
	[ "$(refused arp)" = $((FULLS1 - FULLS0)) ]
# Not all of A's are the sender's: on 6.1 (not 6.12) loopback entries
# count against the table, and the ICMP errors for queued packets go
# over lo.
tap_check "arp: alloc_failures of the sending netns covers its failed sends" \
	[ "$d_alloc" -ge "$enobufs" ]
tap_check "arp: every forced gc run was traced" [ "$d_traced" = "$d_runs" ]
tap_check "arp: gc_entries never exceeded gc_thresh3" [ "$max_gc" -le 128 ]
tap_check "arp: last_overflow_age_ms is recent" \
	[ "$(field "$H1" arp last_overflow_age_ms)" -lt 60000 ]
tap_check "arp: entries equals arp_cache's" [ "$(field "$H1" arp entries)" = "$ENTRIES1" ]
tap_check "arp: gc_thresh1/2/3 and gc_interval_ms equal the sysctls" \
	[ "$(json_get '"%d %d %d %d" % tuple(d["neigh"]["arp"][k] for k in ("gc_thresh1",
		"gc_thresh2", "gc_thresh3", "gc_interval_ms"))' <<<"$H1")" = \
	"$(sysctl -n net.ipv4.neigh.default.gc_thresh{1,2,3} | paste -sd' ') $((1000 * $(sysctl -n net.ipv4.neigh.default.gc_interval)))" ]
tap_check "arp: headroom is gc_thresh3 - gc_entries" \
	[ "$(field "$H1" arp headroom)" = $((128 - $(field "$H1" arp gc_entries))) ]

# --- 2. forced gc that reclaims: entries FAILED after ~3 s of probes ---
sleep 4
snap arp
save0
burst 4 300 2000 >/dev/null
snap arp
save1
d_recl=$(delta arp forced_gc_reclaimed) d_per=$(delta arp periodic_gc_reclaimed)
d_traced=$(delta arp forced_gc_runs_traced)
d_hist=$(($(hist_total arp forced_gc_reclaim_hist "$H1") - $(hist_total arp forced_gc_reclaim_hist "$H0")))
d_lat=$(($(hist_total arp forced_gc_latency_hist_us "$H1") -
	$(hist_total arp forced_gc_latency_hist_us "$H0")))
echo "# arp gc: forced reclaimed +$d_recl, periodic reclaimed +$d_per," \
	"arp_cache destroys +$((DESTROYS1 - DESTROYS0)), traced runs +$d_traced," \
	"budget hits $(field "$H1" arp forced_gc_budget_hits)"
tap_check "arp: forced gc reclaimed entries" [ "$d_recl" -gt 0 ]
tap_check "arp: forced + periodic reclaimed equals arp_cache destroys delta" \
	[ $((d_recl + d_per)) = $((DESTROYS1 - DESTROYS0)) ]
tap_check "arp: one reclaim-histogram sample per traced run" [ "$d_hist" = "$d_traced" ]
tap_check "arp: one latency-histogram sample per traced run" [ "$d_lat" = "$d_traced" ]

# --- 3. periodic gc: the gc work runs every base_reachable_time/2 -----
# It does nothing below gc_thresh1 entries: fill the table again, then
# let the fresh entries fail (~3 s) and the gc work free them.
snap arp
save0
sysctl -q -w net.ipv4.neigh.default.base_reachable_time_ms=1000 \
	net.ipv4.neigh.default.gc_thresh1=32
burst 4 100 3000 >/dev/null
for _ in $(seq 30); do
	sleep 1
	h=$(neigh_json "" arp)
	[ $(($(field "$h" arp periodic_gc_runs) - $(field "$H0" arp periodic_gc_runs))) -ge 2 ] &&
		[ "$(field "$h" arp periodic_gc_reclaimed)" -gt "$(field "$H0" arp periodic_gc_reclaimed)" ] &&
		break
done
sysctl -q -w "${saved[6]}"
sleep 1		# the last short-interval run re-arms with the restored time
snap arp
save1
d_pruns=$(delta arp periodic_gc_runs) d_per=$(delta arp periodic_gc_reclaimed)
d_recl=$(delta arp forced_gc_reclaimed)
echo "# arp periodic gc: runs +$d_pruns (arp_cache +$((PRUNS1 - PRUNS0))), reclaimed +$d_per," \
	"forced reclaimed +$d_recl, arp_cache destroys +$((DESTROYS1 - DESTROYS0))"
tap_check "arp: periodic_gc_runs moved" [ "$d_pruns" -gt 0 ]
tap_check "arp: periodic_gc_runs delta equals arp_cache's" [ "$d_pruns" = $((PRUNS1 - PRUNS0)) ]
tap_check "arp: periodic gc reclaimed entries" [ "$d_per" -gt 0 ]
tap_check "arp: periodic + forced reclaimed equals arp_cache destroys delta" \
	[ $((d_per + d_recl)) = $((DESTROYS1 - DESTROYS0)) ]
# the fresh entries failed to resolve in this window
d_resf=$(delta arp res_failed) d_unres=$(delta arp unresolved_discards)
echo "# arp: res_failed +$d_resf (arp_cache +$((RESF1 - RESF0))), unresolved_discards" \
	"+$d_unres (arp_cache +$((UNRES1 - UNRES0)))"
tap_check "arp: res_failed delta > 0 and equals arp_cache's" \
	all [ "$d_resf" -gt 0 ] -- [ "$d_resf" = $((RESF1 - RESF0)) ]
# (nothing queues here, so unresolved_discards is 0 = 0: section 0b
# checks it with discards to count)

# --- 4. the same overflow for NDISC, where sendto() says EINVAL --------
snap ndisc
save0
out=$(burst 6 400 0)
echo "# ndisc burst: $out"
einval=$(sed -nE 's/.*EINVAL=([0-9]+).*/\1/p' <<<"$out")
snap ndisc
save1
d_fail=$(delta ndisc forced_gc_failures) d_runs=$(delta ndisc forced_gc_runs)
d_alloc=$(($(field "$NA1" ndisc netns.alloc_failures) - $(field "$NA0" ndisc netns.alloc_failures)))
echo "# ndisc: forced_gc_failures +$d_fail (table_fulls +$((FULLS1 - FULLS0)))," \
	"forced_gc_runs +$d_runs (ndisc_cache +$((RUNS1 - RUNS0))), alloc_failures A +$d_alloc," \
	"A+B +$(refused ndisc)"
tap_check "ndisc: the sender saw sendto() fail with EINVAL" [ "${einval:-0}" -gt 0 ]
tap_check "ndisc: forced_gc_failures delta > 0 and equals ndisc_cache table_fulls delta" \
	all [ "$d_fail" -gt 0 ] -- [ "$d_fail" = $((FULLS1 - FULLS0)) ]
tap_check "ndisc: forced_gc_runs delta equals ndisc_cache's" [ "$d_runs" = $((RUNS1 - RUNS0)) ]
tap_check "ndisc: refusals per netns add up to table_fulls delta" \
	[ "$(refused ndisc)" = $((FULLS1 - FULLS0)) ]
# neighbour discovery's own multicast entries can be refused too
tap_check "ndisc: alloc_failures of the sending netns covers its failed sends" \
	[ "$d_alloc" -ge "${einval:-1}" ]
tap_check "dmesg has no splat after the overflows" dmesg_clean "$mark"

# --- 5. per-state counts, and isolation between netns ------------------
ip netns add "$C"
ip -n "$C" link add d0 type dummy
ip -n "$C" link set d0 up
ip -n "$C" addr add 10.98.0.1/16 dev d0
i=0
for s in permanent noarp reachable stale delay probe failed incomplete none permanent; do
	i=$((i + 1))
	ip -n "$C" neigh add "10.98.1.$i" lladdr "02:00:00:00:00:$i" dev d0 nud "$s"
done
# ip_states NETNS: "state count" lines as ip neigh shows them
ip_states() {
	ip -n "$1" -4 neigh show nud all | awk '{ s = $NF; if (s !~ /^[A-Z]+$/) s = "NONE";
		n[tolower(s)]++ } END { for (s in n) print s, n[s] }' | sort
}
nk_states() {
	json_get "'\n'.join('%s %d' % (k, v) for k, v in sorted(d['neigh']['arp']['netns'].items())
		if v and k not in ('total', 'alloc_failures'))" <<<"$(neigh_json "$1" arp)"
}
for _ in 1 2 3; do
	before=$(ip_states "$C") nk=$(nk_states "$C") after=$(ip_states "$C")
	[ "$before" = "$after" ] && break
done
echo "# netns C: ip neigh: ${before//$'\n'/, } / nkstat: ${nk//$'\n'/, }"
tap_check "per-state counts equal ip neigh show nud all" [ "$nk" = "$before" ]
for _ in 1 2 3; do
	before=$(ip_states "$A") nk=$(nk_states "$A") after=$(ip_states "$A")
	[ "$before" = "$after" ] && break
done
tap_check "per-state counts equal ip neigh for the busy netns too" [ "$nk" = "$before" ]
# Per device: the dump against ip neigh show dev DEV, device by device.
ip -n "$C" link add d1 type dummy
ip -n "$C" link set d1 up
ip -n "$C" addr add 10.97.0.1/16 dev d1
for i in 1 2 3; do
	ip -n "$C" neigh add "10.97.1.$i" lladdr "02:00:00:00:01:$i" dev d1 nud stale
done
# dev_states NETNS DEV: "state count" lines for one device, from nkstat
dev_states() {
	ip netns exec "$1" nkstat -j neigh dev | json_get "'\n'.join('%s %d' % (k, v)
		for e in d['neigh_dev'] if e['ifname'] == '$2'
		for k, v in sorted(e['arp'].items()) if v and k not in ('total', 'alloc_failures'))"
}
ip_dev_states() {
	ip -n "$1" -4 neigh show dev "$2" nud all | awk '{ s = $NF; if (s !~ /^[A-Z]+$/) s = "NONE";
		n[tolower(s)]++ } END { for (s in n) print s, n[s] }' | sort
}
for dev in d0 d1; do
	for _ in 1 2 3; do
		before=$(ip_dev_states "$C" "$dev") nk=$(dev_states "$C" "$dev")
		after=$(ip_dev_states "$C" "$dev")
		[ "$before" = "$after" ] && break
	done
	tap_check "per-device counts of $dev equal ip neigh show dev $dev" [ "$nk" = "$before" ]
done
# Refusals per device add up to the netns's.
dev_refused=$(ip netns exec "$A" nkstat -j neigh dev |
	json_get "sum(e['arp']['alloc_failures'] for e in d['neigh_dev'])")
tap_check "refusals per device add up to the netns's alloc_failures" \
	all [ "$dev_refused" = "$(field "$(neigh_json "$A" arp)" arp netns.alloc_failures)" ] -- \
	[ "$dev_refused" -gt 0 ]
# A dump of many devices spans several messages; each device comes once.
for i in $(seq 200); do echo "link add dd$i type dummy"; done | ip -n "$B" -batch -
ids=$(ip netns exec "$B" nkstat -j neigh dev | json_get "' '.join(str(e['ifindex']) for e in d['neigh_dev'])")
tap_check "the per-device dump lists each of 202 devices once" \
	all [ "$(wc -w <<<"$ids")" = 202 ] -- [ "$(tr ' ' '\n' <<<"$ids" | sort -u | wc -l)" = 202 ]

tap_check "entries of one netns do not show in another" \
	all [ "$(field "$(neigh_json "$A" arp)" arp netns.permanent)" = 0 ] -- \
	[ "$(field "$(neigh_json "$C" arp)" arp netns.permanent)" = 2 ]
tap_check "alloc failures of one netns do not show in another" \
	[ "$(field "$(neigh_json "$C" arp)" arp netns.alloc_failures)" = 0 ]

# Without CAP_NET_ADMIN in the initial user namespace: own netns only.
# A walk needs CAP_NET_ADMIN over the netns, so the caller is the root of
# a new user namespace in a netns that namespace owns, with two
# permanent entries of its own.
# userns_nkstat ARGS...: nkstat ARGS there
userns_nkstat() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -Urn sh -c 'ip link add d0 type dummy && ip link set d0 up &&
		ip addr add 10.96.0.1/16 dev d0 &&
		ip neigh add 10.96.1.1 lladdr 02:00:00:00:02:01 dev d0 nud permanent &&
		ip neigh add 10.96.1.2 lladdr 02:00:00:00:02:02 dev d0 nud permanent &&
		exec nkstat "$@"' sh "$@"
}
un=$(userns_nkstat -j neigh arp)
tap_check "unprivileged: table-wide values hidden" \
	all [ "$(field "$un" arp table_wide_hidden)" = True ] -- \
	[ "$(field "$un" arp forced_gc_runs)" = None ] -- [ "$(field "$un" arp entries)" = None ]
tap_check "unprivileged: own netns counts still reported" \
	[ "$(field "$un" arp netns.permanent)" = 2 ]
text=$(userns_nkstat neigh arp)
tap_check "unprivileged: the table says why values are hidden" \
	grep -q "need CAP_NET_ADMIN in the initial user namespace" <<<"$text"

tap_done
