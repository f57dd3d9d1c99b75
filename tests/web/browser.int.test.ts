/**
 * The browser the web workspace is tested in: Debian's Chromium through playwright-core opens a page served over real
 * HTTP on loopback, in Chinese, and draws it in a Chinese font — not as the empty boxes (豆腐) a machine without
 * fonts-noto-cjk shows, which a test reading only the DOM would never notice. The same page with the Chinese fonts
 * hidden from the browser is the control: there the check must fail, so it can tell the two apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import type { Connection, Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { createAccount, TEST_PASSWORD } from '../support/accounts';
import { fontsOf, launchBrowser, newPage, screenshot, screenshotDir, startApiForBrowser } from '../support/browser';
import { connectPostgres, connectTemporal, uniqueId } from '../support/stack';

jest.setTimeout(60_000);

const TITLE = '督办事项一览';
const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>${TITLE}</title>
  <style>
    body { font-family: sans-serif; margin: 16px; }
    table { border-collapse: collapse; }
    th, td { border: 1px solid #999; padding: 4px 8px; }
  </style>
</head>
<body>
  <h1>${TITLE}</h1>
  <table>
    <tr><th>事项</th><th>牵头单位</th><th>完成时限</th><th>状态</th></tr>
    <tr><td>推进质量强市建设</td><td>市市场监管局</td><td>2017年12月31日</td><td>按期推进</td></tr>
    <tr><td>优化营商环境</td><td>市发展改革委</td><td>2017年6月30日</td><td>已逾期</td></tr>
  </table>
</body>
</html>`;

let server: FastifyInstance;
let baseUrl: string;
let browser: Browser;
let scratch: string;

beforeAll(async () => {
  server = Fastify();
  server.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
  scratch = mkdtempSync(path.join(tmpdir(), 'duban-browser-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The bits of the page's DOM the canvas check uses (the project's TypeScript has no DOM library). */
interface PageWindow {
  document: {
    createElement(tag: 'canvas'): {
      width: number;
      height: number;
      getContext(
        kind: '2d',
        options: { willReadFrequently: boolean },
      ): {
        font: string;
        textBaseline: string;
        fillStyle: string;
        clearRect(x: number, y: number, w: number, h: number): void;
        fillText(text: string, x: number, y: number): void;
        measureText(text: string): { width: number };
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      } | null;
    };
  };
}

interface Drawn {
  char: string;
  /** Advance width in CSS pixels (a full em is 63.9999 at 64 px: compare it rounded). */
  width: number;
  /** Pixels with any ink. */
  ink: number;
  /** FNV-1a of the alpha channel: equal for two characters drawn as the same box. */
  shape: number;
}

/**
 * Each character drawn alone on a canvas in the page's sans-serif at `size` px: its width, its ink and a hash of its
 * shape. Chinese drawn in a Chinese font is six different shapes, each a full em wide; drawn as boxes it is the same
 * shape six times.
 */
function drawEach(page: Page, text: string, size: number): Promise<Drawn[]> {
  return page.evaluate(
    ({ text, size }) => {
      const { document } = globalThis as unknown as PageWindow;
      const canvas = document.createElement('canvas');
      canvas.width = size * 2;
      canvas.height = size * 2;
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('no 2d canvas');
      context.font = `${size}px sans-serif`;
      context.textBaseline = 'top';
      context.fillStyle = '#000';
      return [...text].map((char) => {
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.fillText(char, size / 2, size / 2);
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        let ink = 0;
        let shape = 0x811c9dc5;
        for (let i = 3; i < data.length; i += 4) {
          const alpha = data[i] ?? 0;
          if (alpha > 0) ink++;
          shape = Math.imul(shape ^ alpha, 0x01000193) >>> 0;
        }
        return { char, width: context.measureText(char).width, ink, shape };
      });
    },
    { text, size },
  );
}

/** A code point of the last plane's private use area: no font here has a glyph for it, so it is drawn as a box. */
const NO_GLYPH = '\u{10FFFD}';

