#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The family fuzzed from user space (selftests/nl_fuzz.py): random and
# malformed requests, do and dump, as root in the initial netns, as
# uid 65534 with no capabilities, and as root of a new user namespace
# in its own netns. Every request gets an answer; every refusal an
# errno, with an extack message unless the generic netlink core refused
# it before the family saw it (an unknown command, do for a dump-only
# command or the reverse: EOPNOTSUPP; a header cut short: EINVAL). The
# module still answers afterwards, and the kernel log stays clean.
# NKSTAT_NL_FUZZ_COUNT requests each (default 3000), from fixed seeds:
# the same commit sends the same messages.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

COUNT=${NKSTAT_NL_FUZZ_COUNT:-3000}
FUZZ=$NKSTAT_REPO/selftests/nl_fuzz.py
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all)
mark=$(dmesg_mark)

# fuzz NAME SEED CMD...: run the fuzzer under CMD; check what it saw
fuzz() {
	local name=$1 seed=$2 out rc
	shift 2
	# the script on stdin, opened by root: uid 65534 may not be able to
	# reach the clone (under /root, say)
	out=$("$@" python3 - "$COUNT" "$seed" <"$FUZZ")
	rc=$?
	echo "# $name: $out"
	tap_check "$name: $COUNT requests sent, each answered" \
		all [ $rc = 0 ] -- [ "$(json_get '(d["sent"], d["silent"])' <<<"$out")" = "($COUNT, 0)" ]
	tap_check "$name: every refusal has an errno, and an extack message unless the core refused it" \
		[ "$(json_get 'sorted(d["no_extack"])' <<<"$out")" = "['ENOTSUP']" ]
	tap_check "$name: some requests succeeded" [ "$(json_get 'd["errnos"].get("0", 0) > 0' <<<"$out")" = True ]
	last=$out
}

fuzz "root, initial netns" 1
tap_check "root, initial netns: no EPERM" [ "$(json_get 'd["errnos"].get("EPERM", 0)' <<<"$last")" = 0 ]
fuzz "uid 65534" 2 "${nobody[@]}"
tap_check "uid 65534: walks refused with EPERM, each with its extack message" \
	all [ "$(json_get 'd["errnos"].get("EPERM", 0) > 0' <<<"$last")" = True ] -- \
	[ "$(json_get 'd["errnos"]["EPERM"] == d["with_extack"]["EPERM"]' <<<"$last")" = True ]
fuzz "root of a user namespace, its own netns" 3 unshare -Urn
# shellcheck disable=SC2317 # run through tap_check
answers() {
	{ nkstat info && nkstat ports && nkstat tcp && nkstat neigh; } >/dev/null
}
tap_check "the module still answers: info, ports, tcp, neigh" answers
tap_check "no splat in dmesg" dmesg_clean "$mark"
tap_done
