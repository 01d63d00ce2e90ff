import java.math.*;

/** BigInteger and BigDecimal: factorials, powers, modular arithmetic, division with rounding. */
public class BigNumbers {
  public static void main(String[] args) {
    BigInteger f = BigInteger.ONE;
    for (int i = 2; i <= 60; i++) f = f.multiply(BigInteger.valueOf(i));
    System.out.println("60! = " + f);
    System.out.println("bits " + f.bitLength() + " " + f.bitCount() + " mod 1e9+7 " + f.mod(BigInteger.valueOf(1000000007)));
    BigInteger p = new BigInteger("170141183460469231731687303715884105727");
    System.out.println("prime " + p.isProbablePrime(50) + " " + BigInteger.TWO.modPow(BigInteger.valueOf(1000), p));
    System.out.println(p.sqrt() + " " + p.negate().shiftRight(7) + " " + p.toString(16) + " " + p.gcd(f));
    BigInteger[] qr = f.divideAndRemainder(p);
    System.out.println(qr[0] + " " + qr[1]);
    BigDecimal a = new BigDecimal("1234.5678");
    BigDecimal b = new BigDecimal("-0.0003");
    System.out.println(a.add(b) + " " + a.multiply(b) + " " + a.divide(new BigDecimal("7"), 30, RoundingMode.HALF_EVEN));
    System.out.println(a.setScale(2, RoundingMode.HALF_UP) + " " + a.stripTrailingZeros().toPlainString() + " " + b.toEngineeringString());
    System.out.println(new BigDecimal(0.1) + " " + BigDecimal.valueOf(0.1) + " " + a.compareTo(b) + " " + a.precision());
    BigDecimal pi = BigDecimal.ZERO;
    MathContext mc = new MathContext(40);
    for (int k = 0; k < 30; k++) {
      BigDecimal term = BigDecimal.ONE.divide(BigDecimal.valueOf(16).pow(k), mc).multiply(
        BigDecimal.valueOf(4).divide(BigDecimal.valueOf(8 * k + 1), mc)
          .subtract(BigDecimal.valueOf(2).divide(BigDecimal.valueOf(8 * k + 4), mc))
          .subtract(BigDecimal.ONE.divide(BigDecimal.valueOf(8 * k + 5), mc))
          .subtract(BigDecimal.ONE.divide(BigDecimal.valueOf(8 * k + 6), mc)), mc);
      pi = pi.add(term, mc);
    }
    System.out.println("pi " + pi);
    System.out.println(Long.toUnsignedString(-1L) + " " + Long.divideUnsigned(-1L, 3) + " " + Integer.toUnsignedString(-7) + " " + Math.multiplyHigh(Long.MAX_VALUE, 3));
  }
}
