/**
 * Progress of long work on standard error: a bar redrawn in place on a terminal; plain lines at each tenth otherwise
 * (a log, CI). `cycle launch`, `readmodels rebuild` and `audit verify --cycle` show theirs through it.
 */
import type { Io } from './plan-command';

const WIDTH = 30;

/**
 * A reporter of `done` out of `total`, `label` in front ("发布中"). It never goes back: a count read a moment late is
 * shown as the highest seen. The bar ends its line when `last` is said or `done` reaches `total`.
 */
export function progressBar(io: Io, label: string, total: number): (done: number, last?: boolean) => void {
  let highest = 0;
  let lastTenth = -1;
  let ended = false;
  return (count, last = false) => {
    if (ended) return;
    highest = Math.max(highest, count);
    const done = highest;
    const share = total === 0 ? 1 : Math.min(1, done / total);
    const percent = Math.round(share * 100);
    ended = last || done >= total;
    if (io.stderrIsTty) {
      const filled = Math.round(share * WIDTH);
      io.stderr(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${percent}% ${done}/${total}`);
      if (ended) io.stderr('\n');
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== lastTenth) io.stderr(`${label}：${done}/${total}（${percent}%）\n`);
    lastTenth = tenth;
  };
}
