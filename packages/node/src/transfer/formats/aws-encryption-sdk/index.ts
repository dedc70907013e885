/**
 * The AWS Encryption SDK message (s3enc's default format, docs/FORMAT.md) behind the
 * object-format interface: detected from its first bytes (and our metadata marker), ranged
 * and parallel for unsigned suites, read whole for signed ones.
 * @internal
 */
import { FormatError, MAX_HEADER_BYTES, S3_MAX_OBJECT_SIZE } from '@s3enc/core';
import { hasMarker, MARKER_FORMAT } from '../../../marker.js';
import type { AwsEncryptionSdkEnvelope } from '../envelope.js';
import type {
  CiphertextReader,
  DetectedObject,
  Detection,
  FormatLimits,
  FormatProbe,
  ObjectFormat,
} from '../object-format.js';
import { readHeader, type ParsedHeader } from './header-probe.js';
import { signedBodySize, storedLayout, type StoredLayout } from './layout.js';
import { prepareRangedRead } from './ranged-read.js';
import { prepareSignedRead } from './signed-read.js';

const RANGED: FormatLimits = {
  ranges: true,
  parallel: true,
  maxStoredSize: S3_MAX_OBJECT_SIZE,
  maxHeaderBytes: MAX_HEADER_BYTES,
};
const WHOLE: FormatLimits = { ...RANGED, ranges: false, parallel: false };

/** What parsing says about bytes that are not a message header at all. */
const NOT_A_HEADER = new Set(['ERR_S3ENC_BAD_HEADER', 'ERR_S3ENC_UNSUPPORTED_FORMAT']);

/** The format object registered in ../registry.ts. */
export const awsEncryptionSdkFormat: ObjectFormat = {
  name: MARKER_FORMAT,
  // eslint-disable-next-line @typescript-eslint/require-await -- the interface is async for formats that fetch
  async detect(probe: FormatProbe): Promise<Detection> {
    const marked = hasMarker(probe.metadata);
    let header: ParsedHeader | undefined;
    try {
      header = readHeader(probe.head, probe.maxEncryptedDataKeys);
    } catch (err) {
      // Someone else's bytes that merely fail to parse are not ours; a header that parses but
      // breaks a limit (data keys, frame length) is ours and refused, marker or not.
      if (marked || !NOT_A_HEADER.has((err as FormatError).code)) throw err;
      return { kind: 'no' };
    }
    if (header === undefined) {
      const held = probe.head.length;
      if (held < probe.storedSize && held < MAX_HEADER_BYTES)
        return { kind: 'more', bytes: held + 1 };
      if (marked) {
        throw new FormatError(
          'ERR_S3ENC_BAD_HEADER',
          'The object carries the s3enc marker but its header cannot be parsed',
        );
      }
      return { kind: 'no' };
    }
    return { kind: 'yes', object: detected(header, probe.storedSize) };
  },
};

function detected(header: ParsedHeader, storedSize: number): DetectedObject {
  const { info, headerLength } = header;
  const F = info.frameLength;
  // A signed message ends with a footer that is not frame data; its size needs the tail.
  let layout: Promise<StoredLayout> | undefined;
  const layoutOf = (reader: CiphertextReader, signal: AbortSignal | undefined) =>
    (layout ??= info.signed
      ? signedBodySize(reader, storedSize, F, headerLength, signal).then((body) =>
          storedLayout(body, F, headerLength),
        )
      : Promise.resolve().then(() => storedLayout(storedSize, F, headerLength)));
  return {
    format: MARKER_FORMAT,
    limits: info.signed ? WHOLE : RANGED,
    plaintextSize: async (reader, signal) => (await layoutOf(reader, signal)).plaintextSize,
    async describe(reader, signal): Promise<AwsEncryptionSdkEnvelope> {
      const l = await layoutOf(reader, signal);
      return {
        format: 'aws-encryption-sdk',
        formatVersion: info.version,
        suiteId: info.suiteId,
        suiteName: info.suiteName,
        messageId: info.messageId,
        frameLength: F,
        headerLength,
        frames: l.finalSeq,
        plaintextSize: l.plaintextSize,
        ciphertextSize: storedSize,
        keyIds: info.encryptedDataKeys.map((k) => k.keyId),
        encryptionContext: info.encryptionContext,
        committing: info.committing,
        signed: info.signed,
      };
    },
    async prepareRead(req) {
      const l = await layoutOf(req.reader, req.signal);
      return info.signed
        ? prepareSignedRead(header, storedSize, l.plaintextSize, req)
        : prepareRangedRead(header, l, req);
    },
  };
}
