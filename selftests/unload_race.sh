#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unload and reload the module while tool loops query it. Every query
# must either succeed or say the module is not loaded (exit 3); none may
# crash or hang, and the kernel log must stay clean.

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

mark=$(dmesg_mark)
for i in $(seq $LOOPS); do
	(
		while [ ! -e "$tmp/stop" ]; do
			timeout 10 nkstat -j info >/dev/null 2>>"$tmp/err.$i"
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
tap_check "no query hung" [ "$(grep -cx 124 "$tmp/all")" = 0 ]
tap_check "module is loaded at the end" [ -e /sys/module/nkstat ]
tap_check "module refcount is 0" [ "$(cat /sys/module/nkstat/refcnt)" = 0 ]
tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
