/**
 * What a file of evidence is, from its bytes: the files a unit's liaison would upload (a scanned PDF, a phone photo,
 * a Word report, an Excel table, an OFD, a 97-2003 document) are accepted under their real types whatever they are
 * called, and what a coordinator could not or should not open is refused with a code and a Chinese message that
 * names the fix.
 */
import { EvidenceRefused, sniffEvidence } from '../../domain/evidence/sniff';
import { evidenceName } from '../../domain/evidence/name';
import * as files from './files';
import { DOCX, PPTX, XLSX } from '../../domain/evidence/sniff';

const limits = { maxBytes: 20 * 1024 * 1024 };

function refusal(bytes: Uint8Array, max = limits.maxBytes): { code: string; message: string } {
  try {
    sniffEvidence(bytes, { maxBytes: max });
  } catch (error) {
    if (error instanceof EvidenceRefused) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('accepted, under the type the bytes have', () => {
  it.each([
    ['a PDF', files.pdf(), 'application/pdf'],
    ['a PNG', files.png(), 'image/png'],
    ['a JPEG photograph', files.jpeg(), 'image/jpeg'],
    ['a Word 97-2003 document (or a WPS .wps)', files.compound(['WordDocument', '1Table']), 'application/msword'],
    ['an Excel 97-2003 workbook (or a WPS .et)', files.compound(['Workbook']), 'application/vnd.ms-excel'],
    [
      'a PowerPoint 97-2003 deck',
      files.compound(['PowerPoint Document', 'Current User']),
      'application/vnd.ms-powerpoint',
    ],
    ['UTF-8 text', Buffer.from('整改情况说明\r\n一、已完成\n'), 'text/plain; charset=utf-8'],
    [
      'GBK text, as Chinese Windows saves it',
      Buffer.from([0xd5, 0xfb, 0xb8, 0xc4, 0x0d, 0x0a]),
      'text/plain; charset=gb18030',
    ],
  ])('%s', (_what, bytes, type) => {
    expect(sniffEvidence(bytes, limits)).toBe(type);
  });

  it('a .docx, .xlsx (written by exceljs), .pptx and an OFD', async () => {
    expect(sniffEvidence(await files.docx(), limits)).toBe(DOCX);
    expect(sniffEvidence(await files.xlsx(), limits)).toBe(XLSX);
    expect(sniffEvidence(await files.pptx(), limits)).toBe(PPTX);
    expect(sniffEvidence(await files.ofd(), limits)).toBe('application/ofd');
  });

  it('a file of exactly the limit', () => {
    const bytes = Buffer.concat([files.pdf(), Buffer.alloc(100, 0x20)]);
    expect(sniffEvidence(bytes, { maxBytes: bytes.length })).toBe('application/pdf');
  });
});

describe('refused, saying why and what to do', () => {
  it('an empty file', () => {
    expect(refusal(Buffer.alloc(0))).toEqual({
      code: 'EVIDENCE_EMPTY',
      message: '文件为空（0 字节）；请检查文件是否完整保存后重新上传',
    });
  });

  it('a file one byte over the limit, with both sizes', () => {
    const bytes = Buffer.concat([files.pdf(), Buffer.alloc(20 * 1024 * 1024 + 1 - files.pdf().length, 0x20)]);
    expect(refusal(bytes)).toEqual({
      code: 'EVIDENCE_TOO_LARGE',
      message: '文件大小 20 MB，超过每个文件 20 MB 的上限；请压缩图片、拆分文档或另存为较小的 PDF 后再上传',
    });
    expect(refusal(Buffer.alloc(3 * 1024 * 1024 + 300 * 1024, 0x20), 1024 * 1024).message).toMatch(
      /^文件大小 3.3 MB，超过每个文件 1 MB 的上限/,
    );
  });

  it.each([
    ['a Windows program', files.exe()],
    ['a Linux program', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])],
    ['a shell script', Buffer.from('#!/bin/sh\nrm -rf /\n')],
    ['a Windows Installer package', files.compound(['\u4840\u3f3f'], files.MSI_CLASS_ID)],
  ])('%s, named for what it is', (_what, bytes) => {
    expect(refusal(bytes)).toEqual({
      code: 'EVIDENCE_TYPE_REFUSED',
      message: '这是可执行程序或脚本，不能作为佐证材料；请上传 PDF、OFD、图片（JPG、PNG）或 Office/WPS 文档',
    });
  });

  it('a plain ZIP, even one holding a folder named word/', async () => {
    expect(refusal(await files.archiveOfDocuments())).toEqual({
      code: 'EVIDENCE_TYPE_REFUSED',
      message: '这是 ZIP 压缩包，其中的文件无法查看；请解压后逐个上传其中的 PDF、图片或 Office 文档',
    });
  });

  it.each([
    ['RAR', Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1')],
    ['7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4])],
  ])('a %s archive', (kind, bytes) => {
    expect(refusal(bytes).message).toBe(
      `这是 ${kind} 压缩包，其中的文件无法查看；请解压后逐个上传其中的 PDF、图片或 Office 文档`,
    );
  });

  it('a document with macros, new or old format', async () => {
    const message =
      '文档含有宏，打开时可能运行程序，不能作为佐证材料；请另存为不含宏的 .docx/.xlsx/.pptx 或 PDF 后再上传';
    expect(refusal(await files.docm())).toEqual({ code: 'EVIDENCE_TYPE_REFUSED', message });
    expect(refusal(files.compound(['WordDocument', 'Macros']))).toEqual({ code: 'EVIDENCE_TYPE_REFUSED', message });
  });

  it('a password-protected Office document, which the coordinator could not open', () => {
    expect(refusal(files.compound(['EncryptionInfo', 'EncryptedPackage'])).message).toBe(
      '文档设有打开密码，督办单位无法查看；请取消密码（文件 → 信息 → 保护文档）后再上传',
    );
  });

  it('bytes of no known type, and a broken OLE file', () => {
    expect(refusal(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff]))).toEqual({
      code: 'EVIDENCE_TYPE_REFUSED',
      message: '无法识别文件类型，不能作为佐证材料；请上传 PDF、OFD、图片（JPG、PNG）或 Office/WPS 文档',
    });
    expect(refusal(files.compound(['WordDocument']).subarray(0, 520)).message).toBe(
      '文件像是 Office 97-2003 格式但已损坏，无法识别；请重新保存后上传',
    );
  });

  it('whatever the name says: a program called 报告.pdf is still a program', () => {
    // The sniffer is never given the name; the store keeps the name only for the download.
    expect(evidenceName('报告.pdf')).toBe('报告.pdf');
    expect(refusal(files.exe()).code).toBe('EVIDENCE_TYPE_REFUSED');
  });
});

describe('the file name', () => {
  it('keeps only the last part of a path, as a browser may send it', () => {
    expect(evidenceName('C:\\fakepath\\整改报告.pdf')).toBe('整改报告.pdf');
    expect(evidenceName('../../etc/passwd')).toBe('passwd');
  });

  it.each([
    ['no name', '', '缺少文件名；请给出上传文件的名称，如「整改报告.pdf」'],
    ['a line break', 'a\nb.pdf', '文件名含有控制字符或无效字符；请重命名文件后再上传'],
    ['256 characters', '报'.repeat(252) + '.pdf', '文件名超过 255 个字符；请缩短文件名后再上传'],
  ])('refuses a name with %s', (_what, name, message) => {
    expect(() => evidenceName(name)).toThrow(new EvidenceRefused('EVIDENCE_NAME_INVALID', message));
  });
});
