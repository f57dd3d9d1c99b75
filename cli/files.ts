/** Reading the file a command names, relative to its working directory, with refusals that say what to fix. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './args';
import type { Io } from './plan-command';

/** `what` names the file the command expects, for the refusal: '计划文件', '名录文件', '.json 或 .csv 文件'. */
export function readInputFile(io: Io, file: string | undefined, what: string): Buffer {
  if (file === undefined) throw new UsageError(`缺少 FILE：请给出${what}`);
  try {
    return readFileSync(resolve(io.cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`找不到文件 ${file}：请检查路径`);
    if (code === 'EISDIR') throw new UsageError(`${file} 是目录：请给出${what}`);
    if (code === 'EACCES') throw new UsageError(`无权读取 ${file}：请检查文件权限`);
    throw e;
  }
}
