"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { LocalTime } from "@/components/ui/local-time";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { useSession } from "@/lib/client/use-session";
import type { RolloutApprovalsJson } from "@/lib/contracts/approvals";
import type { RolloutJson } from "@/lib/contracts/rollout";
import styles from "./approvals.module.css";

const LIVE_MS = 2_000;
const OPEN_STATUSES: RolloutJson["status"][] = ["draft", "progressing", "paused"];

/** The rollout's approvals, shared by the panel and the action bar (one query, one poll). */
export function useApprovals(rolloutId: string) {
  return useQuery({ queryKey: queryKeys.rollouts.approvals(rolloutId), queryFn: () => api.approvals(rolloutId), refetchInterval: LIVE_MS });
}

const STATE_TEXT = { pass: "passing", fail: "failing", stale: "too old", missing: "not run" } as const;

/**
 * What promotions of this rollout wait for: freeze windows holding it, its HTTP checks (last
 * answer, Run checks) and its checklist (tick boxes, who ticked). Rollback never waits for any of it.
 */
export function ApprovalsPanel({ rollout }: { rollout: Pick<RolloutJson, "id" | "status"> }) {
  const query = useApprovals(rollout.id);
  const queryClient = useQueryClient();
  const actDenied = useSession().reason("rollouts.act", "run checks and tick the checklist");
  const settle = (data: RolloutApprovalsJson) => queryClient.setQueryData(queryKeys.rollouts.approvals(rollout.id), data);
  const run = useMutation({ mutationFn: () => api.runApprovalChecks(rollout.id), onSuccess: settle });
  // The box follows the click at once; the server's answer (or an error) settles it.
  const [optimistic, setOptimistic] = useState<Record<string, boolean>>({});
  const tick = useMutation({
    mutationFn: ({ itemId, ticked }: { itemId: string; ticked: boolean }) => api.tickChecklistItem(rollout.id, itemId, ticked),
    onSuccess: settle,
    onSettled: () => setOptimistic({}),
  });
  const data = query.data;
  const open = OPEN_STATUSES.includes(rollout.status);

  return (
    <section className="panel" aria-labelledby="approvals-heading">
      <div className="panel-header">
        <h2 id="approvals-heading">Approvals</h2>
        {data && data.checks.length > 0 ? (
          <div className="actions">
            <button
              type="button"
              className="button"
              disabled={actDenied !== null || run.isPending || !open}
              title={actDenied ?? (!open ? "The rollout is finished" : undefined)}
              onClick={() => run.mutate()}
            >
              {run.isPending ? "Running checks…" : "Run checks"}
            </button>
          </div>
        ) : null}
      </div>
      {query.isError ? (
        <p className="banner banner-warn" role="alert">
          Could not load the approvals: {query.error.message}
        </p>
      ) : null}
      {!data ? (
        query.isError ? null : (
          <p className="muted">Loading approvals…</p>
        )
      ) : (
        <>
          {data.freezes.length > 0 ? (
            <div className="banner banner-warn" role="status">
              <strong>Promotions are frozen.</strong>
              <ul className={styles.freezeList}>
                {data.freezes.map((f) => (
                  <li key={f.id}>{f.description}</li>
                ))}
              </ul>
              Rollback and pause still work; an admin may promote anyway, with a reason.
            </div>
          ) : null}
          {!data.configured ? (
            <p className="muted">
              No approvals: promotions do not wait for checks or a checklist. Add an <code>approvals</code> block to the definition to require them.
            </p>
          ) : (
            <>
              {data.blockers.length > 0 && open ? (
                <ul className={styles.blockers} aria-label="Promotion waits for">
                  {data.blockers.map((b) => (
                    <li key={b}>{b}</li>
                  ))}
                </ul>
              ) : open ? (
                <p className={styles.pass}>Every approval holds: promotion may go ahead.</p>
              ) : null}
              {run.isError ? (
                <p className="banner banner-error" role="alert">
                  Running the checks failed: {run.error.message}
                </p>
              ) : null}
              {tick.isError ? (
                <p className="banner banner-error" role="alert">
                  Could not change the checklist: {tick.error.message}
                </p>
              ) : null}
              {data.checks.length > 0 ? <Checks data={data} /> : null}
              {data.checklist.length > 0 ? (
                <>
                  <h3>
                    Checklist ({data.ticked} of {data.total} ticked)
                  </h3>
                  <ul className={styles.list}>
                    {data.checklist.map((item) => (
                      <li key={item.id} className={styles.item}>
                        <label>
                          <input
                            type="checkbox"
                            checked={optimistic[item.id] ?? item.tick !== null}
                            disabled={actDenied !== null || tick.isPending || !open}
                            title={actDenied ?? undefined}
                            onChange={(event) => {
                              const ticked = event.target.checked;
                              setOptimistic((current) => ({ ...current, [item.id]: ticked }));
                              tick.mutate({ itemId: item.id, ticked });
                            }}
                          />
                          {item.text}
                        </label>
                        {item.requireDifferentPerson ? <span className={styles.meta}>someone other than the ticker must promote</span> : null}
                        <span className={styles.meta}>
                          {item.tick ? (
                            <>
                              ticked by {item.tick.actorEmail ?? item.tick.actorId} at <LocalTime iso={item.tick.at} />
                            </>
                          ) : (
                            "not ticked"
                          )}
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          )}
        </>
      )}
    </section>
  );
}

/** ", 312 bytes (sha256 1f2e3d4c5b6a)": tells two answers apart without showing them. */
function answerSize(last: NonNullable<RolloutApprovalsJson["checks"][number]["last"]>): string {
  if (last.size === null) return "";
  const hash = last.sha256 ? ` (sha256 ${last.sha256.slice(0, 12)})` : "";
  return `, ${last.size === 4096 ? "4 KiB read" : `${last.size} bytes`}${hash}`;
}

function Checks({ data }: { data: RolloutApprovalsJson }) {
  return (
    <>
      <h3>HTTP checks (must pass within {data.freshSeconds / 60} min before a promotion)</h3>
      <ul className={styles.list}>
        {data.checks.map((check) => (
          <li key={check.name} className={styles.item}>
            <strong>{check.name}</strong>
            <span className="mono">GET {check.url}</span>
            <span className={styles.meta}>
              expects {check.expectStatus}, timeout {check.timeoutMs} ms
            </span>
            <span className={check.state === "pass" ? styles.pass : check.state === "fail" ? styles.fail : styles.pending}>{STATE_TEXT[check.state]}</span>
            {check.last ? (
              <span className={styles.meta}>
                {check.last.summary} in {check.last.latencyMs} ms{answerSize(check.last)}, <LocalTime iso={check.last.at} /> by {check.last.actorId}
              </span>
            ) : (
              <span className={styles.meta}>never run</span>
            )}
            {check.last?.excerpt ? (
              <p className={`${styles.excerpt} mono`} aria-label={`Answer of ${check.name}`}>
                {check.last.excerpt}
              </p>
            ) : check.last?.excerptWithheld ? (
              <span className={styles.meta}>The answer&apos;s text is shown to operators and admins.</span>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
