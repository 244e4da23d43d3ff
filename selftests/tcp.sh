#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tcp group against real TCP traffic between two netns over a veth:
# orphans stalled on a zero window, then aborts by tcp_orphan_retries,
# TCP_USER_TIMEOUT, tcp_retries2, keepalive and SYN retries. The census
# is checked against ss and /proc/net/sockstat, every abort delta against
# the kernel's TcpExtTCPAbortOnTimeout and TCPAbortOnMemory (nstat). The
# peer "vanishes" through a blackhole route in its netns: it can no
# longer answer, and nothing tells the sender so.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

traffic=(python3 "$NKSTAT_REPO/selftests/tcp_traffic.py")
p=nks-tcp-$$
CL=$p-cl SV=$p-sv X=$p-x
CL_IP=10.77.0.1 SV_IP=10.77.0.2
LA_IP=10.77.0.11	# the client address of the LAST_ACK orphans
pids=()
max_orphans=$(sysctl -n net.ipv4.tcp_max_orphans)
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	sysctl -qw net.ipv4.tcp_max_orphans="$max_orphans"
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	for ns in "$CL" "$SV" "$X"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT

netns_up "$CL" "$SV" "$X"
veth_up "$CL" nks-cl "$SV" nks-sv "$CL_IP/24" "$SV_IP/24"
ip -n "$CL" addr add "$LA_IP/24" dev nks-cl

cut="ip -n $SV route add blackhole $CL_IP/32"
mend() {
	ip -n "$SV" route del blackhole "$CL_IP/32"
}

