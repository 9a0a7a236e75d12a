import { snapshotNumber, snapshotStableWeight, snapshotStatus, type AuditLogEntry } from "./entry";

/**
 * The audit log as CSV (RFC 4180: comma separated, CRLF line ends, fields with a quote, comma or
 * line break quoted, quotes doubled). Text that a spreadsheet would run as a formula (starting
 * with = + - @, tab or carriage return) is prefixed with an apostrophe (the OWASP advice), so
 * an attacker-chosen reason cannot become a formula in the auditor's spreadsheet. Numbers are
 * written as numbers and are never prefixed.
 */

type Cell = string | number | bigint | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvCell(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number" || typeof value === "bigint") return value.toString();
  return csvText(value);
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

const COLUMNS: readonly [string, (entry: AuditLogEntry) => Cell][] = [
  ["id", (e) => e.id],
  ["at_utc", (e) => e.at.toISOString()],
  ["rollout_id", (e) => e.rolloutId],
  ["rollout_name", (e) => e.rollout?.name ?? null],
  ["cluster", (e) => e.rollout?.cluster ?? null],
  ["namespace", (e) => e.rollout?.namespace ?? null],
  ["virtual_service", (e) => e.rollout?.virtualService ?? null],
  ["action", (e) => e.action],
  ["outcome", (e) => e.outcome],
  ["actor_id", (e) => e.actorId],
  ["actor_email", (e) => e.actorEmail],
  ["actor_role", (e) => e.actorRole],
  ["reason", (e) => e.reason],
  ["error_code", (e) => e.errorCode],
  ["error_message", (e) => e.errorMessage],
  ["status_before", (e) => snapshotStatus(e.before)],
  ["status_after", (e) => snapshotStatus(e.after)],
  ["canary_weight_before_pct", (e) => snapshotNumber(e.before, "canaryWeight")],
  ["canary_weight_after_pct", (e) => snapshotNumber(e.after, "canaryWeight")],
  ["stable_weight_before_pct", (e) => snapshotStableWeight(e.before)],
  ["stable_weight_after_pct", (e) => snapshotStableWeight(e.after)],
  ["duration_ms", (e) => e.durationMs],
  ["request_id", (e) => e.requestId],
  ["client_address", (e) => e.clientAddress],
  ["resource_version_before", (e) => e.resourceVersionBefore],
  ["resource_version_after", (e) => e.resourceVersionAfter],
  ["prev_hash", (e) => e.prevHash],
  ["hash", (e) => e.hash],
  ["repeat_count", (e) => e.repeatCount],
];

export const AUDIT_CSV_HEADER = csvRow(COLUMNS.map(([name]) => name));

export function auditCsvRow(entry: AuditLogEntry): string {
  return csvRow(COLUMNS.map(([, cell]) => cell(entry)));
}
