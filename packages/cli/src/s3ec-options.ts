/** The S3 Encryption Client flags of get and convert, as library options. */
import { readFile } from 'node:fs/promises';
import type { S3ecOptions } from '@s3enc/node';
import { boolOpt, stringOpt, type ParsedValues } from './args.js';
import { LocalFileError } from './cli-errors.js';

export async function s3ecOptionsOf(v: ParsedValues): Promise<Omit<S3ecOptions, 'aesKey'>> {
  const suffix = stringOpt(v, 'instruction-file-suffix');
  const rsaPath = stringOpt(v, 'rsa-private-key');
  let rsaPrivateKey: string | undefined;
  if (rsaPath !== undefined) {
    try {
      rsaPrivateKey = await readFile(rsaPath, 'utf8');
    } catch (e) {
      throw new LocalFileError(
        'ERR_S3ENC_CLI_FILE',
        `cannot read --rsa-private-key ${rsaPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        { cause: e },
      );
    }
  }
  return {
    ...(suffix !== undefined ? { instructionFileSuffix: suffix } : {}),
    ...(rsaPrivateKey !== undefined ? { rsaPrivateKey } : {}),
    ...(boolOpt(v, 'allow-unauthenticated-legacy-content')
      ? { allowUnauthenticatedLegacyContent: true }
      : {}),
    ...(boolOpt(v, 'allow-legacy-key-wrapping') ? { allowLegacyKeyWrapping: true } : {}),
  };
}
