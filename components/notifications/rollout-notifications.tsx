"use client";

import { useQuery } from "@tanstack/react-query";
import { LocalTime } from "@/components/ui/local-time";
import { notificationsApi } from "@/lib/client/notifications-api";
import { queryKeys } from "@/lib/client/query-keys";
import type { DeliveryJson } from "@/lib/contracts/notifications";

const POLL_MS = 5_000;
const SHOWN = 6;

const STATUS_LABEL: Record<DeliveryJson["status"], string> = { pending: "queued", sending: "sending", delivered: "delivered", failed: "failed" };
const labelOf = (d: DeliveryJson) => (d.status !== "failed" && troubled(d) ? "retrying" : STATUS_LABEL[d.status]);

/** Retrying: queued again after a failed attempt. */
const troubled = (d: DeliveryJson) => d.status === "failed" || (d.status !== "delivered" && d.attempts > 0 && d.lastError !== null);

/**
 * The rollout's notifications and how their delivery went: failures first, with the last error
 * and the next retry, so a Slack channel that heard nothing is noticed here. Hidden until the
 * rollout has had a notification.
 */
export function RolloutNotifications({ rolloutId }: { rolloutId: string }) {
  const query = useQuery({
    queryKey: queryKeys.rollouts.notifications(rolloutId),
    queryFn: () => notificationsApi.rollout(rolloutId),
    refetchInterval: POLL_MS,
  });
  const deliveries = query.data?.deliveries ?? [];
  if (deliveries.length === 0) return null;
  const bad = deliveries.filter(troubled);
  const shown = [...bad, ...deliveries.filter((d) => !troubled(d))].slice(0, SHOWN);
  const delivered = deliveries.filter((d) => d.status === "delivered").length;
  return (
    <section className="panel" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <p className={bad.length > 0 ? "banner banner-warn" : "muted"} role={bad.length > 0 ? "status" : undefined}>
        {bad.length > 0
          ? `${bad.length} of the last ${deliveries.length} deliveries ${bad.length === 1 ? "has" : "have"} not arrived: see below.`
          : `The last ${delivered} ${delivered === 1 ? "delivery" : "deliveries"} arrived.`}
      </p>
      <ol className="events" aria-label="Notification deliveries">
        {shown.map((d) => (
          <li key={d.id} className={`event ${d.status === "failed" ? "event-failed" : ""}`}>
            <span className="event-time">
              <LocalTime iso={d.createdAt} />
            </span>
            <span className="event-what">
              {d.status === "failed" ? <span className="outcome outcome-failed">failed</span> : <strong>{labelOf(d)}</strong>}
              <span className="muted">
                {" "}
                · {d.destination} · {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}
              </span>
              <span className="event-reason">{d.text}</span>
              {d.lastError && d.status !== "delivered" ? (
                <span className="event-error">
                  {d.lastError}
                  {d.nextAttemptAt ? (
                    <>
                      {" "}
                      · next try <LocalTime iso={d.nextAttemptAt} />
                    </>
                  ) : null}
                </span>
              ) : null}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
