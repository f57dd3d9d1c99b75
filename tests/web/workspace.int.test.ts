/**
 * The web workspace in a real headless browser (Debian's Chromium, driven by playwright-core), on the real stack: a
 * coordinator signs in and launches a small cycle from a task table and sees its lights; a unit's liaison signs in,
 * sees only its own items, and reports with a file; the coordinator sees the report and accepts it; an auditor finds
 * the item and opens its timeline, which names the liaison's account. Screenshots of every page go to
 * .data/screenshots/web/workspace.int.test/ for review (not committed).
 */
import type { Browser, Page } from 'playwright-core';
import type { Pool } from 'pg';
import { writeCsv } from '../../cli/csv';
import { planToRows } from '../../domain/plan/task-table';
import { CycleService } from '../../api/cycles';
import { parsePlan } from '../../domain/plan';
import { shanghaiDate } from '../../domain/calendar';
import { createAccount, TEST_PASSWORD } from '../support/accounts';
import { launchBrowser, newPage, screenshot, startApiForBrowser } from '../support/browser';
import { connectPostgres, startStackWorker, uniqueId } from '../support/stack';

jest.setTimeout(240_000);

const run = uniqueId('ws').slice(-6).toLowerCase();
const OFFICE = '市政府督查室';
const LEAD = '市工信局';
const OTHER = '市市场监管局';
const cycleId = `web-${run}`;
const ours = `推进标准化建设${run}`;
const theirs = `开展质量提升行动${run}`;

function taskTable(): Buffer {
  const next = Number(shanghaiDate(new Date()).slice(0, 4)) + 1;
  const plan = parsePlan(`某某市质量工作要点
一、质量提升
（一）${theirs}。（责任单位：${OTHER}；完成时限：${next}年3月底前）
（二）${ours}。（责任单位：${LEAD}；配合单位：市商务局；完成时限：${next}年6月底前）
`).plan;
  return writeCsv(planToRows(plan));
}

let pool: Pool;
let stack: Awaited<ReturnType<typeof startStackWorker>>;
let api: Awaited<ReturnType<typeof startApiForBrowser>>;
let browser: Browser;
const accounts = { coordinator: `zhang.wei.${run}`, unit: `li.na.${run}`, auditor: `wang.fang.${run}` };

beforeAll(async () => {
  pool = await connectPostgres();
  const taskQueue = uniqueId('web-test');
  stack = await startStackWorker(pool, taskQueue);
  api = await startApiForBrowser({
    pool,
    client: stack.client,
    taskQueue,
    coordinator: OFFICE,
    cycles: new CycleService({ client: stack.client, pool, taskQueue }),
  });
  await createAccount(pool, { id: accounts.coordinator, displayName: '张伟', role: 'coordinator', office: OFFICE });
  await createAccount(pool, { id: accounts.unit, displayName: '李娜', role: 'unit-member', unit: LEAD });
  await createAccount(pool, { id: accounts.auditor, displayName: '王芳', role: 'auditor' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await stack?.stop();
  await pool?.end();
});

/** A person at their own browser (their own cookies), signed in through the sign-in page. */
async function signIn(account: string, width = 1280): Promise<Page> {
  const page = await newPage(browser, { width });
  await page.goto(`${api.baseUrl}/web/`);
  await page.waitForURL(/\/web\/sign-in/);
  await page.fill('#account', account);
  await page.fill('#password', TEST_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/web/sign-in')),
    page.click('button[type=submit]'),
  ]);
  return page;
}

/** How many items the cycle's page counts under a light. */
async function counted(page: Page, light: 'green' | 'yellow' | 'red'): Promise<string | null> {
  const count = page.locator(`[data-light="${light}"] strong`);
  return (await count.count()) > 0 ? count.first().textContent() : null;
}

/** Reloads `page` until `shows` holds: the lights trail the workflows by a moment, as Temporal's visibility does. */
async function reloadUntil(page: Page, shows: string | ((page: Page) => Promise<boolean>)): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const body = await page.textContent('main');
    if (typeof shows === 'string' ? body?.includes(shows) : await shows(page)) return;
    await page.waitForTimeout(1_000);
    await page.reload();
  }
  throw new Error(`the page never showed what was awaited: ${(await page.textContent('main'))?.slice(0, 1500)}`);
}

let itemId: string;

