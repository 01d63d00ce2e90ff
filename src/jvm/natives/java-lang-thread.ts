/**
 * The natives behind threads and their coordination: Thread.start0, sleep,
 * yield and interrupt0, Object.wait/notify/notifyAll, and Unsafe.park/unpark
 * (LockSupport, hence java.util.concurrent). A thread that must wait calls
 * JThread.block and the interpreter hands the host to the scheduler.
 */

import type { Jvm } from "../runtime/jvm.js";
import type { Natives } from "../runtime/natives.js";
import type { JObject, Monitor } from "../runtime/objects.js";
import { ThreadStatus } from "../runtime/scheduler.js";
import { Frame, JThread, ThreadState } from "../runtime/thread.js";

let nextThreadId = 2;

/** The JThread of a java.lang.Thread object (undefined before start). */
export function jthreadOf(o: JObject): JThread | undefined {
  return o.host instanceof JThread ? o.host : undefined;
}

/** Thread.interrupted's flag of `t`, read from its java.lang.Thread. */
export function isInterrupted(vm: Jvm, t: JThread): boolean {
  return t.javaThread !== null && vm.getField(t.javaThread, "interrupted") === 1;
}

/** Throws InterruptedException if `t` is interrupted, clearing the flag as HotSpot does. */
function checkInterrupt(vm: Jvm, t: JThread, message?: string): void {
  if (!isInterrupted(vm, t)) return;
  vm.setField(t.javaThread!, "interrupted", 0);
  vm.throwNew(t, "java/lang/InterruptedException", message);
}

/** The monitor of `o` after checking that `t` owns it. */
function ownedMonitor(vm: Jvm, t: JThread, o: JObject): Monitor {
  const m = o.monitor;
  if (m === undefined || m.owner !== t) vm.throwNew(t, "java/lang/IllegalMonitorStateException", "current thread is not owner");
  return m;
}

function deadline(ms: number): number {
  return ms <= 0 ? Infinity : Date.now() + ms;
}

function wait(vm: Jvm, t: JThread, o: JObject, ms: bigint): void {
  const m = ownedMonitor(vm, t, o);
  if (ms < 0n) vm.throwNew(t, "java/lang/IllegalArgumentException", "timeout value is negative");
  checkInterrupt(vm, t);
  t.savedCount = m.count;
  m.owner = null;
  m.count = 0;
  t.notified = false;
  t.monitorObject = o;
  vm.setField(t.javaThread!, "threadStatus", ms === 0n ? ThreadStatus.WAITING : ThreadStatus.TIMED_WAITING);
  t.block(ThreadState.Waiting, deadline(Number(ms)), () => {
    m.owner = t;
    m.count = t.savedCount;
    t.monitorObject = null;
    vm.setField(t.javaThread!, "threadStatus", ThreadStatus.RUNNABLE);
    checkInterrupt(vm, t);
  });
}

function notify(vm: Jvm, t: JThread, o: JObject, all: boolean): void {
  ownedMonitor(vm, t, o);
  for (const w of vm.scheduler.threads) {
    if (w.state === ThreadState.Waiting && w.monitorObject === o && !w.notified) {
      w.notified = true;
      if (!all) return;
    }
  }
}

function start(vm: Jvm, o: JObject): void {
  const name = vm.strings.js(vm.getField(o, "name") as JObject);
  const nt = new JThread(name);
  nt.javaThread = o;
  o.host = nt;
  const run = o.cls.resolveMethod("run", "()V")!;
  const f = new Frame(o.cls.selectMethod(run) ?? run);
  f.locals[0] = o;
  nt.frames.push(f);
  vm.setField(o, "eetop", BigInt(nextThreadId++));
  vm.setField(o, "threadStatus", ThreadStatus.RUNNABLE);
  vm.scheduler.add(nt);
}

/** Registers the thread natives. */
export function registerThreadNatives(n: Natives): void {
  n.register("java/lang/Object", {
    "wait(J)V": (vm, t, [o, ms]) => wait(vm, t, o as JObject, ms as bigint),
    "notify()V": (vm, t, [o]) => notify(vm, t, o as JObject, false),
    "notifyAll()V": (vm, t, [o]) => notify(vm, t, o as JObject, true),
  });
  n.register("java/lang/Thread", {
    "start0()V": (vm, _t, [o]) => start(vm, o as JObject),
    "sleep(J)V": (vm, t, [ms]) => {
      if ((ms as bigint) < 0n) vm.throwNew(t, "java/lang/IllegalArgumentException", "timeout value is negative");
      checkInterrupt(vm, t, "sleep interrupted");
      vm.setField(t.javaThread!, "threadStatus", ThreadStatus.SLEEPING);
      t.block(ThreadState.Sleeping, Date.now() + Number(ms), () => {
        vm.setField(t.javaThread!, "threadStatus", ThreadStatus.RUNNABLE);
        checkInterrupt(vm, t, "sleep interrupted");
      });
    },
    "yield()V": (_vm, t) => t.block(ThreadState.Runnable, Infinity, null),
    "interrupt0()V": () => {}, // the flag is the Java field; blocked threads see it when the scheduler looks
    "holdsLock(Ljava/lang/Object;)Z": (_vm, t, [o]) => ((o as JObject).monitor?.owner === t ? 1 : 0),
    "getThreads()[Ljava/lang/Thread;": (vm) =>
      vm.refArray("java/lang/Thread", vm.scheduler.threads.map((x) => x.javaThread)),
  });
  n.register("jdk/internal/misc/Unsafe", {
    "park(ZJ)V": (vm, t, [, absolute, time]) => {
      if (t.permit) {
        t.permit = false;
        return;
      }
      if (isInterrupted(vm, t)) return;
      const tm = time as bigint;
      const until = absolute === 1 ? Number(tm) : tm === 0n ? Infinity : Date.now() + Number(tm) / 1e6;
      if (absolute === 1 && until <= Date.now()) return;
      vm.setField(t.javaThread!, "threadStatus", ThreadStatus.PARKED);
      t.block(ThreadState.Parked, until, () => {
        t.permit = false;
        vm.setField(t.javaThread!, "threadStatus", ThreadStatus.RUNNABLE);
      });
    },
    "unpark(Ljava/lang/Object;)V": (_vm, _t, [, o]) => {
      const target = o === null ? undefined : jthreadOf(o as JObject);
      if (target !== undefined) target.permit = true;
    },
  });
  n.register("java/lang/ref/Reference", {
    // The Reference Handler waits here for references the collector cleared; the host's collector clears none.
    "waitForReferencePendingList()V": (_vm, t) => t.block(ThreadState.Parked, Infinity, null),
  });
}
