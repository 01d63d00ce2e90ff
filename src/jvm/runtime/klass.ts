/**
 * Runtime classes (JVMS 5.3-5.5): a loaded class with its fields laid out in
 * slots, its methods, the cache of resolved constant-pool entries, and its
 * initialization state. Array and primitive classes are JClass too, without a
 * class file.
 */

import {
  AccessFlags, codeOf, findAttribute, parseMethodDescriptor,
  type ClassFile, type CodeAttribute, type MemberInfo,
} from "../classfile/index.js";
import { defaultValue, type JObject, type Value } from "./objects.js";
import type { Native } from "./natives.js";

/** Initialization states (JVMS 5.5). */
export const enum ClassState {
  /** Loaded and linked, <clinit> not run. */
  Linked,
  /** <clinit> running in `initThread`. */
  Initializing,
  /** Ready for use. */
  Initialized,
  /** <clinit> failed: further use throws NoClassDefFoundError. */
  Erroneous,
}


/** What fields and methods share: their class, name, descriptor, flags and class-file entry. */
export abstract class JMember {
  constructor(
    readonly cls: JClass,
    readonly name: string,
    readonly descriptor: string,
    readonly access: number,
    /** The class file's field_info or method_info, with its attributes; undefined for members the VM makes. */
    readonly info: MemberInfo | undefined,
  ) {}

  /** True for a static member. */
  get isStatic(): boolean {
    return (this.access & AccessFlags.ACC_STATIC) !== 0;
  }
}

/** A field of a runtime class. */
export class JField extends JMember {
  /** Slot in the instance's `fields` (instance fields) or the class's `statics`. */
  slot = -1;
}

/** A method of a runtime class. */
export class JMethod extends JMember {
  /** The Code attribute; undefined for native and abstract methods. */
  readonly code: CodeAttribute | undefined;
  /** Slots the arguments take in the callee's locals, receiver included. */
  readonly argSlots: number;
  /** Descriptor letters of the parameters, in order ("I", "J", "L", "["...). */
  readonly paramKinds: string;
  /** Descriptor letter of the return type, "V" for void. */
  readonly returnKind: string;
  /** The native implementation, when the VM binds it directly (signature-polymorphic methods). */
  native: Native | undefined = undefined;
  /** Index in the class's `methods`, which is also its reflective slot. */
  slot = -1;
  /** True for a signature-polymorphic method bound at one call site's descriptor (never selected on the receiver). */
  polymorphic = false;
  /** How the interpreter executes it, for MethodHandle's signature-polymorphic methods (a Linker). */
  linker = 0;
  /** For invokeExact/invoke call sites: the invoker and appendix linkMethod gave. */
  linked: { invoker: JMethod; appendix: Value; withAppendix: boolean } | undefined = undefined;
  /** True for a native method, or a Java method the VM replaces with a native (an intrinsic). */
  isNative: boolean;

  constructor(cls: JClass, name: string, descriptor: string, access: number, info: MemberInfo | undefined) {
    super(cls, name, descriptor, access, info);
    this.code = info === undefined ? undefined : codeOf(info);
    this.isNative = (access & AccessFlags.ACC_NATIVE) !== 0;
    const d = parseMethodDescriptor(descriptor);
    let kinds = "";
    let slots = this.isStatic ? 0 : 1;
    for (const p of d.parameters) {
      const k = p.kind === "base" ? p.char : p.kind === "object" ? "L" : "[";
      kinds += k;
      slots += k === "J" || k === "D" ? 2 : 1;
    }
    this.paramKinds = kinds;
    this.argSlots = slots;
    const r = d.returnType;
    this.returnKind = r === undefined ? "V" : r.kind === "base" ? r.char : r.kind === "object" ? "L" : "[";
  }


  /** True for an abstract method. */
  get isAbstract(): boolean {
    return (this.access & AccessFlags.ACC_ABSTRACT) !== 0;
  }

  /** True if the method carries the runtime-visible annotation of type `descriptor` ("Ljdk/internal/vm/annotation/Hidden;"). */
  hasAnnotation(descriptor: string): boolean {
    const a = this.info === undefined ? undefined : findAttribute(this.info.attributes, "RuntimeVisibleAnnotations");
    if (a === undefined) return false;
    const pool = this.cls.cf!.constant_pool;
    return a.annotations.some((x) => {
      const e = pool[x.type_index];
      return e !== undefined && e.tag === 1 && e.value === descriptor;
    });
  }

  /** True for a frame HotSpot leaves out of stack traces: in a hidden class, or annotated @Hidden. */
  get isHiddenFrame(): boolean {
    return this.cls.hidden || this.hasAnnotation("Ljdk/internal/vm/annotation/Hidden;") || this.hasAnnotation("Ljava/lang/invoke/LambdaForm$Hidden;");
  }

