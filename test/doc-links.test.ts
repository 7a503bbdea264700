// The front page and the docs (issue 18): README.md stays a short front page, and every relative
// link in README.md and docs/ resolves: the file exists and, for an anchor into a Markdown file,
// a heading (GitHub's slug rules) or an explicit <a id="…"> / <a name="…"> gives that anchor.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...markdownFiles(path));
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

const FILES = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

/** The text's lines outside fenced code blocks (``` or ~~~), with their 1-based numbers. */
function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
    if (m) {
      const mark = m[1]!;
      if (fence === null) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = null;
      return;
    }
    if (fence === null) out.push({ line: i + 1, text: raw });
  });
  return out;
}

/** Drops inline code spans, so that `[a](b)` written as code is not taken for a link. */
function withoutCode(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's heading anchor: lower case, punctuation dropped except '-' and '_', spaces to '-'. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML tags
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings' slugs (duplicates numbered) and explicit ids. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text: line } of proseLines(text)) {
    const h = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+\s*)?$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const a of line.matchAll(/<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']/gi)) anchors.add(a[1]!);
  }
  return anchors;
}

interface Link { file: string; line: number; target: string }

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(readFileSync(file, 'utf8'))) {
    const prose = withoutCode(text);
    // Inline links and images: [text](target "title") or [text](<target>).
    for (const m of prose.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+["'(][^)]*)?\)/g)) {
      links.push({ file, line, target: m[1]!.replace(/^<|>$/g, '') });
    }
    // Reference definitions: [label]: target
    const ref = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(prose);
    if (ref) links.push({ file, line, target: ref[1]!.replace(/^<|>$/g, '') });
  }
  return links;
}

const external = (target: string) => /^(https?:|mailto:)/i.test(target);

/** What is wrong with a relative link, or null when it resolves. */
function problem(link: Link): string | null {
  const hash = link.target.indexOf('#');
  const path = decodeURIComponent(hash < 0 ? link.target : link.target.slice(0, hash));
  const anchor = hash < 0 ? null : decodeURIComponent(link.target.slice(hash + 1));
  const file = path === '' ? link.file : resolve(dirname(link.file), path);
  if (!existsSync(file)) return `no file ${relative(ROOT, file)}`;
  if (anchor === null || anchor === '' || !file.endsWith('.md')) return null;
  if (!anchorsOf(readFileSync(file, 'utf8')).has(anchor)) return `no heading or anchor #${anchor} in ${relative(ROOT, file)}`;
  return null;
}

describe('documentation links (issue 18)', () => {
  it('README.md is a front page under 15,000 bytes', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThan(15_000);
  });

  it('the slug rules are GitHub\'s', () => {
    expect(slug('Risk rules (DOMAIN §9): the `risk` section')).toBe('risk-rules-domain-9-the-risk-section');
    expect(slug('Stress effects (`stress`) and price models')).toBe('stress-effects-stress-and-price-models');
    expect(slug('Golden files: `mamlab golden record | check | approve | diff`')).toBe('golden-files-mamlab-golden-record--check--approve--diff');
    expect(slug('hwm_basis and [the link](x.md)')).toBe('hwm_basis-and-the-link');
  });

  it('README.md and every docs/ page are checked', () => {
    expect(FILES.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', 'docs/cli.md', 'docs/outputs.md', 'docs/scenario-reference.md']));
  });

  it('every relative link resolves to a file, and every anchor into a Markdown file to a heading', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of FILES) {
      for (const link of linksOf(file)) {
        if (external(link.target)) continue;
        checked++;
        const why = problem(link);
        if (why) broken.push(`${relative(ROOT, link.file)}:${link.line}: (${link.target}) ${why}`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});
