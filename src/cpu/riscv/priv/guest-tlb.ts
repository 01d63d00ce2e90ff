/**
 * Which TLB sets hold a guest's (V=1) translations. A hart's MMU keeps
 * GUEST_GROUPS groups of three sets (VU, VS, VS with vsstatus.SUM), each
 * tagged with the guest address space it caches: hgatp (the G-stage root and
 * the guest's VMID) and vsatp (the VS-stage root and ASID). A hypervisor that
 * switches between guests, writing hgatp and vsatp, finds the other guest's
 * translations still there when it switches back, as a TLB tagged by VMID
 * keeps them; only when more guest address spaces are in use than there are
 * groups is the least recently used group flushed for the new one. The ISA
 * lets translations be kept across such switches: a hypervisor that changes a
 * guest's tables fences (HFENCE.GVMA/VVMA), which flushes.
 */

/** Groups of guest TLB sets per hart: a hypervisor running up to this many guests (or guest processes) switches without flushing. */
export const GUEST_GROUPS = 4;
/** TLB sets of one guest group: VU, VS, VS with SUM. */
export const SETS_PER_GROUP = 3;

/** The address-space tags of a hart's guest TLB groups, and which group is current. */
export class GuestTlbGroups {
  /** Per group: hgatp low, hgatp high, vsatp low, vsatp high. */
  private readonly tags = new Int32Array(GUEST_GROUPS * 4);
  /** Per group: when it was last chosen (0: never, so it holds nothing). */
  private readonly used = new Float64Array(GUEST_GROUPS);
  private clock = 0;
  /** The group guest translations go to now. */
  current = 0;

  /**
   * Makes current the group tagged with this address space, or else the least
   * recently used one, retagged: then the result is -1 - group, and the
   * caller flushes its sets.
   */
  choose(hgatpLo: number, hgatpHi: number, vsatpLo: number, vsatpHi: number): number {
    const t = this.tags;
    let victim = 0;
    for (let g = 0; g < GUEST_GROUPS; g++) {
      const k = g * 4;
      if (this.used[g] !== 0 && t[k] === hgatpLo && t[k + 1] === hgatpHi && t[k + 2] === vsatpLo && t[k + 3] === vsatpHi) {
        this.used[g] = ++this.clock;
        this.current = g;
        return g;
      }
      if (this.used[g] < this.used[victim]) victim = g;
    }
    const k = victim * 4;
    t[k] = hgatpLo; t[k + 1] = hgatpHi; t[k + 2] = vsatpLo; t[k + 3] = vsatpHi;
    this.used[victim] = ++this.clock;
    this.current = victim;
    return -1 - victim;
  }
}
