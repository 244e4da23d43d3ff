# SPDX-License-Identifier: GPL-2.0
#
# nkstat: an out-of-tree kernel module (kmod/) and its CLI (tools/).
#
#   make              the tool, and the module for the running kernel if
#                     its headers are installed
#   make check        everything, tested in QEMU guests of each pinned kernel
#   make debug-kernel build the debug guest kernel once (KASAN, lockdep, ...;
#                     about 40 minutes, cached outside the clone)
#   make check-debug  the selftests in guests of the debug kernel, and proof
#                     that its splat check catches three broken builds
#   make fuzz         the tool's libFuzzer harnesses, 200 s each (not a gate)
#   make demo         boot a 6.12 guest, reproduce the incidents, show nkstat
#   make bench        benchmarks in guests of each pinned kernel (figures)
#   make install      module (KVER) + depmod, tool and man page
#   make dkms-install register, build and install the module with DKMS
#   make lint         checkpatch --strict, sparse (C=2), shellcheck and cppcheck
#   make deps         install build and test dependencies (apt) and fill .cache
#
# KVER=... builds the module for another installed kernel, KDIR=... against
# a kernel build tree of your own.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man

VERSION := $(shell sed -n 's/^\#define NKSTAT_VERSION "\(.*\)"/\1/p' kmod/version.h)
# The pinned test kernels (scripts/kernels, column 2).
KVERS := $(shell awk '!/^[[:space:]]*(\#|$$)/ { print $$2 }' scripts/kernels)
KSFT_DIR := $(CURDIR)/.cache/linux-source-6.12/tools/testing/selftests
CHECKPATCH := $(CURDIR)/.cache/linux-source-6.12/scripts/checkpatch.pl

MOD_SRCS := $(wildcard kmod/*.c kmod/*.h kmod/probes/*.c) kmod/Kbuild include/uapi/linux/nkstat.h

all: tool $(if $(wildcard $(KDIR)/Makefile),module,module-skip)

tool:
	$(MAKE) -C tools

module: build/$(KVER)/kmod/nkstat.ko

module-skip:
	@echo "no kernel headers at $(KDIR): skipping the module (install linux-headers-$(KVER), or set KVER/KDIR)"

# kdir_for KVER: the build tree to build the module against; "debug" (and
# "debug-NAME", a variant of the module for it) is the debug kernel of
# scripts/debug-kernel.
kdir_for = $(if $(filter debug debug-%,$1),$(shell scripts/debug-kernel --build-dir),$(if \
	$(filter $(KVER),$1),$(KDIR),/lib/modules/$1/build))

# Each kernel gets its own copy of the sources under build/KVER/ (build/debug/
# for the debug kernel), so that builds for several kernels never share
# objects. The copy keeps the kmod/ and include/ layout that kmod/Kbuild
# expects. MODULE_PATCH, if set, is applied to the copy (patch -p1) before
# it is built: scripts/check's deliberately broken builds.
build/%/kmod/nkstat.ko: $(MOD_SRCS) $(MODULE_PATCH)
	@mkdir -p build/$*/kmod/probes build/$*/include/uapi/linux
	@cp -p $(filter-out kmod/probes/%,$(filter kmod/%,$(MOD_SRCS))) build/$*/kmod/
	@cp -p $(filter kmod/probes/%,$(MOD_SRCS)) build/$*/kmod/probes/
	@cp -p include/uapi/linux/nkstat.h build/$*/include/uapi/linux/
	$(if $(MODULE_PATCH),patch -d build/$* -p1 -s <$(MODULE_PATCH))
	$(MAKE) -C $(call kdir_for,$*) M=$(CURDIR)/build/$*/kmod W=1 $(KBUILD_EXTRA) modules

modules-all: $(foreach k,$(KVERS),build/$(k)/kmod/nkstat.ko)

selftests:
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR)

deps:
	@scripts/deps

check:
	@scripts/check

debug-kernel:
	@scripts/debug-kernel >/dev/null

# Random, time-boxed fuzzing of the tool (10 minutes), outside make check;
# a crash it finds stays in tools/fuzz/crashes/, which make check replays.
fuzz:
	$(MAKE) -C tools/fuzz run

check-debug:
	@scripts/check --debug

demo:
	@scripts/demo

# Figures, not tests: each benchmark in a guest of each pinned kernel.
bench: tool modules-all selftests
	@for k in $(KVERS); do \
		scripts/vm-run --kernel $$k -- scripts/bench-neigh && \
		scripts/vm-run --kernel $$k --mem 1024 -- scripts/bench-ports && \
		scripts/vm-run --kernel $$k --mem 1024 -- scripts/bench-tcp && \
		scripts/vm-run --kernel $$k --mem 2048 -- scripts/bench-lockhold && \
		scripts/vm-run --kernel $$k --mem 1024 -- scripts/bench-writetimer || exit 1; \
	done

lint: deps
	perl $(CHECKPATCH) --strict --no-tree --quiet -f kmod/*.c kmod/*.h include/uapi/linux/nkstat.h
	$(foreach k,$(KVERS),rm -rf build/$(k) && $(MAKE) build/$(k)/kmod/nkstat.ko KBUILD_EXTRA=C=2 &&) true
	shellcheck -x scripts/check scripts/demo scripts/demo-guest scripts/bench-neigh scripts/bench-ports scripts/bench-tcp scripts/bench-lockhold scripts/bench-writetimer scripts/debug-kernel scripts/snapshot-workload scripts/deps scripts/vm-run scripts/dmesg-check \
		selftests/run selftests/*.sh tools/tests/cli.sh tools/nkstat.bash-completion .ci/run
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--inline-suppr --std=c11 -Iinclude/uapi -DNKSTAT_VERSION='"$(VERSION)"' tools/*.c

install: tool module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/build/$(KVER)/kmod INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates modules_install
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	$(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -D -m 0644 docs/nkstat.8 $(DESTDIR)$(MANDIR)/man8/nkstat.8

# DKMS builds from a copy of the sources in /usr/src/nkstat-VERSION.
DKMS_SRC := /usr/src/nkstat-$(VERSION)
dkms-install:
	-dkms remove -m nkstat -v $(VERSION) --all 2>/dev/null
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/include/uapi/linux
	cp -r dkms.conf kmod $(DKMS_SRC)/
	cp include/uapi/linux/nkstat.h $(DKMS_SRC)/include/uapi/linux/
	dkms add -m nkstat -v $(VERSION)
	dkms build -m nkstat -v $(VERSION) -k $(KVER)
	dkms install -m nkstat -v $(VERSION) -k $(KVER)

clean:
	rm -rf build
	$(MAKE) -C tools clean
	$(MAKE) -C selftests clean

.PHONY: all tool module module-skip modules-all selftests deps check debug-kernel check-debug fuzz \
	demo bench lint \
	install dkms-install clean
