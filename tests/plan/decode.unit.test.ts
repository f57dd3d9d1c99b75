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
    expect(() => parsePlan(new Uint8Array())).toThrow(/文件是空的：请导出计划正文/);
  });

  it('refuses binary input, saying in Chinese what the file seems to be and what to do', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(codeOf(() => parsePlan(png))).toBe('BINARY_INPUT');
    expect(() => parsePlan(png)).toThrow('文件看起来是图片，不是文字：图片里的文字需要先做文字识别（OCR）');
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from('xl/workbook.xml')]);
    expect(() => parsePlan(zip)).toThrow(/Excel 工作簿（\.xlsx）.*duban plan import/);
    const elf = Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(40)]);
    expect(() => parsePlan(elf)).toThrow(/程序文件/);
  });

  it('refuses bytes that are neither UTF-8 nor GBK', () => {
    const latin1 = Buffer.from('caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la carte', 'latin1');
    expect(codeOf(() => decodePlanBytes(latin1))).toBe('UNKNOWN_ENCODING');
    expect(() => decodePlanBytes(latin1)).toThrow(/既不是 UTF-8 也不是 GBK.*请另存为 UTF-8/);
  });

  it('refuses a document without task items instead of returning an empty table', () => {
    const notice = '关于召开质量工作会议的通知\n各有关单位:\n定于3月5日召开会议,请准时参加。\n';
    expect(codeOf(() => parsePlan(Buffer.from(notice)))).toBe('NO_TASKS');
    expect(() => parsePlan(notice)).toThrow(/^没有找到任务条目：.*请确认这是计划正文，而不只是印发通知$/);
    expect(codeOf(() => parsePlan('hello world, this is not a plan at all'))).toBe('NO_TASKS');
  });
});
