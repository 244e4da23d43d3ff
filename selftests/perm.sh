#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may ask. GET_INFO is open to anyone; every command that walks a
# kernel table needs CAP_NET_ADMIN over the caller's netns (in the user
# namespace that owns it). A refused caller gets -EPERM with an extack
# message, and the tool one line naming CAP_NET_ADMIN and exit status 4.
# The neighbour tables' table-wide values need CAP_NET_ADMIN in the
# initial user namespace on top of that.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

# root without CAP_NET_ADMIN
no_net_admin=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin)
tmp=$(mktemp -d)
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

# try CMD...: runs CMD; sets rc, out (its stdout) and err (its stderr).
try() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}
# refused: the last try exited 4 and printed nothing but one line on
# stderr that names CAP_NET_ADMIN.
# shellcheck disable=SC2317 # run through tap_check
refused() {
	[ "$rc" = 4 ] && [ -z "$out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -q CAP_NET_ADMIN <<<"$err" && return 0
	echo "# exit $rc, stdout '${out:0:80}', stderr '$err'"
	return 1
}
# answered: the last try exited 0 with JSON on stdout.
# shellcheck disable=SC2317 # run through tap_check
answered() {
	[ "$rc" = 0 ] && pyrun -c 'import json, sys; json.load(sys.stdin)' <<<"$out" && return 0
	echo "# exit $rc, stderr '$err'"
	return 1
}

# The objects and commands of tools/main.c that walk a kernel table.
walks=("ports" "ports list" "tcp" "tcp orphans" "neigh" "neigh arp" "neigh dev")

mark=$(dmesg_mark)

try as_nobody grep -E '^(Uid|CapEff|CapBnd):' /proc/self/status
tap_check "setpriv: uid 65534 with no capabilities" \
	[ "$(awk '{ print $2 }' <<<"$out" | paste -sd' ')" = "65534 0000000000000000 0000000000000000" ]

try as_nobody nkstat info
tap_check "uid 65534: nkstat info succeeds" all [ "$rc" = 0 ] -- grep -q '^module   nkstat' <<<"$out"
try as_nobody nkstat -j info
tap_check "uid 65534: nkstat -j info succeeds" answered
for w in "${walks[@]}"; do
	# shellcheck disable=SC2086 # the object and its command, as two words
	try as_nobody nkstat $w
	tap_check "uid 65534: nkstat $w exits 4, one line naming CAP_NET_ADMIN" refused
done
try as_nobody nkstat -j ports
tap_check "uid 65534: nkstat -j ports exits 4 as well" refused

# It is the capability that counts, not the uid.
try "${no_net_admin[@]}" nkstat -j info
tap_check "root without CAP_NET_ADMIN: nkstat -j info succeeds" answered
for w in "ports" "tcp" "neigh"; do
	try "${no_net_admin[@]}" nkstat "$w"
	tap_check "root without CAP_NET_ADMIN: nkstat $w exits 4" refused
done
try setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+net_admin \
	--ambient-caps=+net_admin nkstat -j ports
tap_check "uid 65534 with CAP_NET_ADMIN alone: nkstat -j ports succeeds" answered

# Over the caller's netns: CAP_NET_ADMIN in a user namespace of its own
# does not cover the initial netns...
try unshare -Ur nkstat tcp
tap_check "root of a new user ns, initial netns: nkstat tcp exits 4" refused
try unshare -Ur nkstat -j info
tap_check "root of a new user ns, initial netns: nkstat -j info succeeds" answered

# ...but covers a netns that user namespace owns.
try unshare -Urn nkstat -j ports
tap_check "root of a new user ns, its own netns: nkstat -j ports succeeds" answered
try unshare -Urn nkstat -j tcp
tap_check "root of a new user ns, its own netns: nkstat -j tcp succeeds" answered
try unshare -Urn nkstat -j neigh
tap_check "root of a new user ns, its own netns: nkstat -j neigh succeeds" answered
tap_check "... with the table-wide values hidden" \
	[ "$(json_get '[(t, d["neigh"][t]["table_wide_hidden"], d["neigh"][t]["entries"],
		d["neigh"][t]["forced_gc_runs"]) for t in sorted(d["neigh"])]' <<<"$out")" = \
	"[('arp', True, None, None), ('ndisc', True, None, None)]" ]
for w in "ports list" "tcp orphans" "neigh dev"; do
	# shellcheck disable=SC2086 # the object and its command, as two words
	try unshare -Urn nkstat -j $w
	tap_check "root of a new user ns, its own netns: nkstat -j $w succeeds" answered
done

# root of the initial user namespace sees the table-wide values
try nkstat -j neigh
tap_check "root: nkstat -j neigh shows the table-wide values" \
	all answered -- [ "$(json_get '[d["neigh"][t]["table_wide_hidden"] for t in sorted(d["neigh"])]' <<<"$out")" = \
	"[False, False]" ]

tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
