// Child of bench/peers.ts: one `EncryptedS3Client.get` of a whole object, drained, in a fresh
// process, reporting its own CPU for the transfer alone (start-up and imports excluded):
//   PEERS_ENGINE_GET='{"s3":{…},"kmsKeyIds":[…],"bucket":"…","key":"…","allowPlaintext":false}'
//   PEERS_ENGINE_OUT=result.json   ← {"wall": s, "user": s, "sys": s, "bytes": n}
// With allowPlaintext on a plaintext object this is "our engine with crypto off": the same
// parallel ranged GETs, TLS and HTTP, no header and no decryption.
import { writeFileSync } from 'node:fs';
import { EncryptedS3Client, type EncryptedS3ClientOptions } from '@s3enc/node';

interface Job {
  s3: EncryptedS3ClientOptions['s3'];
  kmsKeyIds: string[];
  kms: EncryptedS3ClientOptions['kms'];
  bucket: string;
  key: string;
  allowPlaintext: boolean;
}

const job = JSON.parse(process.env.PEERS_ENGINE_GET ?? '') as Job;
const client = new EncryptedS3Client({ s3: job.s3, kms: job.kms, kmsKeyIds: job.kmsKeyIds });
try {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { body } = await client.get(job.bucket, job.key, { allowPlaintext: job.allowPlaintext });
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Uint8Array).length;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const out = process.env.PEERS_ENGINE_OUT ?? '';
  writeFileSync(out, JSON.stringify({ wall, user: cpu.user / 1e6, sys: cpu.system / 1e6, bytes }));
} finally {
  client.destroy();
}