  /** The source line of bytecode offset `pc` from the LineNumberTable, -1 if unknown. */
  lineOf(pc: number): number {
    const table = this.code === undefined ? undefined : findAttribute(this.code.attributes, "LineNumberTable");
    if (table === undefined) return -1;
    let line = -1;
    let best = -1;
    for (const e of table.line_number_table) {
      if (e.start_pc <= pc && e.start_pc > best) {
        best = e.start_pc;
        line = e.line_number;
      }
    }
    return line;
  }

  /** "java/lang/String.valueOf(I)Ljava/lang/String;", for messages. */
  override toString(): string {
    return `${this.cls.name}.${this.name}${this.descriptor}`;
  }
}

/** A loaded class, interface, array class or primitive type. */
export class JClass {
  superClass: JClass | null = null;
  interfaces: JClass[] = [];
  /** Declared fields. */
  fields: JField[] = [];
  /** Declared methods. */
  methods: JMethod[] = [];
  /** Instance fields of this class and its superclasses, by slot. */
  instanceFields: JField[] = [];
  /** Initial `fields` of a new instance. */
  fieldTemplate: Value[] = [];
  /** Static field values by slot. */
  statics: Value[] = [];
  /** Resolved constant-pool entries, by index (a JClass, JField, JMethod, JObject or host value). */
  readonly resolved: unknown[];
  state = ClassState.Linked;
  /** Why initialization failed (an ExceptionInInitializerError), once state is Erroneous. */
  initError: JObject | null = null;
  /** The thread running <clinit> while state is Initializing. */
  initThread: unknown = null;
  /** The java.lang.Class object of this class, made when the VM first needs it. */
  mirror: JObject | null = null;
  /** Component class, for array classes. */
  componentType: JClass | null = null;
  /** The array class whose component is this class, made on demand. */
  arrayClass: JClass | null = null;
  /** Descriptor letter of a primitive class ("I", "V"...), "" otherwise. */
  primitive = "";
  /** True for a class the application loader defined from the class path. */
  fromClassPath = false;
  /** True for a hidden class (Lookup.defineHiddenClass): not found by name, left out of stack traces. */
  hidden = false;
  /** Name of the module holding the class ("java.base"), "" for the unnamed module. */
  moduleName = "";
  /** Virtual-method selection cache: name+descriptor to the method invoked on an instance of this class. */
  private readonly selected = new Map<string, JMethod | null>();
  private readonly declared = new Map<string, JMethod>();
  private readonly declaredFields = new Map<string, JField>();

  constructor(
    /** Binary name: "java/lang/String", "[I", "[Ljava/lang/Object;", or "int" for primitives. */
    readonly name: string,
    readonly access: number,
    /** The defining loader (a java.lang.ClassLoader), null for the bootstrap loader. */
    public loader: JObject | null,
    /** The parsed class file; undefined for array and primitive classes. */
    readonly cf: ClassFile | undefined,
  ) {
    this.resolved = new Array(cf?.constant_pool.length ?? 0);
  }

  /** True for an interface. */
  get isInterface(): boolean {
    return (this.access & AccessFlags.ACC_INTERFACE) !== 0;
  }

  /** True for an array class. */
  get isArray(): boolean {
    return this.componentType !== null;
  }

  /** The class's descriptor: "Ljava/lang/String;", "[I", "I". */
  get descriptor(): string {
    if (this.primitive !== "") return this.primitive;
    return this.isArray ? this.name : `L${this.name};`;
  }

