// Counts what clients ask of the double, so tests can prove how many GETs,
// LISTs and watches a feature costs the API server.

export type RequestRecord = {
  at: number;
  method: string;
  path: string;
  /** The RBAC verb (get, list, watch, patch, ...); null for discovery, health and unknown paths. */
  verb: string | null;
  resource?: string;
  namespace?: string;
  name?: string;
};

export type RequestFilter = Partial<Pick<RequestRecord, "verb" | "resource" | "namespace" | "name" | "method">> & {
  pathContains?: string;
};

const MAX_RECORDS = 20_000;

export class RequestLog {
  private records: RequestRecord[] = [];

  record(entry: RequestRecord): void {
    this.records.push(entry);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
  }

  list(filter: RequestFilter = {}): RequestRecord[] {
    return this.records.filter(
      (r) =>
        (filter.verb === undefined || r.verb === filter.verb) &&
        (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
        (filter.resource === undefined || r.resource === filter.resource) &&
        (filter.namespace === undefined || r.namespace === filter.namespace) &&
        (filter.name === undefined || r.name === filter.name) &&
        (filter.pathContains === undefined || r.path.includes(filter.pathContains)),
    );
  }

  count(filter: RequestFilter = {}): number {
    return this.list(filter).length;
  }

  /** Per verb, e.g. { get: 3, list: 1, watch: 1 }. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) out[r.verb ?? "other"] = (out[r.verb ?? "other"] ?? 0) + 1;
    return out;
  }

  clear(): void {
    this.records = [];
  }
}
