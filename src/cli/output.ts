/** Writes one line to stdout. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function sayJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
