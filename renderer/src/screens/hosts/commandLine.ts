/** A program and its arguments as one line a person can read and copy (POSIX-style quoting where needed). */
export function commandLine(command: string, args: readonly string[] = []): string {
  return [command, ...args].map(quoteArg).join(' ');
}

function quoteArg(arg: string): string {
  if (arg === '') return "''";
  return /^[\w@%+=:,./\\-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
