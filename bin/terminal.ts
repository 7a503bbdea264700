// What reaches the user's terminal. Scenario names, ids, file paths and the values echoed in
// error messages come from files someone else may have written; a control character among them
// could clear the screen, retitle the window, hide text or reorder it (bidi overrides). So every
// string the CLI prints passes through one function at the `io` boundary, whoever composed it.

/** How the CLI writes: a real process's streams, or strings a test collects. */
export interface Io {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  /** Prints the stack of an internal error (MAMLAB_DEBUG). */
  readonly debug?: boolean;
}

/**
 * C0 controls except tab and newline, DEL, C1 controls (U+0080–U+009F; U+009B alone starts an
 * escape sequence on some terminals), and the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069).
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text with each unsafe character shown as its escape: `\x1b`, `\x7f`, `\u202e`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
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
