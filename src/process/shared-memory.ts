/**
 * The pages of one MAP_SHARED | MAP_ANONYMOUS mapping: after fork, parent and
 * child map the same frames, so a write by either is seen by both (Linux's
 * shmem). The object holds a user reference on each frame it records, and
 * gives them back when the last address space mapping it lets go.
 */
export class SharedMemory {
  /** Frame (host offset) of each materialised page, by virtual page number. */
  readonly frames = new Map<number, number>();
  /** Address spaces that map (part of) it. */
  users = 1;
}