test('without signing in, a page leads to the sign-in page, and a wrong password is refused there', async () => {
  const page = await newPage(browser, { width: 1280 });
  await page.goto(`${api.baseUrl}/web/cycles`);
  expect(new URL(page.url()).pathname).toBe('/web/sign-in');
  await page.fill('#account', accounts.coordinator);
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForURL(/error=/);
  expect(await page.textContent('main')).toContain('账号或密码不正确');
  await screenshot(page, '登录失败');
  await page.close();
});

test('a coordinator launches a small cycle from its task table and sees its lights', async () => {
  const page = await signIn(accounts.coordinator);
  expect(new URL(page.url()).pathname).toBe('/web/cycles');
  await page.setInputFiles('#table', { name: '任务分解表.csv', mimeType: 'text/csv', buffer: taskTable() });
  await page.fill('#cycle', cycleId);
  await page.fill('#title', `质量工作督办 ${run}`);
  await page.click('#launch button[type=submit]');
  // With warnings (units without a channel), the page says them and links the cycle; without, it goes there.
  const link = page.locator('a', { hasText: '查看周期进展' });
  await Promise.race([link.waitFor({ timeout: 60_000 }), page.waitForURL(/\/web\/cycles\/web-/, { timeout: 60_000 })]);
  if (!/\/web\/cycles\/web-/.test(page.url())) await link.click();
  await page.waitForURL(new RegExp(`/web/cycles/${cycleId}`));
  await reloadUntil(page, async (p) => (await counted(p, 'green')) === '2');
  const main = await page.textContent('main');
  expect(main).toContain(LEAD);
  expect(main).toContain(OTHER);
  await screenshot(page, '周期进展');
  await page.close();
});

test('a unit signs in, sees only its own items, and reports with a file', async () => {
  const page = await signIn(accounts.unit, 375);
  expect(new URL(page.url()).pathname).toBe('/web/unit');
  await reloadUntil(page, ours);
  expect(await page.textContent('main')).not.toContain(theirs);
  await screenshot(page, '单位待办-手机');

  await page.click(`a:has-text("${ours}")`);
  itemId = decodeURIComponent(new URL(page.url()).pathname.replace('/web/unit/items/', ''));
  expect(itemId).toContain(LEAD);
  await page.fill('#report-summary', '已完成 12 项地方标准的立项<script>alert(1)</script>');
  await page.fill('#report-percent', '40');
  await page.setInputFiles('input[data-evidence]', {
    name: '标准立项清单.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  });
  await page.waitForSelector('text=已上传：标准立项清单.pdf');
  await page.click('form[action$="/report"] button[type=submit]');
  await page.waitForSelector('.flash-ok');
  const main = await page.textContent('main');
  expect(main).toContain('<script>alert(1)</script>');
  expect(main).toContain('标准立项清单.pdf');
  await screenshot(page, '单位报送-手机');
  await page.close();
});

test('the unit cannot open another unit’s item: it is not there', async () => {
  const page = await signIn(accounts.unit);
  const other = itemId.replace(LEAD, OTHER).replace(ours, theirs);
  const answer = await page.goto(`${api.baseUrl}/web/unit/items/${encodeURIComponent(other)}`);
  expect(answer?.status()).toBe(404);
  await screenshot(page, '他单位事项');
  await page.close();
});

test('the coordinator sees the report and accepts it; the item stays green', async () => {
  const page = await signIn(accounts.coordinator);
  await page.goto(`${api.baseUrl}/web/assignments/${encodeURIComponent(itemId)}`);
  expect(await page.textContent('main')).toContain('已完成 12 项地方标准的立项<script>alert(1)</script>');
  await page.selectOption('#review-decision', 'accept');
  await page.fill('#review-comment', '同意');
  await page.click('form[action$="/review"] button[type=submit]');
  await page.waitForSelector('.flash-ok');
  await screenshot(page, '督办审核');
  await page.goto(`${api.baseUrl}/web/cycles/${cycleId}`);
  await reloadUntil(page, async (p) => (await counted(p, 'green')) === '2');
  await screenshot(page, '周期进展-报送后');
  await page.close();
});

test('an auditor finds the item and reads its timeline, which names the liaison’s account', async () => {
  const page = await signIn(accounts.auditor);
  expect(new URL(page.url()).pathname).toBe('/web/audit');
  await page.goto(`${api.baseUrl}/web/audit/items/${encodeURIComponent(itemId)}`);
  const main = await page.textContent('main');
  expect(main).toContain(accounts.unit);
  expect(main).toContain(accounts.coordinator);
  await screenshot(page, '审计时间线');
  await page.close();
});
