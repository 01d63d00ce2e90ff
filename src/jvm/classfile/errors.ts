/**
 * Errors of the class-file reader. The message is one line in the words `java`
 * uses for java.lang.ClassFormatError and UnsupportedClassVersionError.
 */

/** A class file that does not follow JVMS chapter 4 (java.lang.ClassFormatError). */
export class ClassFormatError extends Error {
  override name = "ClassFormatError";
}

/** A class file whose version this reader does not support (java.lang.UnsupportedClassVersionError). */
export class UnsupportedClassVersionError extends ClassFormatError {
  override name = "UnsupportedClassVersionError";
}
