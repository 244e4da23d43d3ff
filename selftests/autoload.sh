#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Nothing but modprobe (or modules-load.d) loads the module: it carries no
# MODULE_ALIAS_GENL_FAMILY, so resolving the "nkstat" family, as root or
# as anyone, does not make the genetlink controller load it (it would
# attach probes host-wide). The module is "installed" into a scratch
# modules tree and the kernel's modprobe helper pointed at it for the
# duration of the test, so that an alias, if there were one, would work.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
require_module

kver=$(uname -r)
root=$(mktemp -d)
helper=$(cat /proc/sys/kernel/modprobe)
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	echo "$helper" >/proc/sys/kernel/modprobe
	[ -e /sys/module/nkstat ] || insmod "$NKSTAT_KO"
	rm -rf "$root"
}
trap cleanup EXIT

mkdir -p "$root/lib/modules/$kver/extra"
cp "$NKSTAT_KO" "$root/lib/modules/$kver/extra/"
# depmod wants these lists even when they are empty
touch "$root/lib/modules/$kver/"modules.{order,builtin,builtin.modinfo}
depmod -b "$root" "$kver"
tap_check "depmod indexed the module" \
	grep -q '^extra/nkstat.ko:' "$root/lib/modules/$kver/modules.dep"
echo "# aliases: $(modinfo -F alias "$NKSTAT_KO" | paste -sd' ')"
tap_check "the module carries no genetlink family alias" \
	all not grep -q 'net-pf-16-proto-16-family-nkstat' "$root/lib/modules/$kver/modules.alias" -- \
	not grep -q 'family-nkstat' <<<"$(modinfo -F alias "$NKSTAT_KO")"

cat >"$root/modprobe" <<EOT
#!/bin/sh
echo "\$*" >>"$root/modprobe.log"
exec /sbin/modprobe -d "$root" "\$@"
EOT
chmod +x "$root/modprobe"
echo "$root/modprobe" >/proc/sys/kernel/modprobe

mark=$(dmesg_mark)
rmmod nkstat
tap_check "module unloaded" [ ! -e /sys/module/nkstat ]

err=$(nkstat info 2>&1 >/dev/null)
rc=$?
tap_check "root: nkstat info exits 3, module not loaded" \
	all [ $rc = 3 ] -- grep -q "not loaded" <<<"$err"
tap_check "root: the module is still not loaded" [ ! -e /sys/module/nkstat ]
err=$(as_nobody nkstat -j info 2>&1 >/dev/null)
rc=$?
tap_check "uid 65534: nkstat -j info exits 3, module not loaded" \
	all [ $rc = 3 ] -- grep -q "not loaded" <<<"$err"
as_nobody nkstat ports >/dev/null 2>&1
tap_check "uid 65534: nkstat ports exits 3" [ $? = 3 ]
tap_check "uid 65534: the module is still not loaded" [ ! -e /sys/module/nkstat ]
# The controller still asks modprobe for the family's alias each time:
# it is the module's missing alias that makes the answer "nothing".
echo "# the modprobe helper was run with: $(paste -sd';' "$root/modprobe.log" 2>/dev/null)"
tap_check "the kernel asked the modprobe helper, which found nothing to load" \
	grep -q -- '-- net-pf-16-proto-16-family-nkstat$' "$root/modprobe.log"

# The way it is loaded: modprobe, from the installed tree.
modprobe -d "$root" nkstat
tap_check "modprobe -d ROOT nkstat loads it" [ -e /sys/module/nkstat ]
out=$(nkstat -j info)
tap_check "nkstat -j info is answered by the module modprobe loaded" \
	[ "$(json_get 'd["info"]["module_version"]' <<<"$out")" = "$(modinfo -F version "$NKSTAT_KO")" ]
tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
