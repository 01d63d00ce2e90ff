import java.io.*;
import java.util.*;

/** Exceptions: custom types, causes, suppressed, finally, try-with-resources, stack traces printed by the JDK. */
public class Exceptions {
  static class AppException extends Exception {
    final int code;
    AppException(String msg, int code, Throwable cause) { super(msg, cause); this.code = code; }
  }

  static class Res implements AutoCloseable {
    final String name;
    Res(String name) { this.name = name; System.out.println("open " + name); }
    public void close() throws IOException {
      System.out.println("close " + name);
      if (name.equals("bad")) throw new IOException("close failed: " + name);
    }
  }

  static int depth(int n) throws AppException {
    if (n == 0) {
      try {
        Object[] a = new String[1];
        a[0] = Integer.valueOf(1);
      } catch (ArrayStoreException e) {
        throw new AppException("store failed", 7, e);
      }
    }
    return depth(n - 1);
  }

  static String order() {
    StringBuilder sb = new StringBuilder();
    try {
      sb.append("try ");
      throw new RuntimeException("x");
    } catch (RuntimeException e) {
      sb.append("catch ");
      return sb.append("return ").toString();
    } finally {
      sb.append("finally");
      System.out.println("finally ran: " + sb);
    }
  }

  public static void main(String[] args) throws Exception {
    try {
      depth(3);
    } catch (AppException e) {
      System.out.println(e.getMessage() + " code " + e.code + " cause " + e.getCause());
      StringWriter sw = new StringWriter();
      e.printStackTrace(new PrintWriter(sw));
      System.out.print(sw);
    }
    System.out.println(order());
    try (Res a = new Res("a"); Res b = new Res("bad")) {
      throw new IllegalStateException("body failed");
    } catch (IllegalStateException e) {
      System.out.println(e.getMessage() + " suppressed " + Arrays.toString(e.getSuppressed()));
    }
    int[] counts = new int[3];
    String[] inputs = {"12", "x", null, "2147483648", "-5"};
    for (String s : inputs) {
      try {
        counts[Integer.parseInt(s) > 0 ? 0 : 1]++;
      } catch (NumberFormatException e) {
        System.out.println("NFE: " + e.getMessage());
        counts[2]++;
      }
    }
    System.out.println(Arrays.toString(counts));
    try {
      Object o = List.of(1, 2).get(5);
    } catch (IndexOutOfBoundsException e) {
      System.out.println(e.getClass().getName() + ": " + e.getMessage());
    }
    try {
      List.of(1).add(2);
    } catch (UnsupportedOperationException e) {
      System.out.println("immutable: " + e);
    }
    try {
      recurse(0);
    } catch (StackOverflowError e) {
      System.out.println("stack overflow caught");
    }
    Map<String, Integer> m = new HashMap<>();
    try {
      for (String k : List.of("a", "b", "c")) m.put(k, 1);
      for (String k : m.keySet()) m.remove(k);
    } catch (ConcurrentModificationException e) {
      System.out.println("CME " + e.getMessage());
    }
    throw new AppException("fatal", 3, new IOException("disk"));
  }

  static int recurse(int n) { return recurse(n + 1) + 1; }
}
