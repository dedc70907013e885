/**
 * Text that came from an object or a server (encryption context, key ids, an S3 error code or
 * message) is escaped before it reaches a terminal: a control character could otherwise move
 * the cursor, rewrite earlier lines, set the window title or, on some terminals, answer back
 * into the input. `--json` output stays exact (JSON escapes these characters itself).
 */

// C0 controls, DEL, C1 controls, and the invisible formatting characters that reorder or hide
// text (bidi embeddings, overrides and isolates, the line and paragraph separators).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** `s` with every character a terminal would interpret written as a visible escape (`\x1b`, `\u202e`). */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff
      ? `\\x${n.toString(16).padStart(2, '0')}`
      : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}
