import java.util.*;

/** String identity and interning, switch on strings, string constants folded by javac, hashCode caching, equals contracts. */
public class Interning {
  static final String CONST = "hel" + "lo";

  public static void main(String[] args) {
    String a = "hello";
    String b = new String("hello");
    String c = b.intern();
    String d = "hel";
    String e = d + "lo";
    System.out.println((a == CONST) + " " + (a == b) + " " + (a == c) + " " + (a == e) + " " + (a == e.intern()) + " " + a.equals(b));
    Set<String> ids = Collections.newSetFromMap(new IdentityHashMap<>());
    for (String s : new String[] {a, b, c, e, e.intern(), CONST}) ids.add(s);
    System.out.println("distinct identities " + ids.size());
    Map<Object, String> identity = new IdentityHashMap<>();
    Integer x1 = 127, x2 = 127, y1 = 128, y2 = 128;
    identity.put(x1, "a");
    identity.put(x2, "b");
    identity.put(y1, "c");
    identity.put(y2, "d");
    System.out.println(identity.size() + " " + new HashMap<>(identity).size());
    record Point(int x, int y) {}
    Set<Point> points = new HashSet<>(List.of(new Point(1, 2), new Point(1, 2), new Point(2, 1)));
    System.out.println(points.size() + " " + points.contains(new Point(2, 1)) + " " + new Point(3, 4).equals(new Point(3, 4)) + " " + (new Point(3, 4).hashCode() == new Point(3, 4).hashCode()));
    for (String cmd : List.of("start", "stop", "status", "restart", "")) {
      String r = switch (cmd) {
        case "start", "restart" -> "starting";
        case "stop" -> "stopping";
        case "" -> "empty";
        default -> "unknown " + cmd.length();
      };
      System.out.print(r + "; ");
    }
    System.out.println();
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 5000; i++) big.append((char) ('a' + i % 26));
    String s = big.toString();
    System.out.println(s.hashCode() + " " + s.substring(100, 110) + " " + s.indexOf("xyz") + " " + s.lastIndexOf("abc") + " " + s.chars().distinct().count());
  }
}
