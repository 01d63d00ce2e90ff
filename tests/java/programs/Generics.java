import java.util.*;
import java.util.function.*;

/** Generics, inner and anonymous classes, interfaces with static and default methods, varargs, autoboxing, iterators. */
public class Generics {
  interface Stack<T> extends Iterable<T> {
    void push(T t);
    T pop();
    boolean isEmpty();
    static <T> Stack<T> create() { return new LinkedStack<>(); }
    default T peekOr(T fallback) { if (isEmpty()) return fallback; T t = pop(); push(t); return t; }
  }

  static class LinkedStack<T> implements Stack<T> {
    private class Node {
      final T value;
      final Node next;
      Node(T value, Node next) { this.value = value; this.next = next; }
    }
    private Node head;
    private int size;
    public void push(T t) { head = new Node(t, head); size++; }
    public T pop() {
      if (head == null) throw new NoSuchElementException("empty stack");
      T v = head.value;
      head = head.next;
      size--;
      return v;
    }
    public boolean isEmpty() { return head == null; }
    public Iterator<T> iterator() {
      return new Iterator<T>() {
        Node at = head;
        public boolean hasNext() { return at != null; }
        public T next() { T v = at.value; at = at.next; return v; }
      };
    }
  }

  static class Pair<A extends Comparable<A>, B> implements Comparable<Pair<A, B>> {
    final A a;
    final B b;
    Pair(A a, B b) { this.a = a; this.b = b; }
    public int compareTo(Pair<A, B> o) { return a.compareTo(o.a); }
    public String toString() { return "(" + a + ", " + b + ")"; }
  }

  @SafeVarargs
  static <T extends Comparable<? super T>> T max(T... xs) {
    T best = xs[0];
    for (T x : xs) if (x.compareTo(best) > 0) best = x;
    return best;
  }

  static double sum(Collection<? extends Number> nums) {
    double s = 0;
    for (Number n : nums) s += n.doubleValue();
    return s;
  }

  public static void main(String[] args) {
    Stack<String> s = Stack.create();
    for (String w : "to be or not to be".split(" ")) s.push(w);
    StringBuilder sb = new StringBuilder();
    for (String w : s) sb.append(w).append(' ');
    System.out.println(sb.toString().trim() + " | peek " + s.peekOr("none"));
    while (!s.isEmpty()) System.out.print(s.pop() + ";");
    System.out.println(" peek " + s.peekOr("none"));
    try {
      s.pop();
    } catch (NoSuchElementException e) {
      System.out.println(e.getMessage());
    }
    List<Pair<String, Integer>> pairs = new ArrayList<>();
    for (String w : List.of("kiwi", "apple", "mango", "fig")) pairs.add(new Pair<>(w, w.length()));
    Collections.sort(pairs);
    System.out.println(pairs + " max " + max(3, 9, 4) + " " + max("pear", "plum", "apple"));
    System.out.println(sum(List.of(1, 2.5, 3L, (short) 4, 5.5f)));
    Map<String, List<Integer>> multi = new TreeMap<>();
    for (int i = 0; i < 20; i++) multi.computeIfAbsent(i % 3 == 0 ? "three" : i % 2 == 0 ? "even" : "odd", k -> new ArrayList<>()).add(i);
    System.out.println(multi);
    Integer big1 = 1000, big2 = 1000;
    Integer small1 = 100, small2 = 100;
    System.out.println((big1 == big2) + " " + big1.equals(big2) + " " + (small1 == small2));
    long total = 0;
    for (Integer i : List.of(1, 2, 3)) total += i;
    Character c = 'x';
    char d = c;
    System.out.println(total + " " + (d + 1) + " " + (char) (d + 1));
    BinaryOperator<Integer> gcd = new BinaryOperator<>() {
      public Integer apply(Integer a, Integer b) { return b == 0 ? a : this.apply(b, a % b); }
    };
    System.out.println(gcd.apply(1071, 462));
    Object[] objs = new Integer[] {1, 2};
    System.out.println(objs.getClass().getSimpleName() + " " + (objs instanceof Number[]) + " " + Arrays.asList(objs));
  }
}
