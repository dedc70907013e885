/**
 * The Amazon S3 Encryption Client formats (V1, V2, V3; docs/s3ec.md) behind the object-format
 * interface. Two registry entries, because the specification says an object with no S3EC
 * metadata may still have its metadata in an instruction file:
 * - {@link s3ecMetadataFormat}, asked first: objects whose user metadata has S3EC keys (and,
 *   for V3 with an instruction file, the file they point to);
 * - {@link s3ecInstructionFileFormat}, asked last: objects nothing else recognised, whose
 *   `<key><suffix>` instruction file holds V1/V2 metadata (one extra GET for such objects).
 * Both are whole-body formats: one GCM tag (or CBC padding) covers the object, so no range.
 * @internal
 */
import {
  describeS3ec,
  detectS3ec,
  instructionFileKey,
  parseS3ecMetadata,
  s3ecPlaintextBounds,
  S3_MAX_OBJECT_SIZE,
  type S3ecMetadata,
} from '@s3enc/core';
import { hasMarker } from '../../../marker.js';
import type { S3ecEnvelope } from '../envelope.js';
import type {
  DetectedObject,
  Detection,
  FormatLimits,
  FormatProbe,
  ObjectFormat,
} from '../object-format.js';
import { prepareS3ecRead } from './whole-body-read.js';

/** Largest instruction file read (its data key, algorithm names and context). */
const MAX_INSTRUCTION_FILE = 64 * 1024;

const LIMITS: FormatLimits = {
  ranges: false,
  parallel: false,
  maxStoredSize: S3_MAX_OBJECT_SIZE,
  maxHeaderBytes: 0,
  wholeBodyReason:
    'one AES-GCM tag covers the whole S3 Encryption Client object; `s3enc convert` rewrites it in the s3enc format, whose ranges are authenticated',
};

const INSTRUCTION_FILE_MARKER = 'x-amz-crypto-instr-file';

/** Objects whose metadata carries S3EC keys. */
export const s3ecMetadataFormat: ObjectFormat = {
  name: 's3ec',
  async detect(probe: FormatProbe): Promise<Detection> {
    if (hasMarker(probe.metadata)) return { kind: 'no' };
    const d = detectS3ec(probe.metadata);
    if (d.kind === 'instruction-file-maybe') return { kind: 'no' };
    let file: Buffer | undefined;
    let fileKey: string | undefined;
    if (d.kind === 'instruction-file-v3') {
      fileKey = instructionFileKey(probe.key, probe.settings.s3ec.instructionFileSuffix);
      file = (await probe.readRelated(fileKey, MAX_INSTRUCTION_FILE))?.body;
    }
    // A V3 object that names an instruction file is refused when the file is missing.
    const m = parseS3ecMetadata(probe.metadata, { instructionFile: file });
    return { kind: 'yes', object: detected(m, probe.storedSize, fileKey) };
  },
};

/** Objects with no S3EC metadata whose instruction file holds V1/V2 metadata. */
export const s3ecInstructionFileFormat: ObjectFormat = {
  name: 's3ec-instruction-file',
  async detect(probe: FormatProbe): Promise<Detection> {
    if (hasMarker(probe.metadata) || Object.hasOwn(probe.metadata, INSTRUCTION_FILE_MARKER))
      return { kind: 'no' };
    if (detectS3ec(probe.metadata).kind !== 'instruction-file-maybe') return { kind: 'no' };
    const fileKey = instructionFileKey(probe.key, probe.settings.s3ec.instructionFileSuffix);
    const related = await probe.readRelated(fileKey, MAX_INSTRUCTION_FILE);
    if (related === undefined) return { kind: 'no' };
    // The file exists: the object claims to be S3EC, so a malformed file is an error.
    const m = parseS3ecMetadata(probe.metadata, { instructionFile: related.body });
    return { kind: 'yes', object: detected(m, probe.storedSize, fileKey) };
  },
};

function detected(
  m: S3ecMetadata,
  storedSize: number,
  fileKey: string | undefined,
): DetectedObject {
  // Size checks first: a body no ciphertext of the algorithm can have is refused at detection.
  const bounds = s3ecPlaintextBounds(m.contentAlgorithm, storedSize);
  const exact = bounds.min === bounds.max ? bounds.min : m.unencryptedContentLength;
  return {
    format: m.format,
    limits: LIMITS,
    // Before any key use the engine checks caps against this: the upper bound for CBC.
    plaintextSize: () => Promise.resolve(bounds.max),
    describe(): Promise<S3ecEnvelope> {
      const s = describeS3ec(m);
      return Promise.resolve({
        format: s.format,
        metadataVersion: s.metadataVersion,
        metadataLocation: s.metadataLocation,
        instructionFileKey: m.location === 'instruction-file' ? fileKey : undefined,
        contentAlgorithm: s.contentAlgorithm,
        wrapAlgorithm: s.wrapAlgorithm,
        authenticated: s.authenticated,
        legacyKeyWrapping: s.legacyKeyWrapping,
        committing: s.keyCommitting,
        messageId: m.messageId === undefined ? undefined : Buffer.from(m.messageId).toString('hex'),
        keyIds: s.kmsKeyId !== undefined ? [s.kmsKeyId] : [],
        encryptionContext: s.encryptionContext,
        materialDescription: s.materialDescription,
        plaintextSize: exact,
        ciphertextSize: storedSize,
      });
    },
    prepareRead: (req) => prepareS3ecRead(m, storedSize, req),
  };
}
