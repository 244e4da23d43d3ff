# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the shell selftests; source it. They run as root inside a
# guest started by scripts/vm-run, with the module already loaded, and
# follow kselftest's conventions: TAP on stdout, exit 0 pass, 1 fail,
# 4 skip.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

NKSTAT_REPO=${NKSTAT_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NKSTAT_KO=${NKSTAT_KO:-$NKSTAT_REPO/build/$(uname -r)/kmod/nkstat.ko}
export PATH="$NKSTAT_REPO/tools:$PATH"

tap_n=0
tap_failed=0

echo "TAP version 13"

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $1"
}

tap_fail() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n $1${2:+ # $2}"
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $1 # SKIP $2"
}

# tap_check NAME CONDITION-COMMAND...: ok if the command succeeds.
tap_check() {
	local name=$1
	shift
	if "$@"; then
		tap_ok "$name"
	else
		tap_fail "$name"
	fi
}

# all CMD... [-- CMD...]...: every command succeeds. tap_check takes one
# command as its condition; `tap_check NAME [ a ] && [ b ]` would leave
# [ b ] outside it, unreported.
all() {
	local cmd=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -- ]; then
			"${cmd[@]}" || return 1
			cmd=()
		else
			cmd+=("$1")
		fi
		shift
	done
	"${cmd[@]}"
}

# not CMD...: CMD fails (a condition for tap_check and all)
not() {
	! "$@"
}

tap_done() {
	echo "1..$tap_n"
	exit $((tap_failed ? KSFT_FAIL : KSFT_PASS))
}

# skip_all REASON: the whole test cannot run here.
skip_all() {
	echo "1..0 # SKIP $1"
	exit "$KSFT_SKIP"
}

require_module() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -e /sys/module/nkstat ] || skip_all "the nkstat module is not loaded"
	[ -f "$NKSTAT_KO" ] || skip_all "no module at $NKSTAT_KO"
}

# dmesg_mark: writes a unique marker to the kernel log and prints it, so
# that dmesg_clean can look only at what came after.
dmesg_mark() {
	local mark
	mark="nkstat-selftest-$$-$RANDOM-$(date +%s%N)"
	echo "$mark" >/dev/kmsg
	echo "$mark"
}

# dmesg_clean MARK: no WARN/BUG/oops/lockdep/refcount splat since MARK.
dmesg_clean() {
	"$NKSTAT_REPO/scripts/dmesg-check" --since-mark "$1"
}

# as_nobody CMD...: CMD as uid 65534, with no capability and none to
# gain back
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"
}

# One Python process, started when this file is sourced, answers every
# json_get and pyrun call of the test: a new interpreter, with the
# modules a helper imports, costs 0.5-0.9 s in a guest. It runs outside
# the test's jobs, so that wait does not wait for it, and ends when the
# test's shell does. Calls must not run concurrently.
PY_SERVER='import builtins, io, json, os, re, sys, threading, time, traceback
req, resp = open(sys.argv[1], "rb"), open(sys.argv[2], "wb")
os.unlink(sys.argv[1]); os.unlink(sys.argv[2]); os.rmdir(os.path.dirname(sys.argv[1]))
def watch(pid):
    while os.path.exists("/proc/%d" % pid):
        time.sleep(1)
    os._exit(0)
threading.Thread(target=watch, args=(int(sys.argv[3]),), daemon=True).start()
def field():
    return req.read(int(req.readline())).decode()
stdio = sys.stdin, sys.stdout, sys.stderr, sys.argv
while True:
    f = [field() for _ in range(int(req.readline()))]
    out, err, rc = io.StringIO(), io.StringIO(), 0
    try:
        if f[0] == "eval":
            g = {"d": json.loads(f[2]), "json": json, "re": re, "time": time}
            out.write("%s\n" % (eval(f[1], g),))
        else:
            sys.stdin, sys.stdout, sys.stderr, sys.argv = io.StringIO(f[2]), out, err, ["-"] + f[3:]
            try:
                exec(f[1], {"__name__": "__main__", "__builtins__": builtins})
            finally:
                sys.stdin, sys.stdout, sys.stderr, sys.argv = stdio
    except SystemExit as e:
        if isinstance(e.code, int) or e.code is None:
            rc = e.code or 0
        else:
            err.write("%s\n" % (e.code,))
            rc = 1
    except BaseException:
        err.write(traceback.format_exc())
        rc = 1
    o, e = out.getvalue().encode(), err.getvalue().encode()
    resp.write(b"%d %d %d\n" % (rc, len(o), len(e)) + o + e)
    resp.flush()'
