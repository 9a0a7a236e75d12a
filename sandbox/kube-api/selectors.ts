// labelSelector / fieldSelector support for list calls. Covers the syntax
// clients actually send (=, ==, !=, in, notin, exists, !exists).
import { badRequest } from "./status";
import type { KubeObject } from "./types";

type Predicate = (obj: KubeObject) => boolean;

export function parseLabelSelector(selector: string | null): Predicate {
  const terms = splitTerms(selector ?? "").map(labelTerm);
  return (obj) => terms.every((t) => t(obj.metadata.labels ?? {}));
}

export function parseFieldSelector(selector: string | null): Predicate {
  const terms = splitTerms(selector ?? "").map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
    const [, field = "", op, value] = m;
    if (field !== "metadata.name" && field !== "metadata.namespace") {
      throw badRequest(`field label not supported: ${field}`);
    }
    const key = field === "metadata.name" ? "name" : "namespace";
    return (obj: KubeObject) => (obj.metadata[key] === value) === (op !== "!=");
  });
  return (obj) => terms.every((t) => t(obj));
}

function labelTerm(term: string): (labels: Record<string, string>) => boolean {
  let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key = "", op, list = ""] = m;
    const values = list.split(",").map((v) => v.trim());
    return (l) => (op === "in" ? values.includes(l[key] ?? "\u0000") : !values.includes(l[key] ?? "\u0000"));
  }
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
  if (m) {
    const [, key = "", op, value] = m;
    return (l) => (op === "!=" ? l[key] !== value : l[key] === value);
  }
  m = /^(!?)([\w./-]+)$/.exec(term);
  if (m) {
    const [, not, key = ""] = m;
    return (l) => key in l !== (not === "!");
  }
  throw badRequest(`unable to parse requirement: invalid label selector term '${term}'`);
}

/** Splits on commas that are not inside an `in (...)` value list. */
function splitTerms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out.filter(Boolean);
}
