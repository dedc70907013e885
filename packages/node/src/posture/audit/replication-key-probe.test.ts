// Which ARN the replicas check describes in a destination Region, and what it makes of the
// answers (a scripted KMS client: this is about request construction and classification).
import type { KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { keyArnIn, probeDestinationKeys } from './replication-key-probe.js';

const A = '111122223333';
const MRK = `arn:aws:kms:us-east-1:${A}:key/mrk-0123456789abcdef0123456789abcdef`;
const EAST = `arn:aws:kms:us-east-1:${A}:key/7c2e4a6b-8d0f-4e1a-9b3c-5d7e9f1a3b04`;
const WEST = `arn:aws:kms:us-west-2:${A}:key/1b2c3d4e-0000-4e1a-9b3c-5d7e9f1a3b04`;

describe('replication key probe', () => {
  it('a multi-Region key as its replica in the Region; a key of the Region as is; others none', () => {
    expect(keyArnIn(MRK, 'us-west-2')).toBe(MRK.replace('us-east-1', 'us-west-2'));
    expect(keyArnIn(WEST, 'us-west-2')).toBe(WEST);
    expect(keyArnIn(EAST, 'us-west-2')).toBeUndefined();
    expect(keyArnIn('raw-key-name', 'us-west-2')).toBeUndefined();
  });

  it('describes each needed key once, under the rules’ prefixes, and classifies the answers', async () => {
    const asked: string[] = [];
    const kms = {
      send: (cmd: { input: { KeyId: string } }) => {
        asked.push(cmd.input.KeyId);
        if (cmd.input.KeyId === WEST)
          return Promise.resolve({ KeyMetadata: { KeyState: 'PendingDeletion' } });
        if (cmd.input.KeyId.includes('mrk-'))
          return Promise.reject(Object.assign(new Error('x'), { name: 'NotFoundException' }));
        return Promise.reject(Object.assign(new Error('x'), { name: 'ThrottlingException' }));
      },
    } as unknown as KMSClient;
    const probes = await probeDestinationKeys(
      [
        { region: 'us-west-2', prefixes: ['a/'] },
        { region: 'eu-west-1', prefixes: [''] },
        { region: undefined, prefixes: [''] },
      ],
      [
        { key: 'a/1', kind: 's3enc', keyIds: [MRK, WEST] },
        { key: 'a/2', kind: 's3enc', keyIds: [MRK, EAST] },
        { key: 'b/1', kind: 's3enc', keyIds: [`arn:aws:kms:us-west-2:${A}:key/other`] },
        { key: 'a/3', kind: 'plaintext' },
      ],
      (region) => (region === 'us-west-2' ? kms : false),
    );
    expect(asked.sort()).toEqual([MRK.replace('us-east-1', 'us-west-2'), WEST].sort());
    expect(probes).toEqual(
      expect.arrayContaining([
        { region: 'us-west-2', arn: WEST, state: 'PendingDeletion' },
        { region: 'us-west-2', arn: MRK.replace('us-east-1', 'us-west-2'), state: 'not-found' },
      ]),
    );
    expect(probes).toHaveLength(2);
  });
});
