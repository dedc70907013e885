import { describe, expect, it } from 'vitest';
import {
  findCommand,
  parseCommandLine,
  parseContext,
  parsePositiveInt,
  parseSize,
} from './args.js';
import { UsageError } from './cli-errors.js';
import { allCommandOptions, findSpec } from './commands.js';

const all = allCommandOptions();

describe('findCommand', () => {
  it('skips the values of global options before the command', () => {
    expect(
      findCommand(['--profile', 'dev', '--region', 'eu-west-1', 'put', 'a', 's3://b/k'], all),
    ).toEqual({
      command: 'put',
      rest: ['--profile', 'dev', '--region', 'eu-west-1', 'a', 's3://b/k'],
    });
  });
  it('skips the values of command options placed first', () => {
    expect(findCommand(['--kms-key-id', 'alias/x', 'put', 'f', 's3://b/k'], all).command).toBe(
      'put',
    );
  });
  it('treats - as a positional and stops at --', () => {
    expect(findCommand(['put', '-', 's3://b/k'], all).rest).toEqual(['-', 's3://b/k']);
    expect(findCommand(['--', 'put'], all).command).toBeUndefined();
  });
});

describe('parseCommandLine', () => {
  const put = findSpec('put')!;
  it('collects repeatable options in order', () => {
    const p = parseCommandLine(
      [
        'put',
        'f',
        's3://b/k',
        '--kms-key-id',
        'k1',
        '--kms-key-id',
        'k2',
        '--context',
        'a=1',
        '--context',
        'b=2=3',
        '--json',
      ],
      put.options,
      all,
    );
    expect(p.command).toBe('put');
    expect(p.positionals).toEqual(['f', 's3://b/k']);
    expect(p.values['kms-key-id']).toEqual(['k1', 'k2']);
    expect(p.values.context).toEqual(['a=1', 'b=2=3']);
    expect(p.global.json).toBe(true);
  });
  it('reads global options anywhere', () => {
    const p = parseCommandLine(
      ['get', 's3://b/k', '--endpoint-url', 'https://x:9000', '-q', '--ca-bundle', 'ca.pem'],
      findSpec('get')!.options,
      all,
    );
    expect(p.global).toMatchObject({
      endpointUrl: 'https://x:9000',
      quiet: true,
      caBundle: 'ca.pem',
    });
  });
  it('rejects an option of another command as a usage error', () => {
    expect(() =>
      parseCommandLine(
        ['head', 's3://b/k', '--range', 'bytes=0-1'],
        findSpec('head')!.options,
        all,
      ),
    ).toThrow(UsageError);
  });
  it('rejects an unknown option and a missing value', () => {
    expect(() => parseCommandLine(['put', '--frobnicate'], put.options, all)).toThrow(/frobnicate/);
    expect(() =>
      parseCommandLine(['put', 'f', 's3://b/k', '--kms-key-id'], put.options, all),
    ).toThrow(UsageError);
  });
});

describe('value parsers', () => {
  it('parses sizes with binary units', () => {
    expect(parseSize('part-size', '8MiB')).toBe(8 * 1024 * 1024);
    expect(parseSize('frame-size', '65536')).toBe(65536);
    expect(parseSize('frame-size', '64k')).toBe(65536);
    expect(parseSize('part-size', '1g')).toBe(1024 ** 3);
    expect(() => parseSize('part-size', '8 parsecs')).toThrow(UsageError);
    expect(() => parseSize('part-size', '0')).toThrow(UsageError);
    expect(() => parseSize('part-size', '1.5')).toThrow(UsageError);
  });
  it('parses positive integers only', () => {
    expect(parsePositiveInt('concurrency', '8')).toBe(8);
    for (const bad of ['0', '-1', '1.5', 'x', ''])
      expect(() => parsePositiveInt('concurrency', bad)).toThrow(UsageError);
  });
  it('parses --context pairs, keeping = in values', () => {
    expect(parseContext([])).toBeUndefined();
    expect(parseContext(['tenant=acme', 'purpose=a=b'])).toEqual({
      tenant: 'acme',
      purpose: 'a=b',
    });
    expect(parseContext(['empty='])).toEqual({ empty: '' });
    expect(() => parseContext(['novalue'])).toThrow(UsageError);
    expect(() => parseContext(['=x'])).toThrow(UsageError);
    expect(() => parseContext(['a=1', 'a=2'])).toThrow(/twice/);
    expect(() => parseContext(['aws-crypto-public-key=x'])).toThrow(/reserved/);
  });
});
