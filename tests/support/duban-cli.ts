/** `duban ARGS…` run in-process through cli/main.ts's `main`, in a given working directory, collecting its output. */
import { main } from '../../cli/main';

export interface DubanRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A runner of `duban` whose relative paths are taken from `cwd()` (read at each call, so it may be set in beforeAll),
 * with the process's environment and `env` over it (a test's own task queue, say).
 */
export function dubanIn(cwd: () => string, env: NodeJS.ProcessEnv = {}): (...args: string[]) => Promise<DubanRun> {
  return async (...args) => {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      stdout: (s) => (stdout += s.toString()),
      stderr: (s) => (stderr += s),
      cwd: cwd(),
      env: { ...process.env, ...env },
    });
    return { code, stdout, stderr };
  };
}

/** As `dubanIn`, with `input` piped to the command's standard input (a password for `duban users …`). */
export function dubanPiped(
  cwd: () => string,
  env: NodeJS.ProcessEnv = {},
): (input: string, ...args: string[]) => Promise<DubanRun> {
  return async (input, ...args) => {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      stdout: (s) => (stdout += s.toString()),
      stderr: (s) => (stderr += s),
      cwd: cwd(),
      env: { ...process.env, ...env },
      stdin: async () => input,
      stdinIsTty: false,
    });
    return { code, stdout, stderr };
  };
}
