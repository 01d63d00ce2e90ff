import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.*;

/** Locks and conditions, semaphores, barriers, CompletableFuture, invokeAll, ThreadLocal, parallel streams. */
public class Concurrency2 {
  static final ReentrantLock lock = new ReentrantLock();
  static final Condition notEmpty = lock.newCondition();
  static final Deque<Integer> queue = new ArrayDeque<>();

  public static void main(String[] args) throws Exception {
    Thread consumer = new Thread(() -> {
      int got = 0;
      long sum = 0;
      while (got < 50) {
        lock.lock();
        try {
          while (queue.isEmpty()) notEmpty.awaitUninterruptibly();
          sum += queue.poll();
          got++;
        } finally {
          lock.unlock();
        }
      }
      System.out.println("consumed " + got + " sum " + sum);
    });
    consumer.start();
    for (int i = 0; i < 50; i++) {
      lock.lock();
      try {
        queue.add(i);
        notEmpty.signal();
      } finally {
        lock.unlock();
      }
    }
    consumer.join();

    Semaphore sem = new Semaphore(2);
    AtomicInteger inside = new AtomicInteger(), maxInside = new AtomicInteger();
    CyclicBarrier barrier = new CyclicBarrier(4, () -> System.out.println("barrier tripped"));
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Thread t = new Thread(() -> {
        try {
          for (int k = 0; k < 3; k++) {
            sem.acquire();
            int n = inside.incrementAndGet();
            maxInside.accumulateAndGet(n, Math::max);
            Thread.yield();
            inside.decrementAndGet();
            sem.release();
          }
          barrier.await();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      ts.add(t);
      t.start();
    }
    for (Thread t : ts) t.join();
    System.out.println("max inside semaphore " + maxInside.get());

    CompletableFuture<Integer> cf = CompletableFuture.supplyAsync(() -> 6).thenApply(x -> x * 7).thenCombine(CompletableFuture.completedFuture(100), Integer::sum);
    System.out.println("completable " + cf.get());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Callable<String>> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      tasks.add(() -> "task" + n + ":" + (n * n));
    }
    for (Future<String> f : pool.invokeAll(tasks)) System.out.print(f.get() + " ");
    System.out.println();
    pool.shutdown();
    ThreadLocal<StringBuilder> tl = ThreadLocal.withInitial(StringBuilder::new);
    tl.get().append("main");
    Thread other = new Thread(() -> System.out.println("other sees '" + tl.get() + "'"));
    other.start();
    other.join();
    System.out.println("main sees '" + tl.get() + "'");
    System.out.println("parallel sum " + java.util.stream.LongStream.rangeClosed(1, 20000).parallel().map(x -> x * x % 1000).sum());
    ConcurrentLinkedQueue<Integer> clq = new ConcurrentLinkedQueue<>(List.of(3, 1, 2));
    CopyOnWriteArrayList<String> cow = new CopyOnWriteArrayList<>(List.of("a", "b"));
    for (String s : cow) cow.add(s + s);
    System.out.println(clq.poll() + " " + clq + " " + cow);
  }
}
