#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the nkstat command line that need no kernel module: usage
# errors, help, version, completion. Prints TAP.
# Usage: tools/tests/cli.sh [--guest] PATH/TO/nkstat
#
# On the host, it runs under tools/tests/no_netlink, whatever runs it:
# no netlink socket can be opened, so nothing can resolve the nkstat
# family and make the host's kernel load an installed module. With
# --guest, in a guest with no nkstat module (scripts/vm-run --no-module),
# it also checks the "module not loaded" path, for real.

set -u
guest=
if [ "${1:-}" = --guest ]; then
	guest=1
	shift
fi
NKSTAT=${1:?usage: cli.sh [--guest] PATH/TO/nkstat}
if [ -z "$guest" ] && [ "${NKSTAT_NO_NETLINK:-}" != 1 ]; then
	wrapper=$(dirname "$0")/no_netlink
	[ -x "$wrapper" ] || { echo "cli.sh: no $wrapper (make -C tools tests/no_netlink)" >&2; exit 2; }
	NKSTAT_NO_NETLINK=1 exec "$wrapper" "$0" "$@"
fi
VERSION=$(sed -n 's/^#define NKSTAT_VERSION "\(.*\)"/\1/p' \
	"$(dirname "$0")/../../kmod/version.h")
n=0
failed=0

