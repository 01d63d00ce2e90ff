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
  private readonly packageModule = new Map<string, string>();

  constructor(readonly image: JImage) {
    for (const loc of image.locations()) {
      if (loc.extension === "class" && !JImage.isDirectoryEntry(loc) && !this.packageModule.has(loc.parent)) {
        this.packageModule.set(loc.parent, loc.module);
      }
    }
  }

  /** The module that holds package `pkg` ("java/lang" or "java.lang"), or undefined. */
  moduleOf(pkg: string): string | undefined {
    return this.packageModule.get(pkg.replace(/\./g, "/"));
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

  /** Names of the packages in the image ("java/lang"). */
  packages(): string[] {
    return [...this.packageModule.keys()];
  }
}
