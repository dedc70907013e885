import { describe, expect, it } from 'vitest';
import { parseJsonStringMap } from '../../src/s3ec/json-map.js';

const bad = (t: string): void => {
  expect(() => parseJsonStringMap(t, 'x-amz-matdesc', 1000)).toThrow(
    expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_METADATA' }),
  );
};

describe('strict JSON string maps', () => {
  it('reads the Java and Python spellings alike', () => {
    const java = parseJsonStringMap('{"aws:x-amz-cek-alg":"115","a":"b"}', 'x', 1000);
    const python = parseJsonStringMap('{"a": "b", "aws:x-amz-cek-alg": "115"}', 'x', 1000);
    expect({ ...java }).toEqual({ ...python });
    expect({ ...parseJsonStringMap(' { } ', 'x', 10) }).toEqual({});
  });

  it('decodes escapes', () => {
    const m = parseJsonStringMap('{"k\\u00e9\\n":"\\"\\\\\\/"}', 'x', 1000);
    expect(m['ké\n']).toBe('"\\/');
  });

  it('refuses duplicates, non-strings, other JSON, trailing data and oversize text', () => {
    bad('{"a":"1","a":"2"}');
    bad('{"a":1}');
    bad('{"a":{"b":"c"}}');
    bad('{"a":null}');
    bad('["a"]');
    bad('"a"');
    bad('{"a":"b"} x');
    bad('{"a":"b",}');
    bad('{a:"b"}');
    bad('{"a":"\u0001"}');
    bad('{"a":"\\x"}');
    bad('');
    expect(() => parseJsonStringMap(`{"a":"${'x'.repeat(20)}"}`, 'x', 10)).toThrow(
      expect.objectContaining({ code: 'ERR_S3ENC_S3EC_BAD_METADATA' }),
    );
  });

  it('does not let a key reach the prototype', () => {
    const m = parseJsonStringMap('{"__proto__":"x","constructor":"y"}', 'x', 100);
    expect(Object.getPrototypeOf(m)).toBe(null);
    expect(m.__proto__).toBe('x');
  });
});
