/**
 * The instruction file of a V3 object written with `instructionFile: true`: `<key>.instruction`,
 * written AFTER the object so no instruction file points at an object that was never stored.
 * If it cannot be written, the new object version is deleted again (it could not be read
 * without its file) and the error thrown.
 * @internal
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  INSTRUCTION_FILE_OBJECT_METADATA,
  instructionFileKey,
  REQUEST_ATTEMPTS,
} from '@s3enc/core';
import type { ClientContext } from '../../context.js';
import { toS3Error, withRetries } from '../../s3-errors.js';
import type { PutResult, PutSettings } from './put-options.js';

export async function putInstructionFile(
  ctx: ClientContext,
  s: PutSettings,
  json: string,
  stored: PutResult,
  callerSignal: AbortSignal | undefined,
): Promise<void> {
  const body = Buffer.from(json, 'utf8');
  // The specification allows a custom suffix only when reading (and re-encrypting).
  const key = instructionFileKey(s.key);
  try {
    await withRetries(
      () =>
        ctx.s3.send(
          new PutObjectCommand({
            Bucket: s.bucket,
            Key: key,
            Body: body,
            ContentLength: body.length,
            ContentType: 'application/json',
            Metadata: { ...INSTRUCTION_FILE_OBJECT_METADATA },
            ...s.sse.create,
          }),
        ),
      REQUEST_ATTEMPTS,
    );
  } catch (err) {
    await ctx.s3
      .send(
        new DeleteObjectCommand({
          Bucket: s.bucket,
          Key: s.key,
          ...(stored.versionId !== undefined ? { VersionId: stored.versionId } : {}),
        }),
      )
      .catch(() => undefined);
    throw toS3Error(err, 'PutObject (instruction file)', {}, callerSignal);
  }
}
