/**
 * End matter (版记 and what follows the text): the attachment list (附件:1.…表 2.…名单), the signature, "(此件公开
 * 发布)", 抄送:…, "…办公室 2017年3月22日印发". None of it belongs to the last item, its units or its deadline.
 */

/* Lines that are end matter wherever they stand: 抄送/抄报, the 印发 line, the publication note. */
const END_MATTER =
  /^(?:(?:抄送|抄报|分送|发送)\s*:|[(]?\s*此件(?:公开发布|主动公开|不予公开|依申请公开|不公开)|公开方式\s*:|[^。;]{0,40}\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$)/;

/** Is this (normalised) line end matter: 抄送, the 印发 line, "(此件公开发布)", "公开方式:"? */
export function isEndMatter(norm: string): boolean {
  return END_MATTER.test(norm.trim());
}

/** "附件:1.XX项目表": the attachment list that closes the text (not "附件" alone, which heads the attachment). */
export function isAttachmentList(norm: string): boolean {
  return /^附件\s*\d*\s*:\s*\S/.test(norm.trim());
}

/** A further entry of the attachment list: "2.江西省计量工作联络员名单", numbered, short, not a sentence. */
export function isAttachmentEntry(norm: string): boolean {
  const t = norm.trim();
  return /^(\d{1,2}|[一二三四五六七八九十]{1,2})\s*[.、]\s*\S/.test(t) && t.length <= 60 && !/[。;,]/.test(t);
}
