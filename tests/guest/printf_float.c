/* printf of floats and doubles in many formats, including rounding edges,
 * infinities, NaNs, signed zero and subnormals. */
#include <float.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
    const double values[] = {
        0.0, -0.0, 1.0, -1.5, 0.1, 2.5, 3.5, 1e-300, 123456789.125, 1.0 / 3.0,
        DBL_MAX, DBL_MIN, 4.9406564584124654e-324 /* smallest subnormal */,
        2.2250738585072009e-308 /* largest subnormal */, M_PI, -M_E, 1e21, 1e22, 0.5e-5,
    };
    const char *formats[] = {"%f", "%.0f", "%.3f", "%e", "%.2e", "%g", "%.17g", "%a", "%12.4f", "%-12.3e|", "%+.5g", "%#.0f"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        printf("value %zu:", i);
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            printf(" ");
            printf(formats[f], values[i]);
        }
        printf("\n");
    }

    /* round-half-even in the decimal conversion */
    printf("%.0f %.0f %.0f %.0f %.1f %.1f %.2f\n", 0.5, 1.5, 2.5, -2.5, 0.25, 0.35, 1.005);

    double inf = INFINITY, nan_ = NAN;
    printf("inf: %f %e %g %a %5.1f|%-6F|\n", inf, -inf, inf, -inf, inf, inf);
    printf("nan: %f %e %g %F %G\n", nan_, nan_, nan_, nan_, nan_);
    printf("-nan: %f\n", -nan_);
    printf("signbit(-0.0)=%d copysign(3,-0.0)=%g\n", signbit(-0.0) != 0, copysign(3.0, -0.0));

    float f = 16777217.0f; /* not representable: rounds to 16777216 */
    printf("float: %.1f %g %a %.9g\n", f, 0.1f, 0.1f, (double)FLT_MAX);
    printf("float subnormal: %g %a\n", (double)FLT_MIN / 8, (double)(FLT_MIN / 8));
    printf("long double: %Lf %.30Lg %La\n", 1.0L / 3.0L, 2.0L / 3.0L, 0.1L);

    char buf[64];
    for (int p = 0; p <= 20; p += 4) {
        snprintf(buf, sizeof buf, "%.*f", p, M_PI);
        printf("pi to %d places: %s\n", p, buf);
    }
    printf("%08.3f|%-8.2f|% .3e|%+010.1f\n", -3.14159, 2.71828, 12345.678, 99.95);
    return 0;
}
