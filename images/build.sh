#!/usr/bin/env bash
# Builds typevisor's default guest reproducibly from Debian sources:
#   images/Image              Linux 6.1 (linux-source-6.1) for RISC-V, config = tinyconfig + linux.fragment
#   images/vmlinux.sym        its symbols (the ELF vmlinux without its contents), for gdb's `file` (docs/debugging.md)
#   images/initramfs.cpio     a static busybox (Debian's busybox source) and the init script, uncompressed
#                             (the kernel would spend a third of the boot inflating a gzip one)
#   images/Image-kvm          with `build.sh kvm`: the same kernel with KVM, for a hypervisor inside the guest
# Needs: linux-source-6.1 gcc-riscv64-linux-gnu bc flex bison libssl-dev cpio dpkg-dev (deb-src enabled),
# and a built typevisor (npm install) to list busybox's applets.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${WORK:-$here/../tests/build/images}"
jobs="${JOBS:-$(nproc)}"
export SOURCE_DATE_EPOCH=1700000000 KBUILD_BUILD_TIMESTAMP="@1700000000" KBUILD_BUILD_USER=typevisor KBUILD_BUILD_HOST=typevisor
cross=riscv64-linux-gnu-
mkdir -p "$work"

# --- Linux ---
if [ ! -d "$work/linux-source-6.1" ]; then
  tar -C "$work" -xf /usr/src/linux-source-6.1.tar.xz
fi
k="$work/linux-source-6.1"

# `build.sh kvm` builds only images/Image-kvm: the same kernel with KVM (linux-kvm.fragment on top), the host
# kernel of the dual-mode hosted system VM (docs/classes.md), and stops there.
if [ "${1:-}" = kvm ]; then
  make -C "$k" ARCH=riscv CROSS_COMPILE=$cross O="$work/linux-kvm" tinyconfig >/dev/null
  "$k/scripts/kconfig/merge_config.sh" -m -O "$work/linux-kvm" "$work/linux-kvm/.config" "$here/linux.fragment" "$here/linux-kvm.fragment" >/dev/null
  make -C "$k" ARCH=riscv CROSS_COMPILE=$cross O="$work/linux-kvm" olddefconfig >/dev/null
  for opt in CONFIG_KVM CONFIG_VIRTUALIZATION; do
    grep -q "^$opt=y" "$work/linux-kvm/.config" || { echo "build.sh: $opt did not make it into the KVM kernel's config" >&2; exit 1; }
  done
  echo 3 > "$work/linux-kvm/.version"
  make -C "$k" ARCH=riscv CROSS_COMPILE=$cross O="$work/linux-kvm" -j"$jobs" Image >/dev/null
  cp "$work/linux-kvm/arch/riscv/boot/Image" "$here/Image-kvm"
  ls -l "$here/Image-kvm"
  exit 0
fi
make -C "$k" ARCH=riscv CROSS_COMPILE=$cross O="$work/linux" tinyconfig >/dev/null
"$k/scripts/kconfig/merge_config.sh" -m -O "$work/linux" "$work/linux/.config" "$here/linux.fragment" >/dev/null
make -C "$k" ARCH=riscv CROSS_COMPILE=$cross O="$work/linux" olddefconfig >/dev/null
# The build number in the version string ("#4") comes from .version, which each link increments.
echo 3 > "$work/linux/.version"
make -C "$k" ARCH=riscv CROSS_COMPILE=$cross O="$work/linux" -j"$jobs" Image >/dev/null
cp "$work/linux/arch/riscv/boot/Image" "$here/Image"
${cross}objcopy --only-keep-debug "$work/linux/vmlinux" "$here/vmlinux.sym"

# --- busybox initramfs ---
if ! ls -d "$work"/busybox-*/ >/dev/null 2>&1; then
  (cd "$work" && apt-get source busybox >/dev/null)
fi
bb="$(ls -d "$work"/busybox-*/ | head -n1)"
mkdir -p "$work/busybox"
make -C "$bb" O="$work/busybox" defconfig >/dev/null
sed -i -e 's/^# CONFIG_STATIC is not set/CONFIG_STATIC=y/' -e 's/^CONFIG_TC=y/# CONFIG_TC is not set/' "$work/busybox/.config"
make -C "$bb" O="$work/busybox" CROSS_COMPILE=$cross -j"$jobs" >/dev/null
root="$work/rootfs"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root}
cp "$work/busybox/busybox" "$root/bin/busybox"
# The applet list comes from the RISC-V busybox itself, run by typevisor.
node "$here/../bin/typevisor.js" run "$root/bin/busybox" --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$root/$applet"
done
cp "$here/init" "$root/init"
cp "$here/udhcpc.script" "$root/etc/udhcpc.script"
printf "127.0.0.1 localhost\n" > "$root/etc/hosts"
find "$root" -exec touch -h -d @1700000000 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible -R 0:0 2>/dev/null) > "$here/initramfs.cpio"
ls -l "$here/Image" "$here/initramfs.cpio"
