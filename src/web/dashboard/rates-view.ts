/** The list of trap rates under a chart: each kind's exits per second and its one-line explanation. */
import { el } from "./dom.js";
import { explain, TRAP_KINDS } from "./traps.js";

/** Fills `list` (a <dl>) with the rates `r`, one entry per TRAP_KINDS kind. */
export function renderRates(list: Element, r: readonly number[]): void {
  list.replaceChildren(...TRAP_KINDS.flatMap((k, i) => [
    el("dt", {}, el("span", { class: `swatch s${i}` }), `${k.label}: `, el("strong", {}, r[i] >= 10 ? r[i].toFixed(0) : r[i].toFixed(1)), "/s"),
    el("dd", {}, explain(k.key)),
  ]));
}
