/** The benchmarks' command-line options: `--name N`, a positive whole number, else the benchmark's default. */
export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} 应为正整数`);
  return value;
}
