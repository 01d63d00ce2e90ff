import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/** Threads: synchronized counters, wait/notify, join, java.util.concurrent executors, latches and atomics. */
public class Threads1 {
  static int counter;
  static final Object lock = new Object();

  static class Buffer {
    private final LinkedList<Integer> items = new LinkedList<>();
    synchronized void put(int x) throws InterruptedException {
      while (items.size() >= 3) wait();
      items.add(x);
      notifyAll();
    }
    synchronized int take() throws InterruptedException {
      while (items.isEmpty()) wait();
      int x = items.removeFirst();
      notifyAll();
      return x;
    }
  }

  public static void main(String[] args) throws Exception {
    Thread[] ts = new Thread[4];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = new Thread(new Runnable() {
        public void run() {
          for (int k = 0; k < 20000; k++) synchronized (lock) { counter++; }
        }
      }, "adder-" + i);
      ts[i].start();
    }
    for (Thread t : ts) t.join();
    System.out.println("counter " + counter);

    final Buffer buf = new Buffer();
    final long[] sum = new long[1];
    Thread consumer = new Thread() {
      public void run() {
        try {
          for (int i = 0; i < 100; i++) sum[0] += buf.take();
        } catch (InterruptedException e) {
          throw new RuntimeException(e);
        }
      }
    };
    consumer.start();
    for (int i = 1; i <= 100; i++) buf.put(i * i);
    consumer.join();
    System.out.println("sum " + sum[0] + " alive " + consumer.isAlive() + " state " + consumer.getState());

    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<Long>> futures = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      final int n = i;
      futures.add(pool.submit(new Callable<Long>() {
        public Long call() {
          long f = 1;
          for (int k = 2; k <= 10 + n; k++) f *= k;
          return f;
        }
      }));
    }
    for (Future<Long> f : futures) System.out.println("future " + f.get());
    pool.shutdown();
    System.out.println("terminated " + pool.awaitTermination(10, TimeUnit.SECONDS));

    final CountDownLatch latch = new CountDownLatch(5);
    final AtomicLong atomic = new AtomicLong();
    final ConcurrentHashMap<String, Integer> map = new ConcurrentHashMap<>();
    for (int i = 0; i < 5; i++) {
      final int id = i;
      new Thread() {
        public void run() {
          for (int k = 0; k < 1000; k++) {
            atomic.incrementAndGet();
            map.merge("k" + (k % 7), 1, new java.util.function.BiFunction<Integer, Integer, Integer>() {
              public Integer apply(Integer a, Integer b) { return a + b; }
            });
          }
          latch.countDown();
        }
      }.start();
    }
    latch.await();
    System.out.println("atomic " + atomic.get() + " map " + new TreeMap<>(map));

    Thread sleeper = new Thread() {
      public void run() {
        try {
          Thread.sleep(10000);
          System.out.println("not interrupted");
        } catch (InterruptedException e) {
          System.out.println("interrupted: " + e.getMessage() + " " + Thread.currentThread().isInterrupted());
        }
      }
    };
    sleeper.start();
    Thread.sleep(50);
    sleeper.interrupt();
    sleeper.join();
    Thread t = new Thread() { public void run() { throw new IllegalStateException("from thread"); } };
    t.setName("worker");
    t.start();
    t.join();
    System.out.println("main done " + Thread.currentThread().getName());
  }
}
