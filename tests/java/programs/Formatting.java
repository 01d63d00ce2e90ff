import java.util.*;

/** String.format and friends: widths, precision, flags, locales' defaults. */
public class Formatting {
  public static void main(String[] args) {
    System.out.println(String.format("%d|%5d|%-5d|%05d|%x|%X|%o|%,d", 42, 42, 42, 42, 255, 255, 8, 1234567));
    System.out.println(String.format("%.3f|%10.2f|%-10.1f|%e|%g|%a", Math.PI, Math.E, -1.25, 12345.678, 0.0001234, 1.0));
    System.out.println(String.format("%s|%10s|%-10s|%c|%b|%%|%n", "abc", "right", "left", 'z', null).trim());
    System.out.printf("%08.3f %+d %(d %s%n", -3.14159, 5, -7, Arrays.asList(1, 2, 3));
    System.out.println(String.join(",", "a", "b", "c") + " " + "x".repeat(5) + " " + "  pad ".strip() + " " + "A-b-C".toLowerCase(Locale.ROOT));
  }
}
