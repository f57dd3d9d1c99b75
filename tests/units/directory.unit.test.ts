/**
 * The unit directory's matching rule, as a coordinator relies on it: a plan's unit found by its name, the
 * directory's aliases or the plan's own aliases; a collective found by its group's name, or — for a name the plan
 * marks collective — by the forms plans write for it (各区人民政府 / 各区政府 / 各区 …).
 */
import {
  DirectoryConflictError,
  UnitDirectory,
  directoryConflicts,
  groupKey,
  type DirectoryUnitInput,
} from '../../domain/units';

const units: DirectoryUnitInput[] = [
  { name: '鄂城区人民政府', aliases: ['鄂城区'], groups: ['各区人民政府'] },
  { name: '华容区人民政府', aliases: ['华容区'], groups: ['各区人民政府'] },
  { name: '梁子湖区人民政府', aliases: ['梁子湖区'], groups: ['各区人民政府'] },
  { name: '大冶市人民政府', aliases: [], groups: ['各县级市'] },
  { name: '市质量技术监督局', aliases: ['市质监局', '市質監局'], groups: ['市质强委成员单位'] },
  { name: '市工商局', aliases: [], groups: ['市质强委成员单位', '市打击侵权假冒工作领导小组成员单位'] },
  { name: '市政府办公室', aliases: [], groups: [] },
];
const directory = new UnitDirectory(units);

describe('a unit', () => {
  it('is found by its name or by one of its aliases, whatever the width of its characters or stray blanks', () => {
    expect(directory.resolve('市质量技术监督局')).toMatchObject({ kind: 'unit', unit: { name: '市质量技术监督局' } });
    expect(directory.resolve('市质监局')).toMatchObject({ kind: 'unit', unit: { name: '市质量技术监督局' } });
    expect(directory.resolve(' 鄂城区 ')).toMatchObject({ kind: 'unit', unit: { name: '鄂城区人民政府' } });
    expect(directory.unit('市工商局')?.groups).toEqual(['市质强委成员单位', '市打击侵权假冒工作领导小组成员单位']);
  });

  it("is found through the plan's own aliases (traditional characters, a defined abbreviation)", () => {
    // the plan's canonical name is not in the directory, one of its plan aliases is
    expect(directory.resolve('市质量技术监督管理局', { aliases: ['市質監局'] })).toMatchObject({
      kind: 'unit',
      unit: { name: '市质量技术监督局' },
      via: '市質監局',
    });
  });

  it('is unknown when neither its name nor an alias is in the directory', () => {
    expect(directory.resolve('市旅游局')).toEqual({ kind: 'unknown' });
  });
});

describe('a collective', () => {
  it("expands to the members of the group of the same name, in the directory's order", () => {
    expect(directory.resolve('各区人民政府', { collective: true })).toMatchObject({
      kind: 'group',
      group: { name: '各区人民政府', members: ['鄂城区人民政府', '华容区人民政府', '梁子湖区人民政府'] },
      normalised: false,
    });
  });

  it.each([
    ['各区政府', '各区人民政府'],
    ['各区', '各区人民政府'],
    ['全市各区人民政府', '各区人民政府'],
    ['各县级市人民政府', '各县级市'],
    ['市质强委相关成员单位', '市质强委成员单位'],
    ['市质强委各成员单位', '市质强委成员单位'],
    ['市质强委全体成员', '市质强委成员单位'],
    ['市打击侵权假冒工作领导小组成员部门', '市打击侵权假冒工作领导小组成员单位'],
  ])('written %s, matches the group %s by its normalised form', (written, group) => {
    expect(groupKey(written)).toBe(groupKey(group));
    expect(directory.resolve(written, { collective: true })).toMatchObject({
      kind: 'group',
      group: { name: group },
      normalised: true,
    });
  });

  it("matches through the plan's alias: 市质量强市工作委员会相关成员单位, defined in the text as 市质强委…", () => {
    expect(
      directory.resolve('市质量强市工作委员会相关成员单位', { aliases: ['市质强委相关成员单位'], collective: true }),
    ).toMatchObject({ kind: 'group', group: { name: '市质强委成员单位' }, via: '市质强委相关成员单位' });
  });

  it('is matched by normalised form only when the plan marks the name collective: 市政府 is an office', () => {
    const d = new UnitDirectory([{ name: '黄石港区人民政府', aliases: [], groups: ['各市人民政府'] }]);
    expect(groupKey('市政府')).toBe(groupKey('各市人民政府'));
    expect(d.resolve('市政府')).toEqual({ kind: 'unknown' });
    expect(d.resolve('各市政府', { collective: true })).toMatchObject({ kind: 'group' });
  });

  it('is unknown when no group has its name or form', () => {
    expect(directory.resolve('开发区管委会', { collective: true })).toEqual({ kind: 'unknown' });
  });

  it('looks a group up as `units list --group` does: exactly, or by the forms plans write', () => {
    expect(directory.group('各区')).toBeUndefined();
    expect(directory.group('各区', true)?.name).toBe('各区人民政府');
    expect(directory.groups().map((g) => g.name)).toEqual([
      '各区人民政府',
      '各县级市',
      '市质强委成员单位',
      '市打击侵权假冒工作领导小组成员单位',
    ]);
  });
});

describe('a set of units that cannot be one directory', () => {
  it('is refused: a name used by two units, a unit twice, a group named like a unit, two groups of one form', () => {
    const bad: DirectoryUnitInput[] = [
      { name: '市质监局', aliases: ['市质量技术监督局'], groups: ['各区政府'] },
      { name: '市质量技术监督局', aliases: [], groups: [] },
      { name: '市工商局', aliases: ['市质监局'], groups: ['市质监局'] },
      { name: '市质监局', aliases: [], groups: [] },
      { name: '鄂城区人民政府', aliases: [], groups: ['各区人民政府'] },
    ];
    expect(directoryConflicts(bad).map((c) => [c.code, c.index, c.other])).toEqual([
      ['ALIAS_TAKEN', 0, 1],
      ['ALIAS_TAKEN', 2, 0],
      ['GROUP_IS_UNIT', 2, 0],
      ['DUPLICATE_UNIT', 3, 0],
      ['GROUPS_SAME_FORM', 4, 0],
    ]);
    expect(() => new UnitDirectory(bad)).toThrow(DirectoryConflictError);
    expect(() => new UnitDirectory(bad)).toThrow(/别名“市质监局”已用于“市质监局”：一个名称只能指一个单位/);
  });
});
