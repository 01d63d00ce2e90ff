package org.example.pkg;

/** A service implementation inside the test module. */
public class Task implements Runnable {
  @Override public void run() {}
}
