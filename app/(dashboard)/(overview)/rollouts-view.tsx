"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, useState } from "react";
import { FreezeBanner } from "@/components/approvals/freeze-banner";
import { NotificationHealth } from "@/components/notifications/notification-health";
import { AttentionList } from "@/components/overview/attention-list";
import type { ListedRollout } from "@/components/overview/rollout-table";
import { ActionDialog } from "@/components/rollouts/action-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { useSession } from "@/lib/client/use-session";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { attentionWithLive, type OverviewListJson, type OverviewRowJson } from "@/lib/contracts/overview";
import { ATTENTION_GROUPS, compareAttention, type AttentionGroup } from "@/lib/domain/attention";
import type { LiveTraffic } from "@/lib/domain/live-traffic";

export function RolloutsView({ initial, includeArchived }: { initial: OverviewListJson; includeArchived: boolean }) {
  const query = useQuery({
    queryKey: queryKeys.rollouts.list({ includeArchived }),
    queryFn: (): Promise<OverviewListJson> => api.listRollouts({ includeArchived }),
    initialData: initial,
    refetchInterval: 5_000,
  });
  const { rollouts } = query.data;
  const createDenied = useSession().reason("rollouts.define", "create rollouts");
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Rollouts</h1>
          <p className="muted">
            {rollouts.length} {includeArchived ? "rollouts, archived included" : "active and past rollouts"}
          </p>
        </div>
        <div className="actions">
          <Link className="button" href={includeArchived ? "/" : "/?archived=1"}>
            {includeArchived ? "Hide archived" : "Show archived"}
          </Link>
          {createDenied ? (
            <button type="button" className="button button-primary" disabled title={createDenied}>
              New rollout
            </button>
          ) : (
            <Link className="button button-primary" href="/rollouts/new">
              New rollout
            </Link>
          )}
        </div>
      </div>
      {query.isError ? (
        <p className="banner banner-warn" role="alert">
          Could not refresh the list: {query.error.message}. Showing what was loaded last.
        </p>
      ) : null}
      <FreezeBanner />
      {rollouts.length === 0 ? <NoRollouts /> : <Overview list={query.data} />}
    </>
  );
}

/** The list grouped by attention, with the live weights (drift) folded in as they arrive. */
function Overview({ list }: { list: OverviewListJson }) {
  const live = useQuery({ queryKey: queryKeys.rollouts.allTraffic, queryFn: api.allLiveTraffic, refetchInterval: 5_000 });
  const [rollingBack, setRollingBack] = useState<OverviewRowJson | null>(null);
  const actDenied = useSession().reason("rollouts.act", "roll back");
  const traffic = live.data?.traffic;
  const liveOf = (id: string) => traffic?.[id];
  const groups = useMemo(() => {
    const grouped = Object.fromEntries(ATTENTION_GROUPS.map((g) => [g, [] as ListedRollout[]])) as Record<AttentionGroup, ListedRollout[]>;
    for (const rollout of list.rollouts) {
      const current = traffic?.[rollout.id];
      const attention = attentionWithLive(rollout, current?.state === "ok" ? current : null, list.readAt);
      grouped[attention.group].push({ rollout, attention });
    }
    for (const rows of Object.values(grouped)) rows.sort((a, b) => compareAttention(a.attention, b.attention));
    return grouped;
  }, [list, traffic]);
  return (
    <>
      <AttentionList groups={groups} readAt={list.readAt} liveOf={liveOf} onRollBack={setRollingBack} actDenied={actDenied} />
      <NotificationHealth />
      {rollingBack ? (
        <ActionDialog
          rollout={rollingBack}
          action="rollback"
          liveCanaryWeight={(() => {
            const current: LiveTraffic | undefined = liveOf(rollingBack.id);
            return current?.state === "ok" ? current.canaryWeight : undefined;
          })()}
          onClose={() => setRollingBack(null)}
        />
      ) : null}
    </>
  );
}

function NoRollouts() {
  const createDenied = useSession().reason("rollouts.define", "create rollouts");
  return (
    <EmptyState title="No rollouts yet">
      <p>A rollout tells Aviary which VirtualService route to drive, the canary steps (for example 5% → 25% → 50% → 100%) and the SLOs to watch.</p>
      <p>
        {createDenied ? (
          <span className="hint">{createDenied}</span>
        ) : (
          <Link className="button button-primary" href="/rollouts/new">
            Create your first rollout
          </Link>
        )}
      </p>
      <p className="muted">
        Or from a script: <code>curl -X POST -H &apos;content-type: application/json&apos; --data @rollout.json /api/rollouts</code>
      </p>
    </EmptyState>
  );
}
