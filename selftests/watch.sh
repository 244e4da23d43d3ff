#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nkstat watch, snapshot and diff against real traffic: connect() failures
# from an exhausted ephemeral range between two rounds of watch, and
# between two snapshots; diff marks a counter one side lacks as such.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

p=nks-watch-$$
NS=$p-ns
dir=$(mktemp -d)
watcher='' helper=''
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	[ -n "$helper" ] && kill "$helper" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
netns_up "$NS"
ip netns exec "$NS" sysctl -q -w net.ipv4.ip_local_port_range="40000 40009"

# fail K [READY GO]: K connect() calls that find no free local port,
# while the range's 10 ports are held by connections to a listener; prints
# how many failed. With READY and GO, it writes "ready" to READY once set
# up, and fails its connects only once GO exists: a Python start takes
# several seconds in a debug guest, the connects a few milliseconds.
fail() {
	ip netns exec "$NS" python3 -c '
import os, socket, sys, time
srv = socket.socket(); srv.bind(("127.0.0.1", 5000)); srv.listen(64)
held = [socket.create_connection(("127.0.0.1", 5000)) for _ in range(10)]
if len(sys.argv) > 2:
    open(sys.argv[2], "w").write("ready\n")
    while not os.path.exists(sys.argv[3]):
        time.sleep(0.05)
failed = 0
for _ in range(int(sys.argv[1])):
    try:
        socket.create_connection(("127.0.0.1", 5000))
    except OSError:
        failed += 1
print(failed)' "$@"
}
metric='ports_connect_eaddrnotavail_total'
# first_round FILE: waits, 30 s at most, for watch's first round in FILE
first_round() {
	for _ in $(seq 300); do
		grep -q '^nkstat watch' "$1" && return
		sleep 0.1
	done
}

# --- watch: one block per round when not on a terminal -----------------
# 6 rounds a second apart; the failures go in once the first is out
fail 7 "$dir/ready" "$dir/go" >"$dir/failed" &
helper=$!
wait_ready "$dir/ready" 600
nkstat -n "$NS" watch -i 1 -c 6 ports >"$dir/watch" &
watcher=$!
first_round "$dir/watch"
touch "$dir/go"
wait "$helper"
helper=
failed=$(<"$dir/failed")
wait "$watcher"
rc=$?
watcher=
echo "# $failed connects failed between rounds; watch printed:"
grep -E "^(nkstat watch|$metric)" "$dir/watch" | sed 's/^/# /'
tap_check "watch -c 6 exits 0 after 6 rounds" \
	all [ "$rc" = 0 ] -- [ "$(grep -c '^nkstat watch' "$dir/watch")" = 6 ]
tap_check "watch GROUP shows that group only" \
	all grep -q "^ports_" "$dir/watch" -- not grep -qE '^(neigh|tcp)_' "$dir/watch"
tap_check "watch: the rounds' changes add up to the 7 failures" \
	all [ "$failed" = 7 ] -- \
	[ "$(awk -v m="$metric" '$1 == m && NF == 4 { s += $3 } END { print s + 0 }' "$dir/watch")" = 7 ]
# a round is 1 s and a bit (the query): its rate is its change per second
tap_check "watch: a counter's rate is its change per second; the first round has none" \
	[ "$(awk -v m="$metric" '$1 == m { n++; if (n == 1) ok = NF == 2
		else if ($3 != "+0") ok = ok && $4 >= 0.6 * $3 && $4 <= 1.01 * $3 }
		END { print ok + 0 }' "$dir/watch")" = 1 ]
tap_check "watch: a gauge is marked as such" \
	grep -qE '^ports_bind_buckets +[0-9]+ .* gauge$' "$dir/watch"
tap_check "watch: no terminal, no escape codes" not grep -q $'\033' "$dir/watch"

# On a terminal it redraws in place; Ctrl-C (SIGINT) ends it with 0.
script -qec "nkstat watch -i 0.2 -c 2 tcp" /dev/null >"$dir/tty"
tap_check "watch on a terminal redraws the screen" grep -q $'\033\\[H\033\\[2J' "$dir/tty"
# A background job of a script starts with SIGINT ignored: give it back
# its default, as a terminal's foreground job has it. SIGINT goes once the
# first screen is out (the handler is in place by then), and the watcher
# gets 30 s to end before it is killed and the check fails.
env --default-signal=INT nkstat watch -i 0.2 >"$dir/int" &
watcher=$!
first_round "$dir/int"
kill -INT "$watcher"
rc=timeout
for _ in $(seq 300); do
	if ! kill -0 "$watcher" 2>/dev/null; then
		wait "$watcher"
		rc=$?
		break
	fi
	sleep 0.1
