// Preloaded (`node -r`) into a child the hostile tests spawn: on exit, writes the process's
// peak resident set size (bytes) to the file named by S3ENC_TEST_MAX_RSS_FILE. A child that
// crashes (out of memory, killed) writes nothing, which the tests treat as a failure.
'use strict';
const { writeFileSync } = require('node:fs');
const file = process.env.S3ENC_TEST_MAX_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
