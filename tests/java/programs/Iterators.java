import java.util.*;
import java.util.function.*;
import java.util.stream.*;

/** Custom Iterable and Spliterator, generators with Stream.generate, infinite streams with limits, Iterator.forEachRemaining, PrimitiveIterator. */
public class Iterators {
  static class Range implements Iterable<Integer> {
    final int from, to, step;
    Range(int from, int to, int step) { this.from = from; this.to = to; this.step = step; }
    public Iterator<Integer> iterator() {
      return new Iterator<>() {
        int next = from;
        public boolean hasNext() { return step > 0 ? next < to : next > to; }
        public Integer next() {
          if (!hasNext()) throw new NoSuchElementException();
          int v = next;
          next += step;
          return v;
        }
      };
    }
  }

  public static void main(String[] args) {
    StringBuilder sb = new StringBuilder();
    for (int i : new Range(0, 20, 3)) sb.append(i).append(' ');
    for (int i : new Range(10, 0, -4)) sb.append(i).append(' ');
    System.out.println(sb.toString().trim());
    Stream<Integer> s = StreamSupport.stream(new Range(1, 11, 1).spliterator(), false);
    System.out.println(s.map(x -> x * x).filter(x -> x % 2 == 1).collect(Collectors.toList()));
    int[] state = {0, 1};
    System.out.println(Stream.generate(() -> { int r = state[0]; state[0] = state[1]; state[1] = r + state[1]; return r; }).limit(15).map(String::valueOf).collect(Collectors.joining(",")));
    Iterator<String> it = List.of("a", "b", "c", "d").iterator();
    it.next();
    List<String> rest = new ArrayList<>();
    it.forEachRemaining(rest::add);
    System.out.println(rest);
    PrimitiveIterator.OfInt pi = IntStream.iterate(1, i -> i <= 100, i -> i * 3).iterator();
    int sum = 0;
    while (pi.hasNext()) sum += pi.nextInt();
    System.out.println(sum + " " + IntStream.of(3, 1, 2).sorted().boxed().collect(Collectors.toList()) + " " + DoubleStream.of(1, 2, 3).average().getAsDouble());
    Spliterator<String> sp = List.of("w", "x", "y", "z").spliterator();
    Spliterator<String> half = sp.trySplit();
    List<String> got = new ArrayList<>();
    half.forEachRemaining(got::add);
    got.add("|");
    sp.forEachRemaining(got::add);
    System.out.println(got + " " + sp.characteristics());
    Map<Boolean, Long> evenOdd = IntStream.rangeClosed(1, 99).boxed().collect(Collectors.partitioningBy(i -> i % 2 == 0, Collectors.counting()));
    System.out.println(evenOdd + " " + Stream.of("x", "yy", "zzz").collect(Collectors.toMap(Function.identity(), String::length)).values().stream().mapToInt(Integer::intValue).sum());
    Optional<String> first = Stream.of("pear", "apple", "fig").filter(w -> w.startsWith("a")).findFirst();
    System.out.println(first.orElseThrow() + " " + Stream.of(1, 2, 3, 4).takeWhile(i -> i < 3).collect(Collectors.toList()) + " " + Stream.of(1, 2, 3, 4).dropWhile(i -> i < 3).collect(Collectors.toList()));
  }
}
