#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every JSON document nkstat prints, against docs/nkstat.schema.json (see
# docs/json.md), with real state behind it: two netns over a veth with
# neighbours in every NUD state worth having, held connections, orphans
# stalled on a zero window, and a third netns whose ephemeral range is
# exhausted (a FULL verdict). Each document is checked as -j and -p prints
# it, against its own definition and the schema's top-level oneOf; its
# numbers must be written as integers but for the _pct ones. The schema
# must also reject a document with a renamed key, or this test could not
# fail, and docs/json.md must document every key the schema has.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module
pyrun -c 'import jsonschema' </dev/null 2>/dev/null ||
	skip_all "python3 has no jsonschema module (python3-jsonschema)"

SCHEMA=$NKSTAT_REPO/docs/nkstat.schema.json
traffic=(python3 "$NKSTAT_REPO/selftests/tcp_traffic.py")
p=nks-schema-$$
CL=$p-cl SV=$p-sv PT=$p-pt
CL_IP=10.78.0.1 SV_IP=10.78.0.2
dir=$(mktemp -d)
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	# the schema checker too, or wait would wait for it forever
	[ -n "${CHECKER_PID:-}" ] && kill "$CHECKER_PID" 2>/dev/null
	wait 2>/dev/null
	for ns in "$CL" "$SV" "$PT"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT

# schema_py MODE ARGS...: the checks, in Python.
#   valid                  the schema is a valid draft 2020-12 schema
#   eval FILE EXPR         prints EXPR over FILE's document d (as json_get)
#   accept DEF FILE...     each file is a DEF document and matches the
#                          top-level oneOf; its numbers are integers but
#                          those of *_pct keys (and pct, and a diff's a and
#                          b for a _pct counter)
#   documented MD          every key the schema names is in MD, in the
#                          first two columns of a table (`key`, `a.key`,
#                          `a[].key`)
#   reject FILE PATH NEW...  for each triple: FILE is accepted, but not
#                          once the key at PATH (keys and list indices
#                          joined by /) is renamed NEW; or with NEW "-",
#                          removed; or with NEW "=JSON", set to JSON (the
#                          schema or the rule on integers must catch it)
# Failures are printed as TAP comments.
# The checker runs once, as a coprocess: importing jsonschema takes
# seconds in a guest, more than the checks themselves.
coproc CHECKER { python3 -c "$(cat <<'PY'
import json, sys
from jsonschema import Draft202012Validator as V
from jsonschema.exceptions import best_match

schema = json.load(open(sys.argv[1]))


class Written(float):
    """A number written with a fraction or an exponent."""


def load(path):
    with open(path) as f:
        return json.load(f, parse_float=Written)


def errors(doc, name=None):
    s = schema if name is None else {"$ref": "#/$defs/" + name, "$defs": schema["$defs"]}
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message[:300])
            for e in V(s).iter_errors(doc)]


def why(doc):
    """The most telling error of a document its definition rejects."""
    name = next((k for k in doc if k in schema["$defs"]), None)
    if not name:
        return "no document has the keys %s" % list(doc)
    e = best_match(V({"$ref": "#/$defs/" + name, "$defs": schema["$defs"]}).iter_errors(doc))
    # into an anyOf: the alternative that got furthest, not "is not null"
    while e.context:
        e = max(e.context, key=lambda c: (len(c.absolute_path), c.validator != "type"))
    return "%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)


def not_integers(v, path="", key=None, parent=None):
    if isinstance(v, Written):
        ok = key is not None and (
            key.endswith("_pct") or key == "pct" or
            (key in ("a", "b") and str(parent.get("counter", "")).endswith("_pct")))
        if not ok:
            yield path
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from not_integers(x, path + "/" + k, k, v)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from not_integers(x, path + "/" + str(i))



