/**
 * The library's messages are written for its callers and may name its functions and options
 * (`putLegalHold({ legalHold: false })`, `bypassGovernanceRetention: true`). The CLI prints
 * them without those clauses; the hint of the code (error-report.ts) names the command and
 * flag instead.
 */

/** A clause that names a library call or option: `name(`, `name: true|false`, or a known function. */
const LIBRARY_CLAUSE =
  /\b[a-z]+[A-Z][A-Za-z]*\s*(?:\(|:\s*(?:true|false)\b)|\b(?:extendRetention|putRetention|removeRetention|putLegalHold|enableVersioning|hardenBucket|buildBucketPolicy|createObjectLockBucket|putBucketDefaultRetention|getToFile|bypassGovernanceRetention|acknowledgeComplianceIsIrreversible|trustAnyKmsKeyForDecryption|maxSignedPlaintextInMemory)\b/;

/** Library function and option names a CLI message or help text must not contain. */
export const LIBRARY_NAMES = LIBRARY_CLAUSE;

/**
 * The message without its clauses that name library calls. Clauses end at `. `, `; `, `: `
 * or an opening parenthesis; the first clause is always kept (it says what happened).
 */
export function cliMessage(code: string, message: string): string {
  if (!LIBRARY_CLAUSE.test(message)) return message;
  const parts = message.split(/(?<=[.;:])\s+|\s+(?=\()/);
  const kept: string[] = [];
  for (const [i, p] of parts.entries()) {
    if (i > 0 && LIBRARY_CLAUSE.test(p)) break;
    kept.push(p);
  }
  const text = kept.join(' ').replace(/[\s.;:,]+$/, '');
  return text === '' ? code : text;
}