done
[ "$rc" != timeout ] || kill -KILL "$watcher"
watcher=
tap_check "watch: Ctrl-C stops it with status 0" \
	all [ "$rc" = 0 ] -- grep -q '^nkstat watch' "$dir/int"

# --- snapshot and diff ---------------------------------------------------
nkstat -n "$NS" snapshot -o "$dir/a.json"
tap_check "snapshot -o FILE: exit 0, no temporary left" \
	all [ $? = 0 ] -- [ ! -e "$dir/a.json.tmp" ]
tap_check "snapshot: kernel release, module version and each group's state" \
	[ "$(pyrun -c 'import json, sys
d = json.load(open(sys.argv[1]))
docs = {k: v for g in d["groups"] for k, v in g.items()}
i = docs["info"]
print(i["kernel_release"], i["module_version"], d["snapshot"]["format"],
      " ".join(g["name"] + "=" + g["state"] for g in i["groups"]), " ".join(sorted(docs)))' "$dir/a.json" </dev/null)" = \
	"$(uname -r) $(cat /sys/module/nkstat/version) 1 neigh=active ports=active tcp=active info neigh ports tcp" ]
failed=$(fail 5)
nkstat -n "$NS" snapshot -o "$dir/b.json"
nkstat diff "$dir/a.json" "$dir/b.json" >"$dir/diff"
sed 's/^/# /' "$dir/diff"
tap_check "diff: the 5 connect() failures, +5" \
	all [ "$failed" = 5 ] -- \
	[ "$(awk '$1 == "ports.connect_eaddrnotavail" { print $4 }' "$dir/diff")" = +5 ]
# (and some of them, with --all: empty output would pass the first two)
diff_keys() {
	nkstat diff "$dir/a.json" "$dir/b.json" "$1" --all | awk 'NR > 4 { print $1 }'
}
tap_check "diff GROUP: only that group's counters, and some of them" \
	all [ "$(diff_keys ports | grep -vc '^ports\.')" = 0 ] -- \
	[ "$(diff_keys tcp | grep -c '^ports\.')" = 0 ] -- \
	[ "$(diff_keys ports | grep -c '^ports\.')" -gt 0 ] -- \
	[ "$(diff_keys tcp | grep -c '^tcp\.')" -gt 0 ]
# snap_value FILE GROUP KEY: a counter as the snapshot holds it
snap_value() {
	pyrun -c 'import json, sys
d = json.load(open(sys.argv[1]))
print([g for g in d["groups"] if sys.argv[2] in g][0][sys.argv[2]][sys.argv[3]])' "$@" </dev/null
}
tap_check "diff -j: the same change, as JSON" \
	[ "$(nkstat -j diff "$dir/a.json" "$dir/b.json" ports | json_get \
		'[(r["a"], r["b"]) for r in d["diff"] if r["counter"] == "ports.connect_eaddrnotavail"]')" = \
	"[($(snap_value "$dir/a.json" ports connect_eaddrnotavail), $(snap_value "$dir/b.json" ports connect_eaddrnotavail))]" ]
# an older module: no tcp aborts at all, and one ports counter n/a
snap_older_module "$dir/a.json" "$dir/old.json"
nkstat diff "$dir/old.json" "$dir/b.json" --all >"$dir/diff-old"
tap_check "diff: counters one side lacks are marked only B, not compared with 0" \
	all [ "$(awk '$1 ~ /^tcp\.aborts\./ && $NF == "B" && $(NF - 1) == "only" && $2 == "n/a"' \
		"$dir/diff-old" | wc -l)" = 9 ] -- \
	grep -qE '^ports\.tw_reuse +n/a +[0-9]+ +only B$' "$dir/diff-old"
tap_check "diff: --all lists unchanged counters too" \
	grep -qE '^ports\.bhash_size +[0-9]+ +[0-9]+ +\+0 ' "$dir/diff-old"
echo '{"snapshot": {' >"$dir/broken.json"
tap_check "diff: a broken file is refused with a reason, status 1" \
	all not nkstat diff "$dir/a.json" "$dir/broken.json" -- \
	[ "$(nkstat diff "$dir/a.json" "$dir/broken.json" 2>&1)" = \
	"nkstat: diff: $dir/broken.json is not nkstat JSON: a string was expected" ]

tap_done
