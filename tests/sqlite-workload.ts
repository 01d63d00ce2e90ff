/**
 * The scripted SQLite workload (SQLite's own test suite needs Tcl): the shell's
 * input for a first session that creates a database, fills it by many
 * transactions, queries it (joins, aggregates, windows, ORDER BY), changes it
 * and checks it with PRAGMA integrity_check, and for a second session on the
 * database the first left. Used by tests/sqlite.test.ts and the benchmark.
 */

/** The journal modes the workload runs in: rollback journal and write-ahead log. */
export const MODES = ["delete", "wal"] as const;
/** A journal mode of MODES. */
export type Mode = (typeof MODES)[number];

const CUSTOMERS = 1500;
/** Rows the workload puts in its orders table. */
export const ORDERS = 20_000;
const CITIES = ["Lyon", "Oslo", "Quito", "Perth", "Accra", "Hanoi", "Tartu"];

/** The workload's first session: schema, filling, queries, changes and checks. */
export function workload(mode: Mode): string {
  const customers = Array.from({ length: CUSTOMERS }, (_, i) =>
    `INSERT INTO customer(name, city, joined) VALUES ('name${(i * 7919) % 10007}', '${CITIES[i % CITIES.length]}', ${1_600_000_000 + i * 86_400});`);
  return [
    ".bail on",
    `PRAGMA journal_mode=${mode};`,
    "PRAGMA foreign_keys=ON;",
    "CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, joined INTEGER);",
    "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER NOT NULL REFERENCES customer(id), amount REAL, placed TEXT, note BLOB);",
    // One statement per row in one transaction, then row sets in transactions of their own.
    "BEGIN;", ...customers, "COMMIT;",
    ...[0, 1, 2, 3].map((k) => `BEGIN; WITH RECURSIVE n(i) AS (SELECT ${k * (ORDERS / 4) + 1} UNION ALL SELECT i + 1 FROM n WHERE i < ${(k + 1) * (ORDERS / 4)}) ` +
      `INSERT INTO orders(customer, amount, placed, note) SELECT (i * 7919) % ${CUSTOMERS} + 1, (i * 37 % 1000) / 4.0, date('2020-01-01', '+' || (i % 1500) || ' days'), zeroblob(i % 300) FROM n; COMMIT;`),
    "CREATE INDEX orders_customer ON orders(customer);",
    "CREATE INDEX customer_city ON customer(city, name);",
    "SELECT count(*), sum(amount), total(length(note)) FROM orders;",
    "SELECT city, count(*), sum(o.amount), round(avg(o.amount), 3) FROM customer c JOIN orders o ON o.customer = c.id GROUP BY city ORDER BY city;",
    "SELECT c.name, sum(amount) AS total FROM customer c JOIN orders o ON o.customer = c.id GROUP BY c.id ORDER BY total DESC, c.name LIMIT 10;",
    "SELECT strftime('%Y', placed) AS y, count(*), max(amount), min(amount) FROM orders GROUP BY y ORDER BY y;",
    "SELECT name, city, rank() OVER (PARTITION BY city ORDER BY name) AS r FROM customer WHERE id % 97 = 0 ORDER BY city, r;",
    "SELECT city, group_concat(name, ',') FROM (SELECT * FROM customer WHERE id <= 30 ORDER BY name) GROUP BY city ORDER BY 1;",
    "SELECT id FROM customer WHERE city = 'Oslo' AND name > 'name5' ORDER BY name LIMIT 5;",
    "EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer = 42;",
    "UPDATE orders SET amount = amount * 2 WHERE customer % 3 = 0;",
    "DELETE FROM orders WHERE id % 5 = 0;",
    "SAVEPOINT before_purge; DELETE FROM orders; SELECT count(*) FROM orders; ROLLBACK TO before_purge; RELEASE before_purge;",
    "BEGIN; DELETE FROM customer WHERE id > 10 AND id NOT IN (SELECT customer FROM orders); ROLLBACK;",
    "SELECT count(*), sum(amount), max(id) FROM orders;",
    "SELECT count(*) FROM customer c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.id);",
    "PRAGMA foreign_key_check;",
    "PRAGMA integrity_check;",
    mode === "wal" ? "PRAGMA wal_checkpoint(TRUNCATE);" : "VACUUM;",
    "PRAGMA integrity_check;",
    "PRAGMA journal_mode;",
  ].join("\n") + "\n";
}

/** The second session, on the database the first left behind. */
export const REOPEN = [
  "PRAGMA journal_mode;",
  "SELECT count(*), sum(amount) FROM orders;",
  "INSERT INTO orders(customer, amount, placed) VALUES (1, 0.5, '2024-02-29');",
  "SELECT * FROM orders ORDER BY id DESC LIMIT 3;",
  "PRAGMA integrity_check;",
  ".dump customer",
].join("\n") + "\n";