def run(mode, args):
    bad = []
    if mode == "valid":
        try:
            V.check_schema(schema)
        except Exception as e:
            bad.append(str(e)[:500])
    elif mode == "eval":
        with open(args[0]) as f:
            print(eval(args[1], {"d": json.load(f)}))
    elif mode == "documented":
        import re
        rows = [l for l in open(args[0]) if l.startswith("| `")]
        words = {w for l in rows for t in re.findall(r"`([^`]+)`", " ".join(l.split(" | ")[:2]))
                 for w in re.split(r"[.\[\], ]+", t) if w}

        def keys(v):
            if isinstance(v, dict):
                for k, x in v.get("properties", {}).items():
                    if not k[0].isdigit():  # a histogram's buckets
                        yield k
                for x in v.values():
                    yield from keys(x)
            elif isinstance(v, list):
                for x in v:
                    yield from keys(x)
        bad += ["%s is in the schema, not in %s" % (k, args[0])
                for k in sorted(set(keys(schema)) - words)]
    elif mode == "accept":
        name, files = args[0], args[1:]
        for f in files:
            try:
                doc = load(f)
            except Exception as e:
                bad.append("%s: not JSON: %s" % (f, e))
                continue
            bad += ["%s: as %s: %s" % (f, name, e) for e in errors(doc, name)[:5]]
            if errors(doc):
                bad.append("%s: does not match the top-level oneOf" % f)
            bad += ["%s: %s: a number written as a fraction" % (f, p)
                    for p in not_integers(doc)]
    elif mode == "reject":
        if not args or len(args) % 3:
            bad.append("reject: FILE PATH NEW triples, not %d arguments" % len(args))
        for f, path, new in zip(args[0::3], args[1::3], args[2::3]):
            doc = load(f)
            if errors(doc) or list(not_integers(doc)):
                bad.append("%s: rejected before any change" % f)
            keys = [int(k) if k.isdigit() else k for k in path.split("/")]
            parent = doc
            for k in keys[:-1]:
                parent = parent[k]
            if new == "-":
                del parent[keys[-1]]
            elif new.startswith("="):
                parent[keys[-1]] = json.loads(new[1:], parse_float=Written)
            else:
                # renamed in place: the other keys keep their order
                items = [(new if k == keys[-1] else k, v) for k, v in parent.items()]
                parent.clear()
                parent.update(items)
            fractions = list(not_integers(doc))
            if errors(doc) or fractions:
                print("# %s, %s -> %s: rejected: %s" % (
                    f.rsplit("/", 1)[-1], path, new,
                    why(doc)[:160] if errors(doc) else fractions[0] + ": a fraction"))
            else:
                bad.append("%s: accepted with %s -> %s" % (f, path, new))
    for b in bad:
        print("# " + b)
    return 1 if bad else 0


# one request a line: MODE and its arguments, tab-separated; each answer
# ends with a line "__rc 0" (passed) or "__rc 1"
for line in sys.stdin:
    mode, *args = line.rstrip("\n").split("\t")
    try:
        rc = run(mode, args)
    except Exception as e:
        print("# %s: %s: %s" % (mode, type(e).__name__, e))
        rc = 1
    print("__rc %d" % rc, flush=True)
PY
)" "$SCHEMA"; }
# shellcheck disable=SC2317 # run through tap_check
schema_py() {
	local line IFS=$'\t' args=("${@//[$'\t\n']/ }")
	# one line: tabs and newlines inside an argument become blanks
	echo "${args[*]}" >&"${CHECKER[1]}"
	while IFS= read -r line <&"${CHECKER[0]}"; do
		case $line in
		"__rc "*) return "${line#__rc }" ;;
		*) echo "$line" ;;
		esac
	done
	echo "# the schema checker exited"
	return 1
}

# save NAME CMD...: CMD's standard output into $dir/NAME.json; a failing
# command leaves an empty file, which no check accepts.
save() {
	local name=$1
	shift
	"$@" >"$dir/$name.json" || { echo "# '$*' exited $?"; : >"$dir/$name.json"; }
}
# f NAME...: their files
f() {
	local n
	for n in "$@"; do echo "$dir/$n.json"; done
}
# accept DEF NAME...: the saved outputs are DEF documents
# shellcheck disable=SC2317 # run through tap_check
accept() {
	local def=$1
	shift
	# shellcheck disable=SC2046 # file names without spaces
	schema_py accept "$def" $(f "$@")
}
# pretty NAME: -p output, indented over several lines
# shellcheck disable=SC2317 # run through tap_check
pretty() {
	grep -q '^  "' "$dir/$1.json"
}
# count NAME EXPR: EXPR over the document d (json_get, by the checker)
count() {
	schema_py eval "$dir/$1.json" "$2"
}
# eq GOT WANT: equal, else say what came
# shellcheck disable=SC2317 # run through tap_check
eq() {
	[ "$1" = "$2" ] && return 0
	echo "# got $1, wanted $2"
	return 1
}

