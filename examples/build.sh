#!/bin/sh
# Rebuilds the demo guest (needs Debian's gcc-riscv64-linux-gnu).
set -e
cd "$(dirname "$0")"
riscv64-linux-gnu-gcc -O2 -static -s -o hello.riscv64 hello.c
