/** A FIFO of byte chunks that hands out contiguous views, copying only across chunk edges. @internal */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.#chunks.push(b);
    this.#length += b.length;
  }

  /** The first `n` bytes (n <= length) as one Buffer, leaving them queued. */
  peek(n: number): Buffer {
    const first = this.#chunks[0];
    if (first === undefined) return Buffer.alloc(0);
    if (first.length >= n) return first.subarray(0, n);
    // Copy exactly n bytes from the leading chunks; keep the rest of the last one as a view.
    const merged = Buffer.allocUnsafe(n);
    let have = 0;
    let k = 0;
    while (have < n) {
      const c = this.#chunks[k]!;
      const take = Math.min(c.length, n - have);
      c.copy(merged, have, 0, take);
      have += take;
      k++;
      if (take < c.length) {
        this.#chunks.splice(0, k, merged, c.subarray(take));
        return merged;
      }
    }
    this.#chunks.splice(0, k, merged);
    return merged;
  }

  /** Removes and returns the first `n` bytes (n <= length) as one Buffer. */
  take(n: number): Buffer {
    const out = this.peek(n);
    const first = this.#chunks[0]!;
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#length -= n;
    return out;
  }

  /** Removes the first `n` bytes (n <= length) and returns them as views, without copying. */
  takePieces(n: number): Buffer[] {
    const out: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const c = this.#chunks[0]!;
      if (c.length <= need) {
        out.push(c);
        this.#chunks.shift();
        need -= c.length;
      } else {
        out.push(c.subarray(0, need));
        this.#chunks[0] = c.subarray(need);
        need = 0;
      }
    }
    this.#length -= n;
    return out;
  }
}