mark=$(dmesg_mark)

tap_check "the schema is a valid draft 2020-12 JSON Schema" schema_py valid
tap_check "docs/json.md has a row for every key of the schema" \
	schema_py documented "$NKSTAT_REPO/docs/json.md"

# --- state ---------------------------------------------------------------
netns_up "$CL" "$SV" "$PT"
veth_up "$CL" nks-scl "$SV" nks-ssv "$CL_IP/24" "$SV_IP/24" fd00:78::1/64 fd00:78::2/64
# orphans probe for long: the checks must find them still there
ip netns exec "$CL" sysctl -qw net.ipv4.tcp_orphan_retries=15

# neighbours: permanent, stale, reachable, incomplete (nobody answers),
# and an NDISC entry
ip -n "$CL" neigh add 10.78.0.50 lladdr 02:00:00:00:00:50 dev nks-scl nud permanent
ip -n "$CL" neigh add 10.78.0.51 lladdr 02:00:00:00:00:51 dev nks-scl nud stale
ip netns exec "$CL" python3 -c '
import socket
for dst, fam in (("10.78.0.2", socket.AF_INET), ("10.78.0.99", socket.AF_INET),
                 ("fd00:78::2", socket.AF_INET6)):
    socket.socket(fam, socket.SOCK_DGRAM).sendto(b"x", (dst, 9))'

# serve KIND PORT: a server in SV, once it listens
serve() {
	local out=$dir/serve-$2
	ip netns exec "$SV" "${traffic[@]}" "$1" --addr "$SV_IP:$2" >"$out" &
	pids+=($!)
	wait_ready "$out" 50 && return
	echo "# the $1 server on port $2 did not start"
	return 1
}
# held connections, and 20 orphans stalled on a peer that never reads
serve serve 8001
ip netns exec "$CL" "${traffic[@]}" hold --dst "$SV_IP:8001" --count 5 >"$dir/hold" &
pids+=($!)
serve stall-serve 8000
orphaned=$(ip netns exec "$CL" "${traffic[@]}" orphan --dst "$SV_IP:8000" --count 20 |
	json_get 'd["result"]["orphaned"]')
echo "# $orphaned orphans in $CL"

# PT: 10 ephemeral ports, all held, and connect()s that find none free
ip netns exec "$PT" sysctl -qw net.ipv4.ip_local_port_range="40000 40009"
ip netns exec "$PT" python3 -c '
import socket, sys, time
srv = socket.socket()
srv.bind(("127.0.0.1", 5000))
srv.listen(64)
held = [socket.create_connection(("127.0.0.1", 5000)) for _ in range(10)]
failed = 0
for _ in range(3):
    try:
        socket.create_connection(("127.0.0.1", 5000))
    except OSError:
        failed += 1
print("ready", failed, flush=True)
while True:
    time.sleep(3600)' >"$dir/pt" &
pids+=($!)
wait_ready "$dir/pt" 50
grep -q ready "$dir/hold" || sleep 1
echo "# $PT: $(cat "$dir/pt")"

# --- the documents -------------------------------------------------------
# the orphans first: they are the state that does not last
save tcp_orphans nkstat -n "$CL" -j tcp orphans
save tcp_orphans_p nkstat -n "$CL" -p tcp orphans
save tcp_orphans_zw nkstat -n "$CL" -j tcp orphans --zero-window
save tcp_orphans_sv nkstat -n "$SV" -j tcp orphans
tap_check "tcp orphans: -j, -p, --zero-window, none: schema tcp_orphans" \
	all accept tcp_orphans tcp_orphans tcp_orphans_p tcp_orphans_zw tcp_orphans_sv -- \
	pretty tcp_orphans_p -- \
	eq "$(count tcp_orphans 'len(d["tcp_orphans"])')" "$orphaned" -- \
	eq "$(count tcp_orphans_sv 'len(d["tcp_orphans"])')" 0

