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

/** JSON pointer text for a path of keys and indices. */
export function pointer(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '' : '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** Characters that move or recolour a terminal's text: C0 controls (newline and tab too: a message is one line), DEL, C1 controls, line and paragraph separators, bidirectional overrides. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text with every control character written as a \uXXXX escape, safe to print to a terminal. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
