// With options (a bucket with Object Lock made at start); without, it would be the one line
// `globalSetup: ['@s3enc/testing/vitest']` in vitest.config.ts.
import { vitestGlobalSetup } from '@s3enc/testing/vitest';

export default vitestGlobalSetup({ buckets: [{ name: 'consumer-vault', objectLock: true }] });
