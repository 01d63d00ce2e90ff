import java.util.*;

/** OutOfMemoryError instead of a crash: an impossible array size, then a heap filled past -Xmx; the program goes on after catching it. */
public class OutOfMemory {
  public static void main(String[] args) {
    try {
      int[] x = new int[Integer.MAX_VALUE];
      System.out.println(x.length);
    } catch (OutOfMemoryError e) {
      System.out.println(e);
    }
    List<long[]> keep = new ArrayList<>();
    try {
      for (int i = 0; i < 100000; i++) keep.add(new long[100000]);
    } catch (OutOfMemoryError e) {
      int kept = keep.size();
      keep.clear();
      System.out.println("caught " + e.getMessage() + " after more than 10 arrays: " + (kept > 10));
    }
    System.out.println("still running, max memory at most 64 MiB: " + (Runtime.getRuntime().maxMemory() <= 64L << 20));
  }
}
