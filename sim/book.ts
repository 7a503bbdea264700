// A broker's book (DOMAIN §12): several managers' programs in one scenario file, on the same
// prices. The file is a scenario whose `programs` list holds what is each program's own (its
// `program`, investors, flows, orders or strategy); the top level holds what is broker-wide
// (prices, instruments, stress, rebate plans and IBs, the calendar) and the defaults of
// `policies`, `costs` and `risk`, which a program's own deep-merge over. Each program is read as
// the scenario it amounts to, through the same reader as any scenario (sim/scenario.ts), so every
// rule and message is the one a single program gets; a message names the path in the book.
import { createHash } from 'node:crypto';
import { InputError, pointer } from './input-error.js';
import { checkDataDirs } from './input-files.js';
import type { Json, Obj } from './reader.js';
import { type LoadOptions, type PriceBlock, type Scenario, claimVariantName, deepMerge, mergeVariant, readScenario, readScenarioFile } from './scenario.js';
import { schemaError, schemaDefinition as validateSchemaOf, validate } from './scenario-schema.js';
import { type BookAdmin, feeChanges, readAdmin } from './book-admin.js';
import { type Parsed, parseText } from './scenario-text.js';

export const NETTING_POLICIES = ['broker-wide', 'per-program'] as const;
export type Netting = (typeof NETTING_POLICIES)[number];

export interface BookProgram {
  readonly id: string;
  readonly name: string;
  /** The program as the scenario it amounts to: the book's broker-wide fields with the program's own. */
  readonly scenario: Scenario;
}

export interface Book {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  /** DOMAIN §12: one external order per instrument and instant for the whole book, or each program's own. */
  readonly netting: Netting;
  readonly programs: readonly BookProgram[];
  /** SHA-256 of the netting policy and every program's scenario hash. */
  readonly hash: string;
  /** Absolute real paths of every file the load read. */
  readonly inputs: readonly string[];
  /** Accounts outside the programs and the admin operations on them and on the programs (sim/book-admin.ts). */
  readonly admin: BookAdmin;
  /** The file as written, defaults filled in per program: what the run echoes (each program's own under programs/). */
  readonly normalized: Obj;
}

/** What only a program has: refused at the top level of a book, with where it goes instead. */
const PROGRAM_ONLY = ['program', 'investors', 'flows', 'orders', 'strategy'] as const;
/** Top-level fields a book does not take yet (docs/book.md, "Not yet"). */
const NOT_IN_BOOK: Readonly<Record<string, string>> = {
  clients: "self-trading clients are not part of a book yet: run them in a scenario of their own",
  sweep: 'a book cannot be swept yet: sweep one program as a scenario of its own',
  monteCarlo: 'a book has no Monte Carlo seeds yet: run one program as a scenario of its own, or the book at several --seed values',
};
/** Top-level fields that are the broker's, never a program's. */
const BROKER_WIDE = new Set(['seed', 'precision', 'serverTime', 'tradingWeek', 'start', 'end', 'instruments', 'prices', 'stress', 'rebates', 'clients', 'netting', 'accounts', 'admin', 'variants', 'monteCarlo', 'sweep']);
/** The fields of a program entry that merge into the top level's (objects key by key); the rest replace it. */
const MERGED = new Set(['program', 'policies', 'costs', 'risk']);
/** Book-only fields, not part of any program's scenario. */
const BOOK_ONLY = ['programs', 'netting', 'variants', 'accounts', 'admin'] as const;

/** Whether a scenario document is a broker's book. */
export function isBookData(data: Json): boolean {
  return data !== null && typeof data === 'object' && !Array.isArray(data) && data.programs !== undefined;
}

/** Whether the scenario file is a broker's book (it has `programs`). */
export function isBookFile(file: string): boolean {
  const f = readScenarioFile(file);
  return isBookData(parseText(f.text, file, f.bytes.length).data);
}

/** Reads, validates and normalizes a broker's book; throws InputError on anything wrong. */
export function loadBook(file: string, opts: LoadOptions = {}): Book {
  checkDataDirs(opts.dataDirs ?? []);
  const f = readScenarioFile(file);
  return readBook(parseText(f.text, file, f.bytes.length), file, opts, [f.realPath], f.bytes);
}

/** A book from its text; `file` names it in messages and its folder is where price files are found. */
export function parseBook(text: string, file: string, opts: LoadOptions = {}): Book {
  checkDataDirs(opts.dataDirs ?? []);
  return readBook(parseText(text, file), file, opts, [], Buffer.from(text));
}

