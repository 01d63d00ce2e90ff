import java.util.*;
import java.util.function.*;
import java.util.stream.*;

/** Streams, lambdas, method references, collectors and Optional. */
public class Streams {
  record Person(String name, int age, String city) {}

  public static void main(String[] args) {
    List<Person> people = List.of(
      new Person("Ada", 36, "London"), new Person("Alan", 41, "Wilmslow"), new Person("Grace", 85, "Arlington"),
      new Person("Edsger", 72, "Nuenen"), new Person("Barbara", 28, "London"), new Person("Ken", 79, "Berkeley"));
    System.out.println(people.stream().filter(p -> p.age() > 40).map(Person::name).sorted().collect(Collectors.toList()));
    Map<String, Long> byCity = people.stream().collect(Collectors.groupingBy(Person::city, TreeMap::new, Collectors.counting()));
    System.out.println(byCity);
    System.out.println(people.stream().mapToInt(Person::age).summaryStatistics());
    System.out.println(people.stream().map(Person::name).collect(Collectors.joining(", ", "[", "]")));
    System.out.println(IntStream.rangeClosed(1, 20).filter(i -> i % 3 == 0).boxed().collect(Collectors.toList()));
    System.out.println(Stream.iterate(1L, x -> x * 3).limit(15).reduce(0L, Long::sum));
    System.out.println(people.stream().max(Comparator.comparingInt(Person::age)).map(Person::name).orElse("none"));
    System.out.println(people.stream().sorted(Comparator.comparing(Person::city).thenComparing(Person::age, Comparator.reverseOrder())).map(Person::toString).collect(Collectors.joining("\n")));
    Map<Boolean, List<String>> parts = people.stream().collect(Collectors.partitioningBy(p -> p.name().length() > 4, Collectors.mapping(Person::name, Collectors.toList())));
    System.out.println(parts);
    Function<Integer, Integer> twice = x -> x * 2;
    Function<Integer, Integer> plus3 = x -> x + 3;
    System.out.println(twice.andThen(plus3).apply(5) + " " + twice.compose(plus3).apply(5));
    BiFunction<String, Integer, String> rep = String::repeat;
    Supplier<List<String>> sup = ArrayList::new;
    List<String> l = sup.get();
    l.add(rep.apply("ab", 3));
    System.out.println(l + " " + Optional.ofNullable(null).isPresent() + " " + Optional.of("x").map(String::toUpperCase).get());
    System.out.println(Arrays.stream(new double[] {1.5, 2.5, 3.0}).map(Math::sqrt).sum());
    System.out.println(Stream.of("b", "a", "c").flatMap(s -> Stream.of(s, s + s)).distinct().count());
    System.out.println(people.get(0).equals(new Person("Ada", 36, "London")) + " " + people.get(0).hashCode() + " " + new Person("X", 1, "Y"));
    var words = "the rain in spain falls mainly on the plain".split(" ");
    Map<Character, Integer> initials = Arrays.stream(words).collect(Collectors.toMap(w -> w.charAt(0), w -> 1, Integer::sum, TreeMap::new));
    System.out.println(initials);
    System.out.println(IntStream.range(0, 5).mapToObj(i -> "n" + i).toList() + " " + String.join("|", new TreeSet<>(Arrays.asList(words))));
  }
}
