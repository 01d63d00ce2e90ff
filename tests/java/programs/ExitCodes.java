/** System.exit from a thread other than main while main waits, with output flushed and hooks run in order. */
public class ExitCodes {
  public static void main(String[] args) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook A")));
    System.out.print("partial line without newline ");
    System.err.println("err before exit");
    Thread t = new Thread(() -> {
      System.out.println("worker exiting with 42");
      System.exit(42);
    });
    t.start();
    t.join();
    System.out.println("never printed");
  }
}
