// Bad input, reported the way DESIGN asks: the file, the JSON path (and line where known)
// and what was expected, one screen, exit code 2 from the CLI, never a stack trace.
import { MAX_ECHO_CHARS } from './limits.js';

export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly expected: string,
    readonly line?: number,
    readonly more: readonly string[] = [],
  ) {
    // A command-line option (--seed) has no JSON path; a file's top level is named as such.
    const where = file.startsWith('--') && !path ? '' : ` ${path || '(top level)'}:`;
    // Escaped as a whole: a path or file name can hold a user's characters too.
    super(escapeControls(`${file}${line !== undefined ? `:${line}` : ''}:${where} ${expected}`));
    this.name = 'InputError';
  }

  /** The one-screen message the CLI prints. */
  render(): string {
    const head = `error: ${this.message}`;
    return [head, ...this.more.map((m) => `  also: ${escapeControls(m)}`)].join('\n');
  }
}

/** A file or folder refused as a whole (a golden, a folder of exports): no JSON path to name. */
export class PathError extends InputError {
  constructor(file: string, expected: string) {
    super(file, '', expected);
    this.message = escapeControls(`${file}: ${expected}`);
  }
}

/** A refused or failed output directory (`--out`): bad input too, exit 2. */
export class OutputDirError extends InputError {
  constructor(target: string, reason: string) {
    // Quoted, with control characters in the one escape form every message uses.
    super(`--out "${escapeControls(target).replaceAll('"', '\\"')}"`, '', reason);
  }
}

/** JSON pointer text for a path of keys and indices. */
export function pointer(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '' : '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/**
 * Characters that move or recolour a terminal's text: C0 controls, DEL, C1 controls (U+0080–U+009F;
 * U+009B alone starts an escape sequence on some terminals), line and paragraph separators, and the
 * bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text with every control character shown as its escape (`\x1b`, `\x7f`, `\u202e`), safe to print
 * to a terminal. A message line escapes newline and tab too (it stays one line); `keepLines`
 * leaves them, for text the CLI composed of several lines.
 */
export function escapeControls(text: string, opts: { keepLines?: boolean } = {}): string {
  return text.replace(opts.keepLines ? CONTROLS_BUT_LINES : CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Text cut to `max` characters with an ellipsis, never between the two halves of a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text[max - 2]!) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/**
 * A user's value as quoted in a message: JSON text (so control characters show as escapes),
 * cut to `max` characters, so a bad cell or a binary file never floods or drives the terminal.
 */
export function shown(value: unknown, max = MAX_ECHO_CHARS): string {
  return cut(escapeControls(value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value)), max);
}
