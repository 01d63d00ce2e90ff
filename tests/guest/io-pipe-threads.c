/* Pipes between threads: a producer and a consumer moving 1 MiB with a
 * checksum (odd-sized writes and reads, blocking on a full and an empty
 * pipe), writers whose PIPE_BUF-sized records never interleave, a single
 * write larger than the pipe, and a blocked reader woken by end of file. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TOTAL (1 << 20)

static int fds[2];

static uint32_t mix(uint32_t sum, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sum = (sum ^ p[i]) * 16777619u;
    return sum;
}

static unsigned char byte_at(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

static void *producer(void *arg)
{
    uint32_t *sum = arg;
    static unsigned char buf[9000];
    size_t sent = 0, sizes[] = {1, 100, 4095, 4096, 4097, 8999, 333, 65536 % 9000};
    int k = 0;
    *sum = 2166136261u;
    while (sent < TOTAL) {
        size_t n = sizes[k++ % 8];
        if (n > TOTAL - sent)
            n = TOTAL - sent;
        for (size_t i = 0; i < n; i++)
            buf[i] = byte_at(sent + i);
        *sum = mix(*sum, buf, n);
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(fds[1], buf + off, n - off);
            if (w <= 0) {
                perror("write");
                return NULL;
            }
            off += (size_t)w;
        }
        sent += n;
    }
    close(fds[1]);
    return NULL;
}

#define RECORD 4096
static int rec_fds[2];

static void *record_writer(void *arg)
{
    unsigned char tag = (unsigned char)(long)arg;
    unsigned char rec[RECORD];
    memset(rec, tag, sizeof rec);
    for (int i = 0; i < 200; i++)
        if (write(rec_fds[1], rec, sizeof rec) != RECORD)
            return (void *)1;
    return NULL;
}

static unsigned char big[300000];
static ssize_t big_written;

static void *big_writer(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = byte_at(i * 7);
    big_written = write(fds[1], big, sizeof big);
    close(fds[1]);
    return NULL;
}

static void *late_closer(void *arg)
{
    (void)arg;
    usleep(30000);
    close(fds[1]);
    return NULL;
}

int main(void)
{
    /* 1. Producer and consumer. */
    pipe(fds);
    uint32_t sent_sum = 0;
    pthread_t t;
    pthread_create(&t, NULL, producer, &sent_sum);
    uint32_t got_sum = 2166136261u;
    size_t got = 0, reads = 0, reads_sizes[] = {7, 4096, 65536, 1000, 1};
    unsigned char buf[65536];
    for (;;) {
        ssize_t n = read(fds[0], buf, reads_sizes[reads++ % 5]);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != byte_at(got + (size_t)i)) {
                printf("byte %zu differs\n", got + (size_t)i);
                return 1;
            }
        got_sum = mix(got_sum, buf, (size_t)n);
        got += (size_t)n;
    }
    pthread_join(t, NULL);
    close(fds[0]);
    printf("producer/consumer: %zu bytes, checksums %s (%08x)\n", got, got_sum == sent_sum ? "match" : "DIFFER", got_sum);

    /* 2. Records of PIPE_BUF bytes from three writers are never torn. */
    pipe(rec_fds);
    pthread_t w[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&w[i], NULL, record_writer, (void *)('a' + i));
    int counts[3] = {0, 0, 0}, torn = 0;
    unsigned char rec[RECORD];
    for (int r = 0; r < 600; r++) {
        size_t off = 0;
        while (off < RECORD) {
            ssize_t n = read(rec_fds[0], rec + off, RECORD - off);
            if (n <= 0)
                return 1;
            off += (size_t)n;
        }
        for (int i = 1; i < RECORD; i++)
            if (rec[i] != rec[0]) {
                torn++;
                break;
            }
        if (rec[0] >= 'a' && rec[0] <= 'c')
            counts[rec[0] - 'a']++;
    }
    for (int i = 0; i < 3; i++)
        pthread_join(w[i], NULL);
    printf("records: a=%d b=%d c=%d torn=%d\n", counts[0], counts[1], counts[2], torn);
    close(rec_fds[0]);
    close(rec_fds[1]);

    /* 3. One write of 300000 bytes into a 64 KiB pipe completes as the reader drains it. */
    pipe(fds);
    pthread_create(&t, NULL, big_writer, NULL);
    uint32_t drained_sum = 2166136261u;
    size_t drained = 0;
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        drained_sum = mix(drained_sum, buf, (size_t)n);
        drained += (size_t)n;
    }
    pthread_join(t, NULL);
    printf("one big write: returned %zd, reader got %zu bytes, checksums %s\n", big_written, drained,
           drained_sum == mix(2166136261u, big, sizeof big) ? "match" : "DIFFER");
    close(fds[0]);

    /* 4. A reader blocked on an empty pipe sees end of file when the last writer closes. */
    pipe(fds);
    pthread_create(&t, NULL, late_closer, NULL);
    n = read(fds[0], buf, sizeof buf);
    pthread_join(t, NULL);
    printf("blocked read woken by the writer closing: %zd\n", n);
    close(fds[0]);
    return 0;
}
