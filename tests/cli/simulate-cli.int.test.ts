/**
 * `duban simulate` as a coordinator runs it, on the time-skipping server with the real storage: a year of a small plan
 * with each unit scripted by a behaviour file, printed in the JSON shape the cycle's issue gives; a behaviour file
 * with a field it does not know, or a unit the plan does not name, is refused, naming it, and nothing is simulated.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dubanIn } from '../support/duban-cli';
import { smallPlan } from '../support/small-plan';

jest.setTimeout(180_000);

const PLAN = smallPlan(2017);
let dir: string;
const duban = dubanIn(() => dir);
const write = (name: string, content: unknown) =>
  writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'duban-simulate-'));
  write('plan.txt', PLAN);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a behaviour file with a field it does not know is refused, naming the field, before anything runs', async () => {
  write('misspelt.json', { units: { 市科技局: { behavior: 'late' } } });
  const r = await duban('simulate', 'plan.txt', '--year', '2017', '--behaviour', 'misspelt.json');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('行为文件 misspelt.json 有误');
  expect(r.stderr).toContain('behavior');
  expect(r.stdout).toBe('');
});

test('a behaviour file naming a unit the plan does not have is refused with the units it has', async () => {
  write('stranger.json', { units: { 市教育局: { behaviour: 'late' } } });
  const r = await duban('simulate', 'plan.txt', '--year', '2017', '--behaviour', 'stranger.json');
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('行为文件中的单位不在本周期的牵头单位中：市教育局');
  expect(r.stderr).toContain('市科技局');
  expect(r.stdout).toBe('');
});

test('a year simulated with scripted units prints every bulletin in the JSON shape, each unit as scripted', async () => {
  write('behaviour.json', {
    seed: 7,
    units: {
      市市场监管局: { behaviour: 'on-time' },
      市工信局: { behaviour: 'late', days: 5 },
      市科技局: { behaviour: 'silent' },
    },
  });
  const r = await duban('simulate', 'plan.txt', '--year', '2017', '--behaviour', 'behaviour.json', '--format', 'json');
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
  const result = JSON.parse(r.stdout) as {
    cycle: string;
    assignments: number;
    bulletins: Array<{ period: string; units: Array<Record<string, unknown>> }>;
    notices: Record<string, number>;
  };
  expect(result.cycle).toMatch(/^sim-/);
  expect(result.assignments).toBe(3);
  expect(result.bulletins.length).toBeGreaterThan(0);
  for (const bulletin of result.bulletins) {
    expect(bulletin.period).toMatch(/^2017-/);
    for (const unit of bulletin.units) {
      expect(Object.keys(unit)).toEqual(
        expect.arrayContaining(['unit', 'assigned', 'onTime', 'late', 'missing', 'escalations', 'score']),
      );
    }
  }
  const first = result.bulletins[0]!;
  const of = (name: string) => first.units.find((u) => u.unit === name)!;
  expect(of('市市场监管局')).toMatchObject({ assigned: 1, onTime: 1, late: 0, missing: 0 });
  expect(of('市工信局')).toMatchObject({ assigned: 1, onTime: 0, late: 1, missing: 0 });
  expect(of('市科技局')).toMatchObject({ assigned: 1, onTime: 0, late: 0, missing: 1 });
  expect(of('市市场监管局').score as number).toBeGreaterThan(of('市科技局').score as number);
  expect(result.notices.assignment).toBe(3); // 交办, one per assignment
});