save peers nkstat -n "$CL" -j tcp orphans --peers
save peers_p nkstat -n "$CL" -p tcp orphans --peers
tap_check "tcp orphans --peers: -j, -p: schema tcp_orphan_peers" \
	all accept tcp_orphan_peers peers peers_p -- pretty peers_p -- \
	eq "$(count peers '[(r["peer"], r["orphans"]) for r in d["tcp_orphan_peers"]]')" \
	"[('$SV_IP', $orphaned)]"

save tcp nkstat -n "$CL" -j tcp
save tcp_p nkstat -n "$CL" -p tcp
save tcp_sv nkstat -n "$SV" -o json tcp
# inside the netns, tcp_max_orphans cannot be read: null
save tcp_exec ip netns exec "$CL" nkstat -j tcp
tap_check "tcp: -j, -p, -o json, max_orphans null: schema tcp" \
	all accept tcp tcp tcp_p tcp_sv tcp_exec -- pretty tcp_p -- \
	eq "$(count tcp 'd["tcp"]["orphans"]["total"]')" "$orphaned" -- \
	eq "$(count tcp_exec '(d["tcp"]["max_orphans"], d["tcp"]["orphans_global_pct"])')" \
	"(None, None)"

save info nkstat -j info
save info_p nkstat -p info
save info_tcp nkstat -j info tcp
save info_cl nkstat -n "$CL" -o json info
tap_check "info: -j, -p, GROUP, -o json: schema info" \
	all accept info info info_p info_tcp info_cl -- pretty info_p -- \
	eq "$(count info '(d["info"]["kernel_release"], d["info"]["module_version"],
		[g["name"] for g in d["info"]["groups"]])')" \
	"('$(uname -r)', '$(cat /sys/module/nkstat/version)', ['neigh', 'ports', 'tcp'])"

save summary nkstat -j
save summary_p nkstat -p summary
save summary_pt nkstat -n "$PT" -j summary
tap_check "summary: -j, -p, a FULL verdict: schema summary" \
	all accept summary summary summary_p summary_pt -- pretty summary_p -- \
	eq "$(count summary_pt '[(v["group"], v["used"], v["limit"], v["level"])
		for v in d["summary"]["verdicts"]]')" "[('ports', 10, 10, 'full')]"

save neigh nkstat -n "$CL" -j neigh
save neigh_p nkstat -n "$CL" -p neigh
save neigh_arp nkstat -n "$CL" -j neigh arp
# a caller without CAP_NET_ADMIN in the initial user namespace (the root
# of a new one, in a netns it owns: walks need CAP_NET_ADMIN over it)
save neigh_hidden unshare -Urn nkstat -j neigh
tap_check "neigh: -j, -p, TABLE, hidden table-wide values: schema neigh" \
	all accept neigh neigh neigh_p neigh_arp neigh_hidden -- pretty neigh_p -- \
	eq "$(count neigh '(sorted(d["neigh"]), d["neigh"]["arp"]["netns"]["permanent"])')" \
	"(['arp', 'ndisc'], 1)" -- \
	eq "$(count neigh_hidden '(d["neigh"]["arp"]["table_wide_hidden"], d["neigh"]["arp"]["entries"])')" \
	"(True, None)"

save neigh_dev nkstat -n "$CL" -j neigh dev
save neigh_dev_p nkstat -n "$CL" -p neigh dev
tap_check "neigh dev: -j, -p: schema neigh_dev" \
	all accept neigh_dev neigh_dev neigh_dev_p -- pretty neigh_dev_p -- \
	eq "$(count neigh_dev '[r["ifname"] for r in d["neigh_dev"]]')" "['lo', 'nks-scl']"

save ports nkstat -n "$CL" -j ports
save ports_p nkstat -n "$CL" -p ports
save ports_pt nkstat -n "$PT" -j ports
save ports_init nkstat -j ports
tap_check "ports: -j, -p, an exhausted range: schema ports" \
	all accept ports ports ports_p ports_pt ports_init -- pretty ports_p -- \
	eq "$(count ports_pt '(d["ports"]["ephemeral_ports"], d["ports"]["ephemeral_utilisation_pct"],
		d["ports"]["connect_eaddrnotavail"] > 0)')" "(10, 100.0, True)"

