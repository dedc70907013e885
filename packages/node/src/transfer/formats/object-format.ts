/**
 * The one interface between the transfer engine and the formats it reads (DESIGN.md
 * "Formats"): detect, describe, plan a read, open ranges or the whole body, limits. The
 * engine (transfer/download/) fetches bytes and stages plaintext; a format decides what its
 * bytes mean. Adding a format is one folder implementing {@link ObjectFormat} and one line in
 * `registry.ts`; the engine does not change.
 *
 * Contract (every function): it either returns or throws an `S3EncError` subclass with a
 * stable code — FormatError for bytes or metadata that are not a valid object of the format,
 * KeyUnwrapError for keys, IntegrityError for bytes that fail authentication,
 * InvalidArgumentError for a request the object cannot serve. Nothing else, and never a
 * plaintext byte that has not been authenticated (see {@link WholeBodyRead} for the one
 * sanctioned exception, which the engine stages).
 * @internal
 */
import type {
  ByteRange,
  CommitmentPolicy,
  EncryptionContext,
  HeaderInfo,
  Keyring,
  DataKeyCache,
} from '@s3enc/core';
import type { FrameKeyHandoff } from '@s3enc/core';
import type { EnvelopeDescription } from './envelope.js';
import type { S3ecSettings } from './s3ec/settings.js';

/** Per-client settings that only some formats read (the S3 Encryption Client's keys, suffix, options). */
export interface FormatSettings {
  readonly s3ec: S3ecSettings;
}

/** Another object of the same bucket, read by a format during detection (an instruction file). */
export interface RelatedObject {
  /** User metadata as S3 returned it (keys without the `x-amz-meta-` prefix). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The body, at most the `maxBytes` asked for (a longer object is an error, not a cut). */
  readonly body: Buffer;
}

/** What a format sees when asked whether an object is one of its own. */
export interface FormatProbe {
  readonly bucket: string;
  readonly key: string;
  /** User metadata of the object (S3's `Metadata`: keys without `x-amz-meta-`, lower case). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Size of the stored object in bytes, as the server claims it (already bounded by S3's 5 TiB). */
  readonly storedSize: number;
  /** The stored bytes from offset 0 fetched so far (never more than `storedSize`). */
  readonly head: Buffer;
  /**
   * The caller's data-key cap: a format whose header lists wrapped data keys refuses more than
   * this while parsing (FormatError ERR_S3ENC_TOO_MANY_DATA_KEYS), before reading them all.
   */
  readonly maxEncryptedDataKeys: number;
  /**
   * Reads another object of the same bucket (e.g. `<key>.instruction`), pinned to nothing,
   * through the same TLS client and SSE-C key. Resolves undefined when it does not exist;
   * throws S3RequestError, or S3RequestError ERR_S3ENC_BAD_RESPONSE when its body exceeds
   * `maxBytes`.
   */
  readRelated(key: string, maxBytes: number): Promise<RelatedObject | undefined>;
  readonly settings: FormatSettings;
  readonly signal: AbortSignal | undefined;
}

/**
 * A format's answer to a probe:
 * - `no`: not this format (the engine asks the next one, then treats the object as plaintext);
 * - `more`: maybe — call again with at least `bytes` bytes from offset 0 (must be more than
 *   `probe.head.length` and at most `limits.maxHeaderBytes`; the engine refuses anything else);
 * - `yes`: this format; `object` describes and reads it.
 */
export type Detection =
  | { readonly kind: 'no' }
  | { readonly kind: 'more'; readonly bytes: number }
  | { readonly kind: 'yes'; readonly object: DetectedObject };

/** What a format can do: the engine checks these before planning anything. */
export interface FormatLimits {
  /** A plaintext byte range can be authenticated without reading the whole object. */
  readonly ranges: boolean;
  /** Ranges may be fetched and opened in parallel (implies `ranges`). */
  readonly parallel: boolean;
  /** Largest stored object the format can describe (at most S3's 5 TiB). */
  readonly maxStoredSize: number;
  /** Bytes from offset 0 detection may ask for, at most. */
  readonly maxHeaderBytes: number;
  /** Why a range cannot be read (`ranges: false`), for the refusal's message. */
  readonly wholeBodyReason?: string | undefined;
}

/** Decryption settings the caller chose (or the client's defaults). */
export interface DecryptPolicy {
  readonly keyring: Keyring;
  readonly requiredEncryptionContext: EncryptionContext | undefined;
  readonly commitmentPolicy: CommitmentPolicy | undefined;
  readonly maxEncryptedDataKeys: number | undefined;
  /** The client's data-key cache, when it has one (off by default). */
  readonly dataKeyCache?: DataKeyCache | undefined;
  readonly settings: FormatSettings;
}

/** Reads stored bytes for a format: exactly [start, end) of the object it was detected on. */
export interface CiphertextReader {
  /** Bytes [0, head.length), already fetched during detection. */
  readonly head: Buffer;
  /**
   * Fetches [start, end) of the same object (pinned to its version and ETag): exactly that
   * many bytes or a typed error (IntegrityError ERR_S3ENC_TRUNCATED when the object ends
   * early, S3RequestError ERR_S3ENC_BAD_RESPONSE when the server sends more).
   */
  fetch(start: number, end: number, signal: AbortSignal | undefined): Promise<Buffer[]>;
}

