/*
 * Lock contention through SQLite: N forked processes insert into one database
 * at the same time, each transaction taking the write lock (BEGIN IMMEDIATE)
 * and waiting for it with a busy timeout; the parent then checks that every
 * row arrived and that the file is intact.
 *
 * usage: contend DB MODE PROCS ROWS   (MODE: a journal_mode, e.g. wal or delete)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sqlite3.h"

static void die(sqlite3 *db, const char *what) {
  fprintf(stderr, "%s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
  exit(1);
}

static sqlite3 *open_db(const char *path) {
  sqlite3 *db;
  if (sqlite3_open(path, &db) != SQLITE_OK) die(db, "open");
  sqlite3_busy_timeout(db, 60000);
  return db;
}

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", sql, err);
    exit(1);
  }
}

static int print_row(void *unused, int n, char **values, char **names) {
  (void)unused;
  (void)names;
  for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

/* One writer: ROWS transactions, each reading what the others wrote before adding a row. */
static void writer(const char *path, int id, int rows) {
  sqlite3 *db = open_db(path);
  sqlite3_stmt *count, *insert;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &count, NULL) != SQLITE_OK) die(db, "prepare");
  if (sqlite3_prepare_v2(db, "INSERT INTO t(writer, seq, seen) VALUES (?, ?, ?)", -1, &insert, NULL) != SQLITE_OK) die(db, "prepare");
  for (int i = 0; i < rows; i++) {
    exec(db, "BEGIN IMMEDIATE");
    if (sqlite3_step(count) != SQLITE_ROW) die(db, "count");
    int seen = sqlite3_column_int(count, 0);
    sqlite3_reset(count);
    sqlite3_bind_int(insert, 1, id);
    sqlite3_bind_int(insert, 2, i);
    sqlite3_bind_int(insert, 3, seen);
    if (sqlite3_step(insert) != SQLITE_DONE) die(db, "insert");
    sqlite3_reset(insert);
    exec(db, "COMMIT");
  }
  sqlite3_finalize(count);
  sqlite3_finalize(insert);
  if (sqlite3_close(db) != SQLITE_OK) die(db, "close");
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: contend DB MODE PROCS ROWS\n");
    return 2;
  }
  const char *path = argv[1];
  int procs = atoi(argv[3]), rows = atoi(argv[4]);
  char sql[128];
  sqlite3 *db = open_db(path);
  snprintf(sql, sizeof sql, "PRAGMA journal_mode=%s", argv[2]);
  exec(db, sql);
  exec(db, "CREATE TABLE t(writer INTEGER, seq INTEGER, seen INTEGER, UNIQUE(writer, seq))");
  sqlite3_close(db);
  fflush(stdout);
  for (int id = 0; id < procs; id++) {
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 1;
    }
    if (pid == 0) {
      writer(path, id, rows);
      _exit(0);
    }
  }
  int failed = 0, status;
  while (wait(&status) > 0)
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed++;
  printf("writers failed: %d\n", failed);
  db = open_db(path);
  exec(db, "PRAGMA journal_mode");
  sqlite3_exec(db, "PRAGMA journal_mode", print_row, NULL, NULL);
  /* Every transaction saw all earlier ones: the counts seen are exactly 0..N-1, each once. */
  sqlite3_exec(db, "SELECT count(*), count(DISTINCT seen), min(seen), max(seen) FROM t", print_row, NULL, NULL);
  sqlite3_exec(db, "SELECT writer, count(*), max(seq) FROM t GROUP BY writer ORDER BY writer", print_row, NULL, NULL);
  sqlite3_exec(db, "PRAGMA integrity_check", print_row, NULL, NULL);
  sqlite3_close(db);
  return failed != 0;
}
