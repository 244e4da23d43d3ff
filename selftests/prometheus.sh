#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nkstat -o prometheus against Prometheus's own tools: promtool's
# linter, and a real node_exporter whose textfile collector reads the
# output, as a fleet would run it. Values must match nkstat -j.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module
command -v promtool >/dev/null || skip_all "no promtool (package prometheus; run scripts/deps)"
command -v prometheus-node-exporter >/dev/null ||
	skip_all "no prometheus-node-exporter (run scripts/deps)"

ns=nks-prom-$$
dir=$(mktemp -d)
exporter='' orphaner=''
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -n "$exporter" ] && kill "$exporter" 2>/dev/null
	[ -n "$orphaner" ] && kill "$orphaner" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

netns_up "$ns"
# something to count: a port exhausted in the netns
ip netns exec "$ns" sysctl -q -w net.ipv4.ip_local_port_range="40000 40009"
ip netns exec "$ns" python3 -c '
import socket
srv = socket.socket(); srv.bind(("127.0.0.1", 5000)); srv.listen(64)
held = []
for _ in range(12):
    c = socket.socket()
    try:
        c.connect(("127.0.0.1", 5000)); held.append(c)
    except OSError:
        pass'
# ... a SYN nobody answers (a dummy drops it), given up after TCP_SYNCNT 1:
# one abort under syn_retries ...
ip -n "$ns" link add d0 type dummy
ip -n "$ns" addr add 10.79.0.1/24 dev d0
ip -n "$ns" link set d0 up
ip netns exec "$ns" python3 -c '
import socket
c = socket.socket()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)
try:
    c.connect(("10.79.0.2", 9))
except OSError:
    pass'
# ... and an orphan: a client that fills a peer that never reads, then
# closes, stays in FIN-WAIT-1 probing the zero window while the peer lives
ip netns exec "$ns" python3 -c '
import socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
srv.bind(("127.0.0.1", 5001))
srv.listen(1)
c = socket.socket()
c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
c.connect(("127.0.0.1", 5001))
peer, _ = srv.accept()
c.setblocking(False)
try:
    while True:
        c.send(b"x" * 65536)
except BlockingIOError:
    pass
c.close()
open(sys.argv[1], "w").write("ready")
time.sleep(120)' "$dir/orphan.ready" &
orphaner=$!
wait_ready "$dir/orphan.ready"

prom=$(nkstat -n "$ns" -o prometheus)
echo "$prom" >"$dir/all.prom"
tap_check "promtool check metrics finds no problem" \
	promtool check metrics <"$dir/all.prom"
tap_check "every family has HELP and TYPE, counters end in _total" \
	pyrun - "$dir/all.prom" <<'PY'
import re, sys
help, typ = {}, {}
ok = True
for line in open(sys.argv[1]):
    m = re.match(r"# (HELP|TYPE) (\S+) (.*)", line)
    if m:
        (help if m[1] == "HELP" else typ)[m[2]] = m[3]
    elif line.strip():
        name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)[0]
        if name not in help or name not in typ:
            print("# no HELP/TYPE for", name); ok = False
        elif (typ[name] == "counter") != name.endswith("_total"):
            print("# counter naming:", name, typ[name]); ok = False
sys.exit(0 if ok and typ else 1)
PY
# shellcheck disable=SC2317 # run through tap_check
no_label() { ! grep -Eq "$1" "$dir/all.prom"; }
tap_check "no per-port or per-device labels" no_label '(port|ifindex|dev|ifname)='

json=$(nkstat -n "$ns" -j ports)
series() { awk -v s="$1" '$1 == s { print $2 }' "$dir/all.prom"; }
tap_check "values equal nkstat -j: connect_eaddrnotavail" \
	[ "$(series "nkstat_ports_connect_eaddrnotavail_total{netns=\"$ns\"}")" = \
	  "$(json_get 'd["ports"]["connect_eaddrnotavail"]' <<<"$json")" ]
tap_check "values equal nkstat -j: bind_buckets" \
	[ "$(series "nkstat_ports_bind_buckets{netns=\"$ns\"}")" = \
	  "$(json_get 'd["ports"]["bind_buckets"]' <<<"$json")" ]
tcp=$(nkstat -n "$ns" -j tcp)
tap_check "tcp: one aborts_total series per cause, equal to nkstat -j" \
	[ "$(pyrun -c 'import json, sys
a = json.loads(sys.argv[1])["tcp"]["aborts"]
print(" ".join("%s=%s" % kv for kv in sorted(a.items())))' "$tcp" </dev/null)" = \
	  "$(awk -v ns="$ns" 'match($1, /^nkstat_tcp_aborts_total\{netns="[^"]*",cause="[a-z0-9_]+"\}$/) &&
		index($1, "netns=\"" ns "\"") { sub(/.*cause="/, "", $1); sub(/"}/, "", $1); print $1 "=" $2 }' \
		"$dir/all.prom" | sort | paste -sd' ')" ]
tap_check "tcp: orphans by state sum to the census's total" \
	[ "$(awk -v ns="$ns" 'index($1, "nkstat_tcp_orphans{netns=\"" ns "\"") == 1 { s += $2 } END { print s + 0 }' \
		"$dir/all.prom")" = "$(json_get 'd["tcp"]["orphans"]["total"]' <<<"$tcp")" ]
tap_check "the exhausted range shows: 2 connect() failures" \
	[ "$(series "nkstat_ports_connect_eaddrnotavail_total{netns=\"$ns\"}")" = 2 ]
tap_check "the SYN given up shows: aborts_total{cause=syn_retries} 1" \
	[ "$(series "nkstat_tcp_aborts_total{netns=\"$ns\",cause=\"syn_retries\"}")" = 1 ]
tap_check "the orphan shows: orphans{state=fin_wait1} 1" \
	[ "$(series "nkstat_tcp_orphans{netns=\"$ns\",state=\"fin_wait1\"}")" = 1 ]
tap_check "group states: one state per group is 1" \
	[ "$(grep -c '^nkstat_group_state{.*} 1$' "$dir/all.prom")" = 3 ]

# node_exporter reads a textfile directory, as the textfile collector is
# meant to be fed: written elsewhere, then renamed in.
ip link set lo up
mkdir "$dir/textfile"
nkstat -o prometheus >"$dir/nkstat.prom.tmp" && mv "$dir/nkstat.prom.tmp" "$dir/textfile/nkstat.prom"
port=$((20000 + RANDOM % 20000))
prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$dir/textfile" >"$dir/exporter.log" 2>&1 &
exporter=$!
scrape=
for _ in $(seq 100); do
	scrape=$(pyrun -c 'import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())' \
		"$port" </dev/null 2>/dev/null) && break
	sleep 0.2
done
tap_check "node_exporter serves the nkstat series" grep -q '^nkstat_info{' <<<"$scrape"
tap_check "node_exporter reports no textfile scrape error" \
	grep -qx 'node_textfile_scrape_error 0' <<<"$scrape"
tap_check "node_exporter carries every nkstat family" \
	[ "$(grep -c '^# TYPE nkstat_' <<<"$scrape")" = "$(grep -c '^# TYPE nkstat_' "$dir/textfile/nkstat.prom")" ]
[ "$(grep -c '^nkstat_' <<<"$scrape")" -gt 0 ] || sed 's/^/# /' "$dir/exporter.log"

tap_done
