/**
 * Quantitative targets (量化指标) inside a task's text: "合格率达到90%以上", "年均浓度…降低15%", "新建计量标准100项",
 * "放行正常率≥80%". Read by the shape indicator + comparator word + number + measure word, never by a list of indicators.
 */
import type { Comparator, Target } from './schema';

const MEASURE =
  '(%|‰|个百分点|微克/立方米|毫克/立方米|μg/m3|ug/m3|万亩|亩|万吨|吨|蒸吨|万台|台|套|万人次|人次|万人|人|名|万户|户|家|个|项|批次|次|所|座|条|件|类|种|天|亿元|万元|元|公里|千米|米|倍)';
const NUMBER = '(\\d+(?:\\.\\d+)?)';
/* What every shape below has: a number with its measure ("90%", "100项"); a text without one names no target. */
const MEASURED = new RegExp(`\\d\\s*${MEASURE}`);

/* indicator + comparator word + number + measure (+以上/以下/左右) */
const COMPARED = new RegExp(
  `(达到|达|发展到|提高至|提升至|提高到|提升到|上升到|增加到|增长到|降低到|下降到|降至|控制在|稳定在|保持在|保持|不低于|不少于|不高于|不超过|低于|高于|超过|大于|小于|≥|≤|>=|<=|>|<|为)\\s*${NUMBER}\\s*${MEASURE}\\s*(以上|以下|左右|以内)?`,
  'g',
);
/* indicator + change word + number + measure: 降低15%, 增加50% */
const CHANGED = new RegExp(`(降低|下降|减少|压减|增长|提高|增加|提升|上升)(?:了)?\\s*${NUMBER}\\s*${MEASURE}`, 'g');
/* 率 / 比例 directly followed by its value: 覆盖率100% */
const RATE = new RegExp(`(率|比例|比重|满意度|覆盖面)\\s*${NUMBER}\\s*(%|‰)\\s*(以上|以下)?`, 'g');
/* action + object + number + measure: 新建计量标准100项, 创建市优质工程50项以上 */
const COUNTED = new RegExp(
  `(新建|新增|完成|培育|认定|树立|建成|创建|获得|引进|推荐|改造|研发推广|谋划实施|制修订或立项|制修订|立项|聘用|普及|争创|打造|支持)([^,;。、:()\\d]{2,20}?)${NUMBER}\\s*${MEASURE}\\s*(以上)?`,
  'g',
);

const LEADING_NOISE =
  /^([一二三四五六七八九十]+是|力争|确保|使|实现|全年|年内|其中|即|要|并|努力|进一步|同时|同比|均|全市|今年|当年)+/;
const TRAILING_NOISE = /(力争|确保|要|(?<!年)均|稳定|逐步|同比|在[^,;。]*的基础上)+$/;

function comparatorOf(word: string, tail: string | undefined): Comparator {
  if (tail === '以上' || /不低于|不少于|≥|>=/.test(word)) return '>=';
  if (tail === '以下' || tail === '以内' || /不高于|不超过|≤|<=|控制在/.test(word)) return '<=';
  if (tail === '左右') return '~';
  if (/^(低于|小于|<)$/.test(word)) return '<';
  if (/^(高于|超过|大于|>)$/.test(word)) return '>';
  return '=';
}

/** The indicator a comparison is about: the words before it, back to the clause boundary. */
function indicatorBefore(s: string, at: number): string {
  const before = s.slice(Math.max(0, at - 60), at);
  const cut = Math.max(...[',', ';', '。', ':', '，', '；'].map((d) => before.lastIndexOf(d)));
  return before
    .slice(cut + 1)
    .replace(/[(（][^)）]*$/, '')
    .replace(LEADING_NOISE, '')
    .replace(/^\d{4}年/, '')
    .replace(LEADING_NOISE, '')
    .replace(TRAILING_NOISE, '')
    .trim();
}

/** Every target stated in `text` (normalised), in order of appearance. */
export function findTargets(text: string): Target[] {
  if (!MEASURED.test(text)) return []; // most texts have numbers only in dates: one look spares the four shapes
  const found: { at: number; end: number; t: Target }[] = [];
  const overlaps = (a: number, b: number) => found.some((f) => a < f.end && b > f.at);
  for (const m of text.matchAll(COMPARED)) {
    const at = m.index ?? 0;
    const indicator = indicatorBefore(text, at);
    if (indicator === '' && m[1] === '为') continue;
    const t: Target = {
      indicator,
      comparator: comparatorOf(m[1]!, m[4]),
      value: Number(m[2]),
      unit: m[3]!,
      text: (indicator + m[0]).trim(),
    };
    found.push({ at, end: at + m[0].length, t });
  }
  for (const m of text.matchAll(CHANGED)) {
    const at = m.index ?? 0;
    if (overlaps(at, at + m[0].length)) continue;
    const indicator = indicatorBefore(text, at);
    if (indicator === '') continue;
    const comparator: Comparator = /降低|下降|减少|压减/.test(m[1]!) ? 'decrease' : 'increase';
    found.push({
      at,
      end: at + m[0].length,
      t: { indicator, comparator, value: Number(m[2]), unit: m[3]!, text: indicator + m[0] },
    });
  }
  for (const m of text.matchAll(RATE)) {
    const at = (m.index ?? 0) + m[1]!.length;
    if (overlaps(m.index ?? 0, (m.index ?? 0) + m[0].length)) continue;
    const indicator = indicatorBefore(text, at);
    found.push({
      at,
      end: (m.index ?? 0) + m[0].length,
      t: {
        indicator,
        comparator: comparatorOf('', m[4]),
        value: Number(m[2]),
        unit: m[3]!,
        text: indicator + m[0].slice(m[1]!.length),
      },
    });
  }
  for (const m of text.matchAll(COUNTED)) {
    const at = m.index ?? 0;
    if (overlaps(at, at + m[0].length)) continue;
    const indicator = (m[1]! + m[2]!).trim();
    found.push({
      at,
      end: at + m[0].length,
      t: { indicator, comparator: m[5] ? '>=' : '=', value: Number(m[3]), unit: m[4]!, text: m[0] },
    });
  }
  const targets = found.sort((a, b) => a.at - b.at).map((f) => f.t);
  // "…降低15%,即达到60微克/立方米左右": an unnamed value restates the indicator before it
  targets.forEach((t, i) => {
    if (t.indicator === '' && i > 0) t.indicator = targets[i - 1]!.indicator;
  });
  return targets;
}
