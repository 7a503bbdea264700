// What reaches the user's terminal. Scenario names, ids, file paths and the values echoed in
// error messages come from files someone else may have written; a control character among them
// could clear the screen, retitle the window, hide text or reorder it (bidi overrides). So every
// string the CLI prints passes through one function at the `io` boundary, whoever composed it.

import { escapeControls as escapeLines } from '../sim/input-error.js';

/** How the CLI writes: a real process's streams, or strings a test collects. */
export interface Io {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  /** Prints the stack of an internal error (MAMLAB_DEBUG). */
  readonly debug?: boolean;
}

/** The text with each unsafe character shown as its escape (`\x1b`, `\u202e`); the CLI's own line breaks and tabs stay. */
export function escapeControls(text: string): string {
  return escapeLines(text, { keepLines: true });
}

/** The only way commands print: everything escaped. */
export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress is shown only there). */
  readonly interactive: boolean;
  /** Rewrites the current stderr line (a progress counter): the one carriage return the CLI writes itself. */
  progress(text: string): void;
}

export function terminal(io: Io): Terminal {
  return {
    out: (text) => void io.stdout.write(escapeControls(text)),
    err: (text) => void io.stderr.write(escapeControls(text)),
    interactive: Boolean(io.stderr.isTTY),
    progress: (text) => void io.stderr.write(`\r${escapeControls(text)}`),
  };
}
