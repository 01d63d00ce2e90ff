import java.io.*;
import java.util.*;

/** Java serialization round trip: object graphs with cycles, transient fields, custom writeObject/readObject, enums, records, collections. */
public class Serialization {
  enum Color { RED, GREEN }
  record Tag(String name, int weight) implements Serializable {}

  static class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    String name;
    List<Node> children = new ArrayList<>();
    Node parent;
    transient int cached = 99;
    Color color = Color.GREEN;
    Node(String name) { this.name = name; }
  }

  static class Custom implements Serializable {
    private static final long serialVersionUID = 2L;
    int value;
    Custom(int v) { value = v; }
    private void writeObject(ObjectOutputStream out) throws IOException { out.writeInt(value * 2); }
    private void readObject(ObjectInputStream in) throws IOException { value = in.readInt() + 1; }
  }

  public static void main(String[] args) throws Exception {
    Node root = new Node("root");
    for (int i = 0; i < 3; i++) {
      Node c = new Node("child" + i);
      c.parent = root;
      root.children.add(c);
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("tree", root);
    payload.put("custom", new Custom(20));
    payload.put("tag", new Tag("x", 3));
    payload.put("numbers", new int[] {1, 2, 3});
    payload.put("set", new TreeSet<>(List.of("b", "a")));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(payload);
      out.writeUTF("trailer");
    }
    System.out.println("serialized " + bytes.size() + " bytes");
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> back = (Map<String, Object>) in.readObject();
      Node r = (Node) back.get("tree");
      System.out.println(back.keySet() + " " + r.name + " " + r.children.size() + " parent ok " + (r.children.get(1).parent == r) + " cached " + r.cached + " color " + r.color + " " + (r.color == Color.GREEN));
      System.out.println(((Custom) back.get("custom")).value + " " + back.get("tag") + " " + Arrays.toString((int[]) back.get("numbers")) + " " + back.get("set") + " " + in.readUTF());
    }
  }
}
