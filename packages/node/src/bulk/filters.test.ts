import { describe, expect, it } from 'vitest';
import { PathFilters, patternToRegExp } from './filters.js';

describe('patternToRegExp (the AWS CLI fnmatch syntax)', () => {
  it.each([
    ['*.txt', 'a.txt', true],
    ['*.txt', 'dir/a.txt', true], // * crosses /
    ['*.txt', 'a.txt.bak', false],
    ['logs/?.log', 'logs/1.log', true],
    ['logs/?.log', 'logs/12.log', false],
    ['[ab]*', 'b-file', true],
    ['[!ab]*', 'b-file', false],
    ['[!ab]*', 'c-file', true],
    ['a.b', 'aXb', false], // . is literal
    ['(x)+', '(x)+', true],
    ['with space/*', 'with space/ünï.txt', true],
    ['[unclosed', '[unclosed', true],
    ['**', 'deep/er/file', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(patternToRegExp(pattern).test(path)).toBe(expected);
  });

  it('refuses an over-long pattern', () => {
    expect(() => patternToRegExp('a'.repeat(2000))).toThrow(/at most/);
  });
});

describe('PathFilters: in order, the last match wins', () => {
  it('includes everything without filters', () => {
    expect(new PathFilters().included('anything')).toBe(true);
  });
  it('exclude then include takes a path back', () => {
    const f = new PathFilters([
      { type: 'exclude', pattern: '*' },
      { type: 'include', pattern: '*.txt' },
    ]);
    expect(f.included('a.txt')).toBe(true);
    expect(f.included('a.bin')).toBe(false);
  });
  it('include then exclude leaves it out (order matters)', () => {
    const f = new PathFilters([
      { type: 'include', pattern: '*.txt' },
      { type: 'exclude', pattern: '*' },
    ]);
    expect(f.included('a.txt')).toBe(false);
  });
});
