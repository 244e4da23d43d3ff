#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unload and reload the module while tool loops query it. Every query
# must either succeed or say the module is not loaded (exit 3); none may
# crash or hang, and the kernel log must stay clean. A query normally
# takes tens of ms; one still running after 60 s counts as hung. Any
# query slower than 5 s is reported with its kernel stack.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

CYCLES=${CYCLES:-20}
LOOPS=2
tmp=$(mktemp -d)
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# watchdog: a query running for 5 s is stuck; record where, once. It
# forks nothing while it looks (the guest has one CPU, which the
# queries and rmmod/insmod need): /proc/uptime is in 1/100 s, and field
# 22 of /proc/PID/stat, starttime, in clock ticks.
watchdog() {
	local p comm stat up now hz
	hz=$(getconf CLK_TCK)
	while [ ! -e "$tmp/stop" ]; do
		read -r up _ </proc/uptime
		now=$((${up%.*} * hz + 10#${up#*.} * hz / 100))
		for p in /proc/[0-9]*; do
			read -r comm 2>/dev/null <"$p/comm" || continue
			[ "$comm" = nkstat ] || continue
			[ -e "$tmp/stuck.${p#/proc/}" ] && continue
			read -r -a stat 2>/dev/null <"$p/stat" || continue
			[ $((now - stat[21])) -ge $((5 * hz)) ] || continue
			{
				echo "query ${p#/proc/} stuck for $(((now - stat[21]) / hz)) s in $(cat "$p/wchan" 2>/dev/null):"
				cat "$p/stack" 2>/dev/null
			} >"$tmp/stuck.${p#/proc/}"
		done
		sleep 1
	done
}

mark=$(dmesg_mark)
watchdog &
pids+=($!)
for i in $(seq $LOOPS); do
	(
		while [ ! -e "$tmp/stop" ]; do
			timeout 60 nkstat -j info >/dev/null 2>>"$tmp/err.$i"
			echo $? >>"$tmp/rc.$i"
		done
	) &
	pids+=($!)
done

reload_failed=0
for _ in $(seq "$CYCLES"); do
	sleep 0.$((RANDOM % 3))
	rmmod nkstat || reload_failed=1
	sleep 0.$((RANDOM % 3))
	insmod "$NKSTAT_KO" || reload_failed=1
done
touch "$tmp/stop"
wait "${pids[@]}"
pids=()

cat "$tmp"/rc.* >"$tmp/all"
total=$(wc -l <"$tmp/all")
ok=$(grep -cx 0 "$tmp/all")
nomod=$(grep -cx 3 "$tmp/all")
echo "# $total queries over $CYCLES cycles: $ok answered, $nomod saw no module"

tap_check "rmmod and insmod succeed every cycle" [ $reload_failed = 0 ]
tap_check "every query exits 0 or 3" [ $((ok + nomod)) = "$total" ]
tap_check "queries were answered" [ "$ok" -gt 0 ]
tap_check "queries ran while unloaded" [ "$nomod" -gt 0 ]
cat "$tmp"/stuck.* 2>/dev/null | sed 's/^/# /'
tap_check "no query hung" [ "$(grep -cx 124 "$tmp/all")" = 0 ]
tap_check "module is loaded at the end" [ -e /sys/module/nkstat ]
tap_check "module refcount is 0" [ "$(cat /sys/module/nkstat/refcnt)" = 0 ]
tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
