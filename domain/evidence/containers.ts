/**
 * The two containers office files come in, read only as far as telling what is inside: a ZIP's central directory
 * (OOXML .docx/.xlsx/.pptx, OFD, and every plain archive) and an OLE compound file's directory (Word, Excel and
 * PowerPoint 97-2003, WPS, installers, Outlook messages). Searching the bytes for "word/" or "WordDocument", as a quick
 * check may, would take a ZIP holding a folder named word/ for a Word document; the directories say what the file is.
 *
 * Every offset and count comes from an uploaded file, so each is checked against the file's length and every loop is
 * bounded: a malformed or hostile file yields `undefined` (not a container we can read), never a throw or a hang.
 */
import { inflateRawSync } from 'node:zlib';

const u16 = (b: Uint8Array, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;
/** A 64-bit length or offset, as a number; beyond 2^53 it is no file we could hold anyway. */
const u64 = (b: Uint8Array, at: number): number => u32(b, at) + u32(b, at + 4) * 2 ** 32;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else we do not read. */
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** More entries than any office document has; an archive with more is refused as an archive anyway. */
const MAX_ZIP_ENTRIES = 65_536;

/** The entries a ZIP file's central directory lists, or undefined when it has none we can read. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | undefined {
  // The end-of-central-directory record is the last 22 bytes, unless an archive comment (at most 65,535) follows.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (u32(bytes, at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return undefined;
  let count = u16(bytes, eocd + 10);
  let directorySize = u32(bytes, eocd + 12);
  let directoryOffset = u32(bytes, eocd + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || u32(bytes, locator) !== ZIP64_LOCATOR) return undefined;
    const record = u64(bytes, locator + 8);
    if (record + 56 > bytes.length || u32(bytes, record) !== ZIP64_EOCD) return undefined;
    count = u64(bytes, record + 32);
    directorySize = u64(bytes, record + 40);
    directoryOffset = u64(bytes, record + 48);
  }
  if (count > MAX_ZIP_ENTRIES || directoryOffset + directorySize > bytes.length) return undefined;
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== CENTRAL_HEADER) return undefined;
    const flags = u16(bytes, at + 8);
    const nameLength = u16(bytes, at + 28);
    const end = at + 46 + nameLength;
    if (end > bytes.length) return undefined;
    const raw = bytes.subarray(at + 46, end);
    entries.push({
      // Bit 11: the name is UTF-8; otherwise code page 437, where the ASCII names we look for read the same.
      name: new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(raw),
      method: u16(bytes, at + 10),
      flags,
      compressedSize: u32(bytes, at + 20),
      size: u32(bytes, at + 24),
      localOffset: u32(bytes, at + 42),
    });
    at = end + u16(bytes, at + 30) + u16(bytes, at + 32);
  }
  return entries;
}

/**
 * One small entry's content (a manifest such as [Content_Types].xml), or undefined when it is missing, encrypted,
 * compressed by a method other than deflate, or larger than `limit` once inflated: a ZIP bomb stops at the limit.
 */
export function zipEntryContent(bytes: Uint8Array, entry: ZipEntry, limit = 1 << 20): Uint8Array | undefined {
  if (entry.flags & 0x1 || entry.size > limit) return undefined;
  const at = entry.localOffset;
  if (at + 30 > bytes.length || u32(bytes, at) !== LOCAL_HEADER) return undefined;
  const start = at + 30 + u16(bytes, at + 26) + u16(bytes, at + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) return undefined;
  const data = bytes.subarray(start, end);
  if (entry.method === 0) return data;
  if (entry.method !== 8) return undefined;
  try {
    return inflateRawSync(data, { maxOutputLength: limit });
  } catch {
    return undefined;
  }
}

export interface CompoundFile {
  /** The root storage's class id, as Windows writes it: {000C1084-0000-0000-C000-000000000046} is an installer. */
  rootClassId: string;
  /** The names of the streams and storages directly under the root: WordDocument, Workbook, Macros, … */
  names: string[];
}

export const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const END_OF_CHAIN = 0xfffffffe;
const NO_STREAM = 0xffffffff;
/** Sector numbers from here up are markers (free, end of chain, FAT, DIFAT), not sectors. */
const MAX_SECTOR = 0xfffffffa;
const ROOT = 5;

/**
 * The root directory of an OLE compound file ([MS-CFB]), or undefined when these bytes are not one we can read.
 * Only the file allocation table's chain of directory sectors is followed; no stream is read.
 */
export function compoundFile(bytes: Uint8Array): CompoundFile | undefined {
  if (bytes.length < 512 || OLE_SIGNATURE.some((b, i) => bytes[i] !== b)) return undefined;
  if (u16(bytes, 0x1c) !== 0xfffe) return undefined;
  const shift = u16(bytes, 0x1e);
  if (shift !== 9 && shift !== 12) return undefined;
  const sectorSize = 1 << shift;
  // A last sector cut short (some writers do) still counts; what it lacks reads as zeros.
  const sectors = Math.ceil(bytes.length / sectorSize) - 1;
  const sectorAt = (n: number) => (n + 1) * sectorSize;
  const perSector = sectorSize / 4;

  // Where the FAT's own sectors are: 109 in the header, the rest in a chain of DIFAT sectors.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const n = u32(bytes, 0x4c + 4 * i);
    if (n < MAX_SECTOR) fatSectors.push(n);
  }
  let difat = u32(bytes, 0x44);
  for (let hops = 0; difat < MAX_SECTOR && hops <= sectors; hops++) {
    if (difat >= sectors) return undefined;
    const base = sectorAt(difat);
    for (let i = 0; i < perSector - 1; i++) {
      const n = u32(bytes, base + 4 * i);
      if (n < MAX_SECTOR) fatSectors.push(n);
    }
    difat = u32(bytes, base + 4 * (perSector - 1));
  }
  const next = (n: number): number | undefined => {
    const fat = fatSectors[Math.floor(n / perSector)];
    if (fat === undefined || fat >= sectors) return undefined;
    return u32(bytes, sectorAt(fat) + 4 * (n % perSector));
  };

  // The directory: 128-byte entries in the chain of sectors that starts in the header.
  const entries: number[] = [];
  const seen = new Set<number>();
  for (let n = u32(bytes, 0x30); n !== END_OF_CHAIN;) {
    if (n >= sectors || seen.has(n)) return undefined;
    seen.add(n);
    for (let at = sectorAt(n); at < sectorAt(n) + sectorSize; at += 128) entries.push(at);
    const following = next(n);
    if (following === undefined) return undefined;
    n = following;
  }
  const root = entries[0];
  if (root === undefined || bytes[root + 0x42] !== ROOT) return undefined;

  // The root's children form a tree through their left and right siblings.
  const names: string[] = [];
  const visited = new Set<number>();
  const pending = [u32(bytes, root + 0x4c)];
  while (pending.length > 0) {
    const index = pending.pop()!;
    if (index === NO_STREAM || visited.has(index)) continue;
    const at = entries[index];
    if (at === undefined) return undefined;
    visited.add(index);
    const nameLength = Math.min(u16(bytes, at + 0x40), 64);
    names.push(new TextDecoder('utf-16le').decode(bytes.subarray(at, at + Math.max(0, nameLength - 2))));
    pending.push(u32(bytes, at + 0x44), u32(bytes, at + 0x48));
  }
  return { rootClassId: classId(bytes.subarray(root + 0x50, root + 0x60)), names };
}

/** A CLSID as Windows prints it: the first three groups are little-endian numbers, the last two plain bytes. */
function classId(b: Uint8Array): string {
  const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');
  const tail = [...b.subarray(8)].map((x) => hex(x, 2)).join('');
  return `{${hex(u32(b, 0), 8)}-${hex(u16(b, 4), 4)}-${hex(u16(b, 6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}}`;
}
