#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# No counter that can lose events is shown as exact. The kretprobe on
# __inet_hash_connect, which sleeps (its port scan reschedules after each
# port), needs an instance per call in flight; during port exhaustion
# many are. 640 connect() calls, released at once by a barrier, each scan
# a fully used range of 4,000 ports and fail with EADDRNOTAVAIL. Then
# connect_eaddrnotavail rose by exactly as many, or the counter is
# listed lossy (in info and in the reply) with the hook's missed count
# covering the shortfall. With room for 4,096 instances nothing is
# missed here, and so nothing is listed lossy.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

NS=nks-lossy-$$
HOLD=${HOLD:-4000}
THREADS=${THREADS:-640}
LO=40000
HI=$((LO + HOLD - 1))
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() { ip netns del "$NS" 2>/dev/null; }
trap cleanup EXIT

# missed INFO: the missed count of hook __inet_hash_connect in
# `nkstat -j info ports` output INFO
missed() {
	json_get '[h["missed"] for h in d["info"]["groups"][0]["hooks"]
		if h["name"] == "__inet_hash_connect"][0]' <<<"$1"
}
# listed JSON LIST_EXPR: whether connect_eaddrnotavail is in that lossy list
listed() {
	json_get "'connect_eaddrnotavail' in $2" <<<"$1"
}

mark=$(dmesg_mark)
netns_up "$NS"
ip netns exec "$NS" sysctl -q -w net.ipv4.ip_local_port_range="$LO $HI"

info0=$(nkstat -j info ports)
before=$(ip netns exec "$NS" nkstat -j ports)
t0=$(date +%s%N)
out=$(ip netns exec "$NS" "$NKSTAT_REPO/selftests/connect_storm" 5000 "$HOLD" "$THREADS")
rc=$?
echo "# connect_storm ($(( ($(date +%s%N) - t0) / 1000000 )) ms): $out"
after=$(ip netns exec "$NS" nkstat -j ports)
info1=$(nkstat -j info ports)

get() { json_get "d[\"$2\"]" <<<"$1"; }
tap_check "$HOLD connections hold every port of the range" all [ $rc = 0 ] -- [ "$(get "$out" held)" = "$HOLD" ]
fails=$(get "$out" eaddrnotavail)
tap_check "every one of the $THREADS connects failed with EADDRNOTAVAIL" \
	[ "$fails/$(get "$out" ok)/$(get "$out" other)" = "$THREADS/0/0" ]
inflight=$(get "$out" max_in_flight)
# A kretprobe with the default room (max(10, 2 * CPUs) instances) would
# miss most of 200. Under load (four guests on two cores) the storm
# reached 362 at once, so the bar is not set nearer to 640.
tap_check "the connects were concurrent: 200 or more in flight at once" [ "$inflight" -ge 200 ]

eaddrnotavail() { json_get 'd["ports"]["connect_eaddrnotavail"]' <<<"$1"; }
d_conn=$(($(eaddrnotavail "$after") - $(eaddrnotavail "$before")))
m0=$(missed "$info0") m1=$(missed "$info1")
lossy_info=$(listed "$info1" 'd["info"]["groups"][0]["lossy"]')
lossy_reply=$(listed "$after" 'd["ports"]["lossy"]')
echo "# connect_eaddrnotavail +$d_conn, failures seen $fails; missed $m0 -> $m1;" \
	"listed lossy: info $lossy_info, reply $lossy_reply"
# exact, or lossy with the misses to show for it
# shellcheck disable=SC2317 # run through tap_check
exact_or_lossy() {
	[ "$d_conn" = "$fails" ] && return 0
	[ "$lossy_info/$lossy_reply" = True/True ] && [ $((m1 - m0)) -gt 0 ] &&
		[ $((m1 - m0)) -ge $((fails - d_conn)) ]
}
tap_check "connect_eaddrnotavail rose by the failures seen, or is lossy with as many missed" \
	exact_or_lossy
tap_check "hook __inet_hash_connect missed no hit" [ "$m1" = 0 ]
tap_check "so connect_eaddrnotavail is listed lossy neither in info nor in the reply" \
	[ "$lossy_info/$lossy_reply" = False/False ]
tap_check "the ports reply lists nothing lossy" [ "$(json_get 'd["ports"]["lossy"]' <<<"$after")" = "[]" ]

tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
