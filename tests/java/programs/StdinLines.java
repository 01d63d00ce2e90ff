import java.io.*;
import java.util.*;

/** Reading System.in line by line and word by word; output through a PrintWriter. */
public class StdinLines {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
    String line;
    int n = 0;
    TreeMap<String, Integer> freq = new TreeMap<>();
    while ((line = in.readLine()) != null) {
      n++;
      StringTokenizer st = new StringTokenizer(line);
      while (st.hasMoreTokens()) {
        String w = st.nextToken().toLowerCase();
        freq.put(w, freq.containsKey(w) ? freq.get(w) + 1 : 1);
      }
      out.println(n + ": " + new StringBuilder(line).reverse());
    }
    out.println(freq);
    out.flush();
  }
}
