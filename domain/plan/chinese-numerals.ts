/** Chinese numerals as the documents write them: 一…十九, 二十一, 一百, and digit-by-digit years 二〇一六. */

const DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  '○': 0,
  Ｏ: 0,
  O: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** "二十一" → 21, "十" → 10, "一百零二" → 102; null when it is not a numeral. */
export function chineseToNumber(s: string): number | null {
  if (s.length === 0) return null;
  if (/^\d+$/.test(s)) return Number(s);
  let total = 0;
  let current = 0;
  let seen = false;
  for (const ch of s) {
    const d = DIGITS[ch];
    if (d !== undefined) {
      current = current * 10 + d;
      seen = true;
    } else if (ch === '十') {
      total += (current === 0 ? 1 : current) * 10;
      current = 0;
      seen = true;
    } else if (ch === '百') {
      total += (current === 0 ? 1 : current) * 100;
      current = 0;
      seen = true;
    } else {
      return null;
    }
  }
  return seen ? total + current : null;
}

/** "二〇一六" → 2016: years are written digit by digit. */
export function chineseYear(s: string): number | null {
  if (/^\d{4}$/.test(s)) return Number(s);
  if (s.length !== 4) return null;
  let y = 0;
  for (const ch of s) {
    const d = DIGITS[ch];
    if (d === undefined) return null;
    y = y * 10 + d;
  }
  return y;
}

/**
 * Rewrite Chinese-numeral dates into Arabic ones ("二〇一六年三月十八日" → "2016年3月18日") so one grammar reads both.
 * Only year/month/day groups are touched; "一是", "十二项" stay as written.
 */
export function arabicDates(s: string): string {
  if (!/[〇零○一二三四五六七八九十]/.test(s)) return s;
  return s
    .replace(/([〇零○一二三四五六七八九]{4})年/g, (m, y: string) => {
      const n = chineseYear(y);
      return n === null ? m : `${n}年`;
    })
    .replace(/(年|^|[^一二三四五六七八九十])([一二三四五六七八九十]{1,3})月/g, (m, pre: string, mo: string) => {
      const n = chineseToNumber(mo);
      return n !== null && n >= 1 && n <= 12 ? `${pre}${n}月` : m;
    })
    .replace(/(\d月)([一二三四五六七八九十]{1,4})(日|号)/g, (m, pre: string, d: string, suf: string) => {
      const n = chineseToNumber(d);
      return n !== null && n >= 1 && n <= 31 ? `${pre}${n}${suf}` : m;
    });
}
