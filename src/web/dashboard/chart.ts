/**
 * The live chart of a VM's exits to the hypervisor per second, by kind
 * (uPlot: small and fast), with the last minute of samples.
 */
import uPlot from "uplot";
import { TRAP_KINDS } from "./traps.js";

const COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f", "#ff9da7"];
/** Samples kept (one a second). */
const POINTS = 60;

/** A chart of exits per second by kind. */
export class TrapChart {
  private readonly plot: uPlot;
  private readonly data: number[][] = [[], ...TRAP_KINDS.map(() => [])];

  constructor(parent: HTMLElement) {
    this.plot = new uPlot({
      width: Math.max(280, parent.clientWidth), height: 220,
      scales: { x: { time: true }, y: { distr: 3 } }, // log scale: SBI calls and page walks differ by orders of magnitude
      axes: [{ stroke: "#9aa7b4" }, { stroke: "#9aa7b4", label: "exits/s" }],
      series: [{}, ...TRAP_KINDS.map((k, i) => ({ label: k.label, stroke: COLORS[i], width: 2, points: { show: false } }))],
      legend: { live: false },
    }, this.data as uPlot.AlignedData, parent);
  }

  /** Adds one sample (exits per second of each kind) at time `at` (ms). */
  push(at: number, rates: number[]): void {
    this.data[0].push(at / 1000);
    rates.forEach((r, i) => this.data[i + 1].push(Math.max(r, 0.1)));
    if (this.data[0].length > POINTS) for (const s of this.data) s.shift();
    this.plot.setData(this.data as uPlot.AlignedData);
  }

  /** Follows the width of the element the chart sits in. */
  resize(width: number): void {
    this.plot.setSize({ width: Math.max(280, width), height: 220 });
  }

  destroy(): void {
    this.plot.destroy();
  }
}
