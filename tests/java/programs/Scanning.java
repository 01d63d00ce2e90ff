import java.util.*;

/** Scanner over System.in: tokens, numbers, lines; the sums and a histogram printed. */
public class Scanning {
  public static void main(String[] args) {
    Scanner sc = new Scanner(System.in);
    int n = sc.nextInt();
    long sum = 0;
    double dsum = 0;
    List<String> words = new ArrayList<>();
    for (int i = 0; i < n; i++) sum += sc.nextLong();
    while (sc.hasNextDouble()) dsum += sc.nextDouble();
    while (sc.hasNext()) words.add(sc.next());
    System.out.println("n=" + n + " sum=" + sum + " dsum=" + dsum + " words=" + words);
    Map<Integer, Integer> hist = new TreeMap<>();
    for (String w : words) hist.merge(w.length(), 1, Integer::sum);
    hist.forEach((k, v) -> System.out.println(k + " " + "*".repeat(v)));
    System.out.println(String.format("%.3f", dsum / Math.max(1, words.size())));
  }
}
