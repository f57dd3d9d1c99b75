/**
 * The five seed plans as a coordinator launches them: each plan as the reader makes it (the golden files, checked by
 * hand), the unit directory written for its collectives (tests/cycle/directories/*.csv, read through the same table
 * reader as `duban units import`), and — for Xi'an and Tianjin, which name no lead unit for some items — the table
 * fixed as a coordinator would fix it. The launch tests and the simulated years share these, so both launch the same
 * plans.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../cli/csv';
import { planToRows, rowsToPlan, type ParsedPlan } from '../../domain/plan';
import { readDirectoryTable, UnitDirectory, type DirectoryUnit } from '../../domain/units';
import { goldenPath, SEED_NAMES, type SeedName } from '../plan/seeds';

export { SEED_NAMES, type SeedName };

const plans = new Map(SEED_NAMES.map((n) => [n, JSON.parse(readFileSync(goldenPath(n), 'utf8')) as ParsedPlan]));

/** The plan as the reader makes it (a copy the caller may change). */
export const planOf = (seed: SeedName): ParsedPlan => structuredClone(plans.get(seed)!);

/** The unit directory written for the seed's collectives, as `duban units import` reads it. */
export function directoryUnitsOf(seed: SeedName): DirectoryUnit[] {
  return readDirectoryTable(readCsv(readFileSync(path.join(__dirname, 'directories', `${seed}.csv`))));
}

export const directoryOf = (seed: SeedName): UnitDirectory => new UnitDirectory(directoryUnitsOf(seed));

/** The coordinator's fix: the reviewed table with lead units filled in, read back as `plan import` reads it. */
export function fillLeads(plan: ParsedPlan, leads: Record<string, string>): ParsedPlan {
  const rows = planToRows(plan);
  const [header, ...body] = rows;
  const ref = header!.indexOf('编号');
  const lead = header!.indexOf('牵头单位');
  for (const row of body) if (leads[row[ref]!] !== undefined) row[lead] = leads[row[ref]!]!;
  return rowsToPlan(rows, { planYear: plan.planYear, title: plan.title });
}

/** Xi'an's four items without a lead, filled in the reviewed table (which keeps no reporting rules: quarterly). */
export const XIAN_LEADS: Record<string, string> = {
  '一.(一)': '市质监局',
  '一.(二)': '市质监局',
  '六.(十九)': '市委宣传部',
  '六.(二十)': '市质监局、市委宣传部',
};

/** Tianjin's three items without a lead, filled in the plan JSON, which keeps its reporting rules (7月15日, 次年1月15日). */
export const TIANJIN_LEADS: Record<string, string[]> = {
  '七.(十九)': ['各区县人民政府'],
  '七.(二十)': ['市质监局'],
  '七.(二十一)': ['市质监局'],
};

/** Tianjin's plan JSON with the missing leads filled in. */
export function withTianjinLeads(plan: ParsedPlan): ParsedPlan {
  for (const t of plan.tasks) t.lead = TIANJIN_LEADS[t.ref] ?? t.lead;
  return plan;
}

/** The plan a launch of the seed starts from: as read, or with the missing leads filled in as above. */
export function launchablePlanOf(seed: SeedName): ParsedPlan {
  if (seed === 'xian-2017') return fillLeads(planOf(seed), XIAN_LEADS);
  if (seed === 'tianjin-2013') return withTianjinLeads(planOf(seed));
  return planOf(seed);
}
