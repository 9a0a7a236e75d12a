import { AppError } from "../app-error";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that cannot exist is a 404, not a database error. */
export function assertRolloutId(id: string): string {
  if (!UUID.test(id)) throw notFound(id);
  return id.toLowerCase();
}

export function notFound(id: string) {
  return new AppError("NOT_FOUND", `no rollout with id "${id.slice(0, 80)}"`);
}
