import java.util.*;

/** Inheritance and polymorphism: abstract classes, super calls, overloading vs overriding, static vs instance, field hiding, interfaces' diamond. */
public class Inheritance {
  static class Animal {
    static String kingdom() { return "animalia"; }
    String name = "animal";
    protected int legs() { return 4; }
    String speak() { return "..."; }
    String describe() { return name + " with " + legs() + " legs says " + speak(); }
    String greet(Object o) { return "object " + o; }
    String greet(String s) { return "string " + s; }
    String greet(Integer i) { return "integer " + i; }
  }
  static class Dog extends Animal {
    String name = "dog";
    @Override String speak() { return "woof"; }
    String describe() { return "[" + super.describe() + "] (" + name + "/" + super.name + ")"; }
  }
  static class Bird extends Animal {
    @Override protected int legs() { return 2; }
    @Override String speak() { return "tweet"; }
  }
  static final class Parrot extends Bird {
    private final String phrase;
    Parrot(String phrase) { this.phrase = phrase; }
    @Override String speak() { return super.speak() + " '" + phrase + "'"; }
  }
  interface Left { default String who() { return "left"; } }
  interface Right { default String who() { return "right"; } }
  static class Both implements Left, Right {
    public String who() { return Left.super.who() + "+" + Right.super.who(); }
  }
  static abstract class Counter {
    private static int instances;
    final int id;
    Counter() { id = ++instances; init(); }
    abstract void init();
  }
  static class Sub extends Counter {
    int value = 10;
    int seenInInit;
    void init() { seenInInit = value; }
  }

  public static void main(String[] args) {
    List<Animal> zoo = List.of(new Animal(), new Dog(), new Bird(), new Parrot("hello"));
    for (Animal a : zoo) System.out.println(a.getClass().getSimpleName() + ": " + a.describe());
    Animal a = new Dog();
    Object o = "text";
    System.out.println(a.greet(o) + " | " + a.greet("text") + " | " + a.greet(5) + " | " + a.greet((Object) 5) + " | " + a.name + " " + ((Dog) a).name);
    System.out.println(Animal.kingdom() + " " + new Both().who());
    Sub s = new Sub();
    Sub s2 = new Sub();
    System.out.println(s.id + " " + s2.id + " value=" + s.value + " seenInInit=" + s.seenInInit);
    Object[] things = {new Dog(), "str", 42, new int[] {1}, null};
    for (Object t : things) {
      String kind = t instanceof Animal ? "animal" : t instanceof CharSequence ? "chars" : t instanceof Number n ? "number " + n.intValue() : t == null ? "null" : t.getClass().getName();
      System.out.print(kind + "; ");
    }
    System.out.println();
  }
}
