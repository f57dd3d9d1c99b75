/**
 * The directory file as a coordinator writes it (单位, 别名, 所属分组; several names separated by 、): what is read,
 * and every refusal naming the row, the problem and the fix, all problems of a file at once.
 */
import { parseCsv } from '../../cli/csv';
import {
  DirectoryTableError,
  diffDirectory,
  directoryToRows,
  readDirectoryTable,
  type DirectoryProblem,
  noContacts,
} from '../../domain/units';

const none = noContacts();
const ALL =
  '单位、别名、所属分组、负责人、负责人邮箱、联络员、联络员邮箱、钉钉机器人、钉钉加签密钥、企业微信机器人、Webhook、Webhook密钥、接收方式';

const csv = (text: string) => parseCsv(text.replace(/^\n/, ''));

function problemsOf(text: string): DirectoryProblem[] {
  try {
    readDirectoryTable(csv(text));
  } catch (e) {
    if (e instanceof DirectoryTableError) return e.problems;
    throw e;
  }
  throw new Error('the table was accepted');
}

describe('a directory file', () => {
  it('gives one unit per row, aliases and groups split at 、 (，；and line breaks too), blank rows skipped', () => {
    const units = readDirectoryTable(
      csv(`
单位,别名,所属分组
鄂城区人民政府,鄂城区、鄂城区政府,各区人民政府
,,
市质量技术监督局,"市质监局，市質監局",市质强委成员单位；市打击侵权假冒工作领导小组成员单位
市政府办公室,,
`),
    );
    expect(units).toEqual([
      { name: '鄂城区人民政府', aliases: ['鄂城区', '鄂城区政府'], groups: ['各区人民政府'], contacts: none },
      {
        name: '市质量技术监督局',
        aliases: ['市质监局', '市質監局'],
        groups: ['市质强委成员单位', '市打击侵权假冒工作领导小组成员单位'],
        contacts: none,
      },
      { name: '市政府办公室', aliases: [], groups: [], contacts: none },
    ]);
  });

  it('needs only the 单位 column, in any order, under the headings a coordinator may type', () => {
    expect(readDirectoryTable(csv('分组,单位名称\n各区人民政府,鄂城区人民政府\n'))).toEqual([
      { name: '鄂城区人民政府', aliases: [], groups: ['各区人民政府'], contacts: none },
    ]);
    expect(readDirectoryTable(csv('单位\n市质监局\n'))).toEqual([
      { name: '市质监局', aliases: [], groups: [], contacts: none },
    ]);
  });

  it('drops an alias equal to the name itself, and the same alias written twice', () => {
    expect(readDirectoryTable(csv('单位,别名\n市质监局,市质监局、质监局、质监局\n'))).toEqual([
      { name: '市质监局', aliases: ['质监局'], groups: [], contacts: none },
    ]);
  });

  it('round-trips through directoryToRows', () => {
    const units = readDirectoryTable(csv('单位,别名,所属分组\n鄂城区人民政府,鄂城区,各区人民政府、各区县\n'));
    expect(readDirectoryTable(directoryToRows(units))).toEqual(units);
  });
});

