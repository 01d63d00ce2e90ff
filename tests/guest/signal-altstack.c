/* sigaltstack: the initial state, EINVAL and ENOMEM, SA_ONSTACK handlers
 * running on the alternate stack (and reporting SS_ONSTACK, and EPERM when
 * they try to change it), uc_stack in the ucontext, a second signal nesting
 * further down the same alternate stack, a handler without SA_ONSTACK staying
 * on the normal stack, and SS_DISABLE. (SS_AUTODISARM is left out: qemu-riscv64
 * 7.2 rejects it with EINVAL, so it cannot serve as the reference.) */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>


static char *alt;
static size_t alt_size = 64 * 1024;

struct seen {
    int on_alt, ss_onstack, set_errno, disable_errno, uc_matches, uc_flags;
    uintptr_t local;
};
static struct seen outer, inner;

static int within_alt(const void *p)
{
    return (const char *)p >= alt && (const char *)p < alt + alt_size;
}

static void look(struct seen *s, void *ctx)
{
    char here;
    ucontext_t *uc = ctx;
    s->local = (uintptr_t)&here;
    s->on_alt = within_alt(&here);
    stack_t now;
    sigaltstack(NULL, &now);
    s->ss_onstack = (now.ss_flags & SS_ONSTACK) != 0;
    stack_t other = {.ss_sp = alt, .ss_size = alt_size / 2, .ss_flags = 0};
    errno = 0;
    sigaltstack(&other, NULL);
    s->set_errno = errno;
    stack_t off = {.ss_flags = SS_DISABLE};
    errno = 0;
    sigaltstack(&off, NULL);
    s->disable_errno = errno;
    s->uc_matches = uc->uc_stack.ss_sp == alt && uc->uc_stack.ss_size == alt_size;
    s->uc_flags = uc->uc_stack.ss_flags;
}

static void on_usr2(int sig, siginfo_t *info, void *ctx)
{
    (void)sig, (void)info;
    look(&inner, ctx);
}

static void on_usr1(int sig, siginfo_t *info, void *ctx)
{
    (void)sig, (void)info;
    look(&outer, ctx);
    raise(SIGUSR2);
}

static const char *flags_name(int f)
{
    static char b[64];
    snprintf(b, sizeof b, "%s%s%s", f == 0 ? "0" : "", f & SS_ONSTACK ? "SS_ONSTACK" : "", f & SS_DISABLE ? "SS_DISABLE" : "");
    return b;
}

static void show(const char *name, const struct seen *s)
{
    printf("  %s: on alt stack=%d SS_ONSTACK=%d change->%s disable->%s uc_stack matches=%d uc_stack.ss_flags=%s\n", name,
           s->on_alt, s->ss_onstack, strerror(s->set_errno), strerror(s->disable_errno), s->uc_matches,
           flags_name(s->uc_flags));
}

static void install(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    alt = malloc(alt_size);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("initial: sp=%p size=%zu flags=%s\n", cur.ss_sp, cur.ss_size, flags_name(cur.ss_flags));

    stack_t ss = {.ss_sp = alt, .ss_size = 1024, .ss_flags = 0};
    errno = 0;
    printf("1 KiB stack: %d %s\n", sigaltstack(&ss, NULL), strerror(errno));
    ss.ss_size = alt_size;
    ss.ss_flags = 4;
    errno = 0;
    printf("bad flags: %d %s\n", sigaltstack(&ss, NULL), strerror(errno));
    ss.ss_flags = 0;
    printf("set: %d\n", sigaltstack(&ss, NULL));
    sigaltstack(NULL, &cur);
    printf("query: sp matches=%d size=%zu flags=%s\n", cur.ss_sp == alt, cur.ss_size, flags_name(cur.ss_flags));

    install(SIGUSR1, on_usr1, SA_ONSTACK);
    install(SIGUSR2, on_usr2, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK handler, then a nested one:\n");
    show("outer", &outer);
    show("inner", &inner);
    printf("  inner frame below outer: %d\n", inner.local < outer.local);
    sigaltstack(NULL, &cur);
    printf("after return: flags=%s\n", flags_name(cur.ss_flags));

    memset(&outer, 0, sizeof outer);
    install(SIGUSR1, on_usr1, 0);
    install(SIGUSR2, on_usr2, 0);
    raise(SIGUSR1);
    printf("without SA_ONSTACK: outer on alt stack=%d inner on alt stack=%d\n", outer.on_alt, inner.on_alt);

    install(SIGUSR1, on_usr1, SA_ONSTACK);
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    sigaltstack(NULL, &cur);
    printf("disabled: flags=%s size=%zu\n", flags_name(cur.ss_flags), cur.ss_size);
    raise(SIGUSR1);
    printf("SA_ONSTACK with no alternate stack: on alt stack=%d uc_stack.ss_flags=%s\n", outer.on_alt,
           flags_name(outer.uc_flags));

    return 0;
}
