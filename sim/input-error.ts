// Bad input, reported the way DESIGN asks: the file, the JSON path (and line where known)
// and what was expected, one screen, exit code 2 from the CLI, never a stack trace.
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
    super(`${file}${line !== undefined ? `:${line}` : ''}:${where} ${expected}`);
    this.name = 'InputError';
  }

  /** The one-screen message the CLI prints. */
  render(): string {
    const head = `error: ${this.message}`;
    return [head, ...this.more.map((m) => `  also: ${m}`)].join('\n');
  }
}

/** A refused or failed output directory (`--out`): bad input too, exit 2. */
export class OutputDirError extends InputError {
  constructor(target: string, reason: string) {
    super(`--out ${JSON.stringify(target)}`, '', reason);
  }
}

/** JSON pointer text for a path of keys and indices. */
export function pointer(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '' : '/' + path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}
