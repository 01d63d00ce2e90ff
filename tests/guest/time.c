/* Clocks and sleeping; prints only booleans so the output is deterministic. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static double seconds(struct timespec t)
{
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *yes(int b)
{
    return b ? "yes" : "no";
}

int main(void)
{
    struct timespec prev, now;
    int monotonic = clock_gettime(CLOCK_MONOTONIC, &prev) == 0;
    for (int i = 0; i < 2000 && monotonic; i++) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec < prev.tv_sec || (now.tv_sec == prev.tv_sec && now.tv_nsec < prev.tv_nsec))
            monotonic = 0;
        if (now.tv_nsec < 0 || now.tv_nsec >= 1000000000)
            monotonic = 0;
        prev = now;
    }
    printf("CLOCK_MONOTONIC never goes backwards: %s\n", yes(monotonic));

    struct timespec before, after, req = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &before);
    int slept = nanosleep(&req, NULL) == 0;
    clock_gettime(CLOCK_MONOTONIC, &after);
    double elapsed = seconds(after) - seconds(before);
    printf("nanosleep(20ms) returned 0: %s\n", yes(slept));
    printf("at least 20ms passed: %s\n", yes(elapsed >= 0.020));
    printf("less than 5s passed: %s\n", yes(elapsed < 5.0));

    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("CLOCK_REALTIME is after 2020: %s\n", yes(rt.tv_sec > 1577836800));
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday agrees with CLOCK_REALTIME: %s\n", yes(tv.tv_sec - rt.tv_sec >= 0 && tv.tv_sec - rt.tv_sec < 5));
    time_t t = time(NULL);
    printf("time() agrees: %s\n", yes(t - rt.tv_sec >= 0 && t - rt.tv_sec < 5));

    struct timespec res;
    printf("clock_getres(MONOTONIC) is at most 1ms: %s\n",
           yes(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec <= 1000000));

    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 200000; i++)
        spin += i;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    printf("process CPU time does not decrease: %s\n", yes(seconds(c1) >= seconds(c0)));

    struct tm tm;
    time_t fixed = 1000000000; /* 2001-09-09T01:46:40Z */
    gmtime_r(&fixed, &tm);
    char text[64];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %A", &tm);
    printf("gmtime(1e9) = %s\n", text);
    return 0;
}
