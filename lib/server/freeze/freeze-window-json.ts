import type { FreezeWindowJson, OccurrenceJson } from "../../contracts/freeze";
import type { FreezeWindow } from "../../domain/freeze/definition";
import { activeOccurrence, formatInZone, nextOccurrence, type Occurrence } from "../../domain/freeze/windows";

const UPCOMING_MS = 7 * 86_400_000;

function occurrenceJson(o: Occurrence, zone: string): OccurrenceJson {
  return { start: o.start.toISOString(), end: o.end.toISOString(), from: formatInZone(o.start, zone), until: formatInZone(o.end, zone) };
}

export function freezeWindowJson(window: FreezeWindow, now: Date): FreezeWindowJson {
  const active = activeOccurrence(window, now);
  // A one-off window is shown as "next" however far ahead it is; weekly ones within a week.
  const next = nextOccurrence(window, now, window.rule.kind === "once" ? Number.MAX_SAFE_INTEGER / 2 : UPCOMING_MS);
  return {
    id: window.id,
    name: window.name,
    zone: window.zone,
    rule: window.rule,
    namespaces: window.namespaces,
    createdBy: window.createdBy,
    createdAt: window.createdAt.toISOString(),
    active: active ? occurrenceJson(active, window.zone) : null,
    next: next ? occurrenceJson(next, window.zone) : null,
  };
}
