/* The math library and the floating-point environment: elementary functions,
 * fma, rounding functions under every fesetround mode, exception flags and
 * the bit patterns of special results. */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static void flags(const char *what)
{
    printf("%-14s flags:%s%s%s%s%s\n", what,
           fetestexcept(FE_INVALID) ? " invalid" : "", fetestexcept(FE_DIVBYZERO) ? " divbyzero" : "",
           fetestexcept(FE_OVERFLOW) ? " overflow" : "", fetestexcept(FE_UNDERFLOW) ? " underflow" : "",
           fetestexcept(FE_INEXACT) ? " inexact" : "");
}

int main(void)
{
    volatile double x = 0.7, y = 2.5, z = -1.25, big = 1e300, tiny = 1e-300, zero = 0.0, neg = -1.0;
    printf("sqrt=%.17g cbrt=%.17g hypot=%.17g\n", sqrt(x), cbrt(x), hypot(x, y));
    printf("sin=%.17g cos=%.17g tan=%.17g\n", sin(x), cos(x), tan(x));
    printf("asin=%.17g acos=%.17g atan2=%.17g\n", asin(x), acos(x), atan2(z, y));
    printf("exp=%.17g expm1=%.17g exp2=%.17g\n", exp(y), expm1(tiny), exp2(z));
    printf("log=%.17g log10=%.17g log1p=%.17g log2=%.17g\n", log(y), log10(y), log1p(x), log2(y));
    printf("pow=%.17g pow(-2,3)=%g pow(2,-1074)=%g\n", pow(x, y), pow(-2.0, 3.0), pow(2.0, -1074.0));
    printf("sinh=%.17g tanh=%.17g erf=%.17g tgamma=%.17g lgamma=%.17g\n", sinh(x), tanh(y), erf(x), tgamma(y), lgamma(y));
    printf("fmod=%g remainder=%g frexp-exp=", fmod(7.5, 2.0), remainder(7.5, 2.0));
    int e;
    double m = frexp(y, &e);
    printf("%d mant=%g ldexp=%g modf-frac=", e, m, ldexp(m, e));
    double ip;
    printf("%g\n", modf(z, &ip));

    /* fma rounds once; a*b+c rounded twice differs here */
    volatile double a = 1.0 + 0x1p-52, b = 1.0 - 0x1p-52, c = -1.0;
    volatile double product = a * b; /* volatile stops gcc contracting a*b+c into an fma */
    volatile float fa = 1.0f + 0x1p-23f, fb = 1.0f - 0x1p-23f, fc = -1.0f;
    printf("fma=%a separate=%a fmaf=%a\n", fma(a, b, c), product + c, (double)fmaf(fa, fb, fc));

    const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
    const char *names[] = {"to-nearest", "upward", "downward", "toward-zero"};
    const double samples[] = {2.5, 3.5, -2.5, 2.4999, -0.5, 1.0000001};
    for (int i = 0; i < 4; i++) {
        fesetround(modes[i]);
        printf("%-12s get=%d lrint:", names[i], fegetround() == modes[i]);
        for (int j = 0; j < 6; j++)
            printf(" %ld", lrint(samples[j]));
        printf(" nearbyint(-2.5)=%g rint(0.5)=%g", nearbyint(-2.5), rint(0.5));
        volatile double third = 1.0, three = 3.0;
        printf(" 1/3=%a sqrt2=%a f(1/3)=%a\n", third / three, sqrt(2.0 * third), (double)((float)third / (float)three));
    }
    fesetround(FE_TONEAREST);
    printf("round=%g,%g trunc=%g floor=%g ceil=%g lround=%ld llround=%lld\n",
           round(2.5), round(-2.5), trunc(-2.7), floor(-2.5), ceil(-2.5), lround(-3.5), llround(1e15 + 0.5));

    feclearexcept(FE_ALL_EXCEPT);
    flags("none");
    volatile double r = 1.0 / zero;
    flags("1/0");
    feclearexcept(FE_ALL_EXCEPT);
    r = sqrt(neg);
    flags("sqrt(-1)");
    printf("sqrt(-1) bits=%016llx isnan=%d\n", (unsigned long long)bits(r), isnan(r) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    r = big * big;
    flags("1e300^2");
    feclearexcept(FE_ALL_EXCEPT);
    r = tiny * tiny;
    flags("1e-300^2");
    feclearexcept(FE_ALL_EXCEPT);
    r = x + y;
    flags("0.7+2.5");
    feclearexcept(FE_ALL_EXCEPT);
    r = zero / zero;
    flags("0/0");
    printf("0/0 bits=%016llx\n", (unsigned long long)bits(r));
    volatile float fz = 0.0f, fneg = -4.0f;
    printf("float 0/0 bits=%08x sqrtf(-4) bits=%08x\n", fbits(fz / fz), fbits(sqrtf(fneg)));
    printf("fmin(nan,1)=%g fmax(-0,0) signbit=%d\n", fmin(NAN, 1.0), signbit(fmax(-0.0, 0.0)) != 0);
    volatile double huge = 1e20;
    volatile float fhuge = 1e20f, fnan = NAN;
    printf("(long)1e20=%ld (int)1e20f=%d (int)nan=%d (unsigned)-1.0=%u\n",
           (long)huge, (int)fhuge, (int)fnan, (unsigned)(volatile double){-1.0});
    return 0;
}
