// Facts about paths for output directories: where a path really leads (as the kernel walks it),
// what stands there, whether it is a mount point or writable, and operating-system errors said
// in words. Nothing here writes.
import { accessSync, constants, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { InputError, OutputDirError } from '../sim/input-error.js';

const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system', ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'no such file or folder', ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EXDEV: 'crosses file systems', EINVAL: 'not allowed here',
  EEXIST: 'already exists', ENOTEMPTY: 'not empty', EBUSY: 'busy (a mount point?)', ENAMETOOLONG: 'name too long', ELOOP: 'a loop of symbolic links', EISDIR: 'is a folder',
  ERR_FS_EISDIR: 'is a folder', EIO: 'input/output error',
};

/** An operating-system error, said in words with its code and the path it names. */
export function fsReason(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err?.code || !(e instanceof Error)) return undefined;
  return `${FS_REASONS[err.code] ?? 'file-system error'} (${err.code}${err.path ? `: ${err.path}` : ''})`;
}

export function fsTry<T>(target: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const reason = fsReason(e);
    if (reason === undefined || e instanceof InputError) throw e;
    throw new OutputDirError(target, `${what}: ${reason}`);
  }
}

/** lstat, or undefined when nothing is there (ENOTDIR: a file stands where a folder would be). */
export function statOf(p: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Whether `inner` is `outer` or lies inside it (both absolute and physical). */
export function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);
}

/**
 * The physical path `p` names, resolved the way the kernel walks it: component by component,
 * a symbolic link replaced by where it points (even a dangling one: its target is the path to
 * create), `..` going to the real parent of what precedes it. The part that does not exist
 * yet is appended as written.
 */
export function physicalPath(target: string, p: string, cwd: string, depth = 0): string {
  if (depth > 40) throw new OutputDirError(target, 'goes through a loop of symbolic links');
  const parts = (isAbsolute(p) ? p : `${cwd}${sep}${p}`).split(sep);
  let at: string = sep;
  const missing: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i]!;
    if (c === '' || c === '.') continue;
    if (missing.length) {
      if (c === '..') missing.pop();
      else missing.push(c);
      continue;
    }
    if (c === '..') {
      at = dirname(at);
      continue;
    }
    const next = join(at, c);
    const st = statOf(next);
    if (!st) missing.push(c);
    else if (st.isSymbolicLink()) {
      const link = readlinkSync(next);
      return physicalPath(target, [isAbsolute(link) ? link : join(at, link), ...parts.slice(i + 1)].join(sep), cwd, depth + 1);
    } else if (st.isDirectory()) at = next;
    else if (parts.slice(i + 1).some((x) => x !== '' && x !== '.')) throw new OutputDirError(target, `${next} is a file, not a folder`);
    else at = next;
  }
  return join(at, ...missing);
}

/** The nearest folder at or above `p` that exists. */
export function existingAncestor(p: string): string {
  let at = p;
  while (!statOf(at)) at = dirname(at);
  return at;
}

/** Whether `p` is a mount point: another device than its parent, or listed in the mount table (a bind mount of the same disk). */
export function isMountPoint(p: string): boolean {
  if (statSync(p).dev !== statSync(dirname(p)).dev) return true;
  let table: string;
  try {
    table = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return false; // not Linux: the device check above is all there is
  }
  // Field 5 is the mount point, with space, tab, newline and backslash written as octal escapes.
  const unescape = (x: string): string => x.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return table.split('\n').some((line) => line && unescape(line.split(' ')[4] ?? '') === p);
}

export function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