# serve KIND PORT: a server in SV, once it listens
serve() {
	local out=/tmp/$p-serve-$2
	ip netns exec "$SV" "${traffic[@]}" "$1" --addr "$SV_IP:$2" >"$out" &
	pids+=($!)
	wait_ready "$out" 50
}
# tcpj NETNS: `nkstat -j tcp` there; -n reads tcp_max_orphans first
tcpj() {
	nkstat -n "$1" -j tcp
}
# get JSON EXPR: EXPR over d = the document, t = d["tcp"]
get() {
	json_get "(lambda t: $2
)(d.get('tcp'))" <<<"$1"
}
# delta BEFORE AFTER CAUSE: the cause's rise
delta() {
	echo $(($(get "$2" "t['aborts']['$3']") - $(get "$1" "t['aborts']['$3']")))
}
# sums BEFORE AFTER: "causes kernel": the rise of every cause (memory
# included), and of TCPAbortOnTimeout + TCPAbortOnMemory as nstat reads
# them (mib_before is nstat's reading taken with BEFORE)
sums() {
	local causes kernel
	causes=$(pyrun -c 'import json,sys
a, b = (json.loads(x)["tcp"]["aborts"] for x in sys.argv[1:3])
print(sum(b[k] - a[k] for k in a))' "$1" "$2" </dev/null)
	kernel=$(($(mib) - mib_before))
	echo "$causes $kernel"
}
# mib: TcpExtTCPAbortOnTimeout + TcpExtTCPAbortOnMemory of CL, from nstat
mib() {
	ip netns exec "$CL" nstat -asz TcpExtTCPAbortOnTimeout TcpExtTCPAbortOnMemory |
		awk '$1 ~ /^TcpExt/ { s += $2 } END { print s + 0 }'
}

# orphans_until TRIES EXPR: reads CL's tcp document every 0.5 s, TRIES
# times at most, until EXPR over it (as get) is True; leaves the last
# reading in $after
orphans_until() {
	for _ in $(seq "$1"); do
		after=$(tcpj "$CL")
		[ "$(get "$after" "$2")" = True ] && return
		sleep 0.5
	done
}
# ss_rows NETNS STATE...: the orphans there as ss -tio shows them, one
# "port state timer probes_out backoff snd_wnd unacked" line each, by
# port; probes_out from the timer's count, for the persist and keepalive
# timers only (for the others ss counts retransmits)
ss_rows() {
	local ns=$1 filter=() s
	shift
	for s in "$@"; do filter+=(state "$s"); done
	ip netns exec "$ns" ss -tinoH "${filter[@]}" | pyrun -c 'import re, sys
names = {"FIN-WAIT-1": "fin_wait1", "FIN-WAIT-2": "fin_wait2", "CLOSING": "closing",
         "LAST-ACK": "last_ack"}
rows = []
for s in re.split(r"\n(?=\S)", sys.stdin.read().strip()):
    if not s:
        continue
    f = s.split()
    state = names.get(f[0], names[sys.argv[1].upper()])
    if f[0] in names:
        f = f[1:]
    m = re.search(r"timer:\((\w+),[^,]*,(\d+)\)", s)
    timer, n = (m.group(1), int(m.group(2))) if m else ("off", 0)
    info = lambda k: int((re.search(r"\b%s:(\d+)" % k, s) or [0, 0])[1])
    rows.append((int(f[2].rsplit(":", 1)[1]), state, timer,
                 n if timer in ("persist", "keepalive") else "-",
                 info("backoff"), info("snd_wnd"), info("unacked")))
for r in sorted(rows):
    print(*r)' "$1"
}
# nk_rows NETNS: the same lines from nkstat tcp orphans
nk_rows() {
	ip netns exec "$1" nkstat -j tcp orphans | pyrun -c 'import json, sys
for r in sorted(json.load(sys.stdin)["tcp_orphans"], key=lambda r: r["local_port"]):
    print(r["local_port"], r["state"], r["timer"],
          r["probes_out"] if r["timer"] in ("persist", "keepalive") else "-",
          r["backoff"], r["snd_wnd"], r["packets_out"])'
}
# rows_agree NETNS STATE...: nkstat's rows equal ss's, taken between two
# ss readings that agree
# shellcheck disable=SC2317 # run through tap_check
rows_agree() {
	local a n b
	for _ in 1 2 3 4 5; do
		a=$(ss_rows "$@") n=$(nk_rows "$1") b=$(ss_rows "$@")
		[ "$a" = "$b" ] && break
	done
	echo "# rows, ss: $(sort -u -k2 <<<"$a" | cut -d' ' -f2- | paste -sd';')"
	[ -n "$a" ] && [ "$n" = "$a" ]
}

mark=$(dmesg_mark)

# --- 0. nkstat info ---------------------------------------------------
info=$(nkstat -j info tcp)
tap_check "info: tcp is active" \
	[ "$(get "$info" 'd["info"]["groups"][0]["state"]')" = active ]
tap_check "info: the three abort-path kretprobes attached" \
	[ "$(get "$info" '" ".join(sorted(h["name"] for h in d["info"]["groups"][0]["hooks"]
		if h["error"] is None and h["kind"] == "kretprobe"))')" = \
	"tcp_keepalive_timer tcp_retransmit_timer tcp_write_timer_handler" ]

# --- 1. orphans stalled on a zero window ------------------------------
# 200 connections to a server that never reads: each client fills the
# window, then closes. Enough rows that the orphan dump resumes.
# tcp_retries2 caps the probes' backoff (tcp_send_probe0()): however long
# the commands below take, a probe is never more than 200 ms << 3 away,
# and the orphans die about 3 s after the peer vanishes.
N=200
ip netns exec "$CL" sysctl -qw net.ipv4.tcp_retries2=3
serve stall-serve 8000
out=$(ip netns exec "$CL" "${traffic[@]}" orphan --dst "$SV_IP:8000" --count $N \
	--run "nkstat -j tcp" --run "ss -tanoeH state fin-wait-1" \
	--run "cat /proc/net/sockstat" --run "nkstat -j tcp orphans" \
	--run "nkstat -j tcp orphans --peers" --run "nkstat -j tcp orphans --zero-window")
run() {
	json_get "d['runs'][$1]" <<<"$out"
}
t1=$(run 0) ss_out=$(run 1) sockstat=$(run 2) dump=$(run 3) peers=$(run 4) zw=$(run 5)
ss_n=$(grep -c . <<<"$ss_out")
ss_persist=$(grep -c 'timer:(persist' <<<"$ss_out")
echo "# $N orphaned; ss: $ss_n in FIN-WAIT-1, $ss_persist probing;" \
	"nkstat: $(get "$t1" 't["orphans"]')"
