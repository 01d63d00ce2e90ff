import java.util.*;

/** Navigable maps and sets, an LRU cache on LinkedHashMap, ListIterator, sublists, unmodifiable views, Collections helpers. */
public class Collections2 {
  static class Lru<K, V> extends LinkedHashMap<K, V> {
    final int cap;
    Lru(int cap) { super(16, 0.75f, true); this.cap = cap; }
    @Override protected boolean removeEldestEntry(Map.Entry<K, V> e) { return size() > cap; }
  }

  public static void main(String[] args) {
    TreeMap<Integer, String> tm = new TreeMap<>();
    for (int i = 0; i < 20; i += 3) tm.put(i, "v" + i);
    System.out.println(tm.floorKey(10) + " " + tm.ceilingKey(10) + " " + tm.headMap(9) + " " + tm.tailMap(12, false) + " " + tm.descendingMap().firstKey());
    System.out.println(tm.subMap(3, true, 15, true).keySet() + " " + tm.pollFirstEntry() + " " + tm.lastEntry() + " " + tm.higherKey(18));
    TreeSet<String> ts = new TreeSet<>(Comparator.comparing(String::length).thenComparing(Comparator.reverseOrder()));
    ts.addAll(List.of("pear", "fig", "banana", "kiwi", "apple", "date"));
    System.out.println(ts + " " + ts.first() + " " + ts.headSet("kiwi") + " " + ts.descendingSet());
    Lru<String, Integer> lru = new Lru<>(3);
    for (String k : List.of("a", "b", "c", "a", "d", "b", "e")) lru.merge(k, 1, Integer::sum);
    System.out.println(lru);
    List<Integer> nums = new ArrayList<>(List.of(5, 3, 8, 1, 9, 2));
    ListIterator<Integer> it = nums.listIterator();
    while (it.hasNext()) {
      int v = it.next();
      if (v % 2 == 0) it.set(v * 10);
      else if (v == 1) it.remove();
      else if (v == 9) it.add(99);
    }
    System.out.println(nums + " " + nums.subList(1, 4) + " " + Collections.max(nums) + " " + Collections.frequency(nums, 3));
    Collections.rotate(nums, 2);
    System.out.print(nums + " ");
    Collections.swap(nums, 0, nums.size() - 1);
    Collections.reverse(nums);
    System.out.println(nums + " " + Collections.binarySearch(new ArrayList<>(new TreeSet<>(nums)), 80));
    List<String> ro = Collections.unmodifiableList(new ArrayList<>(List.of("x")));
    try {
      ro.add("y");
    } catch (UnsupportedOperationException e) {
      System.out.println("unmodifiable " + ro);
    }
    Map<String, Integer> counts = new HashMap<>();
    for (String w : "a b c a b a".split(" ")) counts.compute(w, (k, v) -> v == null ? 1 : v + 1);
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    System.out.println(entries + " " + Collections.nCopies(3, "ab") + " " + Collections.emptyList() + " " + Collections.singletonMap("k", 1));
    int[][] grid = new int[3][4];
    for (int[] row : grid) Arrays.fill(row, 7);
    grid[1][2] = 0;
    System.out.println(Arrays.deepToString(grid) + " " + Arrays.equals(grid[0], grid[2]) + " " + Arrays.stream(grid[1]).sum());
    Integer[] boxed = {3, 1, 2};
    Arrays.sort(boxed, (x, y) -> y - x);
    System.out.println(Arrays.toString(boxed) + " " + Arrays.asList(1, 2, 3).indexOf(2) + " " + List.copyOf(Set.of(42)) + " " + new ArrayDeque<>(List.of(1, 2, 3)).pollLast());
  }
}
