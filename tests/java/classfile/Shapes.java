import java.util.List;
import java.util.function.Function;

/** Records, sealed interfaces, lambdas, string concatenation, switches and constants for the class-file reader's tests. */
public class Shapes {
  public sealed interface Shape permits Circle, Square, Rect {}
  public record Circle(double r) implements Shape {}
  public record Square(long side) implements Shape {}
  public static final class Rect implements Shape {
    final int w, h;
    Rect(int w, int h) { this.w = w; this.h = h; }
  }

  enum Color { RED, GREEN, BLUE; Color next() { return values()[(ordinal() + 1) % 3]; } }

  static final long BIG = 0x123456789abcdefL;
  static final double PI_ISH = 3.14159265358979;
  static final float F = 1.5f;
  static final int I = 123456789;
  static final String ODD = "a\u0000b\uD83D\uDE00c\u00e9\u20ac";

  static double area(Shape s) {
    if (s instanceof Circle c) return Math.PI * c.r() * c.r();
    if (s instanceof Square q) return (double) q.side() * q.side();
    Rect r = (Rect) s;
    return r.w * r.h;
  }

  static String describe(Shape s, String who) {
    return "shape " + s + " for " + who + " area=" + area(s) + '!';
  }

  static int table(int k) {
    switch (k) {
      case 1: return 10;
      case 2: return 20;
      case 3: return 35;
      case 4: return 47;
      default: return -1;
    }
  }

  static int lookup(int k) {
    switch (k) {
      case -100000: return 1;
      case 7: return 2;
      case 1000: return 3;
      default: return 0;
    }
  }

  static int strings(String s) {
    switch (s) {
      case "alpha": return 1;
      case "beta": return 2;
      case "Aa": return 3;
      case "BB": return 4;
      default: return 0;
    }
  }

  static List<String> names(List<? extends Shape> shapes, Function<Object, String> f) {
    return shapes.stream().map(x -> f.apply(x) + ODD).map(String::trim).toList();
  }

  static int tryCatch(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException | NullPointerException e) {
      return -1;
    } finally {
      System.out.println("done");
    }
  }

  static long wide(long a) {
    int v0 = 0, v1 = 1, v2 = 2, v3 = 3, v4 = 4, v5 = 5, v6 = 6, v7 = 7, v8 = 8, v9 = 9;
    long[] many = new long[3];
    int[][] grid = new int[2][3];
    double d = 1e300 * a;
    v9 += 1000;
    return a + v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + many.length + grid.length + (long) d;
  }

  Runnable anon(final int x) {
    return new Runnable() {
      @Override public void run() { System.out.println(x + BIG); }
    };
  }

  class Inner<T extends Comparable<T>> {
    T best;
    <U> U pick(U u, T t) { return best == null ? u : null; }
  }
}