py_server_start() {
	local dir
	dir=$(mktemp -d /tmp/nkstat-py.XXXXXX) && mkfifo "$dir/req" "$dir/resp" || return
	# read-write opens of a FIFO do not wait for the other end
	exec {PY_W}<>"$dir/req" {PY_R}<>"$dir/resp"
	(python3 -c "$PY_SERVER" "$dir/req" "$dir/resp" $$ </dev/null >/dev/null 2>&1 &)
}
py_server_start
# py_call FIELD...: one request; prints the reply's stdout and stderr, and
# returns its exit status
py_call() {
	local LC_ALL=C f rc olen elen out='' err=''
	{
		printf '%d\n' $#
		for f in "$@"; do printf '%d\n%s' "${#f}" "$f"; done
	} >&"$PY_W"
	if ! read -r -t 120 rc olen elen <&"$PY_R"; then
		echo "py_call: the Python server did not answer" >&2
		return 1
	fi
	[ "$olen" -gt 0 ] && IFS= read -r -N "$olen" out <&"$PY_R"
	[ "$elen" -gt 0 ] && IFS= read -r -N "$elen" err <&"$PY_R"
	printf '%s' "$out"
	printf '%s' "$err" >&2
	return "$rc"
}
# json_get EXPR: EXPR over the JSON document on stdin (as d; json, re and
# time are there too), printed as Python prints it; an exception is
# printed to stderr, and fails.
json_get() {
	local doc
	# read, not $(cat): no fork (60 ms in a guest)
	IFS= read -r -d '' doc
	py_call eval "$1" "$doc"
}
# pyrun -c CODE [ARG...]: python3 -c CODE ARG..., its stdin read first;
# pyrun - [ARG...]: python3 - ARG..., the code on stdin. Run by the
# server: for code that only computes. A helper that must run in another
# netns, or that keeps running, needs its own python3.
pyrun() {
	local code data=''
	case ${1:-} in
	-c) code=$2; IFS= read -r -d '' data; shift 2 ;;
	-) IFS= read -r -d '' code; shift ;;
	*) echo "pyrun: -c CODE or - first" >&2; return 2 ;;
	esac
	py_call exec "$code" "$data" "$@"
}

# netns_up NS...: new network namespaces, each with its loopback up.
netns_up() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return
	done
}

# veth_up NS1 DEV1 NS2 DEV2 [ADDR1 ADDR2]...: a veth pair, DEV1 in NS1
# and DEV2 in NS2, both up; each pair of addresses (with their prefix
# length) goes to DEV1 and DEV2, IPv6 ones without DAD.
veth_up() {
	local ns1=$1 dev1=$2 ns2=$3 dev2=$4 nodad
	shift 4
	ip link add "$dev1" netns "$ns1" type veth peer name "$dev2" netns "$ns2" || return
	while [ $# -ge 2 ]; do
		nodad=()
		[[ $1 == *:* ]] && nodad=(nodad)
		ip -n "$ns1" addr add "$1" dev "$dev1" "${nodad[@]}" &&
			ip -n "$ns2" addr add "$2" dev "$dev2" "${nodad[@]}" || return
		shift 2
	done
	ip -n "$ns1" link set "$dev1" up && ip -n "$ns2" link set "$dev2" up
}

# wait_ready FILE [TRIES]: waits, TRIES (100) times 0.1 s at most, for a
# helper in the background to write "ready" to FILE; fails if it did not.
wait_ready() {
	local text
	for _ in $(seq "${2:-100}"); do
		# read, not grep: no fork
		text=''
		[ -e "$1" ] && IFS= read -r -d '' text <"$1"
		[[ $text == *ready* ]] && return 0
		sleep 0.1
	done
	return 1
}

# snap_older_module IN OUT: the snapshot IN as a module without the tcp
# aborts and with ports' tw_reuse n/a would have written it, to OUT.
snap_older_module() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for g in d["groups"]:
    if "tcp" in g:
        del g["tcp"]["aborts"]
    if "ports" in g:
        g["ports"]["tw_reuse"] = None
json.dump(d, open(sys.argv[2], "w"))
PY
}
