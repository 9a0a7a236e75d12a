// A small, strict parser for Prometheus text format 0.0.4, written for the
// tests so they read /metrics the way a scraper would rather than by regex
// on strings. It throws on anything malformed: a line Prometheus would reject
// should fail a test, not be skipped.

export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Exposition = { samples: Sample[]; types: Map<string, string> };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types.set(type[1] ?? "", type[2] ?? "");
      else if (line.startsWith("# TYPE")) throw new Error(`line ${i + 1}: bad TYPE line: ${line}`);
      return;
    }
    try {
      samples.push(parseSample(line));
    } catch (err) {
      throw new Error(`line ${i + 1}: ${(err as Error).message}: ${line}`);
    }
  });
  return { samples, types };
}

function parseSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error("no metric name");
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    rest = rest.slice(1);
    while (!rest.startsWith("}")) {
      const label = LABEL_NAME.exec(rest)?.[0];
      if (!label || rest[label.length] !== "=" || rest[label.length + 1] !== '"') throw new Error("bad label");
      rest = rest.slice(label.length + 2);
      let value = "";
      for (;;) {
        const ch = rest[0];
        if (ch === undefined) throw new Error("unterminated label value");
        rest = rest.slice(1);
        if (ch === '"') break;
        if (ch !== "\\") {
          value += ch;
          continue;
        }
        const escaped = rest[0];
        rest = rest.slice(1);
        if (escaped === "n") value += "\n";
        else if (escaped === "\\" || escaped === '"') value += escaped;
        else throw new Error("bad escape");
      }
      if (label in labels) throw new Error(`duplicate label ${label}`);
      labels[label] = value;
      if (rest.startsWith(",")) rest = rest.slice(1);
      else if (!rest.startsWith("}")) throw new Error("expected , or }");
    }
    rest = rest.slice(1);
  }
  const [value, timestamp, extra] = rest.trim().split(/\s+/);
  if (!rest.startsWith(" ") || value === undefined || extra !== undefined) throw new Error("expected ' value [timestamp]'");
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) throw new Error("bad timestamp");
  return { name, labels, value: parseValue(value) };
}

function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) throw new Error(`bad value ${text}`);
  return value;
}

/** Sum of the samples named `name` whose labels include all of `match`. */
export function sumOf(exposition: Exposition, name: string, match: Record<string, string> = {}): number {
  return exposition.samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}
