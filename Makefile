# SPDX-License-Identifier: GPL-2.0
#
# fuse-bpf.  All build output lives in .build/ (ignored):
#   make          build fuse_bpf.ko for KDIR (default: the running kernel)
#   make check    build and run the kselftests and the POSIX suites in a
#                 QEMU guest (as root), booting the build root's 6.12;
#                 KERNEL=debug boots a KASAN/lockdep/kmemleak 6.12 (the
#                 kselftests only), KERNEL=backports trixie-backports' 7.3
#   make check-kselftest  the kselftests only (a few minutes); TESTS="a_test
#                 b_test" runs only those
#   make check-posix      nfstest_posix and nfstest_lock only: on tmpfs and
#                 on fuse-bpf, compared
#   make demo     boot the guest and show fuse-bpf at work (as root)
#   make vm       boot the guest with the module loaded, the library, the
#                 command and the examples installed and the checkout at
#                 /src (read-only), and give a shell on the terminal;
#                 CMD="..." runs that command instead and exits with its
#                 status (as root)
#   make bench    fio and metadata benchmarks of fuse-bpf against ext4, plain
#                 FUSE and upstream passthrough, in one guest (as root);
#                 SETS=A,C,D,E,F TARGETS=native,... RUNS=3 choose
#                 (bench/bench.sh); MODE=icount (the default: guest time
#                 counts instructions) or MODE=wall; writes bench/results/
#   make user     build the user-space parts, USER_DIRS (libfusebpf, ...),
#                 into .build/, for the module make built (KO, VMLINUX)
#   make install-user  install them: PREFIX (/usr/local), DESTDIR, LIBDIR;
#                 make check installs them into the guest the same way
#   make deb      the Debian packages, built in the build root, into
#                 .build/deb/: fuse-bpf-dkms, libfusebpf0, libfusebpf-dev,
#                 libfusebpf-tools (as root)
#   make check-deb  build them, install them into a throwaway copy of the
#                 build root, let DKMS build the module for each kernel,
#                 boot each kernel with what they installed, purge them;
#                 and lintian (as root)
# KSRC names the kernel source the stock fs/fuse comes from: a tree or a
# linux-source tarball of KDIR's version (by default its linux-source-X.Y).

# make check and make demo build for the build root's kernel: they take KSRC
# and KDIR only when given on the command line or in the environment.
given := $(foreach v,KSRC KDIR,$(if $(filter command line environment,\
	$(origin $(v))),$(v)="$($(v))"))

KDIR ?= /lib/modules/$(shell uname -r)/build
KSRC ?= /usr/src/linux-source-$(shell cut -d. -f1,2 \
	$(KDIR)/include/config/kernel.release 2>/dev/null).tar.xz

# The user-space parts: one directory each, whose Makefile builds with
# "make" and installs with "make install" (PREFIX, DESTDIR, LIBDIR).
USER_DIRS := tools/lib/fuse-bpf tools/fusebpf-passthrough examples

all: module

module:
	scripts/build-module.sh "$(KSRC)" "$(KDIR)" "$(CURDIR)/.build"

user:
	for d in $(USER_DIRS); do $(MAKE) -C $$d || exit; done

install-user:
	for d in $(USER_DIRS); do $(MAKE) -C $$d install || exit; done

check demo:
	$(given) scripts/run.sh $@

check-kselftest check-posix:
	$(given) scripts/run.sh $(@:check-%=%)

vm:
	$(given) CMD='$(subst ','\'',$(CMD))' scripts/run.sh vm

bench:
	$(given) SETS="$(SETS)" TARGETS="$(TARGETS)" RUNS="$(RUNS)" \
		MODE="$(MODE)" scripts/run.sh bench

deb check-deb:
	scripts/deb.sh $(@:check-%=check)

clean:
	rm -rf .build/deb .build/deb-test .build/module .build/tests .build/initramfs.cpio.gz .build/*.log \
		.build/lib .build/guest-root \
		.build/examples .build/fusebpf-passthrough .build/stage-*

distclean:
	rm -rf .build

.PHONY: all module user install-user check check-kselftest check-posix demo vm bench deb \
	check-deb clean distclean
