/** A fixed-capacity FIFO: the newest `capacity` items are kept, older ones fall off. */
export class BoundedBuffer<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.#capacity) this.#items.splice(0, this.#items.length - this.#capacity);
  }

  /** Newest first, at most `limit` items. */
  newest(limit = this.#capacity): T[] {
    return this.#items.slice(-limit).reverse();
  }

  get size(): number {
    return this.#items.length;
  }
}
