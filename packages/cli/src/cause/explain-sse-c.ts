/** SSE-C causes: an object stored with a customer key read without it, or with another key. */
import { ExitCode } from '../exit-codes.js';
import type { RunFacts } from '../run-facts.js';
import { httpStatusOf, messageOf, operationOf, type ErrorFields } from './error-chain.js';
import type { Explanation } from './explanation.js';

/** Commands whose failing request, when it names no operation, reads an existing object. */
const READ_COMMANDS: ReadonlySet<string> = new Set(['get', 'head']);

const SSE_C_REQUIRED_TEXT =
  /Server Side Encryption|correct parameters must be provided|requires? .*customer/i;
const SSE_C_MISMATCH_TEXT = /MD5 hash of the key|key did not match|customer.?(provided)?.?key/i;

export function explainSseC(links: ErrorFields[], f: RunFacts): Explanation | undefined {
  const status = httpStatusOf(links);
  const op = operationOf(links);
  // Only reads of a stored object can lack its SSE-C key; a put's 400 (a refused part) is not it.
  const reads =
    op !== undefined
      ? op === 'GetObject' || op === 'HeadObject'
      : READ_COMMANDS.has(f.command ?? '');
  if (!reads) return undefined;
  const texts = links.map((l) => messageOf(l)).join(' | ');
  const t = f.target;
  const where = t === undefined ? 'the object' : `s3://${t.bucket}/${t.key}`;
  if (
    f.sseCKey !== true &&
    status === 400 &&
    (SSE_C_REQUIRED_TEXT.test(texts) ||
      op === 'HeadObject' ||
      /InvalidRequest|BadRequest/.test(texts))
  ) {
    return {
      code: 'ERR_S3ENC_CLI_SSE_C_KEY_REQUIRED',
      exitCode: ExitCode.ACCESS,
      message: `${where} is stored with SSE-C (a customer-provided key) and no key was given`,
      hint: 'Pass the key it was stored with: --sse-c-key fileb://FILE (or file://FILE).',
      cause: { kind: 'sse-c-key-required', service: 'S3', detail: texts.slice(0, 300) },
    };
  }
  if (
    f.sseCKey === true &&
    (status === 400 || status === 403) &&
    (SSE_C_MISMATCH_TEXT.test(texts) ||
      status === 403 ||
      /InvalidRequest|BadRequest|InvalidArgument/.test(texts))
  ) {
    return {
      code: 'ERR_S3ENC_CLI_SSE_C_KEY_MISMATCH',
      exitCode: ExitCode.ACCESS,
      message: `the SSE-C key given with --sse-c-key is not the key ${where} was stored with (or the object has no SSE-C)`,
      hint: 'Give the key the object was stored with; `s3enc head` shows whether it uses SSE-C.',
      cause: { kind: 'sse-c-key-mismatch', service: 'S3', detail: texts.slice(0, 300) },
    };
  }
  return undefined;
}
