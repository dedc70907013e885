// Runtime check from CommonJS in the consumer project (scripts/pack-check.sh): require() of the
// ESM packages, which Node supports from 22.12, through the exports maps' `default` condition.
'use strict';
const assert = require('node:assert/strict');
const core = require('@s3enc/core');
const node = require('@s3enc/node');
const cli = require('s3enc');

assert.equal(core.SUITE_ID, 0x0478);
assert.equal(typeof core.encryptStream, 'function');
assert.equal(typeof node.EncryptedS3Client, 'function');
assert.equal(typeof cli.run, 'function');
assert.equal(require('@s3enc/node/package.json').name, '@s3enc/node');
// One module instance for both loaders: errors thrown by one are instanceof the other's.
assert.ok(new core.IntegrityError('ERR_X', 'x') instanceof core.S3EncError);
console.log(`require ok (Node ${process.version})`);
