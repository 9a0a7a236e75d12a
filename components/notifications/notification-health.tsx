"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import { notificationsApi } from "@/lib/client/notifications-api";
import { queryKeys } from "@/lib/client/query-keys";

const POLL_MS = 15_000;

/**
 * On the overview, only when something is wrong: the notification destinations whose deliveries
 * fail or are being retried (last error, next retry, which rollouts), so a silent Slack channel
 * is seen by whoever looks, not discovered during the next incident. URLs are redacted by the API.
 */
export function NotificationHealth() {
  const query = useQuery({ queryKey: queryKeys.notifications.overview, queryFn: notificationsApi.overview, refetchInterval: POLL_MS });
  const failing = (query.data?.destinations ?? []).filter((d) => d.failed > 0 || d.retrying > 0);
  if (failing.length === 0) return null;
  const rollouts = new Map((query.data?.troubled ?? []).flatMap((d) => (d.rollout ? [[d.rollout.id, d.rollout] as const] : [])));
  return (
    <section className="panel" aria-labelledby="notification-health-heading">
      <h2 id="notification-health-heading">Notifications not arriving</h2>
      <ul className="events" aria-label="Failing notification destinations">
        {failing.map((d) => (
          <li key={d.destination} className="event event-failed">
            <span className="event-time">
              <strong>{d.destination}</strong>
            </span>
            <span className="event-what">
              <span>
                Last 7 days: {d.failed} failed, {d.retrying} retrying, {d.delivered} delivered
                {d.lastDeliveredAt ? (
                  <>
                    {" "}
                    (last at <LocalTime iso={d.lastDeliveredAt} />)
                  </>
                ) : null}
              </span>
              {d.lastError ? (
                <span className="event-error">
                  {d.lastError}
                  {d.lastErrorAt ? (
                    <>
                      {" "}
                      (<LocalTime iso={d.lastErrorAt} />)
                    </>
                  ) : null}
                  {d.nextRetryAt ? (
                    <>
                      {" "}
                      · next retry <LocalTime iso={d.nextRetryAt} />
                    </>
                  ) : null}
                </span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {rollouts.size > 0 ? (
        <p className="muted">
          Affected:{" "}
          {[...rollouts.values()].map((r, index) => (
            <span key={r.id}>
              {index > 0 ? ", " : null}
              <Link href={`/rollouts/${r.id}`}>
                {r.namespace}/{r.name}
              </Link>
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}
