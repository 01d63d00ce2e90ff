import java.util.*;

/** Classic algorithms written out: sieve, n-queens, quicksort, binary search, dynamic programming, Dijkstra, Hanoi. */
public class Algorithms {
  static int queens(int n, int row, int cols, int d1, int d2) {
    if (row == n) return 1;
    int count = 0;
    for (int c = 0; c < n; c++) {
      if ((cols >> c & 1) != 0 || (d1 >> (row + c) & 1) != 0 || (d2 >> (row - c + n) & 1) != 0) continue;
      count += queens(n, row + 1, cols | 1 << c, d1 | 1 << (row + c), d2 | 1 << (row - c + n));
    }
    return count;
  }

  static void quicksort(int[] a, int lo, int hi) {
    if (lo >= hi) return;
    int p = a[(lo + hi) >>> 1], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    quicksort(a, lo, j);
    quicksort(a, i, hi);
  }

  static String lcs(String x, String y) {
    int[][] dp = new int[x.length() + 1][y.length() + 1];
    for (int i = 1; i <= x.length(); i++)
      for (int j = 1; j <= y.length(); j++)
        dp[i][j] = x.charAt(i - 1) == y.charAt(j - 1) ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
    StringBuilder sb = new StringBuilder();
    for (int i = x.length(), j = y.length(); i > 0 && j > 0; ) {
      if (x.charAt(i - 1) == y.charAt(j - 1)) { sb.append(x.charAt(i - 1)); i--; j--; }
      else if (dp[i - 1][j] >= dp[i][j - 1]) i--;
      else j--;
    }
    return sb.reverse().toString();
  }

  static void hanoi(int n, char from, char to, char via, List<String> moves) {
    if (n == 0) return;
    hanoi(n - 1, from, via, to, moves);
    moves.add(n + ":" + from + to);
    hanoi(n - 1, via, to, from, moves);
  }

  public static void main(String[] args) {
    boolean[] composite = new boolean[10001];
    List<Integer> primes = new ArrayList<>();
    for (int i = 2; i <= 10000; i++) {
      if (composite[i]) continue;
      primes.add(i);
      for (int j = i * i; j <= 10000; j += i) composite[j] = true;
    }
    System.out.println(primes.size() + " primes, last " + primes.get(primes.size() - 1));
    for (int n = 4; n <= 8; n++) System.out.print(queens(n, 0, 0, 0, 0) + " ");
    System.out.println();
    int[] a = new int[2000];
    long seed = 1;
    for (int i = 0; i < a.length; i++) { seed = seed * 1103515245 + 12345 & 0x7fffffff; a[i] = (int) (seed % 10000); }
    quicksort(a, 0, a.length - 1);
    boolean sorted = true;
    for (int i = 1; i < a.length; i++) sorted &= a[i - 1] <= a[i];
    System.out.println("sorted " + sorted + " min " + a[0] + " max " + a[a.length - 1] + " median " + a[a.length / 2] + " idx " + Arrays.binarySearch(a, a[777]));
    System.out.println(lcs("AGGTABQWERTY", "GXTXAYBWRT") + " " + lcs("dynamic programming", "dramatic programs"));
    int[][] g = {{0, 4, 0, 0, 0, 0, 0, 8, 0}, {4, 0, 8, 0, 0, 0, 0, 11, 0}, {0, 8, 0, 7, 0, 4, 0, 0, 2}, {0, 0, 7, 0, 9, 14, 0, 0, 0},
      {0, 0, 0, 9, 0, 10, 0, 0, 0}, {0, 0, 4, 14, 10, 0, 2, 0, 0}, {0, 0, 0, 0, 0, 2, 0, 1, 6}, {8, 11, 0, 0, 0, 0, 1, 0, 7}, {0, 0, 2, 0, 0, 0, 6, 7, 0}};
    int[] dist = new int[9];
    Arrays.fill(dist, Integer.MAX_VALUE);
    dist[0] = 0;
    PriorityQueue<int[]> pq = new PriorityQueue<>(Comparator.comparingInt(x -> x[1]));
    pq.add(new int[] {0, 0});
    while (!pq.isEmpty()) {
      int[] cur = pq.poll();
      if (cur[1] > dist[cur[0]]) continue;
      for (int v = 0; v < 9; v++) {
        if (g[cur[0]][v] > 0 && dist[cur[0]] + g[cur[0]][v] < dist[v]) {
          dist[v] = dist[cur[0]] + g[cur[0]][v];
          pq.add(new int[] {v, dist[v]});
        }
      }
    }
    System.out.println(Arrays.toString(dist));
    List<String> moves = new ArrayList<>();
    hanoi(10, 'A', 'C', 'B', moves);
    System.out.println(moves.size() + " moves, first " + moves.subList(0, 5) + " last " + moves.get(moves.size() - 1));
    long[] memo = new long[91];
    memo[1] = 1;
    for (int i = 2; i <= 90; i++) memo[i] = memo[i - 1] + memo[i - 2];
    System.out.println("fib(90) " + memo[90] + " collatz " + collatz(837799));
  }

  static int collatz(long n) {
    int steps = 0;
    while (n != 1) { n = (n & 1) == 0 ? n / 2 : 3 * n + 1; steps++; }
    return steps;
  }
}
