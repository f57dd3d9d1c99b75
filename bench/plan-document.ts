/** The 50 KB+ plan the parse benchmarks read: the Ezhou plan followed by the Harbin plan's sections, renumbered. */
import { chineseToNumber } from '../domain/plan/chinese-numerals';
import { numberToChinese } from '../domain/plan/numbering';
import { readSeed } from '../seeds';

export function ezhouAndHarbin(): Buffer {
  const ezhou = readSeed('ezhou-2017');
  // the Harbin plan's sections continue the Ezhou plan's as further top-level sections
  const harbin = readSeed('harbin-2017').toString('utf8').split('\n').slice(34).join('\n');
  const renumbered = harbin.replace(
    /^([一二三四五])、/gm,
    (_, n: string) => `${numberToChinese(chineseToNumber(n)! + 7)}、`,
  );
  return Buffer.from(`${ezhou.toString('utf8')}\n${renumbered}`);
}
