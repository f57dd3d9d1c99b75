/** duban — the command line. Subcommands are registered in this file. */
function main(argv: string[]): number {
  const [command] = argv;
  process.stderr.write(`duban: unknown command ${command ?? '(none)'}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
