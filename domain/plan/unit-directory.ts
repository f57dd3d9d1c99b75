/**
 * The unit directory (单位名录): one canonical name per unit across the whole plan, so each unit later gets exactly
 * one inbox. Names arrive cleaned by `responsibility.ts`; here abbreviations the text defines are expanded
 * ("市质强委办公室" → "市质量强市工作委员会办公室"), a prefix dropped inside a list is restored ("省农业厅、卫生厅" →
 * 省卫生厅), and spellings that differ only by a dropped level word are merged ("市场监管局" → "市市场监管局").
 */
import { isCollectiveName } from './responsibility';
import type { Unit } from './schema';

export interface Abbreviation {
  short: string;
  full: string;
}

const DEFINITION = /[(〈<《]\s*(?:以下|下文)?简称\s*[:]?\s*[“"']?([^)〉>》”"'\s,;]{1,15})[”"']?\s*[)〉>》]/g;

/** Abbreviations the plan defines: "市质量强市工作委员会〈以下简称市质强委〉" → 市质强委 = 市质量强市工作委员会. */
export function findAbbreviations(norm: string): Abbreviation[] {
  const out: Abbreviation[] = [];
  for (const m of norm.matchAll(DEFINITION)) {
    const short = m[1]!;
    const before = norm.slice(Math.max(0, (m.index ?? 0) - 40), m.index);
    const cut = Math.max(...[...'，,;:、。(（ \n"“'].map((d) => before.lastIndexOf(d)));
    let full = before.slice(cut + 1);
    const first = full.indexOf(short[0]!);
    if (first > 0) full = full.slice(first);
    full = full.replace(/^(成立|由|将|在|把|设立|组建|建立)/, '');
    if (full.length > short.length && !out.some((a) => a.short === short)) out.push({ short, full });
  }
  return out.sort((a, b) => b.short.length - a.short.length);
}

const LEVEL = /^(省|市|区|县|州|自治区|自治州|盟|旗)/;
/* Province-level place names: a unit starting with one names its own place (天津检验检疫局, 河北保监局). */
const PROVINCE =
  /^(北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾)/;
/* Bodies named by kind, not by name: after "各区人民政府、" they are collective too ("开发区管委会"). */
const GENERIC_BODY = /^(开发区|街道|乡镇|镇街|园区|功能区|管委会|高新区|经开区|新区)/;
/* National bodies keep their own name in a provincial list: 质检总局, 国家…局, 海关总署 */
const NATIONAL = /(总局|总署|总会|^国家|^国务院|^中国|^中央)/;

/** The place a plan belongs to ("哈尔滨市…" → 哈尔滨): units starting with it carry their own name, no prefix. */
export function localityOf(issuerOrTitle: string): string | null {
  const m = /^(.{2,5}?)(省|自治区|市|县|区|州)/.exec(issuerOrTitle);
  return m ? m[1]! : null;
}

interface Entry {
  aliases: Set<string>;
  collective: boolean;
}

/** Builds the directory in two passes: `observe` every raw list first, then `resolveRoles` each to canonical names. */
export class UnitDirectory {
  private readonly seen = new Set<string>();
  private readonly prefixCount = new Map<string, number>();
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly abbreviations: Abbreviation[],
    private readonly locality: string | null,
  ) {}

  /** Expand abbreviations the text defines. */
  expand(name: string): string {
    for (const a of this.abbreviations) {
      if (name.includes(a.short) && !name.includes(a.full)) return name.replace(a.short, a.full);
    }
    return name;
  }

  /** Pass 1: remember every name, so pass 2 knows which prefixed spellings exist. */
  observe(names: string[]): void {
    for (const raw of names) {
      const n = this.expand(raw);
      this.seen.add(n);
      const p = LEVEL.exec(n)?.[1];
      if (p !== undefined) this.prefixCount.set(p, (this.prefixCount.get(p) ?? 0) + 1);
    }
  }

  private dominantPrefix(): string | null {
    let best: string | null = null;
    let n = 0;
    for (const [p, c] of this.prefixCount) {
      if (c > n) {
        best = p;
        n = c;
      }
    }
    return best;
  }

  private startsWithLocality(name: string): boolean {
    return this.locality !== null && name.startsWith(this.locality);
  }

  /** A name carrying its own place ("河北保监局", "黑龙江省机场…") takes no prefix from its list. */
  private ownsName(name: string): boolean {
    return this.startsWithLocality(name) || PROVINCE.test(name) || /[省市县区州]/.test(name);
  }

  /**
   * Pass 2: canonical lead and cooperating names of one written list. `originals` (same order) are the spellings
   * before traditional→simplified conversion, kept as aliases. The plan wrote one list ("省住房城乡建设厅、交通运输厅、
   * 水利厅") even when a rule splits it by role (the first-listed unit leads), so a prefix dropped inside it is
   * restored from the list's first unit, whichever role that unit took.
   */
  resolveRoles(
    lead: string[],
    cooperating: string[],
    originals: (string | null)[] = [],
  ): { lead: string[]; cooperating: string[] } {
    const names = this.resolveEach([...lead, ...cooperating], originals);
    const leads = [...new Set(names.slice(0, lead.length))];
    const coop = [...new Set(names.slice(lead.length))].filter((n) => !leads.includes(n));
    return { lead: leads, cooperating: coop };
  }

  /** One canonical name per written name, in order (duplicates kept, so callers can split the list by position). */
  private resolveEach(names: string[], originals: (string | null)[]): string[] {
    const out: string[] = [];
    const firstPrefix = names.length > 0 ? (LEVEL.exec(this.expand(names[0]!))?.[1] ?? null) : null;
    const dominant = this.dominantPrefix();
    let afterEach = false;
    names.forEach((raw, i) => {
      const expanded = this.expand(raw);
      let name = expanded;
      let collective = isCollectiveName(name);
      const hasLevel = LEVEL.test(name);
      if (!collective && i > 0 && firstPrefix !== null && !hasLevel) {
        if (this.seen.has(firstPrefix + name)) name = firstPrefix + name;
        else if (/^[\u4e00-\u9fff]{1,6}(厅|局|委|办)$/.test(name) && !NATIONAL.test(name) && !this.ownsName(name)) {
          name = firstPrefix + name;
        }
      }
      if (
        name === expanded &&
        dominant !== null &&
        !collective &&
        this.seen.has(dominant + name) &&
        !name.startsWith(dominant + dominant)
      ) {
        name = dominant + name;
      }
      if (!collective && afterEach && GENERIC_BODY.test(name)) collective = true;
      afterEach = /^各/.test(name) || (afterEach && collective);
      const entry = this.entries.get(name) ?? { aliases: new Set<string>(), collective };
      entry.collective ||= collective;
      for (const alias of [raw, expanded, originals[i] ?? null]) {
        if (alias !== null && alias !== name) entry.aliases.add(alias);
      }
      this.entries.set(name, entry);
      out.push(name);
    });
    return out;
  }

  /** The directory, in order of first appearance. */
  units(): Unit[] {
    return [...this.entries].map(([name, e]) => ({ name, aliases: [...e.aliases], collective: e.collective }));
  }
}