/** What a person checks on a screenshot: Chinese characters, each its own shape, none the box of a missing glyph. */
function chineseGlyphs(drawn: Drawn[], size: number): { distinct: number; boxes: number; fullWidth: number } {
  const box = drawn.find((d) => d.char === NO_GLYPH)!;
  const chinese = drawn.filter((d) => d !== box);
  return {
    distinct: new Set(chinese.map((d) => d.shape)).size,
    boxes: chinese.filter((d) => d.shape === box.shape || d.ink === 0).length,
    fullWidth: chinese.filter((d) => Math.round(d.width) === size).length,
  };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

it('opens a Chinese page over HTTP, as a user in Beijing, at a desk and on a phone, and saves screenshots', async () => {
  for (const width of [1280, 375]) {
    const page = await newPage(browser, { width });
    try {
      const answer = await page.goto(baseUrl);
      expect(answer?.status()).toBe(200);
      expect(await page.title()).toBe(TITLE);
      expect(await page.textContent('h1')).toBe(TITLE);
      expect(await page.evaluate(() => [navigator.language, Intl.DateTimeFormat().resolvedOptions().timeZone])).toEqual(
        ['zh-CN', 'Asia/Shanghai'],
      );
      const file = await screenshot(page, `${TITLE}-${width}`);
      expect(file).toBe(path.join(screenshotDir(), 'web', 'browser.int.test', `${TITLE}-${width}.png`));
      expect(pngSize(file).width).toBe(width);
    } finally {
      await page.close();
    }
  }
});

it('draws the Chinese in Noto Sans CJK SC, six glyphs of their own, not boxes', async () => {
  const page = await newPage(browser, { width: 1280 });
  try {
    await page.goto(baseUrl);
    // The heading's six characters, all drawn by the Simplified Chinese face, as fontconfig picks it for zh-CN.
    expect(await fontsOf(page, 'h1')).toEqual([{ family: 'Noto Sans CJK SC', glyphs: [...TITLE].length }]);
    const drawn = await drawEach(page, TITLE + NO_GLYPH, 64);
    expect(chineseGlyphs(drawn, 64)).toEqual({ distinct: 6, boxes: 0, fullWidth: 6 });
  } finally {
    await page.close();
  }
});

it('tells boxes from glyphs: with the Chinese fonts hidden from the browser, the same page fails the check', async () => {
  // fontconfig as the machine has it, minus every font file that covers Chinese.
  const files = execFileSync('fc-list', [':lang=zh', 'file'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.replace(/:\s*$/, '').trim())
    .filter(Boolean);
  expect(files.length).toBeGreaterThan(0);
  const conf = path.join(scratch, 'no-chinese.conf');
  writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include>/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>${[...new Set(files)].map((f) => `<glob>${f}</glob>`).join('')}</rejectfont></selectfont>
</fontconfig>
`,
  );
  const blind = await launchBrowser({ env: { ...process.env, FONTCONFIG_FILE: conf } });
  try {
    const page = await newPage(blind, { width: 1280 });
    await page.goto(baseUrl);
    expect(await page.textContent('h1')).toBe(TITLE); // the DOM alone cannot tell
    expect((await fontsOf(page, 'h1')).map((f) => f.family)).not.toContain('Noto Sans CJK SC');
    const drawn = await drawEach(page, TITLE + NO_GLYPH, 64);
    expect(chineseGlyphs(drawn, 64)).toMatchObject({ distinct: 1, boxes: 6 });
    await screenshot(page, `${TITLE}-无中文字体`);
  } finally {
    await blind.close();
  }
});

it('fails with what to run when Chromium is missing, never skips', async () => {
  await expect(launchBrowser({ executablePath: path.join(scratch, 'chromium') })).rejects.toThrow(
    /^Chromium is not installed: there is no executable at .*chromium; run `bash scripts\/stack\.sh up`/,
  );
});

describe("the product's API started for a browser", () => {
  let pool: Pool;
  let temporal: { connection: Connection; client: Client };
  let api: Awaited<ReturnType<typeof startApiForBrowser>>;

  beforeAll(async () => {
    pool = await connectPostgres();
    temporal = await connectTemporal();
    api = await startApiForBrowser({ pool, client: temporal.client, taskQueue: uniqueId('browser') });
  });

  afterAll(async () => {
    await api?.close();
    await temporal?.connection.close();
    await pool?.end();
  });

  it('answers the browser on a loopback port, in Chinese, from Temporal', async () => {
    expect(api.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await newPage(browser, { width: 1280 });
    try {
      // Signed in as an auditor the way the browser is: the session cookie lands in the page's own cookie jar.
      const auditor = await createAccount(pool, { role: 'auditor' });
      const signIn = await page.request.post(`${api.baseUrl}/auth/sign-in`, {
        data: { account: auditor.id, password: TEST_PASSWORD },
      });
      expect(signIn.status()).toBe(200);
      const id = uniqueId('没有的任务');
      const answer = await page.goto(`${api.baseUrl}/assignments/${encodeURIComponent(id)}`);
      expect(answer?.status()).toBe(404);
      expect(await answer?.json()).toMatchObject({ code: 'UNKNOWN_TASK', title: '任务不存在' });
      expect(await page.textContent('body')).toContain(`没有编号为 ${id} 的任务`);
      await screenshot(page, '任务不存在');
    } finally {
      await page.close();
    }
  });
});
