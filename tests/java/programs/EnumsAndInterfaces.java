import java.util.*;
import java.util.function.*;

/** Enums with fields, constructors and constant-specific bodies; interfaces with private and static methods; functional composition. */
public class EnumsAndInterfaces {
  enum Op implements IntBinaryOperator {
    ADD("+") { public int applyAsInt(int a, int b) { return a + b; } },
    SUB("-") { public int applyAsInt(int a, int b) { return a - b; } },
    MUL("*") { public int applyAsInt(int a, int b) { return a * b; } },
    POW("^") {
      public int applyAsInt(int a, int b) {
        int r = 1;
        for (int i = 0; i < b; i++) r *= a;
        return r;
      }
    };
    final String symbol;
    Op(String symbol) { this.symbol = symbol; }
    static Op of(String s) {
      for (Op o : values()) if (o.symbol.equals(s)) return o;
      throw new IllegalArgumentException("no operator " + s);
    }
  }

  enum Planet {
    MERCURY(3.303e+23, 2.4397e6), EARTH(5.976e+24, 6.37814e6), JUPITER(1.9e+27, 7.1492e7);
    private final double mass, radius;
    Planet(double mass, double radius) { this.mass = mass; this.radius = radius; }
    double surfaceGravity() { return 6.67300E-11 * mass / (radius * radius); }
  }

  interface Greeter {
    String name();
    default String greet() { return decorate("Hello, " + name()); }
    private String decorate(String s) { return "<" + s + ">"; }
    static Greeter of(String n) { return () -> n; }
  }

  public static void main(String[] args) {
    String expr = "3 + 4 * 2 - 5 ^ 2";
    String[] tok = expr.split(" ");
    int acc = Integer.parseInt(tok[0]);
    for (int i = 1; i < tok.length; i += 2) acc = Op.of(tok[i]).applyAsInt(acc, Integer.parseInt(tok[i + 1]));
    System.out.println(expr + " (left to right) = " + acc);
    for (Op o : Op.values()) System.out.print(o + "(" + o.symbol + ")=" + o.applyAsInt(7, 3) + " " + o.getClass().getSuperclass().getSimpleName() + " " + o.getDeclaringClass().getSimpleName() + "; ");
    System.out.println();
    for (Planet p : Planet.values()) System.out.printf("%s %.2f%n", p, p.surfaceGravity());
    EnumMap<Op, Integer> uses = new EnumMap<>(Op.class);
    for (String t : tok) if (t.length() == 1 && !Character.isDigit(t.charAt(0))) uses.merge(Op.of(t), 1, Integer::sum);
    System.out.println(uses + " " + EnumSet.complementOf(EnumSet.copyOf(uses.keySet())) + " " + Op.valueOf("MUL").ordinal() + " " + Op.MUL.compareTo(Op.ADD));
    try {
      Op.valueOf("DIV");
    } catch (IllegalArgumentException e) {
      System.out.println(e.getMessage());
    }
    System.out.println(Greeter.of("world").greet());
    Function<Integer, Function<Integer, Integer>> curried = x -> y -> x * 10 + y;
    UnaryOperator<String> up = String::toUpperCase;
    Predicate<String> empty = String::isEmpty;
    BiConsumer<List<String>, String> adder = List::add;
    List<String> out = new ArrayList<>();
    adder.accept(out, up.apply("x"));
    System.out.println(curried.apply(4).apply(2) + " " + out + " " + empty.negate().test("") + " " + empty.or(s -> s.startsWith("a")).test("abc") + " " + Function.<Integer>identity().apply(9));
    Supplier<Map<String, Integer>> factory = TreeMap::new;
    Map<String, Integer> m = factory.get();
    m.put("z", 26);
    m.put("a", 1);
    m.forEach((k, v) -> System.out.print(k + v + " "));
    System.out.println();
  }
}
