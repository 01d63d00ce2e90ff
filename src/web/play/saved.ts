/**
 * Snapshots kept by the browser (IndexedDB, database "typevisor-play"): each
 * the two files of a snapshot with a name and the time it was taken, so that
 * a machine saved in the tab runs on after a reload, or another day.
 */

/** A snapshot in the browser's storage. */
export interface SavedSnapshot {
  name: string;
  /** When it was taken (ms since the epoch). */
  taken: number;
  state: Uint8Array;
  memory: Uint8Array;
  /** The guest's disk of files from the page (/dev/vda). */
  disk: Uint8Array;
}

const DB = "typevisor-play";
const STORE = "snapshots";

/** The database, created on first use. */
function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => { r.result.createObjectStore(STORE, { keyPath: "name" }); };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error("IndexedDB cannot be opened"));
  });
}

/** Runs one request in a transaction on the store and resolves with its result once the transaction is done. */
async function request<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const r = f(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(r.result);
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted (out of space?)"));
    });
  } finally {
    db.close();
  }
}

/** Stores `s` (replacing one of the same name). */
export async function saveSnapshot(s: SavedSnapshot): Promise<void> {
  await request("readwrite", (store) => store.put(s));
}

/** Every saved snapshot, newest first. */
export async function listSnapshots(): Promise<SavedSnapshot[]> {
  const all = await request("readonly", (store) => store.getAll() as IDBRequest<SavedSnapshot[]>);
  return all.sort((a, b) => b.taken - a.taken);
}

/** Removes the snapshot `name`. */
export async function deleteSnapshot(name: string): Promise<void> {
  await request("readwrite", (store) => store.delete(name));
}
