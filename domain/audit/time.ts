/**
 * The instant an auditor names: Asia/Shanghai wall-clock time as the offices write it (`2027-06-30 18:00`, or a date
 * alone, meaning the end of that day), or ISO 8601 with its own offset (`2027-06-30T10:00:00Z`).
 */
import { addDays, isCalendarDate, shanghaiInstant } from '../calendar';
import { AuditError } from './errors';

const LOCAL = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** The instant `text` names, or an INVALID_TIME error that shows the forms accepted. */
export function parseAuditTime(text: string): Date {
  const t = text.trim();
  const invalid = () =>
    new AuditError(
      'INVALID_TIME',
      `无法识别时间“${text}”：请写北京时间，如 2027-06-30 18:00 或 2027-06-30（即当日 24:00），或带时区的 ISO 时间，如 2027-06-30T10:00:00Z`,
    );
  if (isCalendarDate(t)) return shanghaiInstant(addDays(t, 1));
  const local = LOCAL.exec(t);
  if (local) {
    const [, date, hh, mm, ss] = local;
    if (!isCalendarDate(date!) || Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) throw invalid();
    return new Date(shanghaiInstant(date!, `${hh}:${mm}`).getTime() + Number(ss ?? 0) * 1000);
  }
  if (ZONED.test(t)) {
    const instant = new Date(t);
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  throw invalid();
}