describe('a directory file is refused, naming the row and the fix', () => {
  it('when it is empty', () => {
    expect(problemsOf('\n\n')).toEqual([expect.objectContaining({ row: 1, code: 'EMPTY_TABLE' })]);
  });

  it('when its first row is not a header', () => {
    const [p] = problemsOf('鄂城区人民政府,鄂城区,各区人民政府\n');
    expect(p).toMatchObject({ row: 1, code: 'NO_HEADER' });
    expect(p!.message).toBe(
      '第1行应是表头，现在是“鄂城区人民政府，鄂城区，各区人民政府”：在最前面插入一行表头 单位、别名、所属分组（别名、所属分组两列可省略）',
    );
  });

  it('when a column is unknown, repeated, or the 单位 column is missing', () => {
    expect(problemsOf('单位,电话,别名,简称\n市质监局,027-1234,,\n')).toEqual([
      {
        row: 1,
        column: '第2列',
        code: 'UNKNOWN_COLUMN',
        message: `不认识的列“电话”：改为 ${ALL} 之一，或删去该列`,
      },
      {
        row: 1,
        column: '第4列',
        code: 'UNKNOWN_COLUMN',
        message: `不认识的列“简称”：改为 ${ALL} 之一，或删去该列`,
      },
    ]);
    expect(problemsOf('单位,别名,aliases\n市质监局,,\n')).toEqual([
      expect.objectContaining({ row: 1, column: '第3列', code: 'DUPLICATE_COLUMN' }),
    ]);
    expect(problemsOf('别名,所属分组\n市质监局,\n')).toEqual([
      expect.objectContaining({ row: 1, code: 'NO_UNIT_COLUMN' }),
    ]);
  });

  it('when it has a header only', () => {
    expect(problemsOf('单位,别名,所属分组\n')).toEqual([expect.objectContaining({ row: 2, code: 'NO_UNITS' })]);
  });

  it('with every problem of the rows at once: an empty name, a cell without a column, a unit twice, a taken alias', () => {
    const problems = problemsOf(`
单位,别名,所属分组
市质量技术监督局,市质监局,市质强委成员单位
,市工商局,
市工商局,,市质强委成员单位,多写的一格
市质量技术监督局,,各区人民政府
市场监管局,市质监局,
市工商局办公室,,市工商局
`);
    expect(problems.map((p) => [p.row, p.code])).toEqual([
      [3, 'EMPTY_UNIT'],
      [4, 'CELL_WITHOUT_COLUMN'],
      [5, 'DUPLICATE_UNIT'],
      [6, 'ALIAS_TAKEN'],
      [7, 'GROUP_IS_UNIT'],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      '单位为空：写上单位全称，或删去这一行',
      '“多写的一格”所在的列没有表头：在第1行写上列名，或删去这一格',
      '单位“市质量技术监督局”重复出现：合并为一行（别名、所属分组都用、分隔）（见第2行）',
      '别名“市质监局”已用于“市质量技术监督局”：一个名称只能指一个单位，删去其中一处（见第2行）',
      '分组“市工商局”与单位“市工商局”同名：分组另起一个名称（如“市工商局成员”），或把该单位改名（见第4行）',
    ]);
  });

  it('when two group names are one form for the plans (各区 and 各区人民政府)', () => {
    expect(problemsOf('单位,所属分组\n鄂城区人民政府,各区人民政府\n华容区人民政府,各区\n')).toEqual([
      {
        row: 3,
        code: 'GROUPS_SAME_FORM',
        message:
          '分组“各区”与分组“各区人民政府”规范化后相同（都是“区”），计划中的同一写法会对应两个分组：改用同一个分组名（见第2行）',
      },
    ]);
  });

  it('when a name holds a control character or runs on past 100 characters', () => {
    expect(
      problemsOf(`单位,别名\n市质监局,"质监\u0007局"\n${'市'.repeat(101)},\n`).map((p) => [p.row, p.column, p.code]),
    ).toEqual([
      [2, '别名', 'INVALID_TEXT'],
      [3, '单位', 'INVALID_TEXT'],
    ]);
  });

  it('with a message that lists every problem by row for the command line', () => {
    try {
      readDirectoryTable(csv('单位,别名\n,市工商局\n市质监局,\n市质监局,\n'));
      throw new Error('accepted');
    } catch (e) {
      expect((e as Error).message).toBe(
        '单位名录有 2 处问题，未导入任何内容：\n' +
          '  第2行（单位）：单位为空：写上单位全称，或删去这一行 [EMPTY_UNIT]\n' +
          '  第4行：单位“市质监局”重复出现：合并为一行（别名、所属分组都用、分隔）（见第3行） [DUPLICATE_UNIT]',
      );
    }
  });
});

describe('an import replacing the directory', () => {
  it('counts units added, changed (aliases or groups, not their order), removed and unchanged', () => {
    const before = [
      { name: 'A', aliases: ['a1', 'a2'], groups: ['G'], contacts: none },
      { name: 'B', aliases: [], groups: ['G'], contacts: none },
      { name: 'C', aliases: [], groups: [], contacts: none },
    ];
    const after = [
      { name: 'A', aliases: ['a2', 'a1'], groups: ['G'], contacts: none },
      { name: 'B', aliases: [], groups: ['G', 'H'], contacts: none },
      { name: 'D', aliases: [], groups: [], contacts: none },
    ];
    expect(diffDirectory(before, after)).toEqual({ added: ['D'], changed: ['B'], removed: ['C'], unchanged: 1 });
  });
});
