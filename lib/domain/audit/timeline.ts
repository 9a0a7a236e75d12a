import type { Point } from "../series";
import { actionMarkers, weightChanges, type AuditEntry } from "../weight-history";

/**
 * The weight chart of a rollout's whole life, from its audit events alone (no Prometheus): the
 * canary and stable shares Aviary set, as steps from creation (canary 0) to `end` (now, or when
 * it was archived), and a marker per event.
 */
export type WeightTimeline = {
  domain: [number, number];
  canary: Point[];
  stable: Point[];
  markers: { t: number; label: string; muted: boolean }[];
};

export function weightTimeline({ entries, start, end }: { entries: readonly AuditEntry[]; start: number; end: number }): WeightTimeline {
  const changes = weightChanges(entries);
  const last = Math.max(end, start, ...changes.map((change) => change.t));
  const canary: Point[] = [];
  if (!changes.length || (changes[0]?.t ?? start) > start) canary.push({ t: start, v: 0 });
  for (const change of changes) canary.push({ t: change.t, v: change.canaryWeight / 100 });
  const held = canary.at(-1)?.v ?? 0;
  if ((canary.at(-1)?.t ?? start) < last) canary.push({ t: last, v: held });
  return {
    domain: [start, last],
    canary,
    stable: canary.map(({ t, v }) => ({ t, v: v === null ? null : Number((1 - v).toFixed(4)) })),
    markers: actionMarkers({ entries, start, end: last }).map((m) => ({ t: m.t, label: m.action.replaceAll("_", " "), muted: m.outcome !== "success" })),
  };
}
