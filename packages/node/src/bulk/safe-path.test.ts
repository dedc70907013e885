import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localPathFor } from './safe-path.js';

describe('localPathFor: keys never leave the target directory', () => {
  const root = '/tmp/target';
  it.each(['../x', 'a/../../x', '/etc/passwd', 'a//b', './a', 'a/.', '', 'a\0b', '..'])(
    'refuses %j',
    (k) => {
      expect(localPathFor(root, k)).toBeUndefined();
    },
  );
  it('places nested, unicode and spaced names below the root', () => {
    expect(localPathFor(root, 'a/b c/日本.txt')).toBe(join(root, 'a', 'b c', '日本.txt'));
    expect(localPathFor(root, '..a/b..')).toBe(join(root, '..a', 'b..'));
  });
});
