/** The progress a long command shows on standard error: a bar on a terminal, a line per tenth in a log. */
import { progressBar } from '../../cli/progress';
import type { Io } from '../../cli/plan-command';

function io(stderrIsTty: boolean): Io & { err: string } {
  const out = {
    err: '',
    cwd: '/',
    stdout: () => undefined,
    stderr: (s: string) => {
      out.err += s;
    },
    // stdout's being a terminal says nothing of stderr: a launch piped to a file still draws its bar
    isTty: !stderrIsTty,
    stderrIsTty,
  };
  return out;
}

describe('progressBar', () => {
  it('redraws one bar in place on a terminal and ends its line at the last count', () => {
    const term = io(true);
    const progress = progressBar(term, '发布中', 1000);
    progress(0);
    progress(37);
    progress(1000, true);
    expect(term.err.split('\r').slice(1)).toEqual([
      `发布中 [${'░'.repeat(30)}] 0% 0/1000`,
      `发布中 [${'█'.repeat(1)}${'░'.repeat(29)}] 4% 37/1000`,
      `发布中 [${'█'.repeat(30)}] 100% 1000/1000\n`,
    ]);
  });

  it('writes a line at each tenth in a log, and one when the work ends', () => {
    const log = io(false);
    const progress = progressBar(log, '重建中', 200);
    for (let done = 0; done <= 200; done += 7) progress(done);
    progress(200, true);
    expect(log.err.trim().split('\n')).toEqual([
      '重建中：0/200（0%）',
      '重建中：21/200（11%）',
      '重建中：42/200（21%）',
      '重建中：63/200（32%）',
      '重建中：84/200（42%）',
      '重建中：105/200（53%）',
      '重建中：126/200（63%）',
      '重建中：140/200（70%）',
      '重建中：161/200（81%）',
      '重建中：182/200（91%）',
      '重建中：200/200（100%）',
    ]);
  });

  it('never goes back when a count is read a moment late, and says nothing after its end', () => {
    const term = io(true);
    const progress = progressBar(term, '发布中', 100);
    progress(60);
    progress(50);
    progress(100);
    progress(100, true);
    expect(
      term.err
        .split('\r')
        .slice(1)
        .map((s) => s.split(' ').pop()),
    ).toEqual(['60/100', '60/100', '100/100\n']);
  });

  it('shows nothing to do as done', () => {
    const log = io(false);
    progressBar(log, '核验中', 0)(0, true);
    expect(log.err).toBe('核验中：0/0（100%）\n');
  });
});
