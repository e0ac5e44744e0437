import type { Command } from 'commander';

const WIDTH = 100;

/** Every command that does something (not a group like `dlq`), with the words that lead to it. */
export function leafCommands(program: Command): Array<{ path: string[]; command: Command }> {
  const walk = (command: Command, path: string[]): Array<{ path: string[]; command: Command }> =>
    command.commands.length === 0
      ? [{ path, command }]
      : command.commands.flatMap((sub) => walk(sub, [...path, sub.name()]));
  return program.commands.flatMap((command) => walk(command, [command.name()]));
}

/**
 * A command as the user types it, word by word: `advertiser create --name <name>`, `dlq delete <id>`; what may be
 * left out is in brackets (`[--limit <n>]`, `[ids...]`).
 */
export function usageOf(path: string[], command: Command): string[] {
  const args = command.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? '...' : ''}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  const options = command.options
    .filter((o) => !o.hidden)
    .map((o) => {
      const flags = o.short && o.long ? o.flags.replace(`${o.short}, `, '') : o.flags;
      return o.mandatory ? flags : `[${flags}]`;
    });
  return [path.join(' '), ...args, ...options];
}

/** The usage on as many lines as WIDTH needs, never breaking inside one argument or option. */
function wrapUsage(parts: string[], indent: number): string[] {
  const lines: string[] = [];
  let line = parts[0]!;
  for (const part of parts.slice(1)) {
    if (indent + line.length + 1 + part.length > WIDTH) {
      lines.push(line);
      line = `  ${part}`;
    } else line += ` ${part}`;
  }
  return [...lines, line];
}

/**
 * The top-level --help: every command with its usage as typed and what it does, so one screen answers "how do I
 * …?". `<command> --help` still explains each option.
 */
export function formatRootHelp(program: Command): string {
  const name = program.name();
  const lines = [`Usage: ${name} <command> [options]`, '', program.description(), '', `Commands (${name} <command> --help explains each option):`];
  for (const { path, command } of leafCommands(program)) {
    lines.push(...wrapUsage(usageOf(path, command), 2).map((l) => `  ${l}`));
    lines.push(`      ${command.description() || '(no description)'}`);
  }
  // Options every command takes (--operator), before or after the command's own words.
  const global = program.options.filter((o) => !o.hidden);
  if (global.length > 0) {
    lines.push('', 'Every command also takes:');
    for (const o of global) lines.push(`${o.flags}: ${o.description}`);
  }
  return `${lines.join('\n')}\n`;
}
