# shellcheck shell=bash
# Helpers shared by the scripts (deps, vm-run, ...). Source it from bash; it sets
#   PROG   name of the running script, the prefix of its messages
#   REPO   absolute path of the repository
#   CACHE  ${NKSTAT_CACHE:-$REPO/.cache} made absolute: unpacked kernels, initramfs images,
#          kernel source extracts and the KVM verdict (see scripts/deps for the layout)

PROG=${0##*/}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CACHE=$(realpath -m -- "${NKSTAT_CACHE:-$REPO/.cache}")

# The value the guest writes to the isa-debug-exit port: qemu then exits at once with
# status (42 << 1) | 1 = 85. A probe boot passes only with that status.
GUEST_EXIT_VALUE=42
GUEST_EXIT_STATUS=$(( (GUEST_EXIT_VALUE << 1) | 1 ))

# NKSTAT_TIMEOUT_SCALE for the debug kernel: selftests/run multiplies each test's limit by
# it. A test runs about 5 times slower there than in a stock guest (measured).
DEBUG_TIMEOUT_SCALE=8

# die [-STATUS] MESSAGE: print "PROG: MESSAGE" on stderr and exit (status 1 by default).
die() {
	local rc=1
	if [[ $1 == -[0-9]* ]]; then
		rc=${1#-}
		shift
	fi
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit "$rc"
}

# kernel_rows: the pinned kernels, one "SHORTNAME KVER IMAGE_PACKAGE HEADERS_PACKAGE" per line.
kernel_rows() {
	awk '!/^[[:space:]]*(#|$)/ { print $1, $2, $3, $4 }' "$REPO/scripts/kernels"
}

# pinned_kver NAME: the KVER of the pinned kernel whose short name or KVER is NAME.
pinned_kver() {
	kernel_rows | awk -v k="$1" '$1 == k || $2 == k { print $2; found = 1; exit }
		END { exit !found }'
}

kernel_dir() { printf '%s/kernels/%s\n' "$CACHE" "$1"; }

# bzimage_field FILE OFFSET SIZE: an unsigned little-endian field of the x86 boot header.
bzimage_field() {
	od -An -tu"$3" -j "$2" -N "$3" -- "$1" | tr -d ' '
}

# bzimage_kver FILE: the kernel release (uname -r) recorded in a bzImage's boot header.
bzimage_kver() {
	local off s
	[[ $(dd if="$1" bs=1 skip=514 count=4 status=none) == HdrS ]] || return 1
	off=$(( $(bzimage_field "$1" $((0x20e)) 2) + 0x200 ))
	s=$(dd if="$1" bs=1 skip="$off" count=256 status=none | tr '\0' '\n')
	s=${s%%$'\n'*}
	printf '%s\n' "${s%% *}"
}

# bzimage_payload FILE: print the compressed kernel inside a bzImage, without the 4-byte
# decompressed size that the kernel's build appends to it.
bzimage_payload() {
	local sects start len
	sects=$(bzimage_field "$1" $((0x1f1)) 1)
	start=$(( ((sects ? sects : 4) + 1) * 512 + $(bzimage_field "$1" $((0x248)) 4) ))
	len=$(( $(bzimage_field "$1" $((0x24c)) 4) - 4 ))
	dd if="$1" iflag=skip_bytes,count_bytes skip="$start" count="$len" bs=1M status=none
}

# bzimage_format FILE: how the kernel inside a bzImage is compressed: xz, zstd or other.
bzimage_format() {
	case $(bzimage_payload "$1" | od -An -tx1 -N6 | tr -d ' ') in
	fd377a585a00) echo xz ;;
	28b52ffd*) echo zstd ;;
	*) echo other ;;
	esac
}

# guest_exit_cmd: a shell command (busybox or bash) that makes qemu exit at once through
# isa-debug-exit, with status (GUEST_EXIT_VALUE << 1) | 1.
guest_exit_cmd() {
	printf "printf '\\%03o' | dd of=/dev/port bs=1 seek=%d count=1 conv=notrunc 2>/dev/null\n" \
		"$GUEST_EXIT_VALUE" $((0xf4))
}

