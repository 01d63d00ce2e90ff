import java.util.*;
import java.util.regex.*;

/** java.util.regex: matching, groups, named groups, replacement, splitting, flags. */
public class Regex {
  public static void main(String[] args) {
    String log = "2024-01-05 ERROR disk full; 2024-01-06 WARN cpu hot; 2024-02-01 ERROR fan stopped";
    Matcher m = Pattern.compile("(?<date>\\d{4}-\\d{2}-\\d{2}) (?<level>[A-Z]+) ([^;]+)").matcher(log);
    while (m.find()) System.out.println(m.group("date") + " | " + m.group("level") + " | " + m.group(3) + " @" + m.start());
    System.out.println("a1b22c333".replaceAll("[0-9]+", "#") + " " + "Hello World".replaceAll("(\\w+) (\\w+)", "$2 $1"));
    System.out.println(Arrays.toString("one, two,three ,  four".split("\\s*,\\s*")) + " " + Arrays.toString("a:b::c".split(":", -1)));
    System.out.println(Pattern.matches("[a-z]+@[a-z]+\\.(com|org)", "me@example.org") + " " + "ABC".matches("(?i)abc"));
    Pattern words = Pattern.compile("\\b(\\w)(\\w*)\\b");
    StringBuilder sb = new StringBuilder();
    Matcher w = words.matcher("the quick brown fox");
    while (w.find()) w.appendReplacement(sb, w.group(1).toUpperCase() + w.group(2));
    w.appendTail(sb);
    System.out.println(sb + " " + Pattern.compile("o").splitAsStream("foo bar boo").count());
    System.out.println("tabs\tand\nnewlines".replaceAll("\\s", "_") + " " + Pattern.quote("1+1=2") + " " + "x.y.z".split("\\.").length);
    Matcher g = Pattern.compile("(a)(b)?(c)").matcher("ac");
    System.out.println(g.matches() + " " + g.groupCount() + " " + g.group(2) + " " + g.group(3));
  }
}
