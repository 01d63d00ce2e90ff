/** The binary-trees benchmark: allocate and walk many short-lived trees. */
public class BinaryTrees {
  static final class Node {
    final Node left, right;
    Node(Node left, Node right) { this.left = left; this.right = right; }
    int check() { return left == null ? 1 : 1 + left.check() + right.check(); }
  }

  static Node build(int depth) {
    return depth == 0 ? new Node(null, null) : new Node(build(depth - 1), build(depth - 1));
  }

  public static void main(String[] args) {
    int max = args.length > 0 ? Integer.parseInt(args[0]) : 14;
    Node longLived = build(max);
    for (int d = 4; d <= max; d += 2) {
      int iterations = 1 << (max - d + 4);
      long check = 0;
      for (int i = 0; i < iterations; i++) check += build(d).check();
      System.out.println(iterations + "\t trees of depth " + d + "\t check: " + check);
    }
    System.out.println("long lived tree of depth " + max + "\t check: " + longLived.check());
  }
}