tap_check "orphans: the scenario orphaned $N sockets" \
	[ "$(json_get 'd["result"]["orphaned"]' <<<"$out")" = $N ]
tap_check "orphans: fin_wait1 = ss FIN-WAIT-1 = $N" \
	all [ "$(get "$t1" 't["orphans"]["fin_wait1"]')" = "$ss_n" ] -- [ "$ss_n" = $N ]
tap_check "orphans: total = fin_wait1 (no other state here)" \
	[ "$(get "$t1" 't["orphans"]["total"]')" = "$ss_n" ]
tap_check "orphans: zero_window_probing = ss timer persist = $N" \
	all [ "$(get "$t1" 't["orphans"]["zero_window_probing"]')" = "$ss_persist" ] -- [ "$ss_persist" = $N ]
tap_check "orphans: the probes_out histogram holds every probing orphan" \
	[ "$(get "$t1" 'sum(t["orphans"]["probes_hist"].values())')" = "$ss_persist" ]
tap_check "orphans: none retransmitting into the window; no live socket stalled" \
	[ "$(get "$t1" '(t["orphans"]["zero_window_rto"], t["stalled_zero_window"])')" = "(0, 0)" ]
sockstat_orphan=$(awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "orphan") print $(i + 1) }' <<<"$sockstat")
tap_check "orphans: orphans_global = sockstat orphan ($sockstat_orphan)" \
	[ "$(get "$t1" 't["orphans_global"]')" = "$sockstat_orphan" ]
tap_check "orphans dump: one row per orphan, local ports as ss lists them" \
	[ "$(get "$dump" '" ".join(sorted(str(r["local_port"]) for r in d["tcp_orphans"]))')" = \
	"$(awk '{ n = split($3, a, ":"); print a[n] }' <<<"$ss_out" | sort | paste -sd' ')" ]
tap_check "orphans dump: each row names the peer, FIN-WAIT-1, persist" \
	[ "$(get "$dump" 'sorted({(r["peer"], r["peer_port"], r["state"], r["timer"]) for r in d["tcp_orphans"]})')" = \
	"[('$SV_IP', 8000, 'fin_wait1', 'persist')]" ]
tap_check "orphans --peers: one peer holds all $N" \
	[ "$(get "$peers" '[(r["peer"], r["orphans"], r["zero_window"]) for r in d["tcp_orphan_peers"]]')" = \
	"[('$SV_IP', $N, $N)]" ]
tap_check "orphans --zero-window: the $N stalled ones" \
	[ "$(get "$zw" 'len(d["tcp_orphans"])')" = $N ]

# max_orphans is read where /proc/sys shows it: -n reads it first
t=$(tcpj "$CL")
tap_check "max_orphans is net.ipv4.tcp_max_orphans" \
	[ "$(get "$t" 't["max_orphans"]')" = "$(cat /proc/sys/net/ipv4/tcp_max_orphans)" ]
tap_check "ip netns exec cannot read it: null, not 0" \
	[ "$(ip netns exec "$CL" nkstat -j tcp | get "$(cat)" 't["max_orphans"]')" = None ]

# --- 1a. too many orphans: the kernel kills them -----------------------
# Above tcp_max_orphans (a global limit), each orphan's next probe kills
# it (tcp_out_of_resources(): TCPAbortOnMemory), until the count the
# kernel caches every 100 ms is under the limit again.
before=$(tcpj "$CL") mib_before=$(mib)
sysctl -qw net.ipv4.tcp_max_orphans=150
orphans_until 60 't["orphans"]["total"] <= 150'
sleep 1
sysctl -qw net.ipv4.tcp_max_orphans="$max_orphans"
after=$(tcpj "$CL")
left=$(get "$after" 't["orphans"]["total"]')
ss_left=$(ip netns exec "$CL" ss -tanH state fin-wait-1 | grep -c .)
read -r causes kernel <<<"$(sums "$before" "$after")"
echo "# tcp_max_orphans 150: $left of $N orphans left (ss $ss_left); memory" \
	"+$(delta "$before" "$after" memory), causes +$causes, TCPAbortOnTimeout+OnMemory +$kernel"
