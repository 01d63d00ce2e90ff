/* Integer edge cases of the M extension and friends: division by zero and
 * overflow (defined on RISC-V, no trap), 32-bit "W" forms, high multiplies via
 * __int128, shifts, bit counting, byte swaps. Operands are volatile so gcc
 * emits real instructions instead of folding constants. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    volatile int64_t zero = 0, seven = 7, minus7 = -7, min64 = INT64_MIN, minus1 = -1;
    volatile uint64_t uzero = 0, u7 = 7, umax = UINT64_MAX;
    volatile int32_t zero32 = 0, min32 = INT32_MIN, minus1_32 = -1, seven32 = 7;
    volatile uint32_t uzero32 = 0, u7_32 = 7;

    printf("7/0=%lld 7%%0=%lld -7/0=%lld -7%%0=%lld\n", (long long)(seven / zero), (long long)(seven % zero),
           (long long)(minus7 / zero), (long long)(minus7 % zero));
    printf("7u/0=%llu 7u%%0=%llu\n", (unsigned long long)(u7 / uzero), (unsigned long long)(u7 % uzero));
    printf("INT64_MIN/-1=%lld INT64_MIN%%-1=%lld\n", (long long)(min64 / minus1), (long long)(min64 % minus1));
    printf("32-bit: 7/0=%d 7%%0=%d INT32_MIN/-1=%d INT32_MIN%%-1=%d 7u/0=%u\n", seven32 / zero32, seven32 % zero32,
           min32 / minus1_32, min32 % minus1_32, u7_32 / uzero32);
    printf("-7/2=%lld -7%%2=%lld 7/-2=%lld 7%%-2=%lld\n", (long long)(minus7 / 2), (long long)(minus7 % 2),
           (long long)(seven / -2), (long long)(seven % -2));

    volatile int64_t a = 0x123456789abcdef0, b = -0x0fedcba987654321;
    volatile uint64_t ua = 0xfedcba9876543210u, ub = 0xffffffffffffffffu;
    __int128 sp = (__int128)a * b;
    unsigned __int128 up = (unsigned __int128)ua * ub;
    __int128 sup = (__int128)b * (__int128)(unsigned __int128)ua; /* mulhsu-like */
    printf("signed 128 product hi=%016llx lo=%016llx\n", (unsigned long long)(sp >> 64), (unsigned long long)sp);
    printf("unsigned 128 product hi=%016llx lo=%016llx\n", (unsigned long long)(up >> 64), (unsigned long long)up);
    printf("mixed 128 product hi=%016llx lo=%016llx\n", (unsigned long long)(sup >> 64), (unsigned long long)sup);
    unsigned __int128 q = up / 1000000007u, r = up % 1000000007u;
    printf("128-bit div: q=%016llx%016llx r=%llu\n", (unsigned long long)(q >> 64), (unsigned long long)q, (unsigned long long)r);

    volatile int32_t big32 = 0x7fffffff;
    printf("INT32_MAX+1 wraps to %d; as 64-bit sign-extended %lld\n", (int32_t)((uint32_t)big32 + 1u),
           (long long)(int32_t)((uint32_t)big32 + 1u));
    printf("umax+1=%llu umax*umax=%llu\n", (unsigned long long)(umax + 1), (unsigned long long)(umax * umax));

    volatile unsigned shift = 67, shift32 = 35;
    volatile uint64_t one = 1;
    volatile int64_t negative = -256;
    /* masking makes the intent explicit: RISC-V uses the low 6 (or 5) bits of the amount */
    printf("1<<(67&63)=%llu -256>>(67&63)=%lld (u32)1<<(35&31)=%u\n", (unsigned long long)(one << (shift & 63)),
           (long long)(negative >> (shift & 63)), (uint32_t)one << (shift32 & 31));
    printf("logical vs arithmetic: %llx %llx\n", (unsigned long long)((uint64_t)negative >> 4), (unsigned long long)(negative >> 4));

    volatile uint64_t pattern = 0x00f0000000000100u;
    volatile uint32_t pattern32 = 0x00008000u;
    printf("clz=%d ctz=%d popcount=%d clz32=%d ctz32=%d parity=%d\n", __builtin_clzll(pattern), __builtin_ctzll(pattern),
           __builtin_popcountll(pattern), __builtin_clz(pattern32), __builtin_ctz(pattern32), __builtin_parityll(pattern));
    printf("bswap64=%016llx bswap32=%08x bswap16=%04x\n", (unsigned long long)__builtin_bswap64(ua),
           __builtin_bswap32((uint32_t)ua), __builtin_bswap16((uint16_t)ua));
    uint64_t rot = (ua << 13) | (ua >> 51);
    printf("rotl13=%016llx\n", (unsigned long long)rot);

    volatile int8_t s8 = -100;
    volatile uint8_t u8 = 200;
    volatile int16_t s16 = -30000;
    printf("sign extension: %d %d %d %lld\n", s8, u8, s16, (long long)(int32_t)0x80000000u);
    int overflow;
    long long sum;
    overflow = __builtin_add_overflow(INT64_MAX, (long long)seven, &sum);
    printf("add_overflow=%d wrapped=%lld\n", overflow, sum);
    overflow = __builtin_mul_overflow((long long)a, (long long)b, &sum);
    printf("mul_overflow=%d wrapped=%lld\n", overflow, sum);

    uint64_t acc = 0x9e3779b97f4a7c15u;
    for (int i = 1; i < 1000; i++) {
        volatile int64_t d = i * 37 - 18000;
        acc = acc * 6364136223846793005u + (uint64_t)((int64_t)acc / d) + (uint64_t)((int64_t)acc % d);
        acc ^= (uint64_t)((uint32_t)acc / (uint32_t)i) << 7;
    }
    printf("mixed arithmetic checksum=%016llx\n", (unsigned long long)acc);
    return 0;
}
