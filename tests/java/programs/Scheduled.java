import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/** Timed execution: a scheduled executor's delays and fixed-rate ticks, timeouts on futures and latches, Timer tasks. */
public class Scheduled {
  public static void main(String[] args) throws Exception {
    ScheduledExecutorService ses = Executors.newScheduledThreadPool(2);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    ses.schedule(() -> order.add("c@400"), 400, TimeUnit.MILLISECONDS);
    ses.schedule(() -> order.add("a@10"), 10, TimeUnit.MILLISECONDS);
    ses.schedule(() -> order.add("b@200"), 200, TimeUnit.MILLISECONDS);
    AtomicInteger ticks = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    ScheduledFuture<?> rate = ses.scheduleAtFixedRate(() -> { ticks.incrementAndGet(); three.countDown(); }, 0, 20, TimeUnit.MILLISECONDS);
    System.out.println("three ticks " + three.await(5, TimeUnit.SECONDS));
    rate.cancel(false);
    Thread.sleep(700);
    System.out.println("order " + order + " cancelled " + rate.isCancelled());
    Future<String> slow = ses.submit(() -> { Thread.sleep(500); return "late"; });
    try {
      slow.get(20, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      System.out.println("timed out waiting");
    }
    System.out.println("then " + slow.get());
    ses.shutdown();
    System.out.println("terminated " + ses.awaitTermination(5, TimeUnit.SECONDS));
    Timer timer = new Timer("timer", true);
    CountDownLatch done = new CountDownLatch(1);
    timer.schedule(new TimerTask() { public void run() { System.out.println("timer task ran"); done.countDown(); } }, 15);
    System.out.println("timer done " + done.await(5, TimeUnit.SECONDS));
    timer.cancel();
    long t0 = System.nanoTime();
    Thread.sleep(30);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("slept at least 30 ms: " + (ms >= 29));
  }
}
