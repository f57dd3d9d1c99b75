/**
 * The unit directory (单位名录): the offices a coordinator's office supervises, the other names they go by, and the
 * groups they belong to. Plans name units loosely ("市质监局", "市質監局") and by collective ("各区人民政府",
 * "市质强委相关成员单位"); the directory turns each such name into the offices that get an inbox, so a unit is the
 * same name at launch, in notices and at sign-in. Pure: the table reader, the store and the launch planner all
 * build on this one matching rule.
 *
 * The matching rule, in order:
 * 1. A unit: the name, or one of the plan's own aliases for it, equals a directory unit's name or one of its
 *    aliases (compared after Unicode NFKC and with blanks removed, so full-width brackets and stray spaces match).
 * 2. A group, exactly: the name (or a plan alias) equals a group's name.
 * 3. A group, by normalised form, only for a name the plan marks collective: both sides normalised by
 *    {@link groupKey} — 人民政府 read as 政府; a leading 各/相关/有关/其他 (and 全市/全省… before it) dropped;
 *    各/相关/有关/全体/所有 before 成员 dropped; 成员/成员部门 read as 成员单位; a trailing 政府 after 区/县/市/县级市/
 *    区县/乡镇/街道 dropped. So 各区人民政府 = 各区政府 = 各区, 各县级市 = 各县级市人民政府, and 市质强委相关成员单位 =
 *    市质强委各成员单位 = 市质强委成员单位. Abbreviations (市质强委 ↔ 市质量强市工作委员会) match through the plan's
 *    aliases, which the plan reader fills from the text's own 简称 definitions.
 * A name matching none is unknown: the planner uses it as written (a plain office) or refuses it (a collective).
 */

import { noContacts, type UnitContacts } from './contacts';

/** One office of the directory. */
export interface DirectoryUnit {
  /** The name its inbox is kept under: the name everywhere after launch. */
  name: string;
  /** Other names plans and people use for it (abbreviations, old names, traditional characters). */
  aliases: string[];
  /** The groups (collectives) it belongs to, e.g. 各区人民政府, 市质强委成员单位. */
  groups: string[];
  /** Who is told and where (head, liaisons, robots, digest); empty when the file had no contact columns. */
  contacts: UnitContacts;
}

/** A unit as code and tests write one: contacts may be left out (none). */
export type DirectoryUnitInput = Omit<DirectoryUnit, 'contacts'> & { contacts?: UnitContacts };

/** A group of the directory and its members, in directory order. */
export interface DirectoryGroup {
  name: string;
  members: string[];
}

/** What a name of a plan stands for in the directory. */
export type UnitMatch =
  | { kind: 'unit'; unit: DirectoryUnit; via: string }
  | { kind: 'group'; group: DirectoryGroup; via: string; normalised: boolean }
  | { kind: 'unknown' };

