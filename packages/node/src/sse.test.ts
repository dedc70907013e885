/* eslint-disable @typescript-eslint/no-misused-spread -- spreading a key is exactly what is tested */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SseCustomerKey } from './sse.js';

const key = Buffer.alloc(32);
for (let i = 0; i < 32; i++) key[i] = 0xa0 + (i % 16);
const forms = [key.toString('base64'), key.toString('hex'), [...key].join(', ')];

function expectNoKey(text: string): void {
  for (const f of forms) expect(text).not.toContain(f);
  expect(text).not.toMatch(/a0,? a1,? a2|160, 161, 162/);
}

describe('SseCustomerKey', () => {
  it('spreads, Object.assign, inspect without customInspect and JSON never show the key', () => {
    const k = new SseCustomerKey(key);
    expectNoKey(inspect(k));
    expectNoKey(inspect({ ...k }, { showHidden: true, depth: 5 }));
    expectNoKey(inspect(Object.assign({}, k), { showHidden: true, depth: 5 }));
    expectNoKey(inspect(k, { customInspect: false, showHidden: true, depth: 5 }));
    expectNoKey(JSON.stringify({ k, spread: { ...k } }));
    expect(Object.getOwnPropertySymbols(k)).toEqual([]);
    expect(Reflect.ownKeys({ ...k })).toEqual(['md5']);
    expect(k.requestParams().SSECustomerKey).toBe(key.toString('base64'));
  });
  it('destroy() zeroes the key and refuses further use', () => {
    const caller = Buffer.from(key);
    const k = new SseCustomerKey(caller);
    k.destroy();
    k.destroy();
    expect(() => k.requestParams()).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_INVALID_SSE_C_KEY' }),
    );
    expect(caller.equals(key)).toBe(true); // the caller's buffer is theirs
  });
  it('a base64 key file still reads after its text buffer is zeroed', () => {
    const dir = mkdtempSync(join(tmpdir(), 's3enc-ssec-'));
    const file = join(dir, 'k.b64');
    writeFileSync(file, key.toString('base64') + '\n');
    const k = new SseCustomerKey({ file });
    expect(k.requestParams().SSECustomerKey).toBe(key.toString('base64'));
  });
});
