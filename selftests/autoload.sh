#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Once the module is installed, asking for the "nkstat" family loads it:
# the module carries MODULE_ALIAS_GENL_FAMILY and the genetlink
# controller calls request_module(). The module is "installed" into a
# scratch modules tree, and the kernel's modprobe helper is pointed at it
# for the duration of the test.

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
tap_check "module carries the genetlink family alias" \
	grep -q '^alias net-pf-16-proto-16-family-nkstat nkstat$' \
	"$root/lib/modules/$kver/modules.alias"

cat >"$root/modprobe" <<EOT
#!/bin/sh
exec /sbin/modprobe -d "$root" "\$@"
EOT
chmod +x "$root/modprobe"
echo "$root/modprobe" >/proc/sys/kernel/modprobe

mark=$(dmesg_mark)
rmmod nkstat
tap_check "module unloaded" [ ! -e /sys/module/nkstat ]
out=$(nkstat -j info 2>&1)
rc=$?
tap_check "nkstat info succeeds by autoloading the module" [ $rc = 0 ]
tap_check "the module is loaded afterwards" [ -e /sys/module/nkstat ]
tap_check "the reply comes from the autoloaded module" \
	[ "$(json_get 'd["info"]["module_version"]' <<<"$out")" = "$(modinfo -F version "$NKSTAT_KO")" ]
tap_check "dmesg has no splat" dmesg_clean "$mark"
tap_done
