/** Assertions under -ea: a failing assert is an AssertionError with its message, caught, then an uncaught one ends the program. */
public class Assertions {
  static int checked(int x) {
    assert x >= 0 : "negative: " + x;
    return x * 2;
  }

  public static void main(String[] args) {
    System.out.println(checked(4));
    try {
      checked(-3);
      System.out.println("assertions are off");
    } catch (AssertionError e) {
      System.out.println("caught " + e.getMessage());
    }
    assert args.length > 5 : "needs more arguments";
    System.out.println("not reached with -ea");
  }
}
