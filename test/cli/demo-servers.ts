// For scripts/demo.sh: starts the local TLS servers (MinIO + local-kms), creates an
// Object-Lock-capable bucket, writes { env, bucket } as JSON to the file named by argv[2],
// then waits; on SIGTERM/SIGINT it empties and deletes the bucket and stops the servers.
import { writeFileSync, renameSync } from 'node:fs';
import { createTestBucket, startTestServers } from '../harness/env.js';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: demo-servers.ts OUT.json');
  const servers = await startTestServers({ log: (m) => process.stderr.write(`    ${m}\n`) });
  const bucket = await createTestBucket(servers.env, { prefix: 's3enc-demo', versioning: true });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await bucket.cleanup();
    } finally {
      await servers.stop();
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  writeFileSync(`${out}.tmp`, JSON.stringify({ env: servers.env, bucket: bucket.name }));
  renameSync(`${out}.tmp`, out);
  // Stay alive until signalled.
  setInterval(() => {}, 1 << 30);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `demo servers failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exit(1);
});
