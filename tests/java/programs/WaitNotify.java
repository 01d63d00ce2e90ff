import java.util.*;

/** Ping-pong between two threads with wait/notify, join with timeout, daemon threads, interrupting a waiting thread, thread states and names. */
public class WaitNotify {
  static final Object lock = new Object();
  static boolean pingTurn = true;

  public static void main(String[] args) throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Thread ping = new Thread(() -> play(true, log), "ping");
    Thread pong = new Thread(() -> play(false, log), "pong");
    ping.start();
    pong.start();
    ping.join();
    pong.join();
    System.out.println(log);
    Thread daemon = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    daemon.setDaemon(true);
    daemon.start();
    System.out.println("daemon " + daemon.isDaemon() + " alive " + daemon.isAlive());
    Thread waiter = new Thread(() -> {
      synchronized (lock) {
        try {
          lock.wait();
          System.out.println("woken normally");
        } catch (InterruptedException e) {
          System.out.println("waiter interrupted, flag now " + Thread.currentThread().isInterrupted());
        }
      }
    }, "waiter");
    waiter.start();
    while (waiter.getState() != Thread.State.WAITING) Thread.sleep(1);
    System.out.println("waiter state " + waiter.getState());
    waiter.interrupt();
    waiter.join(5000);
    System.out.println("waiter state " + waiter.getState() + " name " + waiter.getName() + " main " + Thread.currentThread().getName() + " priority " + Thread.currentThread().getPriority());
    Thread slow = new Thread(() -> {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new RuntimeException(e);
      }
    });
    slow.start();
    slow.join(10);
    System.out.println("after short join alive " + slow.isAlive());
    slow.join();
    System.out.println("after full join alive " + slow.isAlive() + " holds lock " + Thread.holdsLock(lock));
  }

  static void play(boolean isPing, List<String> log) {
    for (int i = 0; i < 5; i++) {
      synchronized (lock) {
        while (pingTurn != isPing) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        log.add((isPing ? "ping" : "pong") + i);
        pingTurn = !isPing;
        lock.notifyAll();
      }
    }
  }
}
