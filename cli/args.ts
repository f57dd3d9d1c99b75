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
  /** Every value of each repeatable option, in order (`--evidence a.pdf --evidence b.jpg`). */
  repeated: Map<string, string[]>;
}

/**
 * Split argv; `flagNames` take no value, `optionNames` take one, `repeatableNames` take one each time they are given;
 * anything else is a usage error.
 */
export function parseArgs(
  argv: string[],
  optionNames: string[],
  flagNames: string[] = [],
  repeatableNames: string[] = [],
): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  const repeated = new Map<string, string[]>();
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
    if (!optionNames.includes(name) && !repeatableNames.includes(name)) {
      const known = [...optionNames, ...repeatableNames, ...flagNames].map((o) => `--${o}`);
      throw new UsageError(
        `未知的选项 --${name}；${known.length > 0 ? `可用：${known.join(' ')}` : '这个命令没有选项'}`,
      );
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--')))
      throw new UsageError(`选项 --${name} 后面要跟一个值`);
    if (repeatableNames.includes(name)) repeated.set(name, [...(repeated.get(name) ?? []), value]);
    else options.set(name, value);
  }
  return { positionals, options, flags, repeated };
}

/** An option the command cannot do without, trimmed; `what` says what to give, with an example. */
export function required(args: ParsedArgs, name: string, what: string): string {
  const value = args.options.get(name);
  if (value === undefined || value.trim() === '') throw new UsageError(`缺少 --${name}：${what}`);
  return value.trim();
}

/** The command's one positional argument (a cycle's or an assignment's id). */
export function one(args: ParsedArgs, what: string): string {
  if (args.positionals.length !== 1) throw new UsageError(`请给出一个${what}（得到 ${args.positionals.length} 个）`);
  return args.positionals[0]!;
}