/** What `prepareRead` gets. */
export interface ReadRequest {
  readonly policy: DecryptPolicy;
  /** Plaintext bytes [start, end) wanted, or undefined for all. Never set for a format whose limits say `ranges: false` (the engine refuses first). */
  readonly range: ByteRange | undefined;
  /** Target stored bytes per ranged GET. */
  readonly chunkSize: number;
  readonly reader: CiphertextReader;
  readonly signal: AbortSignal | undefined;
}

/** Plaintext bytes at their offset in the object's plaintext. */
export interface Piece {
  offset: number;
  data: Buffer;
}

/** What every prepared read has. */
interface FormatReadBase {
  /** The AWS Encryption SDK header, for `GetResult.header` (undefined for other formats). */
  readonly header: HeaderInfo | undefined;
  readonly plaintextSize: number;
  /** The plaintext range delivered. */
  readonly range: ByteRange;
  /** Key ids that unwrapped (or may unwrap) the data key: for events, never key bytes. */
  readonly keyIds: readonly string[];
  /** Drops the data key. Idempotent; the engine calls it on every path. */
  close(): void;
}

/** A stored byte range to fetch, then open as one unit. */
export interface StoredRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A read the engine runs as ranged GETs, in parallel when `limits.parallel`. The plan is
 * lazy: `rangeAt(i)` computes range i on demand (O(1)), so a huge object never builds a huge
 * array.
 */
export interface RangedRead extends FormatReadBase {
  readonly kind: 'ranged';
  /** Number of ranges (bounded by the format's frame-count limit). */
  readonly rangeCount: number;
  /** Range i, 0 ≤ i < rangeCount. */
  rangeAt(i: number): StoredRange;
  /**
   * Authenticates and decrypts the bytes of range i (exactly `rangeAt(i)`), and returns the
   * plaintext inside `range`, in order. Throws IntegrityError, with any plaintext it produced
   * wiped, when any byte fails (including the format's end-of-object rules).
   */
  open(i: number, bytes: readonly Buffer[]): Piece[];
  /**
   * What worker threads need to read the ranges themselves (workers/get-file.ts): the layout
   * and the frame key handoff. Absent for formats and suites whose frames workers cannot open.
   */
  readonly frames?: RangedFrames | undefined;
}

/** A framed message's layout, checked against its stored size (aws-encryption-sdk/layout.ts). */
export interface FrameLayout {
  readonly frameLength: number;
  readonly headerLength: number;
  /** Bytes of header and frames (for a signed message, without the footer). */
  readonly bodySize: number;
  readonly plaintextSize: number;
  readonly regularFrames: number;
  /** Sequence number of the final frame. */
  readonly finalSeq: number;
}

/** The frame layout of a ranged read and its key handoff, for worker threads. */
export interface RangedFrames {
  readonly layout: FrameLayout;
  /** The frame key handoff, or undefined when the session's suite cannot hand off. */
  readonly handoff: () => FrameKeyHandoff | undefined;
}

/**
 * A read of a format authenticated only as a whole (a signature over the message, one GCM
 * tag over the object). `plaintext()` yields plaintext in order BEFORE it is authenticated;
 * the iterator finishing without an error is the authentication. The engine therefore never
 * releases these bytes as they come: it holds them in memory (get, up to a cap) or writes
 * them to a private temporary file (getToFile) and releases or renames only after the end,
 * wiping them on failure.
 */
export interface WholeBodyRead extends FormatReadBase {
  readonly kind: 'whole';
  plaintext(): AsyncIterable<Buffer>;
}

export type FormatRead = RangedRead | WholeBodyRead;

/** An object a format recognised. Made without any key; no KMS call. */
export interface DetectedObject {
  /** The format's name, as in `EnvelopeDescription.format`. */
  readonly format: string;
  readonly limits: FormatLimits;
  /**
   * Plaintext size without any key, when the format can say it from what detection read
   * (the engine uses it for caps checked before any key use). May fetch (signed footers).
   */
  plaintextSize(reader: CiphertextReader, signal: AbortSignal | undefined): Promise<number>;
  /** What `head` reports: the envelope, without unwrapping any key. */
  describe(reader: CiphertextReader, signal: AbortSignal | undefined): Promise<EnvelopeDescription>;
  /**
   * Unwraps the data key and plans the read. Resolves once the key is unwrapped and the
   * header authenticated (a wrong key or context rejects here, not later in the body).
   * Throws InvalidArgumentError ERR_S3ENC_INVALID_RANGE for a range outside the plaintext.
   */
  prepareRead(request: ReadRequest): Promise<FormatRead>;
}

/** A format the engine can read. */
export interface ObjectFormat {
  /** Stable name, e.g. `aws-encryption-sdk`. */
  readonly name: string;
  /**
   * Whether the object is in this format, from its metadata and/or first bytes. Called again
   * with more bytes after a `more` answer. Throws FormatError only when the object claims to
   * be of this format (a marker, metadata keys) and is malformed.
   */
  detect(probe: FormatProbe): Promise<Detection>;
}
