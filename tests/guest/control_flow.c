/* Control flow the compiler turns into varied code: deep recursion, function
 * pointer tables, a dense switch (jump table), computed goto, setjmp/longjmp
 * across frames, variadic functions, and structs passed and returned by value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

struct vec3 {
    double x, y, z;
};

struct small {
    int32_t a;
    int8_t b;
};

static struct vec3 cross(struct vec3 u, struct vec3 v)
{
    return (struct vec3){u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x};
}

static struct small make_small(int a, int b)
{
    return (struct small){a * 3, (int8_t)b};
}

static long ackermann(long m, long n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static long sum_ints(int count, ...)
{
    va_list ap;
    va_start(ap, count);
    long total = 0;
    for (int i = 0; i < count; i++)
        total += va_arg(ap, int);
    va_end(ap);
    return total;
}

static double mixed(const char *kinds, ...)
{
    va_list ap;
    va_start(ap, kinds);
    double total = 0;
    for (const char *k = kinds; *k; k++)
        total += *k == 'd' ? va_arg(ap, double) : *k == 'l' ? (double)va_arg(ap, long long) : (double)va_arg(ap, int);
    va_end(ap);
    return total;
}

static const char *classify(unsigned v)
{
    switch (v) {
    case 0: return "zero";
    case 1: return "one";
    case 2: return "two";
    case 3: return "three";
    case 4: return "four";
    case 5: return "five";
    case 6: return "six";
    case 7: return "seven";
    case 8: return "eight";
    case 9: return "nine";
    default: return "many";
    }
}

static int interpret(const char *program)
{
    static void *ops[] = {['+'] = &&inc, ['-'] = &&dec, ['*'] = &&dbl, ['.'] = &&done};
    int acc = 0;
    const char *pc = program;
#define NEXT goto *ops[(unsigned char)*pc++]
    NEXT;
inc:
    acc++;
    NEXT;
dec:
    acc--;
    NEXT;
dbl:
    acc *= 2;
    NEXT;
done:
    return acc;
#undef NEXT
}

static jmp_buf env;
static int depth_reached;

static void dive(int depth)
{
    depth_reached = depth;
    if (depth == 50)
        longjmp(env, depth);
    if (depth < 1000) /* never false; keeps gcc from calling this infinite recursion */
        dive(depth + 1);
}

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }

int main(void)
{
    printf("ackermann(2, 3)=%ld ackermann(3, 5)=%ld\n", ackermann(2, 3), ackermann(3, 5));
    int (*table[])(int, int) = {add, sub, mul};
    int acc = 1;
    for (int i = 0; i < 14; i++)
        acc = table[i % 3](acc, i + 1);
    printf("function pointer table result=%d\n", acc);
    for (unsigned v = 0; v < 12; v += 3)
        printf("%u is %s\n", v, classify(v));
    printf("computed goto interpreter: %d\n", interpret("++*+*-*."));
    int r = setjmp(env);
    if (r == 0)
        dive(0);
    printf("longjmp returned %d from depth %d\n", r, depth_reached);
    printf("varargs: %ld %.3f\n", sum_ints(6, 1, -2, 3, -4, 5, 1000), mixed("idlid", 1, 2.5, 1LL << 40, -3, 0.125));
    struct vec3 c = cross((struct vec3){1, 2, 3}, (struct vec3){4, 5, 6});
    struct small s = make_small(14, 300);
    printf("cross=(%g, %g, %g) small={%d, %d}\n", c.x, c.y, c.z, s.a, s.b);
    return 0;
}
