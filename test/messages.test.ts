// Users' values in messages (docs/input-limits.md): quoted as JSON, control characters escaped,
// cut to 60 characters, so a file's content never floods or drives the terminal.
import { describe, expect, it } from 'vitest';
import { InputError, shown } from '../sim/input-error.js';

describe('a value quoted in a message', () => {
  it('is JSON text: quotes, and control characters as escapes', () => {
    expect(shown('2024-13-01')).toBe('"2024-13-01"');
    expect(shown('\u001b[2J\r\n')).toBe('"\\u001b[2J\\r\\n"');
    expect(shown(12.5)).toBe('12.5');
    expect(shown(undefined)).toBe('nothing');
  });

  it('escapes what JSON leaves raw but a terminal obeys: DEL, C1 controls, bidirectional overrides', () => {
    expect(shown('a\u007fb\u009bc\u202ed')).toBe('"a\\x7fb\\x9bc\\u202ed"');
  });

  it('is cut to 60 characters, the last an ellipsis', () => {
    const s = shown('x'.repeat(500));
    expect(s).toBe(`"${'x'.repeat(58)}…`);
    expect(s.length).toBe(60);
    expect(shown('x'.repeat(58))).toBe(`"${'x'.repeat(58)}"`); // 60 with its quotes: not cut
  });

  it('never cuts an astral character in half', () => {
    const s = shown(`${'x'.repeat(57)}😀😀`);
    expect(s).toBe(`"${'x'.repeat(57)}…`);
  });
});

describe('an InputError', () => {
  it('escapes control characters in the file name and path it prints, and in its "also" lines', () => {
    const e = new InputError('a\u001b[31m.csv', '/x\u0007', 'expected y', 3, ['/z\u001b: w']);
    expect(e.render()).toBe('error: a\\x1b[31m.csv:3: /x\\x07: expected y\n  also: /z\\x1b: w');
  });
});
