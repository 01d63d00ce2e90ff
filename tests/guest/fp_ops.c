/* F and D instructions at their edges: conversions to and from integers
 * (saturation, NaN, negative to unsigned), double<->float rounding, quiet vs
 * signalling comparisons, min/max with NaNs and signed zeros, fclass, sign
 * injection, and NaN-boxing of single-precision values in 64-bit registers. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float from_fbits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static double from_dbits(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

/* Returns the accrued flags and clears them. Every operation whose flags are
 * shown stores its result to a volatile first, so gcc cannot move the
 * operation past this call. */
static const char *flag_string(void)
{
    static char ring[4][8]; /* up to four results may be printed by one printf */
    static int next;
    char *s = ring[next++ % 4];
    int i = 0;
    s[i++] = fetestexcept(FE_INVALID) ? 'V' : '-';
    s[i++] = fetestexcept(FE_DIVBYZERO) ? 'Z' : '-';
    s[i++] = fetestexcept(FE_OVERFLOW) ? 'O' : '-';
    s[i++] = fetestexcept(FE_UNDERFLOW) ? 'U' : '-';
    s[i++] = fetestexcept(FE_INEXACT) ? 'X' : '-';
    s[i] = 0;
    feclearexcept(FE_ALL_EXCEPT);
    return s;
}

static long fclass_d(double x) { long r; __asm__("fclass.d %0, %1" : "=r"(r) : "f"(x)); return r; }
static long fclass_s(float x) { long r; __asm__("fclass.s %0, %1" : "=r"(r) : "f"(x)); return r; }

int main(void)
{
    const double inputs[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2147483647.5, -2147483648.9, 4294967296.0, 1e19, -1e19,
                             9.3e18, INFINITY, -INFINITY, NAN};
    feclearexcept(FE_ALL_EXCEPT);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        volatile double d = inputs[i];
        volatile int32_t w = (int32_t)d;
        const char *fw = flag_string();
        volatile uint32_t wu = (uint32_t)d;
        const char *fwu = flag_string();
        volatile int64_t l = (int64_t)d;
        const char *fl = flag_string();
        volatile uint64_t lu = (uint64_t)d;
        const char *flu = flag_string();
        printf("%-14g w=%d[%s] wu=%u[%s] l=%lld[%s] lu=%llu[%s]\n", d, w, fw, wu, fwu, (long long)l, fl,
               (unsigned long long)lu, flu);
    }

    volatile int64_t big = 0x7fffffffffffffff;
    volatile uint64_t ubig = 0xffffffffffffffffu;
    volatile int32_t odd = 16777217;
    volatile double r1 = (double)big, r2 = (double)ubig, r3 = (float)odd, r4 = (float)big;
    printf("int->fp rounding: %a %a %a %a\n", r1, r2, r3, r4);
    printf("flags after inexact conversions: %s\n", flag_string());

    volatile double narrow_in[] = {0.1, 3.4028235677973366e38, 1e-46, 1.0000000596046448, -0.0};
    for (int i = 0; i < 5; i++) {
        volatile float f = (float)narrow_in[i];
        printf("(float)%-24.17g = %08x [%s]\n", narrow_in[i], fbits(f), flag_string());
    }
    volatile float snan_f = from_fbits(0x7f800001), qnan_f = from_fbits(0x7fc00000);
    volatile double widened = (double)snan_f;
    printf("(double)sNaN_f = %016llx [%s]\n", (unsigned long long)dbits(widened), flag_string());
    volatile double snan = from_dbits(0x7ff0000000000001), qnan = NAN, one = 1.0, zero = 0.0, negzero = -0.0;

    volatile int eq = snan == one;
    printf("feq sNaN: %d [%s]\n", eq, flag_string());
    eq = qnan == one;
    printf("feq qNaN: %d [%s]\n", eq, flag_string());
    volatile int lt = qnan < one;
    printf("flt qNaN: %d [%s]\n", lt, flag_string());
    volatile int le = __builtin_isless(qnan, one);
    printf("quiet isless qNaN: %d [%s]\n", le, flag_string());

    volatile double m1 = fmin(qnan, one);
    printf("fmin(qNaN,1)=%g [%s]\n", m1, flag_string());
    volatile double m2 = fmax(snan, one);
    printf("fmax(sNaN,1)=%g [%s]\n", m2, flag_string());
    volatile double m3 = fmin(qnan, snan);
    printf("fmin(NaN,NaN) bits=%016llx [%s]\n", (unsigned long long)dbits(m3), flag_string());
    volatile float m4 = fminf(snan_f, qnan_f);
    printf("fminf(sNaN,qNaN) bits=%08x [%s]\n", fbits(m4), flag_string());
    printf("fmin(-0,+0) sign=%d fmax(-0,+0) sign=%d\n", signbit(fmin(negzero, zero)) != 0, signbit(fmax(negzero, zero)) != 0);

    const double classes[] = {-INFINITY, -1.0, -4.9406564584124654e-324, -0.0, 0.0, 4.9406564584124654e-324, 1.0,
                              INFINITY};
    printf("fclass.d:");
    for (int i = 0; i < 8; i++)
        printf(" %03lx", fclass_d(classes[i]));
    printf(" sNaN=%03lx qNaN=%03lx\n", fclass_d(snan), fclass_d(qnan));
    printf("fclass.s: sub=%03lx sNaN=%03lx qNaN=%03lx\n", fclass_s(from_fbits(1)), fclass_s(snan_f), fclass_s(qnan_f));

    volatile double mag = -3.5, sgn = 2.0;
    printf("sign injection: copysign=%g fabs=%g neg=%g neg(NaN) bits=%016llx\n", copysign(mag, sgn), fabs(mag), -mag,
           (unsigned long long)dbits(-qnan));

    /* a single-precision value in an f register is NaN-boxed: upper 32 bits all ones */
    volatile float boxed_in = 1.5f;
    uint64_t raw;
    float f = boxed_in;
    __asm__("fmv.x.d %0, %1" : "=r"(raw) : "f"(f));
    printf("NaN-boxed 1.5f in a 64-bit f register: %016llx\n", (unsigned long long)raw);
    /* a double register holding a non-boxed pattern reads as the canonical NaN when used as float */
    double unboxed = from_dbits(0x000000003fc00000);
    float as_float;
    __asm__("fmv.s %0, %1" : "=f"(as_float) : "f"(unboxed));
    printf("improperly boxed value used as float: %08x\n", fbits(as_float));

    volatile double a = 0x1.0000000000001p0, b = 0x1.fffffffffffffp-1;
    fesetround(FE_UPWARD);
    volatile double up = a * b;
    fesetround(FE_DOWNWARD);
    volatile double down = a * b;
    fesetround(FE_TONEAREST);
    printf("dynamic rounding of a*b: up=%a down=%a [%s]\n", up, down, flag_string());
    volatile double s1 = 1e308, s2 = 10.0, t1 = 1e-308, t2 = 1e10;
    volatile double ov = s1 * s2;
    printf("overflow -> %g [%s]\n", ov, flag_string());
    volatile double un = t1 / t2;
    printf("underflow -> %g [%s]\n", un, flag_string());
    volatile double dz = one / negzero;
    printf("1/-0 -> %g [%s]\n", dz, flag_string());
    volatile double sq = sqrt(-one);
    printf("sqrt(-1) -> %016llx [%s]\n", (unsigned long long)dbits(sq), flag_string());
    return 0;
}
