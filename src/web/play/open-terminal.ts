/** The play page's terminals (the machine's console, the program's terminal): xterm.js as the page shows them. */
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";

/** Opens an xterm.js terminal in `box` (in the document), in screen-reader mode, sized to the box now and on each resize. */
export function openTerminal(box: HTMLElement): Terminal {
  const term = new Terminal({ screenReaderMode: true, cursorBlink: true, fontSize: 14, scrollback: 5000, theme: { background: "#10151c" } });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(box);
  fit.fit();
  window.addEventListener("resize", () => fit.fit());
  return term;
}
