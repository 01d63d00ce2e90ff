import java.util.*;

/** A string-heavy workload: building, splitting, hashing and sorting words. */
public class Strings {
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    StringBuilder text = new StringBuilder();
    long seed = 42;
    for (int i = 0; i < n; i++) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      int len = 3 + (int) ((seed >>> 33) % 8);
      for (int k = 0; k < len; k++) text.append((char) ('a' + (int) ((seed >>> (k * 5 + 3)) & 15)));
      text.append(i % 13 == 0 ? '\n' : ' ');
    }
    HashMap<String, Integer> counts = new HashMap<>();
    for (String line : text.toString().split("\n")) {
      for (String w : line.trim().split(" ")) {
        if (w.isEmpty()) continue;
        Integer c = counts.get(w);
        counts.put(w, c == null ? 1 : c + 1);
      }
    }
    ArrayList<String> words = new ArrayList<>(counts.keySet());
    Collections.sort(words);
    long h = 0;
    for (String w : words) h = h * 31 + w.toUpperCase().hashCode() + counts.get(w);
    System.out.println(words.size() + " distinct words, first " + words.get(0) + ", last " + words.get(words.size() - 1) + ", hash " + h);
  }
}
