/** Double-precision numerics: matrix multiplication, Gaussian elimination, Newton's method, numerical integration, printed exactly. */
public class Matrix {
  static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length, m = b[0].length, k = b.length;
    double[][] c = new double[n][m];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int x = 0; x < k; x++) s += a[i][x] * b[x][j];
        c[i][j] = s;
      }
    return c;
  }

  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    for (int p = 0; p < n; p++) {
      int max = p;
      for (int i = p + 1; i < n; i++) if (Math.abs(a[i][p]) > Math.abs(a[max][p])) max = i;
      double[] t = a[p]; a[p] = a[max]; a[max] = t;
      double tb = b[p]; b[p] = b[max]; b[max] = tb;
      for (int i = p + 1; i < n; i++) {
        double f = a[i][p] / a[p][p];
        b[i] -= f * b[p];
        for (int j = p; j < n; j++) a[i][j] -= f * a[p][j];
      }
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = 0;
      for (int j = i + 1; j < n; j++) s += a[i][j] * x[j];
      x[i] = (b[i] - s) / a[i][i];
    }
    return x;
  }

  public static void main(String[] args) {
    int n = 40;
    double[][] a = new double[n][n], b = new double[n][n];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        a[i][j] = Math.sqrt(i + 1) / (j + 1) - (i ^ j) * 0.01;
        b[i][j] = (i * 7 + j * 3) % 11 - 5.5;
      }
    double[][] c = multiply(a, b);
    double trace = 0;
    for (int i = 0; i < n; i++) trace += c[i][i];
    System.out.println("trace " + trace + " c[3][7] " + c[3][7]);
    double[][] m = {{2, 1, -1}, {-3, -1, 2}, {-2, 1, 2}};
    double[] x = solve(m, new double[] {8, -11, -3});
    System.out.println(x[0] + " " + x[1] + " " + x[2]);
    double r = 1;
    for (int i = 0; i < 6; i++) r = r - (r * r * r - 2 * r - 5) / (3 * r * r - 2);
    System.out.println("newton root " + r);
    double sum = 0, h = 1e-4;
    for (int i = 0; i < 10000; i++) {
      double t = (i + 0.5) * h;
      sum += 4 / (1 + t * t) * h;
    }
    System.out.println("integral " + sum + " error " + (sum - Math.PI));
    float f = 0;
    for (int i = 1; i <= 1000; i++) f += 1f / i;
    System.out.println("harmonic float " + f + " double " + harmonic(1000) + " " + (float) harmonic(1000));
  }

  static double harmonic(int n) {
    double s = 0;
    for (int i = 1; i <= n; i++) s += 1.0 / i;
    return s;
  }
}
