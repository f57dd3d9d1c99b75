import { decodePlanBytes, parsePlan, PlanError } from '../../domain/plan';
import { ASCII_PLAN } from './fixtures';
import { encodeGbk } from './gbk';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PlanError) return e.code;
    throw e;
  }
  return undefined;
}

describe('decoding plan bytes', () => {
  it('reads UTF-8 with and without BOM', () => {
    const utf8 = Buffer.from(ASCII_PLAN, 'utf8');
    expect(decodePlanBytes(utf8)).toEqual({ text: ASCII_PLAN, encoding: 'utf-8' });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    expect(decodePlanBytes(bom).text).toBe(ASCII_PLAN);
  });

  it('detects GBK and converts it, so a GBK plan parses like its UTF-8 twin', () => {
    const gbk = encodeGbk(ASCII_PLAN);
    expect(decodePlanBytes(gbk)).toEqual({ text: ASCII_PLAN, encoding: 'gb18030' });
    const fromGbk = parsePlan(gbk);
    expect(fromGbk.encoding).toBe('gb18030');
    expect(fromGbk.plan).toEqual(parsePlan(Buffer.from(ASCII_PLAN)).plan);
  });

  it('reads UTF-16 with a BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ASCII_PLAN, 'utf16le')]);
    expect(decodePlanBytes(le).text).toBe(ASCII_PLAN);
  });

  it('refuses an empty file, naming the fix', () => {
    expect(codeOf(() => decodePlanBytes(new Uint8Array()))).toBe('EMPTY_INPUT');
    expect(codeOf(() => parsePlan(Buffer.from(' \n\r\n ')))).toBe('EMPTY_INPUT');
    expect(() => parsePlan(new Uint8Array())).toThrow(/empty.*plain text/);
  });

  it('refuses binary input (a .doc, a PDF, an image)', () => {
    const pdfish = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02, 0xff, 0xd8]);
    expect(codeOf(() => parsePlan(pdfish))).toBe('BINARY_INPUT');
    expect(() => parsePlan(pdfish)).toThrow(/binary.*\.txt/);
  });

  it('refuses bytes that are neither UTF-8 nor GBK', () => {
    const latin1 = Buffer.from('caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la carte', 'latin1');
    expect(codeOf(() => decodePlanBytes(latin1))).toBe('UNKNOWN_ENCODING');
  });

  it('refuses a document without task items instead of returning an empty table', () => {
    const notice = '关于召开质量工作会议的通知\n各有关单位:\n定于3月5日召开会议,请准时参加。\n';
    expect(codeOf(() => parsePlan(Buffer.from(notice)))).toBe('NO_TASKS');
    expect(() => parsePlan(notice)).toThrow(/no task items found/);
    expect(codeOf(() => parsePlan('hello world, this is not a plan at all'))).toBe('NO_TASKS');
  });
});
