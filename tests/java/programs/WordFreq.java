import java.io.*;
import java.util.*;
import java.util.stream.*;

/** Word frequencies of standard input with streams: the classic pipeline, ties broken alphabetically. */
public class WordFreq {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    Map<String, Long> freq = in.lines()
      .flatMap(l -> Arrays.stream(l.toLowerCase().split("[^\\p{L}\\p{N}']+")))
      .filter(w -> !w.isEmpty())
      .collect(Collectors.groupingBy(w -> w, Collectors.counting()));
    freq.entrySet().stream()
      .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
      .limit(8)
      .forEach(e -> System.out.printf("%-8s %3d%n", e.getKey(), e.getValue()));
    System.out.println(freq.size() + " distinct, " + freq.values().stream().mapToLong(Long::longValue).sum() + " total");
  }
}
