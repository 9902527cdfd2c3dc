import type { FileProblem, PacketCheck, PacketCheckName } from '../verifyPacket';

// What the checks found, gathered as they run: one result per check (the last pass or fail
// given wins) and one problem per (kind, path), listing every check that found it. Reasons are
// one line each; firstFew keeps a list of paths in them short.

export class Findings {
  readonly checks = new Map<PacketCheckName, PacketCheck>();
  readonly problems = new Map<string, FileProblem>();

  pass(name: PacketCheckName, reason: string): void {
    this.checks.set(name, { name, ok: true, reason });
  }

  fail(name: PacketCheckName, reason: string): void {
    this.checks.set(name, { name, ok: false, reason });
  }

  problem(path: string, kind: FileProblem['kind'], check: PacketCheckName): void {
    const key = `${kind}\u0000${path}`;
    const known = this.problems.get(key);
    if (!known) this.problems.set(key, { path, kind, checks: [check] });
    else if (!known.checks.includes(check)) known.checks.push(check);
  }
}

/** "a, b, c and 4 more": paths in a one-line reason. */
export function firstFew(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${String(paths.length - 3)} more` : shown;
}
