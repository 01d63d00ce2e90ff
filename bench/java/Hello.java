/** The start-up measurement: print one line and exit. */
public class Hello {
  public static void main(String[] args) {
    System.out.println("Hello from Java");
  }
}
