/** Test helper: the whole read path (parse, unwrap, verified decrypt) with a collecting sink. */
import {
  createS3ecBodyDecryptor,
  parseS3ecMetadata,
  unwrapS3ecDataKey,
  type S3ecKeys,
} from '../../src/index.js';

export interface ReadOptions {
  keys: S3ecKeys;
  instructionFile?: string | undefined;
  allowUnauthenticatedLegacyContent?: boolean;
  allowLegacyKeyWrapping?: boolean;
  encryptionContext?: Record<string, string>;
  /** Bytes per write (default: the whole body at once). */
  chunk?: number;
  /** Called when plaintext would be released (only after final() resolved). */
  onRelease?: (p: Buffer) => void;
}

export async function readS3ec(
  metadata: Record<string, string>,
  body: Buffer,
  o: ReadOptions,
): Promise<Buffer> {
  const m = parseS3ecMetadata(metadata, { instructionFile: o.instructionFile });
  const dataKey = await unwrapS3ecDataKey(m, {
    keys: o.keys,
    allowLegacyKeyWrapping: o.allowLegacyKeyWrapping,
    encryptionContext: o.encryptionContext,
  });
  const held: Buffer[] = [];
  try {
    const d = createS3ecBodyDecryptor({
      metadata: m,
      dataKey,
      ciphertextSize: body.length,
      sink: (p) => {
        held.push(Buffer.from(p));
      },
      allowUnauthenticatedLegacyContent: o.allowUnauthenticatedLegacyContent,
    });
    const step = o.chunk ?? Math.max(1, body.length);
    for (let i = 0; i < body.length; i += step) await d.write(body.subarray(i, i + step));
    const size = await d.final();
    const out = Buffer.concat(held);
    if (out.length !== size) throw new Error('size mismatch');
    o.onRelease?.(out);
    return out;
  } finally {
    dataKey.fill(0);
  }
}
