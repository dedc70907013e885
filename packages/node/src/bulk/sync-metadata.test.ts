import { describe, expect, it } from 'vitest';
import type { ClientContext } from '../context.js';
import { resolvePutSettings } from '../transfer/upload/put-options.js';
import { syncMetadata, syncStateOf } from './sync-metadata.js';

const ctx = {
  defaults: {
    concurrency: 4,
    partSize: 8 * 1024 * 1024,
    downloadChunkSize: 8 * 1024 * 1024,
    checksumAlgorithm: 'CRC32C',
  },
} as unknown as ClientContext;

describe('sync metadata', () => {
  it('round-trips and refuses malformed values', () => {
    expect(syncStateOf(syncMetadata({ size: 0, mtimeMs: 1_700_000_000_123 }))).toEqual({
      size: 0,
      mtimeMs: 1_700_000_000_123,
    });
    expect(syncStateOf({ 's3enc-sync-size': '-1', 's3enc-sync-mtime': '5' })).toBeUndefined();
    expect(syncStateOf({ 's3enc-sync-size': '1e3', 's3enc-sync-mtime': '5' })).toBeUndefined();
    expect(syncStateOf({ 's3enc-sync-size': '1' })).toBeUndefined();
    expect(syncStateOf(undefined)).toBeUndefined();
  });

  it('put accepts the sync keys but still refuses the format marker', () => {
    const s = resolvePutSettings(ctx, 'b', 'k', {
      metadata: syncMetadata({ size: 1, mtimeMs: 2 }),
    });
    expect(s.metadata).toEqual({ 's3enc-sync-mtime': '2', 's3enc-sync-size': '1' });
    expect(() =>
      resolvePutSettings(ctx, 'b', 'k', { metadata: { 's3enc-format': 'forged' } }),
    ).toThrow(/belongs to an encryption format/);
  });
});