/** A book and its variants (each merged into the book's top level), as `mamlab compare` runs them. */
export function loadBookVariants(file: string, opts: LoadOptions = {}): { base: Book; variants: Array<{ name: string; description: string; book: Book }> } {
  checkDataDirs(opts.dataDirs ?? []);
  const f = readScenarioFile(file);
  const parsed = parseText(f.text, file, f.bytes.length);
  const base = readBook(parsed, file, opts, [f.realPath], f.bytes);
  const raw = parsed.data as Obj;
  const list = (raw.variants as Obj[] | undefined) ?? [];
  const seen = new Map<string, string>();
  const variants = list.map((v, i) => {
    const name = v.name as string;
    claimVariantName(seen, name, i, file);
    // A variant changes what is broker-wide (or every program's default); a program's own terms are compared as programs of one book.
    for (const key of ['program', 'clients']) {
      if (v[key] !== undefined) throw new InputError(file, pointer(['variants', i, key]), `a book's variant sets netting, policies, risk, stress, costs or rebates for every program; a program's own \`${key}\` goes in its entry under \`programs\` (to compare two terms, make them two programs of the book)`, parsed.lineOf(['variants', i, key]));
    }
    // Merged as a scenario's variant is (policies, risk, stress, costs, rebates), with the book's netting.
    const merged = mergeVariant(raw, v);
    if (v.netting !== undefined) merged.netting = v.netting;
    const inVariant = (path: ReadonlyArray<string | number>): boolean => path.length > 0 && typeof path[0] === 'string' && v[path[0]] !== undefined;
    try {
      return { name, description: (v.description as string | undefined) ?? '', book: readBook({ data: structuredClone(merged), lineOf: (path) => parsed.lineOf(inVariant(path) ? ['variants', i, ...path] : path) }, file, opts, [f.realPath], f.bytes) };
    } catch (e) {
      if (e instanceof InputError) throw new InputError(file, `/variants/${i} (${name}) → ${e.path}`, e.expected, e.line, e.more);
      throw e;
    }
  });
  return { base, variants };
}

