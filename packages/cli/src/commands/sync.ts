/** `s3enc sync SRC DST`: as `aws s3 sync`, encrypted (docs/cli.md, "sync"). */
import { runBulk } from '../bulk-run.js';
import type { CommandContext } from '../command.js';

export function run(ctx: CommandContext): Promise<number | undefined> {
  return runBulk(ctx, 'sync');
}
