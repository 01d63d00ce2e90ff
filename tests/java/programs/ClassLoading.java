import java.io.*;
import java.lang.reflect.*;
import java.util.*;

/** A class loader of one's own: classes defined from bytes read off the class path, their identity, loaders, delegation and reflection. */
public class ClassLoading {
  public static class Plugin implements Runnable {
    public static int loads;
    static { loads++; }
    public void run() { System.out.println("plugin runs in loader " + (getClass().getClassLoader() instanceof Isolating)); }
  }

  public static class Isolating extends ClassLoader {
    final List<String> defined = new ArrayList<>();
    Isolating(ClassLoader parent) { super("isolating", parent); }
    @Override protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null && name.startsWith("ClassLoading$Plugin")) {
          try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            byte[] b = in.readAllBytes();
            c = defineClass(name, b, 0, b.length);
            defined.add(name);
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        return c != null ? c : super.loadClass(name, resolve);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Isolating loader = new Isolating(ClassLoading.class.getClassLoader());
    Class<?> c = loader.loadClass("ClassLoading$Plugin");
    System.out.println(c.getName() + " same class " + (c == Plugin.class) + " loader " + c.getClassLoader().getName() + " defined " + loader.defined);
    Runnable r = (Runnable) c.getDeclaredConstructor().newInstance();
    r.run();
    Field loads = c.getField("loads");
    System.out.println("loads there " + loads.getInt(null) + " here " + Plugin.loads);
    System.out.println(loader.loadClass("java.lang.String") == String.class);
    System.out.println(ClassLoading.class.getClassLoader().getName() + " " + String.class.getClassLoader() + " " + ClassLoader.getSystemClassLoader().getParent().getName());
    try {
      Class.forName("no.such.Thing", false, loader);
    } catch (ClassNotFoundException e) {
      System.out.println("CNFE " + e.getMessage());
    }
    Class<?> again = Class.forName("ClassLoading$Plugin", true, loader);
    System.out.println("forName finds the same " + (again == c));
  }
}
