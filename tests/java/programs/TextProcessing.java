import java.util.*;

/** Characters and text: Character classification, case mapping, code points and surrogates, StringBuilder edits, String methods. */
public class TextProcessing {
  public static void main(String[] args) {
    String s = "Héllo, Wörld! 123 ÆØÅ æøå ß İ 日本 😀";
    int letters = 0, digits = 0, spaces = 0, upper = 0;
    for (char c : s.toCharArray()) {
      if (Character.isLetter(c)) letters++;
      if (Character.isDigit(c)) digits++;
      if (Character.isWhitespace(c)) spaces++;
      if (Character.isUpperCase(c)) upper++;
    }
    System.out.println(letters + " " + digits + " " + spaces + " " + upper + " len=" + s.length() + " cps=" + s.codePointCount(0, s.length()));
    System.out.println(s.toUpperCase() + " | " + s.toLowerCase());
    System.out.println(new StringBuilder(s).reverse());
    int cp = s.codePointAt(s.length() - 2);
    System.out.println(Integer.toHexString(cp) + " " + Character.charCount(cp) + " " + Character.isSupplementaryCodePoint(cp) + " " + new String(Character.toChars(0x1F600)).equals("😀") + " " + Character.getName('A'));
    System.out.println(String.valueOf(new char[] {'a', 'b'}) + " " + "abc".compareTo("abd") + " " + "Apple".compareToIgnoreCase("apple") + " " + "a-b-c".lastIndexOf('-') + " " + "banana".indexOf("an", 2));
    System.out.println("  x  ".isBlank() + " " + "".isEmpty() + " " + "line1\nline2\r\nline3".lines().count() + " " + "abc".contains("bc") + " " + "ab".endsWith("b") + " " + "x".concat("y"));
    StringBuilder sb = new StringBuilder("0123456789");
    sb.replace(2, 5, "ABCDE").delete(0, 1).insert(0, 'Z').setCharAt(1, 'y');
    sb.setLength(8);
    System.out.println(sb + " " + sb.length() + " " + sb.charAt(3) + " " + sb.indexOf("C") + " " + "%d%%".formatted(50));
    System.out.println(String.join("/", List.of("usr", "local", "bin")) + " " + "Mississippi".replace("ss", "SS").chars().filter(c -> c == 'S').count() + " " + "a,b;c".split("[,;]").length);
    byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] latin = "café".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    System.out.println(utf8.length + " " + latin.length + " " + new String(utf8, java.nio.charset.StandardCharsets.UTF_8).equals(s) + " " + Arrays.toString("é".getBytes(java.nio.charset.StandardCharsets.UTF_16BE)));
    System.out.println(Character.toTitleCase('a') + " " + Character.digit('f', 16) + " " + Character.forDigit(11, 16) + " " + (int) Character.toUpperCase('ÿ') + " " + Character.isJavaIdentifierStart('$') + " " + Character.getNumericValue('Ⅻ'));
  }
}
