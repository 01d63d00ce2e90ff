/** Classes, interfaces with default methods, static initialization order, arrays, switch. */
public class Objects1 {
  interface Shape {
    double area();
    default String describe() { return getClass().getSimpleName() + " of area " + area(); }
  }
  static abstract class Base implements Shape {
    static { System.out.println("Base initialized"); }
    final String name;
    Base(String name) { this.name = name; }
    public String toString() { return name + ":" + describe(); }
  }
  static final class Circle extends Base {
    static { System.out.println("Circle initialized"); }
    final double r;
    Circle(double r) { super("circle"); this.r = r; }
    public double area() { return Math.PI * r * r; }
  }
  static final class Rect extends Base {
    final double w, h;
    Rect(double w, double h) { super("rect"); this.w = w; this.h = h; }
    public double area() { return w * h; }
    public String describe() { return "rect " + w + "x" + h; }
  }
  enum Color { RED, GREEN, BLUE; Color next() { return values()[(ordinal() + 1) % values().length]; } }

  static int classify(int k) {
    switch (k) {
      case 1: return 10;
      case 2: case 3: return 20;
      case 100: return 30;
      case -5: return 40;
      default: return -1;
    }
  }

  public static void main(String[] args) {
    System.out.println("main starts");
    Shape[] shapes = {new Circle(1.5), new Rect(2, 3), new Circle(0.5)};
    for (Shape s : shapes) System.out.println(s);
    Object o = shapes[1];
    System.out.println((o instanceof Shape) + " " + (o instanceof Circle) + " " + o.getClass().getName());
    for (Color c : Color.values()) System.out.println(c + " -> " + c.next() + " " + c.ordinal() + " " + Color.valueOf(c.name()));
    for (int k = -6; k < 120; k += 7) System.out.print(classify(k) + classify(k % 4) + " ");
    System.out.println();
    long[][] grid = new long[4][5];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 5; j++) grid[i][j] = (long) i * j * 1000000007L;
    System.out.println(java.util.Arrays.deepToString(grid));
    char[] cs = "hello world".toCharArray();
    for (int i = 0; i < cs.length; i++) cs[i] = Character.toUpperCase(cs[i]);
    System.out.println(new String(cs) + " " + String.valueOf(cs, 6, 5).toLowerCase() + " " + "a,b,,c".split(",").length);
    String s = "";
    for (int i = 0; i < 5; i++) s = s + i + (i % 2 == 0 ? "e" : "o");
    System.out.println(s + " " + s.length() + " " + s.indexOf("3o") + " " + s.replace('e', 'E') + " " + "  trim ".trim() + "|");
    Object[] objs = {1, 2L, 3.0f, 4.0, 'c', "s", true, null};
    for (Object x : objs) System.out.print((x == null ? "null" : x.getClass().getSimpleName()) + "=" + x + " ");
    System.out.println();
    StringBuilder sb = new StringBuilder("abcdef");
    sb.reverse().insert(2, 42).deleteCharAt(0).append(1.25).append(true);
    System.out.println(sb + " " + sb.indexOf("42") + " " + "é ü 日本".length() + " " + "日本語".charAt(1));
    System.out.println(Integer.valueOf(127) == Integer.valueOf(127));
    System.out.println(Integer.MAX_VALUE + 1 + " " + Long.MIN_VALUE + " " + Character.getNumericValue('7') + " " + Character.isLetter('x'));
  }
}
