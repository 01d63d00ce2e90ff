#!/usr/bin/env bash
# Puts typevisor's default firmware in images/:
#   images/fw_dynamic.bin   OpenSBI 1.1, generic platform, fw_dynamic, as a raw binary (linked at 0x80000000),
#                           taken unmodified from Debian's binary package opensbi 1.1-2 and checked by sha256.
# fw_dynamic (QEMU's default firmware kind) reads the next stage's address from the fw_dynamic_info
# the board passes in a2, and leaves the device tree where the board put it.
# Needs: apt (the Debian archive) and dpkg-deb.
#
# The same binary comes out of Debian's source package built as its debian/rules does:
#   apt-get source opensbi=1.1-2 && make -C opensbi-1.1 PLATFORM=generic CROSS_COMPILE=riscv64-linux-gnu-
# (OpenSBI 1.1 embeds no build time or compiler string unless BUILD_INFO=y.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${WORK:-$here/../tests/build/firmware}"
sha256=88e76ec1a9e2e5f3ecfc2d8892b923fddc9a3974e63f4190dbcab56b4909fb2f # generic/fw_dynamic.bin of opensbi 1.1-2
mkdir -p "$work"
rm -rf "$work/deb" && mkdir -p "$work/deb"
(cd "$work/deb" && apt-get download opensbi=1.1-2 >/dev/null 2>&1)
dpkg-deb -x "$work"/deb/opensbi_1.1-2_all.deb "$work/deb/root"
cp "$work/deb/root/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin" "$here/fw_dynamic.bin"
chmod 644 "$here/fw_dynamic.bin"
echo "$sha256  $here/fw_dynamic.bin" | sha256sum -c --quiet
ls -l "$here/fw_dynamic.bin"
