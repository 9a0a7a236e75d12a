import type { AuditOutcome } from "../../db/audit/events";
import { inTransaction, type Tx } from "../../db/transaction";
import type { RequestContext } from "../../domain/actor";
import type { Role } from "../../domain/roles";
import type { Deps } from "../../composition/deps";
import { attemptOutcome, recordAttempt, type Attempt } from "./record-attempt";

/**
 * One audited command: the cross-cutting steps every state-changing use case shares, composed once
 * (as create-t3-app composes tRPC middleware with `t.procedure.use(...)`). The route side
 * (lib/http/command-route.ts) checks the role before it reads the body; this side guarantees one
 * audit event per attempt: the use case writes its own inside the transaction that makes the
 * change (`trail.write`), and when it throws before that transaction committed, the wrapper writes
 * the refusal or failure through the same recordAttempt.
 */
export type CommandInput = {
  /** The parsed JSON body (undefined when none was sent). */
  input: unknown;
  /** Why the body could not be read (bad JSON, content type, size): refused, and audited where the command audits refusals. */
  bodyError?: unknown;
  context: RequestContext;
};

export type Command<Params, Result> = {
  /** The least role. The route checks it before reading the body, so a refused caller's body costs nothing. */
  role: Role;
  /**
   * What the audit log calls an attempt. A function of the body when the body names it (an
   * action's `action`): for a refused caller the body is then read only to name what was tried.
   */
  name: string | ((input: unknown) => string);
  /** "optional": an absent body is no body, not an error. */
  body: "json" | "optional" | "none";
  run: (deps: Deps, args: Params & CommandInput) => Promise<Result>;
};

/** Details of the event a use case writes; who, what and when come from the wrapper. */
export type AttemptDetails = Omit<Attempt, "action" | "context" | "startedAt" | "rolloutId" | "reason"> & { rolloutId?: string | null; reason?: string | null };

export type Trail = {
  /** The rollout whose timeline the event joins, once it is known to exist. */
  rolloutId: string | null;
  reason: string | null;
  /** What the attempt changed or would have changed: kept in its event, a refusal's or failure's too. */
  before?: unknown;
  after?: unknown;
  readonly startedAt: number;
  /** A transaction whose change and audit event commit together; the attempt counts as recorded only once it committed. */
  write<T>(work: (tx: Tx, record: (details?: AttemptDetails) => Promise<void>) => Promise<T>): Promise<T>;
  /** A simulated crash (tests): like a dead process, nothing is recorded; `outcome` is for metrics and logs. */
  unrecorded(outcome: AuditOutcome): void;
};

export type Ending = { action: string; rolloutId: string | null; context: RequestContext; outcome: AuditOutcome; error?: unknown; seconds: number };

export type AuditedOptions = {
  action: string;
  context: RequestContext;
  reason?: string | null;
  /**
   * "successes": the command writes nothing, audit included, when it refuses or fails (a
   * definition's bad input leaves no row; its role refusals are still audited at the route).
   */
  records?: "every attempt" | "successes";
  /** Called once per attempt, when it ends (actions count and time themselves in /metrics). */
  ended?: (ending: Ending) => void;
};

export async function audited<T>(deps: Pick<Deps, "db">, options: AuditedOptions, run: (trail: Trail) => Promise<T>): Promise<T> {
  const { action, context, records = "every attempt", ended } = options;
  const startedAt = performance.now();
  let recorded: AuditOutcome | null = null;
  const trail: Trail = {
    rolloutId: null,
    reason: options.reason ?? null,
    startedAt,
    async write(work) {
      let outcome: AuditOutcome | null = null;
      const result = await inTransaction(deps.db, (tx) =>
        work(tx, async (details = {}) => {
          await recordAttempt(tx, { ...facts(), ...details, action, context, startedAt });
          outcome = attemptOutcome(details.error, details.outcome);
        }),
      );
      recorded = outcome ?? recorded;
      return result;
    },
    unrecorded(outcome) {
      recorded = outcome;
    },
  };
  const facts = () => ({ rolloutId: trail.rolloutId, reason: trail.reason, before: trail.before, after: trail.after });
  const end = (outcome: AuditOutcome, error?: unknown) =>
    ended?.({ action, rolloutId: trail.rolloutId, context, outcome, error, seconds: (performance.now() - startedAt) / 1000 });
  try {
    const result = await run(trail);
    end(recorded ?? "success");
    return result;
  } catch (error) {
    try {
      if (recorded === null && records === "every attempt") {
        await recordAttempt(deps.db, { ...facts(), action, context, startedAt, error });
      }
    } finally {
      end(recorded ?? attemptOutcome(error), error);
    }
    throw error;
  }
}

/** The name an attempt is audited under, from its command and (when the body names it) its body. */
export function commandName(command: Pick<Command<unknown, unknown>, "name">, input: unknown): string {
  return typeof command.name === "string" ? command.name : command.name(input);
}
