/**
 * `--debug`: prints the library's diagnostics_channel events (docs/observability.md) to stderr,
 * one JSON line each. The payloads hold no secrets; JSON escapes C0 control characters and the
 * C1 ones are escaped here, so names from an object cannot drive the terminal.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Writable } from 'node:stream';

/** Subscribes to every s3enc channel; returns the function that unsubscribes. */
export async function printEvents(stderr: Writable): Promise<() => void> {
  const { DIAGNOSTICS_CHANNELS } = await import('@s3enc/node');
  const subs = Object.values(DIAGNOSTICS_CHANNELS).map((name) => {
    const fn = (payload: unknown) => {
      const line = JSON.stringify(payload).replace(
        /[\u007f-\u009f]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      stderr.write(`debug: ${name} ${line}\n`);
    };
    subscribe(name, fn);
    return { name, fn };
  });
  return () => {
    for (const s of subs) unsubscribe(s.name, s.fn);
  };
}
