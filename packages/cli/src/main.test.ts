import { describe, expect, it } from 'vitest';
import { run } from './main.js';
import { memoryIo } from './test-io.js';

describe('run (in process)', () => {
  it('prints help to stdout and exits 0 with --help', async () => {
    const io = memoryIo();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: s3enc <command>/);
    expect(io.out()).toMatch(/keygen/);
  });
  it('exits 2 with usage on stderr when no command is given', async () => {
    const io = memoryIo();
    expect(await run([], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/Commands:/);
  });
  it('prints command help', async () => {
    const io = memoryIo();
    expect(await run(['put', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/s3enc put <file\|->/);
    expect(io.out()).toMatch(/--kms-key-id/);
  });
  it('exits 2 on an unknown command, naming it', async () => {
    const io = memoryIo();
    expect(await run(['putt', 'x'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command "putt"/);
    expect(io.err()).not.toMatch(/at .*\.ts:\d+/); // no stack without --debug
  });
  it('exits 2 on a wrong number of arguments', async () => {
    const io = memoryIo();
    expect(await run(['get'], io)).toBe(2);
    expect(io.err()).toMatch(/missing arguments; usage: s3enc get/);
    const io2 = memoryIo();
    expect(await run(['head', 's3://b/k', 'extra'], io2)).toBe(2);
    expect(io2.err()).toMatch(/unexpected argument "extra"/);
  });
  it('prints errors as one JSON document with --json', async () => {
    const io = memoryIo();
    expect(await run(['get', '--json', '--nope'], io)).toBe(2);
    const doc = JSON.parse(io.out()) as { ok: boolean; error: { code: string; exitCode: number } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'ERR_S3ENC_CLI_USAGE', exitCode: 2 } });
  });
  it('prints a stack trace only with --debug', async () => {
    const io = memoryIo();
    await run(['head', '--nope', '--debug'], io);
    expect(io.err()).toMatch(/UsageError/);
    expect(io.err()).toMatch(/\n\s+at /);
  });
  it('uses no colour when NO_COLOR is set, even on a TTY', async () => {
    const io = memoryIo({ env: { NO_COLOR: '1' }, stderrTTY: true });
    await run(['putt'], io);
    expect(io.err()).not.toContain('\u001b[');
    const io2 = memoryIo({ env: {}, stderrTTY: true });
    await run(['putt'], io2);
    expect(io2.err()).toContain('\u001b[31m');
    const io3 = memoryIo({ env: { CI: 'true' }, stderrTTY: true });
    await run(['putt'], io3);
    expect(io3.err()).not.toContain('\u001b[');
  });
  it('prints the version', async () => {
    const io = memoryIo();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
