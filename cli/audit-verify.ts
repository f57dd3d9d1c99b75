/**
 * `duban audit verify`'s progress on a terminal. The verification itself is in infra/audit-verify.ts, which the API's
 * GET /assignments/:id/verify answers from too.
 */
import type { Io } from './plan-command';

/** A bar redrawn in place on a terminal; plain lines at each tenth otherwise (a log, CI). */
export function progressLine(io: Io, label: string, total: number): (done: number) => void {
  let lastTenth = -1;
  return (done) => {
    const share = total === 0 ? 1 : done / total;
    if (io.isTty) {
      const width = 30;
      const filled = Math.round(share * width);
      io.stderr(
        `\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${total}`,
      );
      if (done === total) io.stderr('\n');
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== lastTenth) {
      io.stderr(`${label}：${done}/${total}（${Math.round(share * 100)}%）\n`);
      lastTenth = tenth;
    }
  };
}
