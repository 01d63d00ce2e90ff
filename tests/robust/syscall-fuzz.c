/* Calls Linux system calls with random arguments: pointers that are NULL, to a
 * scratch buffer, into unmapped memory or wild; small and huge integers. Calls
 * that could block for ever, end the process, change its memory map, or send
 * traffic to the network are left out. Whatever the calls return, the emulator
 * must keep running: this program ends with exit(0). */
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static uint64_t state;
static uint64_t next(void) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

/* 64 KiB of scratch memory followed by an inaccessible guard page, so that
 * buffers straddling its end fault instead of corrupting the program. */
static unsigned char *scratch;

static long arg(void) {
    switch (next() % 9) {
    case 0: return 0;
    case 1: return (long)(scratch + (next() % 60000));
    case 2: return (long)(next() % 64);                 /* small ints: fds, flags */
    case 3: return -(long)(next() % 5) - 1;             /* -1..-5 */
    case 4: return (long)0x7ff000000000ULL;             /* unmapped */
    case 5: return (long)next();                        /* wild */
    case 6: return (long)(next() % 4096);
    case 7: return (long)(1UL << (next() % 64));
    default: return (long)(scratch + 65536 - (next() % 16)); /* straddles the end */
    }
}

static int excluded(long nr) {
    static const long bad[] = {
        /* end or replace the process, or signal it */
        93, 94, 129, 130, 131, 138, 240, 220, 435, 221, 281, 139, 142,
        /* may block for ever */
        98, 101, 115, 73, 72, 22, 441, 133, 137, 260, 95, 202, 242, 207, 212, 243, 63, 65, 67, 69, 286,
        188, 189, 192, 193, /* msgrcv, msgsnd, semtimedop, semop: System V IPC waits */
        /* network traffic to arbitrary addresses */
        203, 206, 211, 269,
        /* the process's own memory map, signal handlers, limits and timers */
        214, 215, 216, 222, 226, 233, 134, 261, 164, 102, 103, 107, 110, 85, 86,
        196, 197, /* shmat, shmdt */
        /* file system changes with arbitrary paths are kept out too */
        34, 35, 36, 37, 38, 276, 33, 46, 45, 53, 52, 88, 49, 50, 51,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) if (bad[i] == nr) return 1;
    return 0;
}

int main(int argc, char **argv) {
    /* A write to a pipe or socket whose other end a random call closed is EPIPE, not the end of the run. */
    signal(SIGPIPE, SIG_IGN);
    state = argc > 1 ? strtoull(argv[1], 0, 10) : 88172645463325252ULL;
    long calls = argc > 2 ? atol(argv[2]) : 20000;
    scratch = mmap(NULL, 65536 + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED || mprotect(scratch + 65536, 4096, PROT_NONE) != 0) return 2;
    for (size_t i = 0; i < 65536; i++) scratch[i] = (unsigned char)next();
    for (long i = 0; i < calls; i++) {
        long nr = (long)(next() % 460);
        if (excluded(nr)) continue;
        long a0 = arg();
        /* writes could fill a pipe the program made and block for ever, as on Linux: aim them at stdout/stderr */
        if (nr == 64 || nr == 66 || nr == 68 || nr == 70 || nr == 71 || nr == 287) a0 = 1 + (long)(next() % 2);
        /* close_range from 0 would close stdin/stdout/stderr, and later writes aimed at them could reach a pipe */
        if (nr == 436 && (unsigned)a0 < 3) a0 = 3;
        syscall(nr, a0, arg(), arg(), arg(), arg(), arg());
        if (i % 64 == 0) memset(scratch, (int)next(), 64);
    }
    const char done[] = "syscall fuzz done\n";
    syscall(SYS_write, 2, done, sizeof done - 1);
    return 0;
}