# One directory for every check's output: a check forks nothing but the
# tool (mktemp, grep and wc cost 30-40 ms each in a guest).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# matches REGEX FILE: some line of FILE matches the extended REGEX, as
# with grep -Eq -- REGEX FILE
matches() {
	local line lines=()
	mapfile -t lines <"$2"
	for line in "${lines[@]}"; do
		[[ $line =~ $1 ]] && return 0
	done
	return 1
}
# check NAME EXPECTED_RC STDOUT_REGEX STDERR_REGEX -- ARGS...
# An empty regex means "must be empty". Errors must be exactly one line.
check() {
	local name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 5
	local out=$tmp/out err=$tmp/err outs='' errs='' newlines rc why=
	"$NKSTAT" "$@" >"$out" 2>"$err"
	rc=$?
	IFS= read -r -d '' outs <"$out"
	IFS= read -r -d '' errs <"$err"
	newlines=${errs//[^$'\n']/}
	# for the messages: without the final newline
	outs=${outs%%$'\n'} errs=${errs%%$'\n'}
	n=$((n + 1))
	[ "$rc" = "$want_rc" ] || why="exit $rc, want $want_rc"
	if [ -z "$why" ]; then
		if [ -z "$want_out" ]; then
			[ -s "$out" ] && why="unexpected stdout: ${outs:0:200}"
		else
			matches "$want_out" "$out" || why="stdout does not match /$want_out/: ${outs:0:200}"
		fi
	fi
	if [ -z "$why" ]; then
		if [ -z "$want_err" ]; then
			[ -s "$err" ] && why="unexpected stderr: ${errs:0:200}"
		else
			[ "${#newlines}" = 1 ] || why="stderr is not one line: ${errs:0:300}"
			matches "$want_err" "$err" || why="stderr does not match /$want_err/: $errs"
		fi
	fi
	if [ -z "$why" ]; then
		echo "ok $n $name"
	else
		echo "not ok $n $name # $why"
		failed=$((failed + 1))
	fi
}

echo "TAP version 13"
check "version flag" 0 "^nkstat $VERSION\$" "" -- --version
check "version object" 0 "^nkstat $VERSION\$" "" -- version
check "help lists objects and exit codes" 0 "info .*GROUP" "" -- help
check "help lists exit status 4" 0 "4 permission denied" "" -- help
check "summary takes no arguments" 1 "" "^nkstat: summary takes no arguments" -- summary now
check "help lists groups" 0 "Groups: neigh ports tcp" "" -- --help
check "unknown object" 1 "" "^nkstat: unknown object 'frobnicate'" -- frobnicate
check "unknown option" 1 "" "^nkstat: unknown option '--frob'" -- --frob
check "unknown group" 1 "" "^nkstat: unknown group 'arp' \(groups: neigh ports tcp\)" -- info arp
check "too many arguments" 1 "" "^nkstat: info takes at most one group" -- info neigh tcp
check "help takes no arguments" 1 "" "^nkstat: help takes no arguments" -- help me
check "empty object" 1 "" "^nkstat: unknown object ''" -- ""
check "ambiguous object" 1 "" "^nkstat: ambiguous object 's' \\(summary, snapshot\\); try 'nkstat help'\$" -- s
check "unique prefix" 1 "" "^nkstat: snapshot: unknown argument" -- sn x
check "unknown neighbour table" 1 "" "^nkstat: unknown neighbour table 'ipx' \(tables: arp ndisc; or dev\)" -- neigh ipx
check "neigh takes one argument" 1 "" "^nkstat: neigh takes at most one argument" -- neigh arp ndisc
check "ports takes only list" 1 "" "^nkstat: ports takes no argument but 'list' \(got 'all'\)" -- ports all
check "ports list unknown argument" 1 "" "^nkstat: ports list: unknown argument '--frob'" -- ports list --frob
check "ports list option needs a value" 1 "" "^nkstat: ports list: --top needs a value" -- ports list --top
check "ports list --top 0" 1 "" "--top takes a positive count" -- ports list --top 0
check "ports list --top not a number" 1 "" "--top takes a positive count" -- ports list --top 5x
check "ports list inverted range" 1 "" "--range is inverted" -- ports list --range 2000-1000
check "ports list range above 65535" 1 "" "--range takes PORT or LO-HI" -- ports list --range 1-65536
check "ports list negative range" 1 "" "--range takes PORT or LO-HI" -- ports list --range -5
check "ports list --min-owners not a number" 1 "" "--min-owners takes a count" -- ports list --min-owners many
check "-n needs a value" 1 "" "^nkstat: option '-n' needs a value" -- -n
check "-n of a netns that does not exist" 1 "" \
	"^nkstat: cannot open network namespace 'nks-none' \(/run/netns/nks-none\): No such file or directory" \
	-- -n nks-none info
check "unknown output format" 1 "" "^nkstat: unknown output format 'yaml' \(formats: text json prometheus\)" -- -o yaml
check "ports list has no Prometheus form" 1 "" "^nkstat: ports list has no Prometheus form" -- -o prometheus ports list
check "neigh dev has no Prometheus form" 1 "" "^nkstat: neigh dev has no Prometheus form" -- -o prometheus neigh dev
check "watch -i out of range" 1 "" "^nkstat: watch: -i takes seconds from 0.1 to 86400" -- watch -i 0
check "watch -c not a count" 1 "" "^nkstat: watch: -c takes a positive count" -- watch -c x
check "watch unknown group" 1 "" "^nkstat: watch: unknown argument 'arp'" -- watch arp
check "watch -j" 1 "" "^nkstat: watch: prints text only" -- -j watch
check "snapshot unknown argument" 1 "" "^nkstat: snapshot: unknown argument" -- snapshot x
check "snapshot -o needs a file" 1 "" "^nkstat: snapshot: -o needs a file name" -- snapshot -o
check "diff needs two files" 1 "" "^nkstat: diff: two snapshots are needed" -- diff a
check "diff unreadable file" 1 "" "^nkstat: diff: cannot read /nonexistent/a: No such file" -- diff /nonexistent/a /nonexistent/b
# what the tool writes, diff reads: even a percentage of a u64 beyond 2^64
docs=$(mktemp -d)
echo '{"ports":{"ephemeral_utilisation_pct":57646075230342348800.0}}' >"$docs/a"
echo '{"ports":{"ephemeral_utilisation_pct":1.0}}' >"$docs/b"
echo '{"ports":{"ephemeral_utilisation_pct":1e400}}' >"$docs/c"
check "diff reads a number beyond 2^64" 0 '"a":57646075230342348800.0,"b":1,.*"change_pct":-100.0' "" \
	-- -j diff "$docs/a" "$docs/b"
check "diff refuses a number beyond a double" 1 "" "^nkstat: diff: $docs/c is not nkstat JSON: a number out of range" \
	-- diff "$docs/c" "$docs/b"
rm -r "$docs"
check "tcp unknown argument" 1 "" "^nkstat: tcp takes no argument but 'orphans' \\(got 'frob'\\)" -- tcp frob
check "tcp orphans unknown argument" 1 "" "^nkstat: tcp orphans: unknown argument '--top'" -- tcp orphans --top
check "tcp orphans has no Prometheus form" 1 "" "^nkstat: tcp orphans has no Prometheus form" -- -o prometheus tcp orphans
check "global options come first" 1 "" "^nkstat: ports list: unknown argument '-j'" -- ports list -j

# Bash completion asks the tool: complete WORD... prints what it offers
# after WORD..., through the real completion function.
# shellcheck source=tools/nkstat.bash-completion
source "$(dirname "$0")/../nkstat.bash-completion"
complete_words() {
	COMP_WORDS=("$NKSTAT" "$@")
	COMP_CWORD=$#
	_nkstat
	printf '%s\n' "${COMPREPLY[*]}"
}
check_completion() {	# check_completion NAME WANT WORD...
	local name=$1 want=$2 got
	shift 2
	got=$(complete_words "$@")
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n completion: $name"
	else
		echo "not ok $n completion: $name # got '$got', want '$want'"
		failed=$((failed + 1))
	fi
}
check_completion "objects" "summary info neigh ports tcp watch snapshot diff version help" ""
check_completion "a prefix" "neigh" ne
check_completion "output formats" "text json prometheus" -o ""
check_completion "neigh's arguments" "arp ndisc dev" neigh ""
check_completion "after the options" "list" -j -n x ports ""
check_completion "ports list options" "--range" ports list --r
check_completion "tcp's argument" "orphans" tcp ""
check_completion "snapshot's -o" "-o" snapshot -
check_completion "snapshot -o FILE: a file name" "$(dirname "$0")/cli.sh" snapshot -o "$(dirname "$0")/cl"
check_completion "diff A B: --all" "--all" diff a b --
check_completion "watch: -i and -c" "-i -c" watch -
check_completion "tcp orphans options" "--zero-window --peers" tcp orphans --
check_completion "global options, once a word starts with -" "--netns" --ne

if [ -z "$guest" ]; then
	check "host: no netlink socket can be opened here" 2 "" \
		"^nkstat: cannot open a generic netlink socket: Address family not supported" -- info
elif [ -e /sys/module/nkstat ]; then
	n=$((n + 1))
	echo "not ok $n module not loaded # the guest has nkstat loaded: boot it with --no-module"
	failed=$((failed + 1))
else
	check "module not loaded message" 3 "" \
		"^nkstat: the nkstat kernel module is not loaded; load it with 'modprobe nkstat'" -- info
	check "module not loaded, json" 3 "" "not loaded" -- -j info
	check "default object is summary" 3 "" "not loaded" --
	check "neigh without the module" 3 "" "not loaded" -- -j neigh arp
	check "ports without the module" 3 "" "not loaded" -- -j ports
	check "ports list without the module" 3 "" "not loaded" -- ports list --ephemeral
	check "tcp without the module" 3 "" "not loaded" -- -j tcp
	check "tcp orphans without the module" 3 "" "not loaded" -- tcp orphans --peers
	check "prometheus without the module" 3 "" "not loaded" -- -o prometheus
	check_completion "groups, without the module: the tool's own list" "neigh ports tcp" info ""
fi

echo "1..$n"
exit $((failed ? 1 : 0))