save list nkstat -n "$CL" -j ports list
save list_p nkstat -n "$SV" -p ports list
save list_eph nkstat -n "$PT" -j ports list --ephemeral
save list_top nkstat -n "$PT" -j ports list --top 3 --min-owners 1
tap_check "ports list: -j, -p, --ephemeral, --top: schema ports_list" \
	all accept ports_list list list_p list_eph list_top -- pretty list_p -- \
	eq "$(count list_eph 'len(d["ports_list"])')" 10 -- \
	eq "$(count list_top 'len(d["ports_list"])')" 3 -- \
	eq "$(count list 'sorted({r["fastreuse"] for r in d["ports_list"]})')" "[-1]" -- \
	eq "$(count list_p 'sorted({r["fastreuse"] for r in d["ports_list"]})')" "[0]"

# snapshots: two of CL, then diffs of them, and of an older module's
# snapshot (no aborts, one counter null), and of two -j tcp documents
nkstat -n "$CL" snapshot -o "$dir/snap_a.json"
ip netns exec "$CL" python3 -c '
import socket
for i in range(60, 63):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.78.0.%d" % i, 9))'
save tcp_2 nkstat -n "$CL" -j tcp
nkstat -n "$CL" snapshot -o "$dir/snap_b.json"
save snap_p nkstat -n "$CL" -p snapshot
save snap_pt nkstat -n "$PT" snapshot
tap_check "snapshot: -o FILE, to stdout, with -p: schema snapshot" \
	all accept snapshot snap_a snap_b snap_p snap_pt -- \
	eq "$(count snap_a '[list(g)[0] for g in d["groups"]]')" "['info', 'neigh', 'ports', 'tcp']"

snap_older_module "$dir/snap_a.json" "$dir/snap_old.json"
save diff nkstat -j diff "$dir/snap_a.json" "$dir/snap_b.json"
save diff_p nkstat -p diff "$dir/snap_a.json" "$dir/snap_b.json" --all
save diff_old nkstat -j diff "$dir/snap_old.json" "$dir/snap_b.json" --all
save diff_tcp nkstat -j diff "$(f tcp)" "$(f tcp_2)" tcp --all
save diff_none nkstat -j diff "$dir/snap_b.json" "$dir/snap_b.json"
tap_check "diff: -j, -p --all, one-sided counters, GROUP, no change: schema diff" \
	all accept diff diff diff_p diff_old diff_tcp diff_none -- pretty diff_p -- \
	eq "$(count diff_old 'sorted({r["only"] for r in d["diff"]}, key=str)')" "[None, 'b']" -- \
	eq "$(count diff_p 'any(r["counter"].endswith("_pct") for r in d["diff"])')" True -- \
	eq "$(count diff_none 'd')" "{'diff': []}"

# --- the schema can fail ---------------------------------------------------
# changes_rejected FILE PATH NEW...: each change (see schema_py reject) is
# caught
# shellcheck disable=SC2317 # run through tap_check
changes_rejected() {
	schema_py reject "$@"
}
tap_check "the schema rejects a renamed key, a missing one, a wrong value" \
	changes_rejected \
	"$(f tcp)" tcp/orphans_global orphans_globl \
	"$(f tcp)" tcp/aborts/retries2 retries \
	"$(f tcp)" tcp tcp_stats \
	"$(f info)" info/groups/0/state status \
	"$(f ports)" ports/connect_eaddrnotavail connect_eaddrnotavailable \
	"$(f list)" ports_list/0/tw_owners tw \
	"$(f tcp_orphans)" tcp_orphans/0/since_progress_ms since_ms \
	"$(f snap_a)" snapshot/taken_at time \
	"$(f diff_old)" diff/0/change_pct change \
	"$(f tcp)" tcp/kernel/abort_on_memory - \
	"$(f ports)" ports/owners =0.5 \
	"$(f ports)" ports/owners =7.0 \
	"$(f neigh_hidden)" neigh/arp/entries =0

tap_check "no splat in dmesg" dmesg_clean "$mark"
tap_done
