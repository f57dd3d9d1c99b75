/** GBK bytes for tests: Node decodes GBK but has no encoder, so build the reverse table from the decoder once. */
let table: Map<string, number> | null = null;

export function encodeGbk(s: string): Buffer {
  if (table === null) {
    table = new Map();
    const dec = new TextDecoder('gbk');
    for (let hi = 0x81; hi <= 0xfe; hi++) {
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        if (lo === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([hi, lo]));
        if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, (hi << 8) | lo);
      }
    }
  }
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    const code = table.get(ch);
    if (code === undefined) throw new Error(`no GBK code for ${ch}`);
    out.push(code >> 8, code & 0xff);
  }
  return Buffer.from(out);
}
