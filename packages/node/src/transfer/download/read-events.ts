/** The `s3enc:object:get:*` events of one read (and its integrity failure, if any). @internal */
import { eventError, events, now, reportIntegrityFailure, since } from '../diagnostics.js';
import type { GetOptions, PreparedRead, ReadTarget } from './read-options.js';

export class ReadEvents {
  readonly #t0 = now();
  readonly #bucket: string;
  readonly #key: string;
  readonly #versionId: string | undefined;
  #read: PreparedRead | undefined;
  #bytes = 0;
  #finished = false;

  constructor(bucket: string, key: string, o: GetOptions, target: ReadTarget) {
    this.#bucket = bucket;
    this.#key = key;
    this.#versionId = o.versionId;
    if (events.getStart.active) {
      const r = o.range;
      events.getStart.publish({
        bucket,
        key,
        versionId: o.versionId,
        range: r === undefined ? undefined : { start: r.start, end: r.end },
        target,
      });
    }
  }

  opened(read: PreparedRead): void {
    this.#read = read;
  }

  delivered(bytes: number): void {
    this.#bytes += bytes;
  }

  /** Once per read: `err` when it failed, `complete` when every byte was delivered. */
  finish(err: unknown, complete: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    const versionId = this.#read?.facts.versionId ?? this.#versionId;
    const at = { bucket: this.#bucket, key: this.#key, versionId };
    if (err !== undefined) reportIntegrityFailure(err, { ...at, operation: 'get' });
    if (!events.getFinish.active) return;
    events.getFinish.publish({
      ...at,
      format: this.#read?.format,
      plaintextSize: this.#read?.plaintextSize,
      bytes: this.#bytes,
      complete,
      durationMs: since(this.#t0),
      error: err === undefined ? undefined : eventError(err),
    });
  }
}
