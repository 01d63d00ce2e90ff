/**
 * The play page's program mode: RISC-V Linux programs run by the process VM
 * in a Web Worker of the tab (program-worker.ts). The user picks a program
 * (hello.riscv64 and busybox come with the page; an ELF of their own can be
 * chosen or dropped on the terminal), types its arguments, and talks to it
 * in an xterm.js terminal; the exit status and speed are announced. The
 * worker's in-memory file system lasts across runs until the page reloads.
 */
import { el } from "../dashboard/dom.js";
import { ArgsError, splitArgs } from "./args.js";
import { openTerminal } from "./open-terminal.js";
import type { FromProgram, ToProgram } from "./program-protocol.js";

/** A program the page comes with: its name in /bin, the file beside the page, a first command line. */
interface Preloaded {
  name: string;
  file: string;
  args: string;
  /** Link its applets into /bin (busybox). */
  applets?: boolean;
}

const PRELOADED: Preloaded[] = [
  { name: "hello", file: "images/hello.riscv64", args: "first 'second word'" },
  { name: "busybox", file: "images/busybox", args: "sh -c 'echo hi > /tmp/f; cat /tmp/f; ls /'", applets: true },
];

/** Builds the program section at the end of `parent` (which must be in the document, for xterm.js to measure). */
export function mountProgramSection(parent: HTMLElement): void {
  const picker = el("select", { id: "program" });
  const file = el("input", { id: "program-file", type: "file" });
  const args = el("input", { id: "arguments", type: "text", autocomplete: "off", spellcheck: "false", class: "wide" });
  const run = el("button", { type: "submit", class: "primary" }, "Run program");
  const end = el("button", { type: "button", disabled: "", "aria-label": "End the program (its files are lost)" }, "End");
  const status = el("p", { id: "program-status", class: "help", role: "status", "aria-live": "polite" }, "Pick a program and run it: it runs in this tab, on the process VM.");
  const box = el("div", { class: "program-box", "aria-label": "Terminal of the program" });
  const form = el("form", { class: "controls", "aria-label": "Run a RISC-V Linux program" },
    el("div", { class: "field" }, el("label", { for: "program" }, "Program"), picker),
    el("div", { class: "field grow" }, el("label", { for: "arguments" }, "Arguments"), args),
    run, end);
  const section = el("section", { class: "card programs", "aria-labelledby": "program-title" },
    el("h2", { id: "program-title" }, "RISC-V Linux programs, in this tab"),
    el("p", { class: "help" }, "The process VM runs one program on an in-memory file system (/bin, /tmp, /root...) that keeps its files from run to run. Host sockets and host programs do not exist here: they fail as on a Linux without them."),
    form,
    el("div", { class: "controls" }, el("div", { class: "field" },
      el("label", { for: "program-file" }, "Your own static RISC-V ELF (or drop it on the terminal): it goes to /bin"), file)),
    status, box);

  parent.append(section);

  const offered = new Map<string, Preloaded | Uint8Array>();
  const offer = (name: string, what: Preloaded | Uint8Array) => {
    if (!offered.has(name)) picker.append(el("option", { value: name }, name));
    offered.set(name, what);
  };
  for (const p of PRELOADED) offer(p.name, p);
  args.value = PRELOADED[0].args;
  picker.addEventListener("change", () => {
    const p = offered.get(picker.value);
    args.value = p instanceof Uint8Array ? "" : p?.args ?? "";
  });

  const term = openTerminal(box);

  let worker: Worker | undefined;
  const installed = new Set<string>();
  let waitingFor: ((m: FromProgram) => void) | undefined;
  const send = (m: ToProgram) => worker?.postMessage(m);
  term.onData((d) => send({ type: "input", bytes: new TextEncoder().encode(d) }));

  const onMessage = (m: FromProgram) => {
    if (m.type === "output") term.write(m.bytes);
    else waitingFor?.(m);
  };
  /** The worker, started on first use. */
  const theWorker = (): Worker => {
    if (worker === undefined) {
      worker = new Worker(new URL("./program-worker.js", import.meta.url), { type: "module" });
      worker.onmessage = (ev: MessageEvent<FromProgram>) => onMessage(ev.data);
      worker.onerror = (ev) => onMessage({ type: "failed", message: ev.message || "the worker failed" });
      installed.clear();
    }
    return worker;
  };
  /** Sends `m` and waits for the worker's answer to it. */
  const ask = (m: ToProgram) => new Promise<FromProgram>((resolve) => { waitingFor = resolve; theWorker().postMessage(m); });

  /** Puts program `name` into the worker's /bin unless it is there. */
  async function install(name: string): Promise<void> {
    if (installed.has(name)) return;
    const what = offered.get(name)!;
    let bytes: Uint8Array, applets = false;
    if (what instanceof Uint8Array) bytes = what;
    else {
      status.textContent = `Loading ${name}…`;
      const r = await fetch(new URL(what.file, location.href));
      if (!r.ok) throw new Error(`${what.file}: HTTP ${r.status}`);
      bytes = new Uint8Array(await r.arrayBuffer());
      applets = what.applets ?? false;
    }
    const answer = await ask({ type: "install", name, bytes, applets });
    if (answer.type === "failed") throw new Error(answer.message);
    installed.add(name);
  }

  /** Runs ended so far (the status line's data-runs, for whoever waits for the next). */
  let runs = 0;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    let argv: string[];
    try {
      argv = [picker.value, ...splitArgs(args.value)];
    } catch (err) {
      status.textContent = `The arguments cannot be read: ${(err as ArgsError).message}`;
      args.focus();
      return;
    }
    run.setAttribute("disabled", "");
    end.removeAttribute("disabled");
    void (async () => {
      try {
        await install(picker.value);
        term.write(`\x1b[2m$ ${picker.value} ${args.value}\x1b[0m\r\n`);
        status.textContent = `Running ${picker.value}…`;
        term.focus();
        const m = await ask({ type: "run", argv, cols: term.cols, rows: term.rows });
        await new Promise<void>((drawn) => term.write("", drawn)); // the output on screen before the announcement
        if (m.type === "exit") {
          const how = m.signal !== 0 ? `was killed by signal ${m.signal} (status ${m.status})` : `exited with status ${m.status}`;
          status.textContent = `${picker.value} ${how} · ${(m.instructions / 1e6).toFixed(2)} M instructions in ${m.seconds.toFixed(2)} s (${m.mips.toFixed(1)} MIPS)`;
          status.dataset.exit = String(m.status);
        } else if (m.type === "failed") status.textContent = `${picker.value} could not run: ${m.message}`;
      } catch (err) {
        status.textContent = `${picker.value} could not run: ${(err as Error).message}`;
      } finally {
        status.dataset.runs = String(++runs);
        run.removeAttribute("disabled");
        end.setAttribute("disabled", "");
      }
    })();
  });
  end.addEventListener("click", () => {
    worker?.terminate();
    worker = undefined;
    waitingFor?.({ type: "failed", message: "ended from the page" });
  });

  /** Offers the ELF files in `list` (to /bin under their names) and selects the first. */
  async function addOwn(list: FileList | null): Promise<void> {
    if (list === null || list.length === 0) return;
    for (const f of Array.from(list)) {
      const name = f.name.replace(/[^\w.+-]/g, "_");
      offer(name, new Uint8Array(await f.arrayBuffer()));
      installed.delete(name);
      picker.value = name;
      args.value = "";
    }
    status.textContent = `${picker.value} is ready to run`;
  }
  file.addEventListener("change", () => void addOwn(file.files));
  box.addEventListener("dragover", (e) => { e.preventDefault(); });
  box.addEventListener("drop", (e) => { e.preventDefault(); void addOwn(e.dataTransfer?.files ?? null); });
}