/** The key two spellings of one unit share: NFKC (full-width forms folded) with every blank removed. */
export function unitKey(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

/**
 * The normalised form of a collective name (see the module comment, rule 3): the forms plans write for one group
 * ("各区人民政府", "各区政府", "各区") share it, so a coordinator defines the group once under any of them.
 */
export function groupKey(name: string): string {
  return unitKey(name)
    .replace(/人民政府/g, '政府')
    .replace(/^(全市|全省|全区|全县)?(各|相关|有关|其他)/, '')
    .replace(/(各|相关|有关|全体|所有)(?=成员)/g, '')
    .replace(/成员(部门)?$/, '成员单位')
    .replace(/(县级市|区县|县区|乡镇|街道|区|县|市)政府$/, '$1');
}

/** Why a set of units cannot be a directory (the same alias on two units…); `index` is the unit's position. */
export interface DirectoryConflict {
  code: 'DUPLICATE_UNIT' | 'ALIAS_TAKEN' | 'GROUP_IS_UNIT' | 'GROUPS_SAME_FORM';
  index: number;
  /** The earlier unit it conflicts with (its position), when there is one. */
  other?: number;
  /** Chinese: the problem and the fix, without the row (the caller says where). */
  message: string;
}

/**
 * Every reason `units` cannot be one directory: a unit twice, a name used by two units (as name or alias), a group
 * named like a unit, two groups with one normalised form (a plan's 各区 would match both). Checked on import, so
 * every directory the store holds resolves each name one way.
 */
export function directoryConflicts(units: readonly DirectoryUnitInput[]): DirectoryConflict[] {
  const conflicts: DirectoryConflict[] = [];
  const owner = new Map<string, number>();
  units.forEach((u, i) => {
    const key = unitKey(u.name);
    const first = owner.get(key);
    if (first === undefined) owner.set(key, i);
    else {
      conflicts.push({
        code: 'DUPLICATE_UNIT',
        index: i,
        other: first,
        message: `单位“${u.name}”重复出现：合并为一行（别名、所属分组都用、分隔）`,
      });
    }
  });
  units.forEach((u, i) => {
    for (const alias of u.aliases) {
      const key = unitKey(alias);
      if (key === unitKey(u.name)) continue;
      const first = owner.get(key);
      if (first !== undefined && first !== i) {
        conflicts.push({
          code: 'ALIAS_TAKEN',
          index: i,
          other: first,
          message: `别名“${alias}”已用于“${units[first]!.name}”：一个名称只能指一个单位，删去其中一处`,
        });
        continue;
      }
      owner.set(key, i);
    }
  });
  const groupByKey = new Map<string, { name: string; index: number }>();
  units.forEach((u, i) => {
    for (const g of u.groups) {
      const named = owner.get(unitKey(g));
      if (named !== undefined) {
        conflicts.push({
          code: 'GROUP_IS_UNIT',
          index: i,
          other: named,
          message: `分组“${g}”与单位“${units[named]!.name}”同名：分组另起一个名称（如“${g}成员”），或把该单位改名`,
        });
        continue;
      }
      const key = groupKey(g);
      const seen = groupByKey.get(key);
      if (seen !== undefined && unitKey(seen.name) !== unitKey(g)) {
        conflicts.push({
          code: 'GROUPS_SAME_FORM',
          index: i,
          other: seen.index,
          message:
            `分组“${g}”与分组“${seen.name}”规范化后相同（都是“${key}”），计划中的同一写法会对应两个分组：` +
            '改用同一个分组名',
        });
        continue;
      }
      if (seen === undefined) groupByKey.set(key, { name: g, index: i });
    }
  });
  return conflicts.sort((a, b) => a.index - b.index);
}

/** The directory is not one: the conflicts, each with the fix. */
export class DirectoryConflictError extends Error {
  constructor(readonly conflicts: DirectoryConflict[]) {
    super(
      `单位名录有 ${conflicts.length} 处冲突：\n${conflicts.map((c) => `  第${c.index + 1}个单位：${c.message}`).join('\n')}`,
    );
    this.name = 'DirectoryConflictError';
  }
}

/**
 * The directory as the launch uses it: lookups by unit and by group (see the module comment for the rule). Built
 * from units that {@link directoryConflicts} accepts; the constructor refuses others, so a lookup never has two
 * answers.
 */
export class UnitDirectory {
  private readonly list: readonly DirectoryUnit[];
  private readonly byName = new Map<string, DirectoryUnit>();
  private readonly groupList: DirectoryGroup[] = [];
  private readonly groupByName = new Map<string, DirectoryGroup>();
  private readonly groupByForm = new Map<string, DirectoryGroup>();

  constructor(units: readonly DirectoryUnitInput[] = []) {
    const conflicts = directoryConflicts(units);
    if (conflicts.length > 0) throw new DirectoryConflictError(conflicts);
    this.list = units.map((u) => ({
      name: u.name,
      aliases: [...u.aliases],
      groups: [...u.groups],
      contacts: structuredClone(u.contacts ?? noContacts()),
    }));
    for (const u of this.list) {
      for (const n of [u.name, ...u.aliases]) this.byName.set(unitKey(n), u);
      for (const g of u.groups) {
        let group = this.groupByName.get(unitKey(g));
        if (!group) {
          group = { name: g, members: [] };
          this.groupList.push(group);
          this.groupByName.set(unitKey(g), group);
          this.groupByForm.set(groupKey(g), group);
        }
        if (!group.members.includes(u.name)) group.members.push(u.name);
      }
    }
  }

  /** The units, in the order they were imported. */
  units(): readonly DirectoryUnit[] {
    return this.list;
  }

  /** The groups, in order of first mention. */
  groups(): readonly DirectoryGroup[] {
    return this.groupList;
  }

  get size(): number {
    return this.list.length;
  }

  /** The unit a name or alias stands for (rule 1). */
  unit(name: string): DirectoryUnit | undefined {
    return this.byName.get(unitKey(name));
  }

  /** The group a name stands for: exactly (rule 2), or by normalised form when `normalised` (rule 3). */
  group(name: string, normalised = false): DirectoryGroup | undefined {
    return this.groupByName.get(unitKey(name)) ?? (normalised ? this.groupByForm.get(groupKey(name)) : undefined);
  }

  /**
   * What a plan's unit name stands for. `aliases` are the plan's other spellings of the same name (its
   * `units[].aliases`); `collective` is the plan's own flag, which alone allows matching a group by normalised form,
   * so an office such as 市政府 is never read as the group 各市人民政府.
   */
  resolve(
    name: string,
    { aliases = [], collective = false }: { aliases?: readonly string[]; collective?: boolean } = {},
  ): UnitMatch {
    const spellings = [name, ...aliases];
    for (const s of spellings) {
      const unit = this.unit(s);
      if (unit) return { kind: 'unit', unit, via: s };
    }
    for (const s of spellings) {
      const group = this.group(s);
      if (group) return { kind: 'group', group, via: s, normalised: false };
    }
    if (collective) {
      for (const s of spellings) {
        const group = this.group(s, true);
        if (group) return { kind: 'group', group, via: s, normalised: true };
      }
    }
    return { kind: 'unknown' };
  }
}
