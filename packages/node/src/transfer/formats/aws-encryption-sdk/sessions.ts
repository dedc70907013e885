/** Counts decryption sessions (data keys) alive in this process: a test hook. @internal */
let live = 0;

/** How many decryption sessions still hold a data key. @internal test hook (not exported from the package). */
export function liveDecryptionSessions(): number {
  return live;
}

/** Counts a session as alive; the returned function (idempotent) counts it as gone and runs `destroy`. */
export function trackSession(destroy: () => void): () => void {
  live++;
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    live--;
    destroy();
  };
}
