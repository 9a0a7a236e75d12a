import type { FreezeRule } from "../domain/freeze/definition";

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
