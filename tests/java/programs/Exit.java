/** System.exit's status, shutdown hooks, and output flushed before exit. */
public class Exit {
  public static void main(String[] args) {
    Runtime.getRuntime().addShutdownHook(new Thread() {
      public void run() {
        System.out.println("hook ran");
      }
    });
    System.out.println("exiting with " + args.length);
    System.err.println("to stderr");
    System.exit(3 + args.length);
  }
}
