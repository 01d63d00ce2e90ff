/** A module, so that the class-file reader meets CONSTANT_Module and CONSTANT_Package. */
module org.example.shapes {
  requires java.logging;
  exports org.example.pkg;
  opens org.example.pkg to java.base;
  uses java.lang.Runnable;
  provides java.lang.Runnable with org.example.pkg.Task;
}
