/**
 * Where class bytes come from: the bootstrap loader reads the JDK's module
 * image (package to module from where the image keeps each package's classes); the
 * application class path is a list of ClassSources (directories and jars,
 * see node-class-path.ts).
 */

import { JImage } from "../jimage/jimage.js";

/** A place that may hold a class file or resource, by path ("java/lang/Object.class"). */
export interface ClassSource {
  /** The resource's bytes, or undefined if this source has none. */
  read(path: string): Uint8Array | undefined;
  /** A name for messages and for the class's code source. */
  readonly name: string;
}

/** The bootstrap class path: the classes of every module in a jimage. */
export class ModuleImage {
  private readonly packageModule = new Map<string, string | undefined>();

  constructor(readonly image: JImage) {}

  /**
   * The module that holds package `pkg` ("java/lang" or "java.lang"), or
   * undefined: jlink's /packages/<pkg> entry lists (isEmpty, module name)
   * pairs, and the module whose part of the package is not empty holds it.
   */
  moduleOf(pkg: string): string | undefined {
    const dotted = pkg.replace(/\//g, ".");
    if (this.packageModule.has(dotted)) return this.packageModule.get(dotted);
    let module: string | undefined;
    const entry = dotted === "" ? undefined : this.image.find(`/packages/${dotted}`);
    if (entry !== undefined) {
      const view = new DataView(entry.buffer, entry.byteOffset, entry.length);
      const little = this.image.header.littleEndian;
      for (let i = 0; i + 8 <= entry.length && module === undefined; i += 8) {
        if (view.getInt32(i, little) === 0) module = this.image.strings.get(view.getInt32(i + 4, little));
      }
    }
    this.packageModule.set(dotted, module);
    return module;
  }

  /** The class file of binary name `name` ("java/lang/Object") and its module, or undefined. */
  findClass(name: string): { bytes: Uint8Array; module: string } | undefined {
    const slash = name.lastIndexOf("/");
    const module = this.moduleOf(slash < 0 ? "" : name.slice(0, slash));
    if (module === undefined) return undefined;
    const bytes = this.image.find(`/${module}/${name}.class`);
    return bytes === undefined ? undefined : { bytes, module };
  }

  /** A resource of a module ("/java.base/java/lang/uniName.dat"), or undefined. */
  findResource(module: string, path: string): Uint8Array | undefined {
    return this.image.find(`/${module}/${path}`);
  }

  /** Names of the packages in the image that hold classes ("java/lang"), from a scan of every location. */
  packages(): string[] {
    const names = new Set<string>();
    for (const loc of this.image.locations()) {
      if (loc.extension === "class" && !JImage.isDirectoryEntry(loc)) names.add(loc.parent);
    }
    return [...names];
  }
}
