/**
 * Math and StrictMath results, floating-point corner cases, integer overflow helpers and conversions.
 * StrictMath is printed exactly (fdlibm's results, defined bit for bit); Math's transcendental functions
 * may differ from StrictMath in the last bit (HotSpot uses its own x86 stubs), so they are printed rounded.
 */
public class MathFns {
  public static void main(String[] args) {
    double[] xs = {0.0, 0.5, 1.0, -1.5, 2.0, 10.0, 1e-10, 123.456, Math.PI / 3};
    for (double x : xs) {
      System.out.println(x + " sin=" + StrictMath.sin(x) + " cos=" + StrictMath.cos(x) + " tan=" + StrictMath.tan(x) + " exp=" + StrictMath.exp(x) + " log=" + StrictMath.log(Math.abs(x) + 1)
        + " sqrt=" + Math.sqrt(Math.abs(x)) + " cbrt=" + StrictMath.cbrt(x) + " atan2=" + StrictMath.atan2(x, 2) + " pow=" + StrictMath.pow(x, 2.5) + " hypot=" + StrictMath.hypot(x, 3));
      System.out.println(String.format("  Math: %.12f %.12f %.12g %.12g %.12f", Math.sin(x), Math.cos(x), Math.exp(x / 4), Math.pow(Math.abs(x), 1.5), Math.log(Math.abs(x) + 2)));
    }
    System.out.println(Math.floorDiv(-7, 2) + " " + Math.floorMod(-7, 2) + " " + (-7 / 2) + " " + (-7 % 2) + " " + Math.abs(Integer.MIN_VALUE) + " " + Math.round(-2.5) + " " + Math.round(2.5) + " " + Math.rint(2.5));
    try {
      Math.addExact(Integer.MAX_VALUE, 1);
    } catch (ArithmeticException e) {
      System.out.println(e.getMessage());
    }
    try {
      Math.multiplyExact(Long.MAX_VALUE, 2L);
    } catch (ArithmeticException e) {
      System.out.println(e.getMessage());
    }
    System.out.println(Math.ulp(1.0) + " " + Math.nextUp(1.0f) + " " + Math.scalb(1.5, 4) + " " + Math.getExponent(1024.0) + " " + Math.signum(-0.0) + " " + Math.copySign(3.0, -1.0) + " " + Math.fma(2.0, 3.0, 1.0));
    System.out.println(Double.MIN_VALUE + " " + Double.MAX_VALUE + " " + Float.MIN_NORMAL + " " + (0.1 + 0.2) + " " + (float) 0.1 + " " + 1.0 / 0 + " " + -1.0 / 0 + " " + 0.0 / 0 + " " + (0.0 == -0.0) + " " + Double.valueOf(0.0).equals(-0.0));
    System.out.println(Double.toString(1e21) + " " + 1e-5 + " " + 100.0 + " " + 1234567.0 + " " + 1.0E7 + " " + 123456789.123f + " " + Float.toString(1.0e-3f) + " " + Double.toHexString(-0.1));
    System.out.println(Integer.MAX_VALUE * 2 + " " + (Long.MAX_VALUE + 1) + " " + (byte) 128 + " " + (short) -32769 + " " + (int) 3.99e10 + " " + (long) -1e30 + " " + (int) Double.NaN + " " + (char) 65.7);
    System.out.println(StrictMath.sinh(1.0) + " " + StrictMath.tanh(0.5) + " " + StrictMath.log10(1000) + " " + StrictMath.log1p(1e-10) + " " + StrictMath.expm1(1e-10) + " " + StrictMath.asin(0.5) + " " + StrictMath.acos(0.5) + " " + StrictMath.IEEEremainder(10, 3));
    long h = 0;
    for (int i = 1; i <= 100; i++) h = h * 31 + Double.doubleToLongBits(Math.sqrt(i) * StrictMath.log(i + 1));
    System.out.println(h + " " + Math.toDegrees(Math.PI) + " " + Math.toRadians(180) + " " + Math.max(-0.0, 0.0) + " " + Math.min(Float.NaN, 1f));
  }
}
