import java.lang.annotation.*;
import java.lang.reflect.*;
import java.util.*;

/** Reflection: Class.forName, members, invoking, fields, constructors, annotations, arrays, modifiers. */
public class Reflect {
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.METHOD, ElementType.TYPE, ElementType.FIELD})
  @interface Tag {
    String value();
    int weight() default 1;
  }

  @Tag("widget")
  public static class Widget implements Comparable<Widget> {
    @Tag(value = "id", weight = 5) public int id;
    private String name = "unnamed";
    public static int created;

    public Widget() { created++; }
    public Widget(int id, String name) { this(); this.id = id; this.name = name; }

    @Tag("getter") public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    private int secret(int x) { return x * 31 + id; }
    public static long twice(long v) { return v * 2; }
    public int compareTo(Widget o) { return Integer.compare(id, o.id); }
    public String toString() { return "Widget(" + id + "," + name + ")"; }
  }

  public static void main(String[] args) throws Exception {
    Class<?> c = Class.forName("Reflect$Widget");
    System.out.println(c.getName() + " " + c.getSimpleName() + " " + Modifier.toString(c.getModifiers()) + " " + c.getSuperclass().getName());
    System.out.println(Arrays.toString(c.getInterfaces()) + " " + c.isInterface() + " " + Comparable.class.isAssignableFrom(c));
    Object w = c.getConstructor(int.class, String.class).newInstance(7, "seven");
    System.out.println(w + " created=" + c.getField("created").getInt(null));
    Method getName = c.getMethod("getName");
    System.out.println(getName.invoke(w) + " " + getName.getReturnType() + " " + getName.getAnnotation(Tag.class).value());
    c.getMethod("setName", String.class).invoke(w, "renamed");
    Method secret = c.getDeclaredMethod("secret", int.class);
    secret.setAccessible(true);
    System.out.println(secret.invoke(w, 3) + " " + Modifier.isPrivate(secret.getModifiers()));
    System.out.println(c.getMethod("twice", long.class).invoke(null, 21L));
    Field name = c.getDeclaredField("name");
    name.setAccessible(true);
    System.out.println(name.get(w) + " " + name.getType().getSimpleName());
    name.set(w, "direct");
    System.out.println(w);
    Field id = c.getField("id");
    id.setInt(w, 99);
    System.out.println(id.getInt(w) + " " + id.getAnnotation(Tag.class).weight());
    Tag t = c.getAnnotation(Tag.class);
    System.out.println(t.value() + " " + t.weight() + " " + t.annotationType().getSimpleName());
    List<String> methods = new ArrayList<>();
    for (Method m : c.getDeclaredMethods()) methods.add(m.getName() + Arrays.toString(m.getParameterTypes()));
    Collections.sort(methods);
    System.out.println(methods);
    List<String> fields = new ArrayList<>();
    for (Field f : c.getDeclaredFields()) fields.add(Modifier.toString(f.getModifiers()) + " " + f.getType().getName() + " " + f.getName());
    Collections.sort(fields);
    System.out.println(fields);
    Object arr = Array.newInstance(int.class, 4);
    Array.setInt(arr, 2, 42);
    System.out.println(Array.getLength(arr) + " " + Array.getInt(arr, 2) + " " + arr.getClass().getName() + " " + int[][].class.getName() + " " + String[].class.getSimpleName());
    try {
      c.getMethod("nope");
    } catch (NoSuchMethodException e) {
      System.out.println("NoSuchMethodException: " + e.getMessage());
    }
    try {
      Method m = Reflect.class.getDeclaredMethod("boom");
      m.invoke(null);
    } catch (InvocationTargetException e) {
      System.out.println("target threw " + e.getCause());
    }
    System.out.println(int.class.isPrimitive() + " " + Integer.TYPE + " " + void.class + " " + Object[].class.getComponentType());
  }

  static void boom() { throw new UnsupportedOperationException("boom"); }
}