tap_check "memory: orphans over tcp_max_orphans killed; the rest = ss FIN-WAIT-1" \
	all [ "$left" -le 150 ] -- [ "$left" -gt 0 ] -- [ "$left" = "$ss_left" ]
tap_check "memory: aborts.memory rose by the orphans killed ($((N - left)))" \
	[ "$(delta "$before" "$after" memory)" = $((N - left)) ]
tap_check "memory: abort deltas sum to the kernel's" \
	all [ "$causes" = "$kernel" ] -- [ "$kernel" = $((N - left)) ]

# Each probe is answered: probes_out is back to 0, and the backoff stays
# at its cap, tcp_retries2 (3), once three probes went out.
tap_check "orphans: each row's timer, probes_out, backoff, snd_wnd, packets_out = ss -tio" \
	rows_agree "$CL" fin-wait-1
tap_check "orphans: max_backoff is the highest backoff ss shows (tcp_retries2, 3)" \
	all [ "$(get "$(tcpj "$CL")" 't["orphans"]["max_backoff"]')" = 3 ] -- \
	[ "$(ss_rows "$CL" fin-wait-1 | awk '{ print $5 }' | sort -n | tail -n 1)" = 3 ]

# the peer vanishes: unanswered probes, then tcp_orphan_retries aborts
before=$(tcpj "$CL") mib_before=$(mib)
ip netns exec "$CL" sysctl -qw net.ipv4.tcp_orphan_retries=1
$cut
orphans_until 120 't["orphans"]["total"] == 0'
mend
read -r causes kernel <<<"$(sums "$before" "$after")"
echo "# orphan aborts: causes +$causes, TCPAbortOnTimeout+OnMemory +$kernel"
tap_check "orphans: all aborted" [ "$(get "$after" 't["orphans"]["total"]')" = 0 ]
tap_check "orphans: orphan_zero_window rose by the $left left" \
	[ "$(delta "$before" "$after" orphan_zero_window)" = "$left" ]
tap_check "orphans: abort deltas sum to the kernel's (+$kernel)" [ "$causes" = "$kernel" ]
tap_check "orphans: kernel totals in the reply follow nstat" \
	[ "$(get "$after" 't["kernel"]["abort_on_timeout"] + t["kernel"]["abort_on_memory"]')" = "$(mib)" ]

# --- 1b. orphans in FIN_WAIT2, CLOSING and LAST_ACK --------------------
# K of each (tcp_traffic.py states): FIN_WAIT2 waits on its peer's FIN;
# CLOSING saw its peer's FIN while its own waits behind data the closed
# window holds back (it probes); LAST_ACK's FIN is retransmitted to a
# peer that no longer answers. tcp_orphan_retries 0 (8 tries) keeps them
# until counted; then 1 ends the CLOSING ones once the peer vanishes
# (orphan_zero_window) and the LAST_ACK ones (orphan_retries, as their
# peer's window is open).
K=10
ip netns exec "$CL" sysctl -qw net.ipv4.tcp_orphan_retries=0
out=/tmp/$p-states
"${traffic[@]}" states --client-ns "$CL" --server-ns "$SV" --server "$SV_IP" --port 8002 \
	--count $K --last-ack-client "$LA_IP" --cut "ip -n $SV route add blackhole $LA_IP/32" >"$out" &
