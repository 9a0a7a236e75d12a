import { findAuditLogEntries } from "../db/audit/log-query";
import type { EventCursor } from "../domain/audit/cursor";
import { AUDIT_CSV_HEADER, auditCsvRow } from "../domain/audit/csv";
import type { AuditLogEntry } from "../domain/audit/entry";
import { validationError } from "../domain/audit/filter-fields";
import { parseAuditLogQuery } from "../domain/audit/log-filter";
import { auditLogEntryJson } from "../contracts/audit-event";
import type { AuditReader } from "../db/audit/reader";
import { log } from "../log";

export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Rows per database query; also the unit of buffering, so memory stays flat for any size. */
export const EXPORT_BATCH = 1_000;

export type AuditExport = { body: ReadableStream<Uint8Array>; contentType: string; filename: string };

export type ExportAuditEventsOptions = { query: Record<string, string | string[] | undefined>; now: Date };

/**
 * The filtered audit log (same filters as the list, newest first) as CSV or JSON, produced
 * batch by batch as the client reads: the stream pulls the next keyset page only when the
 * previous one was consumed. Filters are checked before anything is streamed, so a bad one is a
 * plain 400. Events appended during the export are newer than its first page and left out.
 */
export function exportAuditEvents({ audit }: { audit: AuditReader }, { query, now }: ExportAuditEventsOptions): AuditExport {
  const { format: rawFormat, cursor: _cursor, limit: _limit, ...filters } = query;
  const format = (Array.isArray(rawFormat) ? rawFormat[0] : rawFormat) || "csv";
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw validationError({ format: "format must be csv or json" });
  const { filter, params } = parseAuditLogQuery(filters);
  const json = format === "json";
  const encoder = new TextEncoder();
  let after: EventCursor | null = null;
  let written = 0;

  const opening = json ? `{"exportedAt":${JSON.stringify(now.toISOString())},"filters":${JSON.stringify(params)},"events":[` : AUDIT_CSV_HEADER;
  const closing = json ? "\n]}\n" : "";
  const encode = (entry: AuditLogEntry) => (json ? `${written++ === 0 ? "\n" : ",\n"}${JSON.stringify(auditLogEntryJson(entry))}` : auditCsvRow(entry));

  async function pullBatch(controller: ReadableStreamDefaultController<Uint8Array>) {
    const batch = await findAuditLogEntries(audit, { filter, after, limit: EXPORT_BATCH });
    const last = batch.at(-1);
    const text = batch.map(encode).join("");
    const finished = batch.length < EXPORT_BATCH || !last;
    controller.enqueue(encoder.encode(finished ? text + closing : text));
    if (finished) controller.close();
    else after = { at: last.at, id: last.id };
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(opening));
      },
      async pull(controller) {
        try {
          await pullBatch(controller);
        } catch (error) {
          // The status line is sent already: the client sees a cut-off download, the log says why.
          log.error("audit export stopped", { error });
          controller.error(error);
        }
      },
    },
    { highWaterMark: 1 },
  );
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  return { body, contentType: json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8", filename: `aviary-audit-${stamp}.${format}` };
}
