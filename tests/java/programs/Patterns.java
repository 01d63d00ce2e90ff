import java.util.*;

/** Records, sealed interfaces, pattern matching for instanceof, switch on strings, enums and switch expressions, text blocks. */
public class Patterns {
  sealed interface Shape permits Circle, Square, Rect {}
  record Circle(double r) implements Shape {}
  record Square(double side) implements Shape {}
  record Rect(double w, double h) implements Shape {
    Rect {
      if (w < 0 || h < 0) throw new IllegalArgumentException("negative size: " + w + "x" + h);
    }
  }
  enum Day { MON, TUE, WED, THU, FRI, SAT, SUN }

  static double area(Shape s) {
    if (s instanceof Circle c) return Math.PI * c.r() * c.r();
    if (s instanceof Square sq && sq.side() > 0) return sq.side() * sq.side();
    if (s instanceof Rect r) return r.w() * r.h();
    return 0;
  }

  static String kind(Day d) {
    return switch (d) {
      case SAT, SUN -> "weekend";
      case FRI -> {
        String s = "almost";
        yield s + " weekend";
      }
      default -> "weekday";
    };
  }

  static int code(String s) {
    switch (s) {
      case "alpha": return 1;
      case "beta": return 2;
      case "Aa": return 3;
      case "BB": return 4; // same hashCode as "Aa"
      default: return -1;
    }
  }

  public static void main(String[] args) {
    List<Shape> shapes = List.of(new Circle(1), new Square(2), new Rect(2, 3), new Square(0));
    for (Shape s : shapes) System.out.printf("%s -> %.4f%n", s, area(s));
    for (Day d : Day.values()) System.out.print(d + "=" + kind(d) + " ");
    System.out.println();
    for (String s : new String[] {"alpha", "beta", "Aa", "BB", "gamma"}) System.out.print(code(s) + " ");
    System.out.println();
    try {
      new Rect(-1, 2);
    } catch (IllegalArgumentException e) {
      System.out.println(e.getMessage());
    }
    System.out.println(new Rect(1, 2).equals(new Rect(1, 2)) + " " + new Rect(1, 2).hashCode() + " " + new Circle(0.5).hashCode());
    String block = """
        Dear %s,
          this is a text block
        with "quotes" and \\ backslashes.
        """;
    System.out.print(block.formatted("reader"));
    Object o = 42;
    String desc = o instanceof Integer i && i > 40 ? "big int " + (i + 1) : "other";
    System.out.println(desc);
    var map = new EnumMap<Day, Integer>(Day.class);
    for (Day d : Day.values()) map.put(d, d.name().length() * d.ordinal());
    System.out.println(map + " " + EnumSet.range(Day.TUE, Day.FRI));
  }
}
