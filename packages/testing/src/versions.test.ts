import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOCAL_KMS_VERSION, MINIO_VERSION, SERVERS_BUILD } from './versions.js';

// The kit cannot read scripts/versions.env once published, so it carries its own copy.
describe('pinned server versions', () => {
  it('equal scripts/versions.env, which the bootstrap builds from', () => {
    const text = readFileSync(new URL('../../../scripts/versions.env', import.meta.url), 'utf8');
    const pins = Object.fromEntries(
      text
        .split('\n')
        .map((l) => /^([A-Z0-9_]+)=(.*)$/.exec(l.trim()))
        .filter((m) => m !== null)
        .map((m) => [m[1], m[2]]),
    );
    expect({ MINIO_VERSION, LOCAL_KMS_VERSION, SERVERS_BUILD }).toEqual({
      MINIO_VERSION: pins.MINIO_VERSION,
      LOCAL_KMS_VERSION: pins.LOCAL_KMS_VERSION,
      SERVERS_BUILD: pins.SERVERS_BUILD,
    });
  });
});
