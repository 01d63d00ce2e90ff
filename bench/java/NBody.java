/** The n-body benchmark: double-precision arithmetic on a few bodies. */
public class NBody {
  static final double PI = 3.141592653589793, SOLAR_MASS = 4 * PI * PI, DAYS_PER_YEAR = 365.24;
  static final double[][] B = {
    {0, 0, 0, 0, 0, 0, SOLAR_MASS},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR, -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR, 2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR, -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR, -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
  };

  static double energy() {
    double e = 0;
    for (int i = 0; i < B.length; i++) {
      double[] b = B[i];
      e += 0.5 * b[6] * (b[3] * b[3] + b[4] * b[4] + b[5] * b[5]);
      for (int j = i + 1; j < B.length; j++) {
        double[] c = B[j];
        double dx = b[0] - c[0], dy = b[1] - c[1], dz = b[2] - c[2];
        e -= b[6] * c[6] / Math.sqrt(dx * dx + dy * dy + dz * dz);
      }
    }
    return e;
  }

  static void advance(double dt) {
    for (int i = 0; i < B.length; i++) {
      double[] b = B[i];
      for (int j = i + 1; j < B.length; j++) {
        double[] c = B[j];
        double dx = b[0] - c[0], dy = b[1] - c[1], dz = b[2] - c[2];
        double d2 = dx * dx + dy * dy + dz * dz;
        double mag = dt / (d2 * Math.sqrt(d2));
        b[3] -= dx * c[6] * mag; b[4] -= dy * c[6] * mag; b[5] -= dz * c[6] * mag;
        c[3] += dx * b[6] * mag; c[4] += dy * b[6] * mag; c[5] += dz * b[6] * mag;
      }
    }
    for (double[] b : B) { b[0] += dt * b[3]; b[1] += dt * b[4]; b[2] += dt * b[5]; }
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100000;
    double px = 0, py = 0, pz = 0;
    for (double[] b : B) { px += b[3] * b[6]; py += b[4] * b[6]; pz += b[5] * b[6]; }
    B[0][3] = -px / SOLAR_MASS; B[0][4] = -py / SOLAR_MASS; B[0][5] = -pz / SOLAR_MASS;
    System.out.println(energy());
    for (int i = 0; i < n; i++) advance(0.01);
    System.out.println(energy());
  }
}
