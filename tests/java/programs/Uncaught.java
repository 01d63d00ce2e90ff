/** An exception nobody catches: the stack trace and exit status `java` gives. */
public class Uncaught {
  static class Inner {
    int depth(int n) {
      if (n == 0) {
        int[] a = new int[2];
        return a[n + 5];
      }
      return depth(n - 1) + 1;
    }
  }

  public static void main(String[] args) {
    System.out.println("before");
    try {
      Object o = "x";
      Integer i = (Integer) o;
      System.out.println(i);
    } catch (ClassCastException e) {
      System.out.println(e.getMessage());
    }
    try {
      throw new IllegalStateException("wrapped", new RuntimeException("cause"));
    } catch (IllegalStateException e) {
      e.printStackTrace();
    }
    new Inner().depth(3);
  }
}
