import java.util.*;

/** Lists, maps, sets, sorting and iterators from java.util, without lambdas. */
public class Collections1 {
  public static void main(String[] args) {
    List<String> words = new ArrayList<>(Arrays.asList("pear", "apple", "fig", "banana", "cherry", "date", "elderberry"));
    Collections.sort(words);
    System.out.println(words);
    words.sort(new Comparator<String>() {
      public int compare(String a, String b) {
        return a.length() != b.length() ? a.length() - b.length() : b.compareTo(a);
      }
    });
    System.out.println(words);
    Map<String, Integer> counts = new HashMap<>();
    String text = "the quick brown fox jumps over the lazy dog the end";
    for (String w : text.split(" ")) counts.put(w, counts.getOrDefault(w, 0) + 1);
    System.out.println(new TreeMap<>(counts));
    Map<Integer, String> linked = new LinkedHashMap<>();
    for (int i = 10; i > 0; i--) linked.put(i * i, Integer.toString(i));
    System.out.println(linked);
    Set<Integer> set = new TreeSet<>();
    for (int i = 0; i < 50; i++) set.add((i * 37) % 23);
    System.out.println(set);
    Deque<Integer> dq = new ArrayDeque<>();
    for (int i = 0; i < 5; i++) { dq.addFirst(i); dq.addLast(-i); }
    System.out.println(dq);
    PriorityQueue<Long> pq = new PriorityQueue<>();
    long x = 12345;
    for (int i = 0; i < 20; i++) { x = x * 6364136223846793005L + 1442695040888963407L; pq.add(x >>> 40); }
    StringBuilder sb = new StringBuilder();
    while (!pq.isEmpty()) sb.append(pq.poll()).append(',');
    System.out.println(sb);
    Iterator<String> it = words.iterator();
    while (it.hasNext()) if (it.next().contains("e")) it.remove();
    System.out.println(words);
    int[] arr = new int[100];
    for (int i = 0; i < arr.length; i++) arr[i] = (i * 7919) % 101;
    Arrays.sort(arr);
    System.out.println(Arrays.toString(Arrays.copyOf(arr, 12)) + " " + Arrays.binarySearch(arr, 50));
    Integer[] boxed = {5, 3, 9, 1};
    Arrays.sort(boxed, Collections.reverseOrder());
    System.out.println(Arrays.asList(boxed));
    List<List<Integer>> nested = new LinkedList<>();
    for (int i = 0; i < 3; i++) nested.add(new ArrayList<>(Collections.nCopies(i + 1, i)));
    System.out.println(nested + " " + nested.hashCode() + " " + "hello".hashCode());
    System.out.println(Objects.hash(1, "a", 2.0) + " " + Arrays.deepToString(new int[][] {{1, 2}, {3}}));
  }
}
