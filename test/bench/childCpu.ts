import { readdirSync, readFileSync } from 'node:fs';

/** The kernel's clock ticks a second (USER_HZ), in which /proc counts CPU time. */
export const TICKS_PER_SECOND = 100;

/**
 * CPU ticks (user + system) of this process's children, summed per group: `groupOf` names a child's group from its
 * command name (15 characters, as the kernel keeps it) and its arguments, or leaves it out (`null`).
 */
export function childTicks(
  groupOf: (name: string, args: string[]) => string | null = (name) => name,
): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat: string;
    let args: string[];
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    // The command is in parentheses and may hold spaces: the fields after it are counted from its closing one.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const group = Number(fields[1]) === process.pid ? groupOf(name, args) : null;
    if (group !== null) {
      ticks.set(group, (ticks.get(group) ?? 0) + Number(fields[11]) + Number(fields[12]));
    }
  }

  return ticks;
}

/** % of one core each group used between two readings `ms` apart. */
export function cpuPercent(before: Map<string, number>, after: Map<string, number>, ms: number, group: string): number {
  return (((after.get(group) ?? 0) - (before.get(group) ?? 0)) / TICKS_PER_SECOND / (ms / 1000)) * 100;
}
