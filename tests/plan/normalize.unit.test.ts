/** Traditional → simplified: only documents that hold a traditional character are converted. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js/t2cn';
import { simplify, toSourceLines } from '../../domain/plan/normalize';
import { TRADITIONAL_CHARS } from '../../domain/plan/traditional-chars';

const FILE = path.join(__dirname, '../../domain/plan/traditional-chars.ts');

/** The characters opencc-js's traditional→simplified character dictionary changes, in its order. */
function dictionaryCharacters(): string {
  const [, characters] = OpenCC.Locale.to.cn![0] as unknown as [string, string];
  return characters
    .split('|')
    .map((entry) => entry.split(' '))
    .filter(([from, to]) => from !== to)
    .map(([from]) => from)
    .join('');
}

describe('traditional characters', () => {
  it('the embedded list is the one opencc-js converts (UPDATE_TRADITIONAL=1 rewrites it)', () => {
    const expected = dictionaryCharacters();
    if (process.env.UPDATE_TRADITIONAL === '1') {
      const src = readFileSync(FILE, 'utf8').replace(
        /TRADITIONAL_CHARS =\s*'[^']*'/,
        `TRADITIONAL_CHARS =\n  '${expected}'`,
      );
      writeFileSync(FILE, src);
      return;
    }
    expect(TRADITIONAL_CHARS).toBe(expected);
  });

  it('leaves a simplified text as it is and converts a traditional one', () => {
    const simplified = '市质监局负责，2017年底前完成。';
    expect(simplify(simplified)).toBe(simplified);
    expect(simplify('市質監局負責，2017年底前完成。')).toBe('市质监局负责，2017年底前完成。');
    expect(toSourceLines('（市質監局負責）')[0]).toMatchObject({
      text: '（市质监局负责）',
      original: '（市質監局負責）',
    });
  });
});
