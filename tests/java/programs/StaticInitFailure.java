/** A static initializer that throws: ExceptionInInitializerError, then NoClassDefFoundError on the next use, then an uncaught one. */
public class StaticInitFailure {
  static class Config {
    static final int VALUE;
    static {
      System.out.println("Config initializing");
      if (Boolean.parseBoolean("true")) throw new IllegalStateException("bad configuration");
      VALUE = 1;
    }
  }

  static class Lazy {
    static { System.out.println("Lazy initialized"); }
    static final String CONSTANT = "compile-time constant";
    static String nonConstant = "runtime value";
  }

  public static void main(String[] args) {
    System.out.println(Lazy.CONSTANT);
    System.out.println("before touching Lazy.nonConstant");
    System.out.println(Lazy.nonConstant);
    try {
      System.out.println(Config.VALUE);
    } catch (ExceptionInInitializerError e) {
      System.out.println("first: " + e + " cause " + e.getCause());
    }
    try {
      System.out.println(Config.VALUE);
    } catch (NoClassDefFoundError e) {
      System.out.println("second: " + e.getMessage());
    }
    Object o = new Object() {};
    Runnable local = new Runnable() { public void run() {} };
    class Local {}
    System.out.println(o.getClass().getName() + " " + local.getClass().getName() + " " + new Local().getClass().getName() + " " + Local.class.getSimpleName() + " " + o.getClass().getSimpleName().isEmpty());
    int[] arr = {1, 2, 3};
    int[] copy = arr.clone();
    copy[0] = 9;
    Object[] objs = new String[] {"a"};
    System.out.println(arr[0] + " " + copy[0] + " " + (arr != copy) + " " + objs.getClass().getComponentType().getName());
    System.out.println(Config.VALUE);
  }
}
