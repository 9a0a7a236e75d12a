const COLORS: Record<string, string> = { db: "36", app: "35", demo: "32", seed: "33", setup: "34", e2e: "90" };

export function log(source: string, message: string): void {
  const color = COLORS[source] ?? "0";
  const prefix = process.stdout.isTTY ? `\x1b[${color}m[${source}]\x1b[0m` : `[${source}]`;
  console.log(`${prefix} ${message}`);
}