# The initramfs /init (busybox sh). It loads the modules named in /modules (9p, overlay and
# what they need), mounts the host's root read-only over 9p under a tmpfs-backed overlay,
# the per-run "vmout" share at /run/nkstat, the usual pseudo file systems, and binds the
# modules tree named in /run/nkstat/moddir onto /lib/modules/KVER. Then it switches into the
# overlay to run the script vm-run wrote to /run/nkstat/guest.sh as PID 1 (so the kernel's
# modprobe calls see the same root). The mounting is done here because busybox starts much
# faster than the host's dynamically linked tools read over 9p.
# With "nkstat.probe" on the command line it stops right away through isa-debug-exit: a
# probe boot only proves the kernel reaches userspace. Any failure ends PID 1, which panics
# the kernel; vm-run then reports the console log.
guest_init() {
	printf '#!/bin/sh\nqemu_exit() { %s; }\n' "$(guest_exit_cmd)"
	cat <<'EOF'
export PATH=/bin
fail() { echo "nkstat init: $*"; exit 1; }
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs dev /dev ||
	fail "cannot mount proc, sysfs, devtmpfs"
if grep -qw nkstat.probe /proc/cmdline; then
	qemu_exit
	fail "isa-debug-exit did not stop qemu"
fi
for m in $(cat /modules); do
	insmod "/lib/modules/$m" || fail "insmod $m"
done
opts=trans=virtio,version=9p2000.L,msize=512000
mkdir /lower /upper /newroot
mount -t 9p -o "$opts,ro,cache=loose" hostroot /lower || fail "cannot mount the host root"
mount -t tmpfs -o mode=0755 upper /upper && mkdir /upper/data /upper/work &&
	mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work root /newroot ||
	fail "cannot mount the overlay root"
mount -t tmpfs -o mode=0755 run /newroot/run && mkdir /newroot/run/nkstat &&
	mount -t 9p -o "$opts" vmout /newroot/run/nkstat || fail "cannot mount the vmout share"
for fs in dev proc sys; do
	mount --move "/$fs" "/newroot/$fs" || fail "cannot move /$fs"
done
cd /newroot || fail "no /newroot"
read -r kver <proc/sys/kernel/osrelease && IFS= read -r moddir <run/nkstat/moddir &&
	mkdir -p dev/pts dev/shm "lib/modules/$kver" &&
	mount --bind "./$moddir" "lib/modules/$kver" &&
	mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts dev/pts &&
	mount -t tmpfs -o mode=1777 shm dev/shm &&
	ln -s /proc/self/fd dev/fd && ln -s fd/0 dev/stdin &&
	ln -s fd/1 dev/stdout && ln -s fd/2 dev/stderr &&
	mount -t tracefs tracefs sys/kernel/tracing &&
	mount -t debugfs debugfs sys/kernel/debug &&
	ip link set lo up || fail "cannot set up the new root"
cd /
exec switch_root /newroot /bin/bash /run/nkstat/guest.sh
EOF
}

# initrd_name: file name of the initramfs built from the current guest_init, so that a
# changed /init makes scripts/deps build a new one.
initrd_name() {
	printf 'initrd-%s.cpio\n' "$(guest_init | cksum | cut -d' ' -f1)"
}

# build_initrd ROOT KVER OUT: write to OUT an initramfs (uncompressed newc cpio) holding
# static busybox, the 9p/overlay modules of ROOT/lib/modules/KVER in load order (xz
# modules decompressed) and guest_init as /init.
build_initrd() {
	local root=$1 kver=$2 out=$3 tmp ko name applet
	tmp=$(mktemp -d) || return
	mkdir -p "$tmp/bin" "$tmp/lib/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev"
	cp /bin/busybox "$tmp/bin/busybox" || { rm -rf "$tmp"; return 1; }
	for applet in $(/bin/busybox --list); do
		[[ $applet == busybox ]] || ln -s busybox "$tmp/bin/$applet"
	done
	# virtio_pci may be built in; --show-depends then prints "builtin virtio_pci".
	for ko in $(modprobe -d "$root" -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p overlay |
			awk '$1 == "insmod" && !seen[$2]++ { print $2 }'); do
		name=${ko##*/}
		case $name in
		*.ko) cp "$ko" "$tmp/lib/modules/$name" ;;
		*.ko.xz) name=${name%.xz}; xz -dc "$ko" >"$tmp/lib/modules/$name" ;;
		*) echo "$PROG: unsupported module compression: $ko" >&2; rm -rf "$tmp"; return 1 ;;
		esac || { rm -rf "$tmp"; return 1; }
		echo "$name" >>"$tmp/modules"
	done
	if [[ ! -s $tmp/modules ]] || ! grep -q '^9p\.ko$' "$tmp/modules"; then
		echo "$PROG: no 9p modules found under $root/lib/modules/$kver" >&2
		rm -rf "$tmp"
		return 1
	fi
	guest_init >"$tmp/init" && chmod 755 "$tmp/init" &&
		(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort |
			/bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) >"$out.tmp" &&
		mv "$out.tmp" "$out"
	local rc=$?
	rm -rf "$tmp" "$out.tmp"
	return "$rc"
}

# qemu_cmd ACCEL KERNEL INITRD MEM_MB SMP: set the array QEMU to the qemu command line every
# boot shares; callers add -serial, shares and -append. TCG emulates "-cpu max"; KVM uses
# the host's CPU.
qemu_cmd() {
	local cpu=max
	if [[ $1 == kvm ]]; then
		cpu=host
	fi
	# shellcheck disable=SC2054 # the commas belong to qemu's option syntax
	QEMU=(qemu-system-x86_64 -nodefaults -display none -no-reboot
		-accel "$1" -cpu "$cpu" -m "$4" -smp "$5"
		-kernel "$2" -initrd "$3"
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
}

# boot_probe ACCEL KERNEL INITRD SECONDS: true if the kernel boots to the initramfs /init
# with that accelerator within SECONDS.
boot_probe() {
	local rc=0
	qemu_cmd "$1" "$2" "$3" 256 1
	timeout -k 2 "$4" "${QEMU[@]}" -serial null -append "console=ttyS0 panic=-1 nkstat.probe" \
		</dev/null >/dev/null 2>&1 || rc=$?
	((rc == GUEST_EXIT_STATUS))
}

# median_ms CMD...: the median wall time of ${RUNS:-5} runs of CMD, in ms
# with one decimal (for the benchmarks, inside a guest).
median_ms() {
	local t0 ts=()
	for _ in $(seq "${RUNS:-5}"); do
		t0=$(date +%s%N)
		"$@" >/dev/null
		ts+=($((($(date +%s%N) - t0) / 1000)))
	done
	printf '%s\n' "${ts[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'
}
