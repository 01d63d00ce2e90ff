import java.util.*;

/** System properties and environment a program may read: versions, OS, separators, encodings, -D properties, getenv. */
public class Props {
  public static void main(String[] args) {
    for (String k : List.of("java.version", "java.specification.version", "java.class.version", "java.vendor", "os.name", "os.arch",
        "file.separator", "path.separator", "file.encoding", "sun.jnu.encoding", "java.home", "user.dir", "demo.flag", "demo.empty")) {
      System.out.println(k + "=" + System.getProperty(k));
    }
    System.out.println("line.separator=" + System.lineSeparator().replace("\n", "\\n") + " runtime " + Runtime.version().feature());
    System.out.println("HOME=" + System.getenv("HOME") + " LANG=" + System.getenv("LANG") + " missing=" + System.getenv("NO_SUCH_VARIABLE"));
    System.setProperty("demo.set", "yes");
    System.out.println(System.getProperty("demo.set") + " " + Boolean.getBoolean("demo.flag") + " " + Integer.getInteger("demo.number", 7) + " " + Long.getLong("demo.number"));
  }
}
