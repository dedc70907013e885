import type { CommandContext } from '../command.js';
import { S3EncError } from '@s3enc/core';

export async function run(_ctx: CommandContext): Promise<number | undefined> {
  throw new S3EncError('ERR_S3ENC_CLI_NOT_AVAILABLE', 'rm is not available in this build yet');
}
