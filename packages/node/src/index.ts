export {};
export * from './transport/tls-policy.js';
export * from './transport/undici-handler.js';
export * from './transport/node-https-handler.js';
export * from './transport/routing-handler.js';
export * from './transport/client-config.js';
export * from './transport/https-only.js';
export * from './object-lock/index.js';
export * from './client.js';
export type { PutSource, FileSource } from './sources.js';
export type { TransferProgress, ProgressListener } from './context.js';
export type { PutOptions, PutResult } from './upload.js';
export type { GetOptions, ReadOptions, ObjectFacts } from './download.js';
export { describeObject, type HeadResult, type EnvelopeDescription } from './head.js';
export { SseCustomerKey, type ServerSideEncryption, type SseCustomerKeyInput } from './sse.js';
export { MARKER_FORMAT_KEY, MARKER_VERSION_KEY, MARKER_FORMAT, MARKER_VERSION } from './marker.js';
export {
  MIN_PART_SIZE,
  MAX_PARTS,
  DEFAULT_PART_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_DOWNLOAD_CHUNK_SIZE,
} from './context.js';
export * from './object-checksum.js';
export * from './posture/index.js';
