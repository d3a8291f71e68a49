/**
 * A bounded memory of recent keys: it keeps at least the `keep` most recent and at most twice that, in two
 * generations of Maps that swap when the young one is full, so every operation is O(1). (Evicting the
 * oldest key of one insertion-ordered Map is not O(1) in V8: see bench/FINDINGS.md.)
 */
export class RecentMemory<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly keep: number) {}

  /** The latest value set for `key`, if it is still remembered. */
  get(key: string): V | undefined {
    return this.young.has(key) ? this.young.get(key) : this.old.get(key);
  }

  has(key: string): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.keep) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** Forgets `key` (a write that failed must be retried by the next request, not skipped). */
  delete(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  /** Entries held, counting a key in both generations twice: never more than twice `keep`. */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
