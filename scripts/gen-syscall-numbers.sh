#!/usr/bin/env bash
# Prints the riscv64 Linux system call table (number name, one per line, by number) from the
# cross toolchain's kernel headers (package linux-libc-dev-riscv64-cross, with gcc-riscv64-linux-gnu):
# every __NR_ macro of <asm/unistd.h> expanded by the preprocessor. src/process/syscalls/linux-table.ts
# holds its output; tests/syscall-table.test.ts checks the two agree.
set -euo pipefail
cc=${CROSS_CC:-riscv64-linux-gnu-gcc}
src=$(mktemp --suffix=.c)
trap 'rm -f "$src"' EXIT
{
  echo '#include <asm/unistd.h>'
  "$cc" -E -dM -include asm/unistd.h -x c /dev/null | sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' | sort -u |
    grep -vx 'syscalls\|arch_specific_syscall' | sed 's/.*/SYSCALL & __NR_&/'
} > "$src"
"$cc" -E -P -x c "$src" | tr '\n' ' ' | sed 's/SYSCALL/\nSYSCALL/g; $s/$/\n/' | sed -n 's/^SYSCALL \([a-z0-9_]*\) \(.*\)$/\1 \2/p' |
  while read -r name expr; do echo "$(( ${expr} )) $name"; done | sort -n
