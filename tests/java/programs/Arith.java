/** Integer, long, float and double arithmetic at the edges the JLS defines. */
public class Arith {
  static int div(int a, int b) { return a / b; }

  public static void main(String[] args) {
    int[] ints = {0, 1, -1, 7, -7, Integer.MAX_VALUE, Integer.MIN_VALUE, 123456789};
    for (int a : ints) {
      for (int b : ints) {
        System.out.print(a + b);
        System.out.print(' ');
        System.out.print(a * b);
        System.out.print(' ');
        if (b != 0) {
          System.out.print(a / b);
          System.out.print(' ');
          System.out.print(a % b);
        }
        System.out.print(' ');
        System.out.print(a << (b & 31));
        System.out.print(' ');
        System.out.print(a >> b);
        System.out.print(' ');
        System.out.println(a >>> b);
      }
    }
    long[] longs = {0L, 1L, -1L, 3000000000L, -3000000000L, Long.MAX_VALUE, Long.MIN_VALUE, 0x123456789abcdefL};
    for (long a : longs) {
      for (long b : longs) {
        StringBuilder sb = new StringBuilder();
        sb.append(a + b).append(' ').append(a - b).append(' ').append(a * b).append(' ');
        if (b != 0) sb.append(a / b).append(' ').append(a % b).append(' ');
        sb.append(a << b).append(' ').append(a >> b).append(' ').append(a >>> b).append(' ');
        sb.append(Long.compare(a, b)).append(' ').append(a & b).append(' ').append(a | b).append(' ').append(a ^ b);
        sb.append(' ').append((int) a).append(' ').append((double) a).append(' ').append((float) a);
        System.out.println(sb);
      }
    }
    double[] ds = {0.0, -0.0, 1.5, -2.5, 1e300, -1e-300, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3.141592653589793, 1e19, -1e19};
    for (double a : ds) {
      StringBuilder sb = new StringBuilder();
      sb.append(a).append(' ').append((int) a).append(' ').append((long) a).append(' ').append((float) a).append(' ');
      sb.append(Math.sqrt(a)).append(' ').append(Math.floor(a)).append(' ').append(Math.ceil(a)).append(' ');
      sb.append(Math.abs(a)).append(' ').append(Math.round(a)).append(' ').append(a % 7.0).append(' ');
      sb.append(Double.compare(a, 1.5)).append(' ').append(Double.doubleToLongBits(a)).append(' ').append(Math.sin(a));
      System.out.println(sb);
    }
    float f = 0.1f;
    for (int i = 0; i < 10; i++) f = f * 3.3f + 0.7f;
    System.out.println(f);
    System.out.println(Float.floatToIntBits(f));
    System.out.println(1.0f / 3);
    System.out.println(Integer.toHexString(-123456) + " " + Long.toBinaryString(-5L) + " " + Integer.parseInt("-98765"));
    System.out.println(Long.parseLong("9223372036854775807") + " " + Double.parseDouble("2.5e-3") + " " + Float.parseFloat("1.17549435E-38"));
    System.out.println((char) ('a' + 2) + " " + (byte) 200 + " " + (short) 70000 + " " + (int) 'z');
    try {
      System.out.println(div(1, 0));
    } catch (ArithmeticException e) {
      System.out.println("caught " + e.getMessage());
    }
  }
}
