/**
 * A VM's live console in the page: xterm.js over the console WebSocket (the
 * server sends the recent output first, so a late viewer sees it). The
 * terminal runs in screen-reader mode, so its text is in the DOM.
 */
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import type { Api } from "./api.js";

/** One open console. */
export class ConsoleView {
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly ws: WebSocket;
  private readonly onResize = () => this.fit.fit();

  /** Opens VM `id`'s console into `parent`. */
  constructor(api: Api, id: string, parent: HTMLElement, onClosed: (why: string) => void) {
    this.term = new Terminal({ screenReaderMode: true, cursorBlink: true, fontSize: 14, scrollback: 5000, theme: { background: "#10151c" } });
    this.term.loadAddon(this.fit);
    this.term.open(parent);
    this.fit.fit();
    window.addEventListener("resize", this.onResize);
    this.ws = api.console(id);
    const encoder = new TextEncoder();
    this.ws.onmessage = (e) => this.term.write(new Uint8Array(e.data as ArrayBuffer));
    this.ws.onclose = () => onClosed("the console connection closed");
    this.term.onData((d) => { if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encoder.encode(d)); });
  }

  focus(): void {
    this.term.focus();
  }

  close(): void {
    window.removeEventListener("resize", this.onResize);
    this.ws.onclose = null;
    this.ws.close();
    this.term.dispose();
  }
}
