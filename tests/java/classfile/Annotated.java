import java.lang.annotation.*;

/** An annotation interface with every kind of element value, and users of it. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER})
public @interface Annotated {
  byte b() default 1;
  char c() default 'x';
  double d() default 2.5;
  float f() default 0.5f;
  int i() default 42;
  long j() default 1L << 40;
  short s() default -3;
  boolean z() default true;
  String str() default "def";
  ElementType e() default ElementType.TYPE;
  Class<?> cls() default Object.class;
  Retention nested() default @Retention(RetentionPolicy.CLASS);
  int[] arr() default {1, 2, 3};

  @Annotated(b = 7, c = 'q', d = -1.0, f = 3f, i = -9, j = 99L, s = 5, z = false, str = "s\u0000",
      e = ElementType.FIELD, cls = String[].class, nested = @Retention(RetentionPolicy.SOURCE), arr = {})
  class User {
    @Annotated @Deprecated int field;
    @Annotated(str = "m") void method(@Annotated(i = 1) int p, final int q) throws java.io.IOException {}
  }
}