pids+=($!)
states_pid=$!
wait_ready "$out" 300
# counts_agree: nkstat's counts by state equal ss's, K each
# shellcheck disable=SC2317 # run through tap_check
counts_agree() {
	local ss_n nk
	for _ in $(seq 20); do
		ss_n=$(ip netns exec "$CL" ss -tanH state fin-wait-2 state closing state last-ack |
			awk '{ n[$1]++ } END { print n["FIN-WAIT-2"] + 0, n["CLOSING"] + 0, n["LAST-ACK"] + 0 }')
		nk=$(get "$(tcpj "$CL")" '" ".join(str(t["orphans"][k]) for k in
			("fin_wait2", "closing", "last_ack", "fin_wait1", "total"))')
		[ "$ss_n" = "$K $K $K" ] && [ "$nk" = "$ss_n 0 $((3 * K))" ] && break
		sleep 0.5
	done
	echo "# ss: FIN-WAIT-2, CLOSING, LAST-ACK: $ss_n; nkstat (and fin_wait1, total): $nk"
	[ "$nk" = "$ss_n 0 $((3 * K))" ] && [ "$ss_n" = "$K $K $K" ]
}
tap_check "orphans: fin_wait2, closing, last_ack = ss FIN-WAIT-2, CLOSING, LAST-ACK = $K each" \
	counts_agree
tap_check "orphans: rows of FIN_WAIT2, CLOSING, LAST_ACK orphans = ss -tio" \
	rows_agree "$CL" fin-wait-2 closing last-ack
tap_check "orphans dump: the rows' local ports are those the scenario made" \
	[ "$(nk_rows "$CL" | awk '{ print $1 }' | sort -n | paste -sd' ')" = \
	"$(json_get '" ".join(str(p) for p in sorted(sum(d["ports"].values(), [])))' < <(head -n 1 "$out"))" ]
before=$(tcpj "$CL") mib_before=$(mib)
ip netns exec "$CL" sysctl -qw net.ipv4.tcp_orphan_retries=1
$cut
orphans_until 120 't["orphans"]["closing"] + t["orphans"]["last_ack"] == 0'
mend
ip -n "$SV" route del blackhole "$LA_IP/32"
kill "$states_pid"
read -r causes kernel <<<"$(sums "$before" "$after")"
echo "# CLOSING and LAST_ACK aborts: orphan_zero_window" \
	"+$(delta "$before" "$after" orphan_zero_window), orphan_retries" \
	"+$(delta "$before" "$after" orphan_retries); causes +$causes, kernel +$kernel"
tap_check "orphans: the CLOSING ones counted under orphan_zero_window (+$K)" \
	[ "$(delta "$before" "$after" orphan_zero_window)" = $K ]
tap_check "orphans: the LAST_ACK ones counted under orphan_retries (+$K)" \
	[ "$(delta "$before" "$after" orphan_retries)" = $K ]
tap_check "orphans: abort deltas sum to the kernel's (+$((2 * K)))" \
	all [ "$causes" = "$kernel" ] -- [ "$kernel" = $((2 * K)) ]

# abort_test NAME EXPECTED-CAUSE SCENARIO-ARGS...: one abort, its errno and cause
abort_test() {
	local name=$1 cause=$2 res err
	shift 2
	before=$(tcpj "$CL") mib_before=$(mib)
	res=$(ip netns exec "$CL" "${traffic[@]}" "$@")
	mend
	after=$(tcpj "$CL")
	read -r causes kernel <<<"$(sums "$before" "$after")"
	err=$(json_get 'd["errno"]' <<<"$res")
	echo "# $name: $res; causes +$causes, TCPAbortOnTimeout+OnMemory +$kernel"
	tap_check "$name: the application gets ETIMEDOUT" [ "$err" = ETIMEDOUT ]
	tap_check "$name: counted under $cause" [ "$(delta "$before" "$after" "$cause")" = 1 ]
	tap_check "$name: abort deltas sum to the kernel's (+1)" \
		all [ "$causes" = "$kernel" ] -- [ "$kernel" = 1 ]
}

# --- 2. TCP_USER_TIMEOUT ----------------------------------------------
serve serve 8001
abort_test "TCP_USER_TIMEOUT 2 s" user_timeout abort --dst "$SV_IP:8001" \
	--mode user_timeout --cut "$cut"
