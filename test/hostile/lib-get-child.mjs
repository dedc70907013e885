// Runs one library download in its own process, so the hostile tests can measure its peak
// memory and see a crash as a crash. Input: the JSON in S3ENC_TEST_CHILD. Output: every byte
// `get` released is appended to `out` as it arrives (stream mode), or `getToFile` writes
// `out`; the last stdout line is a JSON verdict { ok, name, code, message }.
import { appendFileSync, writeFileSync } from 'node:fs';
import { EncryptedS3Client } from '@s3enc/node';

const o = JSON.parse(process.env.S3ENC_TEST_CHILD ?? '{}');
const client = new EncryptedS3Client({
  s3: {
    ...o.s3,
    maxAttempts: 3,
    ...(o.requestTimeout ? { requestTimeout: o.requestTimeout } : {}),
  },
  kmsKeyIds: o.kmsKeyIds,
  kms: o.kms,
});
let verdict;
try {
  if (o.mode === 'stream') {
    writeFileSync(o.out, '');
    const r = await client.get(o.bucket, o.key, o.options ?? {});
    for await (const c of r.body) appendFileSync(o.out, c);
  } else {
    await client.getToFile(o.bucket, o.key, o.out, o.options ?? {});
  }
  verdict = { ok: true };
} catch (e) {
  verdict = { ok: false, name: e?.name, code: e?.code, message: String(e?.message) };
} finally {
  client.destroy();
}
process.stdout.write(`\n${JSON.stringify(verdict)}\n`);
