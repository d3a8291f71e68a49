/**
 * FIFO queue with O(1) amortised push, batch take and drop-oldest, used for one sink's backlog.
 *
 * A plain array with `shift()` is O(n) per call, which matters when a dead database lets the backlog
 * grow to `maxBuffer` and every push drops the oldest record.
 *
 * @example
 * ```ts
 * const queue = new RecordQueue<number>();
 * queue.push(1); queue.push(2);
 * queue.take(10); // [1, 2]
 * ```
 */
export class RecordQueue<T> {
  #items: T[] = [];
  #head = 0;

  /** Number of queued items. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends one item at the tail. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** Removes and returns up to `count` items from the head, oldest first. */
  take(count: number): T[] {
    const end = Math.min(this.#head + count, this.#items.length);
    const taken = this.#items.slice(this.#head, end);
    this.#head = end;
    this.#compact();
    return taken;
  }

  /** Puts items back at the head (a batch whose write failed), keeping their order. */
  prepend(items: readonly T[]): void {
    if (items.length === 0) return;
    if (this.#head >= items.length) {
      this.#head -= items.length;
      for (let i = 0; i < items.length; i++) this.#items[this.#head + i] = items[i] as T;
      return;
    }
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** Discards up to `count` items from the head; returns how many were discarded. */
  dropOldest(count: number): number {
    const dropped = Math.max(0, Math.min(count, this.length));
    this.#head += dropped;
    this.#compact();
    return dropped;
  }

  /** Discards everything; returns how many items were discarded. */
  clear(): number {
    const cleared = this.length;
    this.#items = [];
    this.#head = 0;
    return cleared;
  }

  // Reclaim the consumed prefix only when it dominates, so the copy cost stays amortised O(1).
  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
