#!/usr/bin/env bash
# Installs what the test suite needs on Debian (run as root, or it uses sudo):
# the RISC-V cross toolchain and sysroot, qemu-user (the oracle of the
# differential tests), a native compiler, the Go toolchain, and the sources of
# Debian's busybox, sqlite3 and python3.11 (real guest software built and run by
# tests/busybox.test.ts, tests/sqlite.test.ts and tests/cpython.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Source packages: enable deb-src next to the binary lines (deb822 or one-line format).
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && as_root sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
  done
  if [ -s /etc/apt/sources.list ] && grep -q '^deb ' /etc/apt/sources.list; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | as_root tee /etc/apt/sources.list.d/typevisor-src.list >/dev/null
  fi
fi

as_root env DEBIAN_FRONTEND=noninteractive apt-get update
# gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross: cross compiler and the sysroot /usr/riscv64-linux-gnu
# binutils-riscv64-linux-gnu: objdump, the oracle of the decoder test
# qemu-user: qemu-riscv64, the oracle of the differential tests
# qemu-system-misc: qemu-system-riscv64, the oracle of the bare-metal system-VM tests (tests/baremetal)
# opensbi: Debian's OpenSBI firmware (fw_jump.elf/.bin), booted by tests/sbi.test.ts (the default --bios is images/fw_dynamic.bin)
# device-tree-compiler: dtc, the oracle of the device tree writer (tests/sbi.test.ts)
# gcc, libc6-dev, make: native baseline for the benchmark, an x86-64 ELF for the CLI tests, busybox's build
# golang-go: Go guests cross-compiled for riscv64
# dpkg-dev, bzip2, xz-utils: unpacking Debian source packages
# gdb-multiarch: the debugger the GDB stub's tests drive (tests/gdb.test.ts)
# chromium: the browser the dashboard's tests drive through playwright-core (tests/web-dashboard.test.ts)
# tcl: tclsh, which sqlite3's make runs to generate its amalgamation (sqlite3.c, shell.c)
# openjdk-17-jdk-headless: the class library (lib/modules) the JVM reads, and jimage/jlink, the oracles of src/jvm/jimage
# rhino: a JavaScript engine written in Java (/usr/share/java/js.jar), third-party Java run by tests/jvm.test.ts
# python3.11: /usr/bin/python3.11, the build interpreter of CPython's cross build (tests/cpython-build.ts)
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross binutils-riscv64-linux-gnu qemu-user qemu-system-misc \
  opensbi device-tree-compiler gdb-multiarch chromium \
  gcc libc6-dev make golang-go dpkg-dev bzip2 xz-utils tcl openjdk-17-jdk-headless rhino python3.11

# Debian's busybox source, unpacked under tests/build/src (built by the busybox test).
if ! ls -d tests/build/src/busybox-*/ >/dev/null 2>&1; then
  mkdir -p tests/build/src
  (cd tests/build/src && apt-get source busybox)
fi

# Debian's sqlite3 source, unpacked under tests/build/src (built by tests/sqlite-build.ts).
if ! ls -d tests/build/src/sqlite3-*/ >/dev/null 2>&1; then
  mkdir -p tests/build/src
  (cd tests/build/src && apt-get source sqlite3)
fi

# Debian's python3.11 source, unpacked under tests/build/src (built by tests/cpython-build.ts).
# The newest version may be a security update whose source is not on the mirror
# (its .dsc is a 404 there); then the release's own version is taken.
if ! ls -d tests/build/src/python3.11-*/ >/dev/null 2>&1; then
  mkdir -p tests/build/src
  (cd tests/build/src && { apt-get source python3.11 || apt-get source python3.11/bookworm; })
fi
