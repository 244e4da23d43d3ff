#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nkstat with no object: the one-screen summary, and a verdict for each
# limit that is close, caused by real traffic: an exhausted ephemeral
# range (FULL), TIME_WAIT at 90% of tcp_max_tw_buckets (NEAR) and
# orphans at 85% of tcp_max_orphans (NEAR). Colour only on a terminal,
# and never with NO_COLOR.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

traffic=(python3 "$NKSTAT_REPO/selftests/ports_traffic.py")
p=nks-sum-$$
FULL=$p-full TWN=$p-tw QUIET=$p-quiet OCL=$p-ocl OSV=$p-osv
max_orphans=$(cat /proc/sys/net/ipv4/tcp_max_orphans)
stall=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -n "$stall" ] && kill "$stall" 2>/dev/null
	wait 2>/dev/null
	for ns in "$FULL" "$TWN" "$QUIET" "$OCL" "$OSV"; do ip netns del "$ns" 2>/dev/null; done
	sysctl -q -w net.ipv4.tcp_max_orphans="$max_orphans"
}
trap cleanup EXIT
netns_up "$FULL" "$TWN" "$QUIET" "$OCL" "$OSV"

ip netns exec "$FULL" sysctl -q -w net.ipv4.ip_local_port_range="40000 40009"
ip netns exec "$TWN" sysctl -q -w net.ipv4.tcp_max_tw_buckets=10
# the summaries run while the connections are held
ip netns exec "$FULL" python3 -c '
import socket
srv = socket.socket(); srv.bind(("127.0.0.1", 5000)); srv.listen(64)
held = [socket.create_connection(("127.0.0.1", 5000)) for _ in range(10)]
import subprocess, sys
for cmd in (["nkstat"], ["nkstat", "-j"], ["script", "-qec", "nkstat", "/dev/null"],
            ["env", "NO_COLOR=1", "script", "-qec", "nkstat", "/dev/null"]):
    sys.stdout.write(subprocess.run(cmd, capture_output=True, text=True).stdout + "\n@@\n")
' >"/tmp/$p.out"
full_text=$(awk 'BEGIN { RS = "\n@@\n" } NR == 1' "/tmp/$p.out")
full_json=$(awk 'BEGIN { RS = "\n@@\n" } NR == 2' "/tmp/$p.out")
full_tty=$(awk 'BEGIN { RS = "\n@@\n" } NR == 3' "/tmp/$p.out")
full_nocolor=$(awk 'BEGIN { RS = "\n@@\n" } NR == 4' "/tmp/$p.out")
rm -f "/tmp/$p.out"

# shellcheck disable=SC2317 # run through tap_check
no_esc() { [[ $1 != *$'\033'* ]]; }
# shellcheck disable=SC2317 # run through tap_check
plain_full() { grep -q '^FULL ephemeral' <<<"$1" && no_esc "$1"; }

tap_check "summary: a FULL verdict for the exhausted ephemeral range" \
	grep -q '^FULL ephemeral ports in use: 10 of 10 (100.0%): connect() fails with EADDRNOTAVAIL' <<<"$full_text"
tap_check "summary: the ports line shows the range" \
	grep -q '^ports  ephemeral 10 of 10 in use (100.0%)' <<<"$full_text"
tap_check "summary: no colour when stdout is not a terminal" no_esc "$full_text"
tap_check "summary: colour on a terminal (red for FULL)" \
	grep -q $'\033\[1;31mFULL' <<<"$full_tty"
tap_check "summary: NO_COLOR turns colour off on a terminal" plain_full "$full_nocolor"
tap_check "summary -j: the verdict, level full, 10 of 10" \
	[ "$(json_get '[(v["group"], v["level"], v["used"], v["limit"]) for v in d["summary"]["verdicts"]]' \
		<<<"$full_json")" = "[('ports', 'full', 10, 10)]" ]

tap_check "summary -j: each group's availability, as info has it" \
	[ "$(json_get '[(g["name"], g["state"], g["reason"]) for g in d["summary"]["groups"]]' \
		<<<"$full_json")" = \
	"$(nkstat -j info | json_get '[(g["name"], g["state"], g["reason"]) for g in d["info"]["groups"]]')" ]
out=$(ip netns exec "$TWN" "${traffic[@]}" timewait --count 9 --run nkstat)
tw_text=$(json_get 'd["runs"][0]' <<<"$out")
tap_check "summary: a NEAR verdict for TIME_WAIT at 9 of 10" \
	grep -q '^NEAR TIME_WAIT sockets against tcp_max_tw_buckets: 9 of 10 (90.0%)' <<<"$tw_text"

# 17 orphans stalled on a peer that never reads, against a limit of 20
veth_up "$OCL" nks-ocl "$OSV" nks-osv 10.79.0.1/24 10.79.0.2/24
ip netns exec "$OSV" python3 "$NKSTAT_REPO/selftests/tcp_traffic.py" stall-serve \
	--addr 10.79.0.2:8000 >"/tmp/$p.sv" &
stall=$!
wait_ready "/tmp/$p.sv" 50
rm -f "/tmp/$p.sv"
sysctl -q -w net.ipv4.tcp_max_orphans=20
ip netns exec "$OCL" python3 "$NKSTAT_REPO/selftests/tcp_traffic.py" orphan \
	--dst 10.79.0.2:8000 --count 17 >/dev/null
orph_text=$(nkstat -n "$OCL")
tap_check "summary: a NEAR verdict for 17 orphans of tcp_max_orphans 20" \
	grep -q '^NEAR orphaned sockets (every netns) against tcp_max_orphans: 17 of 20 (85.0%)' <<<"$orph_text"
tap_check "summary: the tcp line counts the netns's orphans" \
	grep -q '^tcp    orphans 17 here (17 zero-window probing), 17 of tcp_max_orphans 20' <<<"$orph_text"
# the peer vanishes and tcp_orphan_retries ends the orphans
ip netns exec "$OCL" sysctl -q -w net.ipv4.tcp_orphan_retries=1
ip -n "$OSV" route add blackhole 10.79.0.1/32
for _ in $(seq 120); do
	[ "$(nkstat -n "$OCL" -j tcp | json_get 'd["tcp"]["orphans"]["total"]')" = 0 ] && break
	sleep 0.5
done

tap_check "summary: a quiet netns has no verdict" \
	grep -q '^no limit is close' <<<"$(nkstat -n "$QUIET")"

tap_done