function readBook(parsed: Parsed, file: string, opts: LoadOptions, read: string[], sourceBytes: Uint8Array): Book {
  const data = parsed.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError(file, '', 'expected a JSON/YAML object at the top level');
  const top = data as Obj;
  const at = (path: ReadonlyArray<string | number>, expected: string): never => {
    throw new InputError(file, pointer(path), expected, parsed.lineOf(path));
  };
  for (const key of PROGRAM_ONLY) {
    const why = key === 'investors' || key === 'flows' ? 'each investor belongs to one program; a person in two programs is two investors' : `each program has its own ${key === 'program' ? 'structure, allocation and terms' : key === 'orders' ? "master and its orders" : 'strategy'}`;
    if (top[key] !== undefined) at([key], `in a broker's book \`${key}\` belongs to a program: move it into its entry under \`programs\` (${why})`);
  }
  // The reverse mistake: what is broker-wide written inside a program.
  const allowed = new Set(Object.keys((validateSchemaOf('bookProgram').properties ?? {}) as Obj));
  (Array.isArray(top.programs) ? (top.programs as Json[]) : []).forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return;
    for (const key of Object.keys(entry)) {
      if (!allowed.has(key) && BROKER_WIDE.has(key)) at(['programs', i, key], `in a broker's book \`${key}\` is broker-wide: move it to the top level, where it applies to every program`);
    }
  });
  for (const [key, why] of Object.entries(NOT_IN_BOOK)) if (top[key] !== undefined) at([key], why);
  // The schema's own messages, with paths into the book; validated on a copy, as validation fills
  // in defaults and a program's filled-in defaults must not override what the top level sets.
  const v = validate();
  if (!v(structuredClone(data))) throw schemaError(v.errors ?? [], file, parsed.lineOf);
  const entries = top.programs as Obj[];
  const ids = new Map<string, number>();
  entries.forEach((p, i) => {
    const id = p.id as string;
    const twin = ids.get(id.toLowerCase());
    if (twin !== undefined) at(['programs', i, 'id'], `program id ${id} is used by programs[${twin}] too (ids differing only in case are one folder on many systems)`);
    ids.set(id.toLowerCase(), i);
  });
  const shared: Obj = {};
  for (const [k, val] of Object.entries(top)) if (!(BOOK_ONLY as readonly string[]).includes(k)) shared[k] = val;
  // Each program's document, built first: the admin `fees` operations join its term changes.
  const docs = new Map(entries.map((entry) => [entry.id as string, programDoc(shared, entry)]));
  const ownChanges = new Map([...docs].map(([id, d]) => [id, ((d.program as Obj).termChanges as Json[] | undefined)?.length ?? 0]));
  const adminFees = feeChanges((top.admin as Obj[] | undefined) ?? [], docs);
  const inputs = new Set(read);
  const investorOf = new Map<string, string>();
  // The programs' prices are broker-wide: read (or generated) once and shared.
  const prices = new Map<string, PriceBlock>();
  const programs = entries.map((entry, i): BookProgram => {
    const id = entry.id as string;
    const name = (entry.name as string | undefined) ?? id;
    const doc = docs.get(id)!;
    // A path of the program's document is in its entry when the entry sets it, else at the top level;
    // a term change an admin `fees` operation added is that operation.
    const inBook = (path: ReadonlyArray<string | number>): Array<string | number> => {
      const own = ownChanges.get(id)!;
      if (path[0] === 'program' && path[1] === 'termChanges' && typeof path[2] === 'number' && path[2] >= own) return ['admin', adminFees.get(id)![path[2] - own]!, ...path.slice(3)];
      let node: Json | undefined = entry;
      for (const k of path) {
        if (node === null || typeof node !== 'object') break;
        node = (node as Record<string | number, Json>)[k];
        if (node === undefined) break;
      }
      return path.length > 0 && typeof path[0] === 'string' && entry[path[0]] !== undefined && (node !== undefined || !MERGED.has(path[0])) ? ['programs', i, ...path] : [...path];
    };
    let scenario: Scenario;
    try {
      scenario = readScenario({ data: doc, lineOf: (path) => parsed.lineOf(inBook(path)) }, file, opts, read, sourceBytes, prices);
    } catch (e) {
      if (e instanceof InputError && e.file === file) {
        const segments = e.path === '' ? [] : e.path.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~')).map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
        const mapped = inBook(segments);
        // A broker-wide default one program refuses: the message names that program.
        const whose = mapped[0] === 'programs' || mapped[0] === 'admin' ? '' : `in program ${id}: `;
        throw new InputError(file, pointer(mapped), `${whose}${e.expected}`, e.line ?? parsed.lineOf(mapped), e.more);
      }
      throw e;
    }
    for (const [k, inv] of scenario.investors.entries()) {
      const other = investorOf.get(inv.id);
      // The investor's own line when the entry lists it as written (a generated one: its group's).
      const written = (entry.investors as Obj[] | undefined)?.[k];
      const where: Array<string | number> = written && written.id === inv.id ? ['programs', i, 'investors', k, 'id'] : ['programs', i, 'investors'];
      if (other !== undefined) at(where, `investor ${inv.id} is in program ${other} too: an investor belongs to one program (a person in two programs is two investors, with two ids)`);
      investorOf.set(inv.id, id);
    }
    for (const f of scenario.inputs) inputs.add(f);
    return { id, name, scenario: { ...scenario, locate: (path) => { const m = inBook(path); return { path: pointer(m), line: parsed.lineOf(m) }; } } };
  });
  const admin = readAdmin(top, file, parsed.lineOf, new Map(programs.map((p) => [p.id, p.scenario])), investorOf);
  const netting = (top.netting as Netting | undefined) ?? 'broker-wide';
  const hash = createHash('sha256').update(`netting:${netting}\n`).update(`accounts:${JSON.stringify(top.accounts ?? [])}\nadmin:${JSON.stringify(top.admin ?? [])}\n`);
  for (const p of programs) hash.update(`${p.id}:${p.scenario.hash}\n`);
  const normalized: Obj = { ...shared, netting, programs: programs.map((p) => ({ id: p.id, name: p.name })) };
  return { file, name: top.name as string, description: (top.description as string | undefined) ?? '', netting, programs, admin, hash: hash.digest('hex'), inputs: [...inputs], normalized };
}

/** A program's document: the book's broker-wide fields with the entry's own (objects in MERGED merged key by key). */
function programDoc(shared: Obj, entry: Obj): Obj {
  const doc: Obj = structuredClone(shared);
  for (const [k, val] of Object.entries(entry)) {
    if (k === 'id' || k === 'name' || k === 'description') continue;
    // Costs merge rate by rate: a program's commission for a class (or swap for a symbol) replaces the top level's whole.
    if (k === 'costs' && doc.costs !== undefined) doc.costs = mergeCosts(doc.costs as Obj, val as Obj);
    else doc[k] = MERGED.has(k) && doc[k] !== undefined ? deepMerge(doc[k]!, structuredClone(val)) : structuredClone(val);
  }
  doc.name = (entry.name as string | undefined) ?? (entry.id as string);
  doc.description = (entry.description as string | undefined) ?? '';
  return doc;
}

/** A program's `costs` over the top level's: each schedule (commission by class, swaps by symbol) merges entry by entry, each entry replaced whole. */
function mergeCosts(top: Obj, own: Obj): Obj {
  const out: Obj = structuredClone(top);
  for (const [k, v] of Object.entries(own)) {
    const base = out[k];
    const plain = (x: Json | undefined): x is Obj => x !== null && x !== undefined && typeof x === 'object' && !Array.isArray(x);
    out[k] = plain(base) && plain(v) ? { ...base, ...structuredClone(v) } : structuredClone(v);
  }
  return out;
}
