/**
 * A strict reader for the flat JSON objects of the S3EC formats (material descriptions, KMS
 * encryption contexts, instruction files): an object of string keys to string values, no
 * duplicate keys, bounded size. Written by hand because `JSON.parse` keeps the last of two
 * duplicate keys silently, and two readers that disagree on a duplicate are a tampering
 * channel. Whitespace and escapes are those of RFC 8259.
 */
import { badMetadata } from './errors.js';

/**
 * Parses `text` as a JSON object whose values are all strings. Returns a null-prototype
 * record. Throws FormatError (ERR_S3ENC_S3EC_BAD_METADATA) naming `what` for anything else:
 * not JSON, another JSON type, a non-string value, a duplicate key, more than `maxLength`
 * characters.
 */
export function parseJsonStringMap(
  text: string,
  what: string,
  maxLength: number,
): Record<string, string> {
  if (typeof text !== 'string') throw badMetadata(`${what} is not text`);
  if (text.length > maxLength) throw badMetadata(`${what} is longer than ${maxLength} characters`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 0;
  const fail = (why: string): never => {
    throw badMetadata(`${what} is not a JSON object of strings (${why} at offset ${i})`);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const str = (): string => {
    if (text[i] !== '"') fail('expected a string');
    i++;
    let s = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return s;
      }
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        s += String.fromCharCode(c);
        i++;
        continue;
      }
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"':
          s += '"';
          break;
        case '\\':
          s += '\\';
          break;
        case '/':
          s += '/';
          break;
        case 'b':
          s += '\b';
          break;
        case 'f':
          s += '\f';
          break;
        case 'n':
          s += '\n';
          break;
        case 'r':
          s += '\r';
          break;
        case 't':
          s += '\t';
          break;
        case 'u': {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          s += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          fail('bad escape');
      }
    }
  };
  ws();
  if (text[i] !== '{') fail('expected {');
  i++;
  ws();
  if (text[i] === '}') {
    i++;
  } else {
    for (;;) {
      ws();
      const k = str();
      ws();
      if (text[i] !== ':') fail('expected :');
      i++;
      ws();
      const v = str();
      if (Object.hasOwn(out, k)) fail(`duplicate key "${k}"`);
      out[k] = v;
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        break;
      }
      fail('expected , or }');
    }
  }
  ws();
  if (i !== text.length) fail('data after the object');
  return out;
}

/** Serialises a string map as compact JSON, keys in the order given (as the Java client does). */
export function stringifyJsonStringMap(map: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(map)));
}
