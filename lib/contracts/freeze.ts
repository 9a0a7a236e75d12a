import type { FreezeRule, FreezeWindow } from "../domain/freeze/definition";
import { activeOccurrence, formatInZone, nextOccurrence, type Occurrence } from "../domain/freeze/windows";

export type OccurrenceJson = { start: string; end: string; from: string; until: string };

/** GET /api/freeze-windows: every window, whether it holds now and when it next starts. */
export type FreezeWindowJson = {
  id: string;
  name: string;
  zone: string;
  rule: FreezeRule;
  namespaces: string[];
  createdBy: string;
  createdAt: string;
  /** The occurrence holding now (start and end as instants and on the window's clock), or null. */
  active: OccurrenceJson | null;
  /** The next occurrence within a week (weekly) or the window itself when it is still to come (once). */
  next: OccurrenceJson | null;
};

export type FreezeWindowListJson = { windows: FreezeWindowJson[]; readAt: string };

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

/** Active windows first, then by next start; windows with neither last. */
export function freezeWindowListJson({ windows, now }: { windows: readonly FreezeWindow[]; now: Date }): FreezeWindowListJson {
  const shown = windows.map((window) => freezeWindowJson(window, now));
  const key = (w: FreezeWindowJson) => (w.active ? 0 : w.next ? Date.parse(w.next.start) - now.getTime() + 1 : Number.MAX_SAFE_INTEGER);
  return { windows: shown.sort((a, b) => key(a) - key(b)), readAt: now.toISOString() };
}
