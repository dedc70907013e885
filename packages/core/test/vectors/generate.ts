/**
 * Writes the frozen known-answer vectors (raw-aes.json beside this file). Run once, and again
 * only when the format deliberately changes — then review the diff:
 *
 *   node node_modules/tsx/dist/cli.mjs packages/core/test/vectors/generate.ts
 *   npx prettier --write packages/core/test/vectors/raw-aes.json
 *
 * Inputs are fixed here (no randomness); vectors.test.ts checks that our reader and
 * @aws-crypto/client-node decrypt every vector and that our writer reproduces its bytes.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { legacyRawKeyName, rawKeyName, RAW_KEY_NAMESPACE } from '../../src/key-material.js';
import { buildMessage, type Vector, type VectorInputs } from './build.js';

const fixed = (label: string, n: number) =>
  createHash('sha512').update(`s3enc known-answer vector: ${label}`).digest().subarray(0, n);

const wrappingKey = fixed('wrapping key', 32);
const F = 64;
const contexts: Record<string, Record<string, string>> = {
  'no context': {},
  'one pair': { purpose: 'known-answer' },
  'mixed case and non-ASCII keys': { Project: 'apollo', env: 'prod', zé: 'accent', Ä: 'umlaut' },
};
const sizes = [0, 1, F - 1, F, F + 1, 2 * F, 2 * F + 1, 5 * F + 7];

const inputs: VectorInputs[] = [];
let n = 0;
for (const [ctxName, ec] of Object.entries(contexts)) {
  for (const size of sizes) {
    n++;
    inputs.push({
      description: `raw AES key file, F=${F}, ${size} bytes, ${ctxName}`,
      wrappingKey: wrappingKey.toString('hex'),
      keyNamespace: RAW_KEY_NAMESPACE,
      keyName: rawKeyName(wrappingKey),
      contextOrder: 'utf8',
      wrappingIv: fixed(`wrapping iv ${n}`, 12).toString('hex'),
      dataKey: fixed(`data key ${n}`, 32).toString('hex'),
      messageId: fixed(`message id ${n}`, 32).toString('hex'),
      encryptionContext: ec,
      frameLength: F,
      plaintextSize: size,
      plaintextSeed: `plaintext ${n}`,
    });
  }
}
// What s3enc 0.1 wrote: the sha256: key name and the wrapping AAD in JavaScript string order.
for (const size of [0, F + 1]) {
  n++;
  inputs.push({
    description: `s3enc 0.1 key file object (legacy name and context order), F=${F}, ${size} bytes`,
    wrappingKey: wrappingKey.toString('hex'),
    keyNamespace: RAW_KEY_NAMESPACE,
    keyName: legacyRawKeyName(wrappingKey),
    contextOrder: 'legacy',
    wrappingIv: fixed(`wrapping iv ${n}`, 12).toString('hex'),
    dataKey: fixed(`data key ${n}`, 32).toString('hex'),
    messageId: fixed(`message id ${n}`, 32).toString('hex'),
    encryptionContext: contexts['mixed case and non-ASCII keys']!,
    frameLength: F,
    plaintextSize: size,
    plaintextSeed: `plaintext ${n}`,
  });
}

const vectors: Vector[] = [];
for (const v of inputs) {
  const message = await buildMessage(v);
  vectors.push({
    ...v,
    message: message.toString('base64'),
    messageSha256: createHash('sha256').update(message).digest('hex'),
  });
}
const out = join(import.meta.dirname, 'raw-aes.json');
writeFileSync(
  out,
  `${JSON.stringify({ generator: 'packages/core/test/vectors/generate.ts', vectors }, null, 2)}\n`,
);
process.stdout.write(`wrote ${vectors.length} vectors to ${out}\n`);
