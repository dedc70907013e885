/** `s3enc cp --recursive SRC DST`: a directory or prefix at once (docs/cli.md, "cp"). */
import { boolOpt } from '../args.js';
import { runBulk } from '../bulk-run.js';
import { UsageError } from '../cli-errors.js';
import type { CommandContext } from '../command.js';

export function run(ctx: CommandContext): Promise<number | undefined> {
  if (!boolOpt(ctx.values, 'recursive'))
    throw new UsageError(
      'cp copies a directory or prefix with --recursive (one object: put / get)',
    );
  return runBulk(ctx, 'copy');
}
