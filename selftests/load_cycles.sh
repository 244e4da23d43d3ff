#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load and unload the module many times, querying it each time. Nothing
# may be left behind: no module, no family, no per-CPU, slab or vmalloc
# memory growth beyond noise, and no splat.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

# A cycle costs about 1 s in a stock guest (insmod and rmmod, 0.4 s each).
CYCLES=${CYCLES:-20}
# Each load sets up per-netns state in every netns: with NETNS of them a
# per-netns leak grows NETNS+1 times faster and shows in /proc/meminfo.
NETNS=${NETNS:-64}

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	# let RCU callbacks and deferred frees run
	sleep 0.5
}

ns_prefix="nkstat-cycles-$$"
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	for i in $(seq "$NETNS"); do echo "netns del $ns_prefix-$i"; done | ip -force -batch - 2>/dev/null
}
trap cleanup EXIT
# one ip for all of them (a process costs tens of ms in a guest)
for i in $(seq "$NETNS"); do echo "netns add $ns_prefix-$i"; done | ip -batch - ||
	skip_all "ip netns add failed"

mark=$(dmesg_mark)
# warm-up cycle: the first load may populate caches for good
rmmod nkstat && insmod "$NKSTAT_KO" && rmmod nkstat
settle
pcpu0=$(meminfo Percpu) slab0=$(meminfo SUnreclaim) vm0=$(meminfo VmallocUsed)

bad_load=0 bad_query=0 left=0
for _ in $(seq "$CYCLES"); do
	insmod "$NKSTAT_KO" || bad_load=$((bad_load + 1))
	nkstat -j info >/dev/null || bad_query=$((bad_query + 1))
	rmmod nkstat || bad_load=$((bad_load + 1))
	[ -e /sys/module/nkstat ] && left=$((left + 1))
done
settle
pcpu1=$(meminfo Percpu) slab1=$(meminfo SUnreclaim) vm1=$(meminfo VmallocUsed)
echo "# after $CYCLES cycles: Percpu ${pcpu0}->${pcpu1} kB," \
	"SUnreclaim ${slab0}->${slab1} kB, VmallocUsed ${vm0}->${vm1} kB"

tap_check "every insmod and rmmod succeeded" [ $bad_load = 0 ]
tap_check "every query between them succeeded" [ $bad_query = 0 ]
tap_check "module gone after every rmmod" [ $left = 0 ]
nkstat info >/dev/null 2>&1
tap_check "family gone once unloaded" [ $? = 3 ]
# A per-netns per-CPU block (13 counters, 104 bytes a CPU) leaked on
# each unload would be 1300 blocks here, 135 kB. Per-CPU use does not
# move without a leak (0 kB seen on 6.1 and 6.12); slab moves by a few kB.
tap_check "no per-CPU memory growth" [ $((pcpu1 - pcpu0)) -le 16 ]
tap_check "no unreclaimable slab growth" [ $((slab1 - slab0)) -le 64 ]
tap_check "no vmalloc growth" [ $((vm1 - vm0)) -le 64 ]

insmod "$NKSTAT_KO"
tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
