// Runtime check from ESM in the consumer project (scripts/pack-check.sh).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as core from '@s3enc/core';
import * as node from '@s3enc/node';
import * as cli from 's3enc';

assert.equal(core.SUITE_ID, 0x0478);
assert.equal(typeof node.EncryptedS3Client, 'function');
assert.equal(typeof cli.run, 'function');
assert.equal(cli.ExitCode.INTEGRITY, 3);

const key = randomBytes(32);
const keyring = () => core.rawAesKeyring({ key, keyName: 'k', keyNamespace: 'consumer' });
const sealed = core.encryptStream(Buffer.from('consumer round trip'), { keyring: keyring() });
const chunks = [];
for await (const c of core.decryptStream(sealed, { keyring: keyring() })) chunks.push(c);
assert.equal(Buffer.concat(chunks).toString(), 'consumer round trip');
console.log(`import ok (Node ${process.version})`);
