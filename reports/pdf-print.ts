// The child process of `--pdf` (reports/pdf.ts): reads a PrintRequest on its standard input,
// starts one headless Chromium through playwright-core and prints every page to its PDF (A4,
// backgrounds on, the page's own @page size). A failure is one line on standard error and exit 1.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { PrintRequest } from './pdf.js';

async function print(request: PrintRequest): Promise<void> {
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error('the playwright-core package is not installed beside mamlab');
  }
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath: request.executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  } catch (e) {
    // Playwright's launch errors span many lines of logs: the first says what went wrong.
    throw new Error(`${request.executablePath} did not start: ${String((e as Error).message).split('\n')[0]}`);
  }
  try {
    const page = await browser.newPage();
    for (const f of request.files) {
      await page.goto(pathToFileURL(f.html).href, { waitUntil: 'load' });
      await page.pdf({ path: f.pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
    }
  } finally {
    await browser.close();
  }
}

try {
  await print(JSON.parse(readFileSync(0, 'utf8')) as PrintRequest);
} catch (e) {
  process.stderr.write(`error: ${String((e as Error).message).split('\n')[0]}\n`);
  process.exitCode = 1;
}
