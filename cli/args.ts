/** A small argv reader: positionals and `--name value` / `--name=value` options, nothing implicit. */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/** Split argv; `flagNames` take no value, `optionNames` take one; anything else is a usage error. */
export function parseArgs(argv: string[], optionNames: string[], flagNames: string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    if (flagNames.includes(name)) {
      flags.add(name);
      continue;
    }
    if (!optionNames.includes(name)) {
      const known = [...optionNames, ...flagNames].map((o) => `--${o}`);
      throw new UsageError(
        `未知的选项 --${name}；${known.length > 0 ? `可用：${known.join(' ')}` : '这个命令没有选项'}`,
      );
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`选项 --${name} 后面要跟一个值`);
    options.set(name, value);
  }
  return { positionals, options, flags };
}
