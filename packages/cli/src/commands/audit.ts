import type { CommandContext } from '../command.js';
import { S3EncError } from '@s3enc/core';

export function run(_ctx: CommandContext): Promise<number | undefined> {
  return Promise.reject(
    new S3EncError('ERR_S3ENC_CLI_NOT_AVAILABLE', 'audit is not available in this build yet'),
  );
}
