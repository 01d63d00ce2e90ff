import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.*;
import java.util.stream.*;

/** java.nio.file: paths, writing and reading files, directories, walking a tree, copying, moving, deleting, attributes. */
public class NioFiles {
  public static void main(String[] args) throws IOException {
    Path root = Paths.get(args[0]);
    Path a = root.resolve("a/b/c");
    Files.createDirectories(a);
    Path f = a.resolve("data.txt");
    Files.write(f, List.of("alpha", "beta", "gamma", "δέλτα"), StandardCharsets.UTF_8);
    System.out.println(Files.readAllLines(f) + " size " + Files.size(f) + " exists " + Files.exists(f) + " dir " + Files.isDirectory(a));
    Files.writeString(root.resolve("one.txt"), "one\ntwo\nthree\n");
    Files.write(root.resolve("bytes.bin"), new byte[] {1, 2, 3, 4, 5});
    try (var lines = Files.lines(root.resolve("one.txt"))) {
      System.out.println(lines.map(String::toUpperCase).collect(Collectors.joining(",")));
    }
    System.out.println(Arrays.toString(Files.readAllBytes(root.resolve("bytes.bin"))) + " " + Files.readString(root.resolve("one.txt")).length());
    Files.copy(f, root.resolve("copy.txt"));
    Files.move(root.resolve("copy.txt"), root.resolve("moved.txt"));
    try (Stream<Path> walk = Files.walk(root)) {
      System.out.println(walk.map(p -> root.relativize(p).toString()).sorted().collect(Collectors.toList()));
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "*.txt")) {
      List<String> names = new ArrayList<>();
      for (Path p : ds) names.add(p.getFileName().toString());
      Collections.sort(names);
      System.out.println(names);
    }
    BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
    System.out.println(attrs.isRegularFile() + " " + attrs.isDirectory() + " " + attrs.size() + " " + attrs.isSymbolicLink());
    try {
      Files.createDirectory(a);
    } catch (FileAlreadyExistsException e) {
      System.out.println("already exists: " + root.relativize(Paths.get(e.getFile())));
    }
    try {
      Files.readAllLines(root.resolve("missing.txt"));
    } catch (NoSuchFileException e) {
      System.out.println("no such file: " + root.relativize(Paths.get(e.getFile())));
    }
    Path p = Paths.get("/usr/local/../lib/./x.jar");
    System.out.println(p.normalize() + " " + p.getFileName() + " " + p.getParent() + " " + p.getNameCount() + " " + p.subpath(1, 3) + " " + p.isAbsolute() + " " + Paths.get("x").resolveSibling("y"));
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(q -> {
        try {
          Files.delete(q);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
    }
    System.out.println("deleted " + !Files.exists(root));
  }
}