# --- 3. tcp_retries2 (3 since section 1) ------------------------------
abort_test "tcp_retries2=3" retries2 abort --dst "$SV_IP:8001" --mode retries --cut "$cut"
# --- 4. keepalive -----------------------------------------------------
abort_test "keepalive 1 s x 2" keepalive abort --dst "$SV_IP:8001" --mode keepalive --cut "$cut"
# --- 5. SYN retries ---------------------------------------------------
# 6.12 adds tcp_syn_linear_timeouts retries in SYN_SENT; 6.1 has none
ip netns exec "$CL" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null
$cut
abort_test "TCP_SYNCNT=1" syn_retries syn --dst "$SV_IP:8001"

# --- 6. a live socket stalled on a zero window, with TCP_USER_TIMEOUT ---
# The peer keeps answering the probes; only the user timeout ends it.
before=$(tcpj "$CL") mib_before=$(mib)
res=$(ip netns exec "$CL" "${traffic[@]}" stall --dst "$SV_IP:8000" --user-timeout 3000 \
	--run "nkstat -j tcp" --run "ss -tanoeH state established")
after=$(tcpj "$CL")
read -r causes kernel <<<"$(sums "$before" "$after")"
st=$(json_get 'd["runs"][0]' <<<"$res")
ss_persist=$(json_get 'd["runs"][1]' <<<"$res" | grep -c 'timer:(persist')
echo "# stalled: $(json_get '(d["errno"], d["seconds"])' <<<"$res");" \
	"$(get "$st" '(t["stalled_zero_window"], t["with_user_timeout"])'), ss persist $ss_persist;" \
	"causes +$causes, kernel +$kernel"
tap_check "stalled: one live socket probing, = ss ESTAB with timer persist" \
	all [ "$(get "$st" 't["stalled_zero_window"]')" = "$ss_persist" ] -- [ "$ss_persist" = 1 ]
tap_check "stalled: it has TCP_USER_TIMEOUT set" [ "$(get "$st" 't["with_user_timeout"]')" = 1 ]
tap_check "stalled: the application gets ETIMEDOUT" [ "$(json_get 'd["errno"]' <<<"$res")" = ETIMEDOUT ]
tap_check "stalled: counted under user_timeout (by the probe timer)" \
	[ "$(delta "$before" "$after" user_timeout)" = 1 ]
tap_check "stalled: abort deltas sum to the kernel's (+1)" \
	all [ "$causes" = "$kernel" ] -- [ "$kernel" = 1 ]

# --- 7. isolation -----------------------------------------------------
tx=$(tcpj "$X")
tap_check "isolation: an idle netns sees no orphan and no abort" \
	[ "$(get "$tx" '(t["orphans"]["total"], sum(t["aborts"].values()))')" = "(0, 0)" ]
tap_check "isolation: the server's netns counted none of the client's aborts" \
	[ "$(get "$(tcpj "$SV")" 'sum(t["aborts"].values())')" = 0 ]
tap_check "isolation: the client's netns has them" \
	[ "$(get "$(tcpj "$CL")" 't["aborts"]["orphan_zero_window"]')" = $((left + K)) ]

# A kretprobe misses a hit when its timer fires in a softirq that
# interrupted another kprobe's handler on that CPU (kprobe_running()): the
# exact figures above hold only with no miss, and a miss must show.
info=$(nkstat -j info tcp) reply=$(tcpj "$CL")
missed=$(get "$info" 'sum(h["missed"] or 0 for h in d["info"]["groups"][0]["hooks"])')
echo "# kretprobes missed $missed hits"
if [ "$missed" = 0 ]; then
	tap_check "kretprobes missed nothing, and no cause is listed lossy" \
		[ "$(get "$info" 'd["info"]["groups"][0]["lossy"]')/$(get "$reply" 't["lossy"]')" = "[]/[]" ]
else
	tap_check "kretprobes missed $missed hits: every cause is listed lossy, in info and reply" \
		all [ "$(get "$info" 'len(d["info"]["groups"][0]["lossy"])')" = 8 ] -- \
		[ "$(get "$reply" 'len([c for c in t["lossy"] if c.startswith("aborts.")])')" = 8 ]
fi
tap_check "no splat in dmesg" dmesg_clean "$mark"
tap_done
