/** Abort-signal plumbing shared by the upload and download stages. @internal */
import { AbortError } from '@s3enc/core';

/** @throws AbortError when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true)
    throw new AbortError(`The ${what} was aborted`, { cause: signal.reason });
}

/** An internal controller that follows `outer`; `unlink()` removes the listener on `outer`. */
export function linkSignal(outer: AbortSignal | undefined): {
  ac: AbortController;
  unlink: () => void;
} {
  const ac = new AbortController();
  if (outer === undefined) return { ac, unlink: () => undefined };
  if (outer.aborted) {
    ac.abort(outer.reason);
    return { ac, unlink: () => undefined };
  }
  const onAbort = () => {
    ac.abort(outer.reason);
  };
  outer.addEventListener('abort', onAbort, { once: true });
  return {
    ac,
    unlink: () => {
      outer.removeEventListener('abort', onAbort);
    },
  };
}
