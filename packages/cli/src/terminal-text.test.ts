import { describe, expect, it } from 'vitest';
import { terminalSafe } from './terminal-text.js';

describe('terminalSafe', () => {
  it('writes control and formatting characters as visible escapes', () => {
    expect(terminalSafe('a\x1b[31mred\x1b]0;title\x07')).toBe('a\\x1b[31mred\\x1b]0;title\\x07');
    expect(terminalSafe('line\nnext\ttab\r')).toBe('line\\x0anext\\x09tab\\x0d');
    expect(terminalSafe('\x7f\x9b')).toBe('\\x7f\\x9b');
    expect(terminalSafe('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
  });
  it('leaves printable text, non-ASCII letters included, as it is', () => {
    for (const s of [
      'Project=Ärger',
      'arn:aws:kms:eu-west-1:111122223333:key/abc',
      '日本語 ✓',
      'a\\b',
    ])
      expect(terminalSafe(s)).toBe(s);
  });
});
