import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { rawAesKeyring } from '../src/raw-aes-keyring.js';

export const KEY = Buffer.alloc(32, 7);
export const OTHER_KEY = Buffer.alloc(32, 9);
export const keyring = () =>
  rawAesKeyring({ key: KEY, keyName: 'test-key', keyNamespace: 's3enc-test' });
export const wrongKeyring = () =>
  rawAesKeyring({ key: OTHER_KEY, keyName: 'test-key', keyNamespace: 's3enc-test' });

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  for (let o = 0, i = 0; o < n; o += 32, i++) {
    createHash('sha256').update(`${seed}:${i}`).digest().copy(out, o); // 32-byte blocks
  }
  return out;
}

export async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Collects what a stream emitted before it failed, and the error. */
export async function collectUntilError(r: Readable): Promise<{ out: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const c of r) parts.push(c as Buffer);
    return { out: Buffer.concat(parts), error: undefined };
  } catch (error) {
    return { out: Buffer.concat(parts), error };
  }
}

/** Splits a buffer into chunks of the given size. */
export function* chunked(b: Buffer, size: number): Generator<Buffer> {
  for (let o = 0; o < b.length; o += size) yield b.subarray(o, o + size);
  if (b.length === 0) yield b;
}
