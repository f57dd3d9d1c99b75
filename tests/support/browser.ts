/**
 * A real headless browser for the web workspace's tests: Debian's Chromium (`scripts/stack.sh install` puts it at
 * /usr/bin/chromium with the fonts-noto-cjk font) driven by playwright-core, which never downloads a browser. Pages
 * open as a user in Beijing sees them (zh-CN, Asia/Shanghai), and screenshots go to .data/screenshots/ for review.
 * A machine without the browser fails the test with what to run: a browser test never skips.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AssignmentService } from '../../api/assignments';
import { IdempotencyKeys } from '../../api/idempotency';
import { buildApi, type ApiDependencies } from '../../api/server';
import { loadCalendarYears } from '../../infra/calendar-store';
import { resolveEvidence } from '../../infra/evidence-store';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { ROOT, testLogger } from './stack';

/** Where scripts/stack.sh installs Chromium; CHROMIUM_PATH (read by both) points elsewhere. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

const INSTALL_HINT =
  "run `bash scripts/stack.sh up` (or `bash scripts/stack.sh install browser`), which installs Debian's chromium and fonts-noto-cjk with apt-get";

/** The Chromium the tests launch: CHROMIUM_PATH, else Debian's. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fails unless fontconfig knows a Chinese font: without one Chromium draws every Chinese character as an empty box,
 * and a screenshot would look fine to a test that only reads the DOM.
 */
function requireChineseFont(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    // fontconfig's tools missing: no font can be named either.
  }
  if (!families.trim()) {
    throw new Error(
      `no Chinese font is installed (fc-list :lang=zh lists none), so pages would show boxes: ${INSTALL_HINT}`,
    );
  }
}

/**
 * Launches headless Chromium. Without its sandbox (`--no-sandbox`) only as root, where Chromium cannot start with it
 * (CI runs as root); anyone else keeps the sandbox, which Debian's Chromium sets up with user namespaces. When the
 * browser or the Chinese font is missing, the error says which and how to install it. `env` replaces the browser's
 * environment (the test's by default).
 */
export async function launchBrowser(
  options: { executablePath?: string; env?: Record<string, string | undefined> } = {},
): Promise<Browser> {
  const executablePath = options.executablePath ?? chromiumPath();
  if (!isExecutable(executablePath)) {
    throw new Error(`Chromium is not installed: there is no executable at ${executablePath}; ${INSTALL_HINT}`);
  }
  requireChineseFont();
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      // playwright-core passes --no-sandbox unless asked for the sandbox; as root Chromium cannot start with it.
      chromiumSandbox: process.getuid?.() !== 0,
      ...(options.env && { env: options.env }),
    });
  } catch (error) {
    throw new Error(`Chromium at ${executablePath} did not start: ${(error as Error).message}`, { cause: error });
  }
}

export interface PageOptions {
  /** The viewport's width in CSS pixels: 1280 for a desk, 375 for a phone. */
  width: number;
  /** 800 when not given; screenshots take the whole page whatever the height. */
  height?: number;
}

/**
 * A page in a fresh context (its own cookies and storage), as a user in Beijing has it: language zh-CN, clock in
 * Asia/Shanghai, one device pixel per CSS pixel so screenshots are the viewport's size. Closing the page closes the
 * context.
 */
export function newPage(browser: Browser, { width, height = 800 }: PageOptions): Promise<Page> {
  return browser.newPage({
    viewport: { width, height },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
}

/** .data/screenshots (or DUBAN_DATA_DIR's), never committed. */
export function screenshotDir(): string {
  return path.join(process.env.DUBAN_DATA_DIR || path.join(ROOT, '.data'), 'screenshots');
}

/** The running test file's path under tests/, without `.ts`: `web/browser.int.test`. */
function currentTestFile(): string {
  const testPath = expect.getState().testPath;
  if (!testPath) return 'outside-a-test';
  return path.relative(path.join(ROOT, 'tests'), testPath).replace(/\.ts$/, '');
}

/**
 * Saves a screenshot of the whole page to .data/screenshots/<test file>/<name>.png for a person to review after the
 * run, and returns its path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u.test(name)) {
    throw new Error(
      `a screenshot's name is letters (Chinese too), digits, dots and dashes, not ${JSON.stringify(name)}`,
    );
  }
  const dir = path.join(screenshotDir(), currentTestFile());
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The fonts Chromium drew a node's text with, and how many glyphs each drew (DevTools' CSS.getPlatformFontsForNode):
 * the proof that Chinese text came out in a Chinese font and not as boxes of a font without it.
 */
export async function fontsOf(page: Page, selector: string): Promise<Array<{ family: string; glyphs: number }>> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element matches ${selector}`);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => ({ family: f.familyName, glyphs: f.glyphCount }));
  } finally {
    await cdp.detach();
  }
}

export interface BrowserApiOptions extends Partial<Omit<ApiDependencies, 'assignments' | 'pool'>> {
  pool: Pool;
  /** A client on the Temporal server where the product's worker polls `taskQueue` (startStackWorker gives both). */
  client: Client;
  taskQueue: string;
  /** 市政府督查室 when not given. */
  coordinator?: string;
}

/**
 * The product's API, as api/main.ts builds it, on an ephemeral loopback port for a browser to open: `baseUrl` is
 * http://127.0.0.1:PORT. The worker is the caller's (startStackWorker), so a test decides its own task queue.
 */
export async function startApiForBrowser({
  pool,
  client,
  taskQueue,
  coordinator = '市政府督查室',
  ...api
}: BrowserApiOptions): Promise<{ app: FastifyInstance; baseUrl: string; close: () => Promise<void> }> {
  const assignments = new AssignmentService({
    client,
    taskQueue,
    coordinator,
    idempotency: new IdempotencyKeys(pool),
    calendarYears: () => loadCalendarYears(pool),
    resolveEvidence: (cited) => resolveEvidence(pool, cited),
  });
  const app = buildApi({ logger: testLogger, ...api, client, assignments, pool });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl, close: () => app.close() };
}
