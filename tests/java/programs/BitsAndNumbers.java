/** Integer and Long utilities: bit counts, rotations, reversals, unsigned arithmetic, radix conversions, parsing edge cases, compareUnsigned. */
public class BitsAndNumbers {
  public static void main(String[] args) {
    int[] xs = {0, 1, -1, 0x80000000, 0x7fffffff, 0x12345678, -0x5a5a5a5b, 1 << 20};
    for (int x : xs) {
      System.out.println(x + " " + Integer.bitCount(x) + " " + Integer.numberOfLeadingZeros(x) + " " + Integer.numberOfTrailingZeros(x) + " " + Integer.rotateLeft(x, 7)
        + " " + Integer.reverseBytes(x) + " " + Integer.toBinaryString(x).length() + " " + Integer.toOctalString(x) + " " + Integer.toUnsignedLong(x) + " " + Integer.signum(x)
        + " " + Integer.divideUnsigned(x, 7) + " " + Integer.remainderUnsigned(x, 7) + " " + Integer.lowestOneBit(x) + " " + Integer.compareUnsigned(x, 5));
    }
    long[] ls = {0L, -1L, Long.MIN_VALUE, 0x0123456789abcdefL, 1L << 40};
    for (long x : ls) {
      System.out.println(x + " " + Long.bitCount(x) + " " + Long.numberOfLeadingZeros(x) + " " + Long.rotateRight(x, 13) + " " + Long.reverse(x) + " " + Long.toHexString(x)
        + " " + Long.toUnsignedString(x, 36) + " " + Long.remainderUnsigned(x, 1000) + " " + Long.highestOneBit(x) + " " + Long.compareUnsigned(x, 1L));
    }
    String[] inputs = {"42", "-0", "+17", "2147483647", "-2147483648", "0x1F", "1e3", " 5", "", "٣"};
    for (String s : inputs) {
      try {
        System.out.print(Integer.parseInt(s) + " ");
      } catch (NumberFormatException e) {
        System.out.print("[" + e.getMessage() + "] ");
      }
    }
    System.out.println();
    System.out.println(Integer.decode("0x1F") + " " + Integer.decode("-010") + " " + Long.decode("#ff") + " " + Integer.valueOf("777", 8) + " " + Short.parseShort("-32768") + " " + Byte.toUnsignedInt((byte) -1));
    System.out.println(Double.parseDouble("0x1.8p1") + " " + Double.valueOf("  -1.5e-3 ") + " " + Float.parseFloat("3.4028235e38") + " " + Double.parseDouble("Infinity") + " " + Double.isNaN(Double.parseDouble("NaN")));
    System.out.println(Character.MAX_VALUE + 0 + " " + Short.MIN_VALUE + " " + Byte.MAX_VALUE + " " + Long.SIZE + " " + Float.MAX_EXPONENT + " " + Double.MIN_EXPONENT + " " + Integer.toString(Integer.MIN_VALUE, 16) + " " + Integer.toUnsignedString(-1, 2).length());
  }
}
