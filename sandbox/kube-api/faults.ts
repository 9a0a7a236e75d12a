// Runtime fault injection so Aviary's retry, conflict and outage handling can
// be exercised deterministically. Rules stack; each can be scoped by method
// and path substring and can expire on its own (forMs).

export type FaultRule = {
  /** HTTP methods the rule applies to (any when omitted). */
  methods?: string[];
  /** Only requests whose path contains this substring. */
  pathContains?: string;
  latencyMs?: number;
  /** Share (0..1) of matching requests answered with 500 InternalError. */
  failRate?: number;
  /** Share (0..1) of matching writes answered with 409 Conflict. */
  conflictRate?: number;
  /** The next n matching writes answer 409 Conflict. */
  conflictStorm?: number;
  /**
   * "refuse" (or true): stop listening, clients get ECONNREFUSED. Only an
   * unscoped rule can do that; a scoped one behaves like "reset".
   * "reset": destroy the socket of matching requests (ECONNRESET).
   */
  refuseConnections?: boolean | "refuse" | "reset";
  /** Remove the rule automatically after this many milliseconds. */
  forMs?: number;
};

export type ActiveFault = FaultRule & { id: number };
export type FaultDecision = { latencyMs: number; reset: boolean; fail: boolean; claimConflict: () => boolean };

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class FaultController {
  private rules: ActiveFault[] = [];
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Adds a rule and returns its id. */
  add(rule: FaultRule): number {
    validateRule(rule);
    const active: ActiveFault = { ...rule, id: this.nextId++ };
    this.rules.push(active);
    if (rule.forMs !== undefined) {
      this.timers.set(active.id, setTimeout(() => this.remove(active.id), rule.forMs).unref());
    }
    this.changed();
    return active.id;
  }

  /** Replaces all rules with this one. */
  set(rule: FaultRule): number {
    this.clear();
    return this.add(rule);
  }

  remove(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.rules = this.rules.filter((r) => r.id !== id);
    this.changed();
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.rules = [];
    this.changed();
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** True while an unscoped refuse rule is active: the listener should be closed. */
  get refusing(): boolean {
    return this.rules.some((r) => isRefuse(r) && !r.methods && r.pathContains === undefined);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Decides what happens to one request. Conflicts are only claimed (and a
   * conflictStorm budget spent) once the request is known to reach a handler,
   * so a storm of n yields exactly n 409s even if other requests fail earlier.
   */
  decide(method: string, path: string): FaultDecision {
    const matching = this.rules.filter(
      (r) => (!r.methods || r.methods.map((m) => m.toUpperCase()).includes(method)) && (r.pathContains === undefined || path.includes(r.pathContains)),
    );
    const d: FaultDecision = {
      latencyMs: matching.reduce((sum, r) => sum + (r.latencyMs ?? 0), 0),
      reset: matching.some((r) => r.refuseConnections === "reset" || isRefuse(r)),
      fail: matching.some((r) => r.failRate !== undefined && this.random() < r.failRate),
      claimConflict: () => {
        if (!WRITE_METHODS.has(method)) return false;
        for (const rule of matching) {
          if (rule.conflictStorm !== undefined && rule.conflictStorm > 0) {
            rule.conflictStorm -= 1;
            return true;
          }
          if (rule.conflictRate !== undefined && this.random() < rule.conflictRate) return true;
        }
        return false;
      },
    };
    return d;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

const isRefuse = (r: FaultRule) => r.refuseConnections === true || r.refuseConnections === "refuse";

function validateRule(rule: FaultRule): void {
  const rate = (v: number | undefined, name: string) => {
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${name} must be between 0 and 1`);
  };
  rate(rule.failRate, "failRate");
  rate(rule.conflictRate, "conflictRate");
  for (const key of ["latencyMs", "conflictStorm", "forMs"] as const) {
    const v = rule[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new Error(`${key} must be a non-negative number`);
  }
}
