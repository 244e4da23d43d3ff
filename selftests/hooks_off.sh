#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The neigh group with every hook missing and no IPv6: all 9 counters it
# can lose are listed unavailable, each with a reason, at once (the list
# once had 8 slots and a WARN_ON_ONCE), and the rest still reports.
#
# Needs a guest of its own, so it is not in the list `make list` gives
# (see HOOKS_OFF_PROGS in selftests/Makefile and scripts/check):
#   scripts/vm-run --append ipv6.disable=1 \
#     --module-args skip_hooks=___neigh_create,neigh_create,neigh_cleanup_and_release \
#     -- selftests/run hooks_off.sh
# Run without those, it fails: it cannot test what it is for.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

skipped=(___neigh_create neigh_create neigh_cleanup_and_release)
want_unavail="alloc_failures forced_gc_budget_hits forced_gc_latency_hist forced_gc_reclaim_hist
forced_gc_reclaimed forced_gc_runs_traced last_overflow_age_ms ndisc periodic_gc_reclaimed"

# The guest this test needs: the kernel's and the module's parameters.
tap_check "booted with ipv6.disable=1" grep -qw ipv6.disable=1 /proc/cmdline
param=$(cat /sys/module/nkstat/parameters/skip_hooks 2>/dev/null)
tap_check "module loaded with skip_hooks=$(IFS=,; echo "${skipped[*]}")" \
	[ "$param" = "$(IFS=,; echo "${skipped[*]}")" ]
echo "# kernel command line: $(cat /proc/cmdline); skip_hooks='$param'"

# The module loaded without a splat: the load itself is what could WARN.
tap_check "the kernel log has no splat since boot" "$NKSTAT_REPO/scripts/dmesg-check"
mark=$(dmesg_mark)

info=$(nkstat -j info neigh)
tap_check "info neigh exits 0" [ $? = 0 ]
grp() { json_get "$1" <<<"$info"; }
tap_check "neigh is partial, with no group-wide reason" \
	[ "$(grp '(d["info"]["groups"][0]["state"], d["info"]["groups"][0]["reason"])')" = \
	"('partial', None)" ]
got=$(grp '"\n".join(sorted(u["counter"] for u in d["info"]["groups"][0]["unavailable"]))')
echo "# unavailable: $(paste -sd' ' <<<"$got")"
tap_check "exactly the 9 counters it can lose are unavailable" \
	[ "$got" = "$(tr ' ' '\n' <<<"$want_unavail" | sort)" ]
tap_check "each unavailable counter has a reason" \
	[ "$(grp 'all(isinstance(u["reason"], str) and u["reason"].strip()
		for u in d["info"]["groups"][0]["unavailable"])')" = True ]
ecanceled=$(pyrun -c 'import errno, os; print(os.strerror(errno.ECANCELED))' </dev/null)
for h in "${skipped[@]}"; do
	tap_check "hook $h: error ECANCELED, no missed count" \
		[ "$(grp "[(x['error'], x['missed']) for x in d['info']['groups'][0]['hooks']
			if x['name'] == '$h']")" = "[('$ecanceled', None)]" ]
done
tap_check "the neigh walk is unaffected" \
	[ "$(grp '[x["error"] for x in d["info"]["groups"][0]["hooks"] if x["kind"] == "walk"]')" = \
	"[None]" ]
tap_check "no estimates are claimed" [ "$(grp 'd["info"]["groups"][0]["estimates"]')" = "[]" ]
others=$(nkstat -j info | json_get '[(g["name"], g["state"], [h["error"] for h in g["hooks"]])
	for g in d["info"]["groups"] if g["name"] != "neigh"]')
tap_check "ports and tcp: active, every hook attached" \
	[ "$others" = "[('ports', 'active', [None, None, None]), ('tcp', 'active', [None, None, None, None])]" ]

out=$(nkstat -j neigh)
tap_check "nkstat -j neigh exits 0" [ $? = 0 ]
tap_check "neigh: an arp table and no ndisc table" \
	[ "$(json_get 'sorted(d["neigh"])' <<<"$out")" = "['arp']" ]
nulls=$(json_get 'sorted(k for k, v in d["neigh"]["arp"].items() if v is None)' <<<"$out")
tap_check "neigh: the unavailable values are null, alloc_failures too" \
	all [ "$nulls" = "['forced_gc_budget_hits', 'forced_gc_latency_hist_us', 'forced_gc_reclaim_hist', \
'forced_gc_reclaimed', 'forced_gc_runs_traced', 'last_overflow_age_ms', 'periodic_gc_reclaimed']" ] -- \
	[ "$(json_get 'd["neigh"]["arp"]["netns"]["alloc_failures"]' <<<"$out")" = None ]
tap_check "neigh: the kernel's own table values are still there" \
	[ "$(json_get '[type(d["neigh"]["arp"][k]).__name__ for k in ("entries", "gc_thresh3", "forced_gc_runs")]' <<<"$out")" = \
	"['int', 'int', 'int']" ]
nkstat -j neigh ndisc >/dev/null 2>&1
tap_check "neigh ndisc is refused (exit 2)" [ $? = 2 ]
out=$(nkstat -j neigh dev)
tap_check "neigh dev: exits 0, arp only, no alloc_failures" \
	all [ $? = 0 ] -- [ "$(json_get '[(r["ifname"], sorted(k for k in r if k not in ("ifname", "ifindex")),
		r["arp"]["alloc_failures"]) for r in d["neigh_dev"]]' <<<"$out")" = "[('lo', ['arp'], None)]" ]

tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