  /** The Java name Class.getName returns: "java.lang.String", "[I", "int", "Main$$Lambda$14/0x0000000800c01000". */
  get javaName(): string {
    if (!this.hidden) return this.name.replace(/\//g, ".");
    const cut = this.name.lastIndexOf("/0x");
    return this.name.slice(0, cut).replace(/\//g, ".") + this.name.slice(cut);
  }

  /** Adds the declared members from the class file and lays out the fields after the superclass's. */
  addMembers(cf: ClassFile, makeField: (f: MemberInfo) => JField, makeMethod: (m: MemberInfo) => JMethod): void {
    this.fields = cf.fields.map(makeField);
    this.methods = cf.methods.map(makeMethod);
    this.methods.forEach((m, i) => {
      m.slot = i;
      this.declared.set(m.name + m.descriptor, m);
    });
    const inherited = this.superClass?.instanceFields ?? [];
    this.instanceFields = [...inherited];
    this.fieldTemplate = [...(this.superClass?.fieldTemplate ?? [])];
    for (const f of this.fields) {
      this.declaredFields.set(f.name + ":" + f.descriptor, f);
      if (f.isStatic) {
        f.slot = this.statics.length;
        this.statics.push(defaultValue(f.descriptor));
      } else {
        f.slot = this.instanceFields.length;
        this.instanceFields.push(f);
        this.fieldTemplate.push(defaultValue(f.descriptor));
      }
    }
  }

  /** The method declared here with this name and descriptor. */
  declaredMethod(name: string, descriptor: string): JMethod | undefined {
    return this.declared.get(name + descriptor);
  }

  /** The field declared here with this name and descriptor. */
  declaredField(name: string, descriptor: string): JField | undefined {
    return this.declaredFields.get(name + ":" + descriptor);
  }

  /** True if this class is `other` or a subclass or implementation of it (JVMS instanceof rules for classes). */
  isSubclassOf(other: JClass): boolean {
    if (this === other) return true;
    if (other.isInterface) return this.implementsInterface(other);
    for (let c = this.superClass; c !== null; c = c.superClass) if (c === other) return true;
    return false;
  }

  private implementsInterface(i: JClass): boolean {
    for (let c: JClass | null = this; c !== null; c = c.superClass) {
      for (const s of c.interfaces) if (s === i || s.implementsInterface(i)) return true;
    }
    return false;
  }

  /** True if a value of this class can be stored in a variable of class `target` (JVMS checkcast/instanceof/aastore). */
  isAssignableTo(target: JClass): boolean {
    if (this === target) return true;
    if (this.primitive !== "" || target.primitive !== "") return false;
    if (this.isArray) {
      if (target.isArray) {
        const a = this.componentType!;
        const b = target.componentType!;
        if (a.primitive !== "" || b.primitive !== "") return a === b;
        return a.isAssignableTo(b);
      }
      return target.name === "java/lang/Object" || target.name === "java/lang/Cloneable" || target.name === "java/io/Serializable";
    }
    return this.isSubclassOf(target);
  }

  /**
   * Method resolution (JVMS 5.4.3.3/5.4.3.4): this class and its superclasses,
   * then the superinterfaces (preferring a non-abstract method).
   */
  resolveMethod(name: string, descriptor: string): JMethod | undefined {
    const key = name + descriptor;
    for (let c: JClass | null = this; c !== null; c = c.superClass) {
      const m = c.declared.get(key);
      if (m !== undefined) return m;
    }
    return this.interfaceMethod(key);
  }

  /** The maximally specific superinterface method for `key` (name+descriptor), non-abstract first. */
  private interfaceMethod(key: string): JMethod | undefined {
    let abstract: JMethod | undefined;
    const seen = new Set<JClass>();
    const visit = (i: JClass): JMethod | undefined => {
      if (seen.has(i)) return undefined;
      seen.add(i);
      const m = i.declared.get(key);
      if (m !== undefined && !m.isStatic && (m.access & AccessFlags.ACC_PRIVATE) === 0) {
        if (!m.isAbstract) return m;
        abstract ??= m;
      }
      for (const s of i.interfaces) {
        const r = visit(s);
        if (r !== undefined) return r;
      }
      return undefined;
    };
    for (let c: JClass | null = this; c !== null; c = c.superClass) {
      for (const i of c.interfaces) {
        const r = visit(i);
        if (r !== undefined) return r;
      }
    }
    return abstract;
  }

  /** Method selection for invokevirtual/invokeinterface on an instance of this class (JVMS 5.4.6); cached. */
  selectMethod(resolved: JMethod): JMethod | null {
    const key = resolved.name + resolved.descriptor;
    let m = this.selected.get(key);
    if (m === undefined) {
      m = null;
      for (let c: JClass | null = this; c !== null && m === null; c = c.superClass) {
        const d = c.declared.get(key);
        if (d !== undefined && !d.isStatic && (d.access & AccessFlags.ACC_PRIVATE) === 0) m = d;
      }
      if (m === null) m = this.interfaceMethod(key) ?? null;
      this.selected.set(key, m);
    }
    return m;
  }

  /** Field resolution (JVMS 5.4.3.2): this class, its superinterfaces, then its superclass. */
  resolveField(name: string, descriptor: string): JField | undefined {
    const f = this.declaredFields.get(name + ":" + descriptor);
    if (f !== undefined) return f;
    for (const i of this.interfaces) {
      const r = i.resolveField(name, descriptor);
      if (r !== undefined) return r;
    }
    return this.superClass?.resolveField(name, descriptor);
  }

  /** The instance field named `name` declared here or inherited (for natives that know only the name). */
  fieldNamed(name: string): JField {
    for (let i = this.instanceFields.length - 1; i >= 0; i--) if (this.instanceFields[i]!.name === name) return this.instanceFields[i]!;
    const f = this.fields.find((x) => x.name === name);
    if (f === undefined) throw new Error(`no field ${name} in ${this.name}`);
    return f;
  }
}
