import { DatabaseDown } from "@/components/ui/database-down";
import { LocalTime } from "@/components/ui/local-time";
import { verifyAuditChain } from "@/lib/server/verify-audit-chain";
import { getDeps } from "@/lib/composition/deps";
import { pageRead } from "../../page-reads";
import "@/components/audit/audit-trail.css";

const count = (n: number) => n.toLocaleString("en-US");

const PROBLEM_TEXT = {
  hash_mismatch: "hash mismatch (the event's content changed, or it was written under another audit key)",
  prev_hash_mismatch: "prevHash mismatch (the link to the previous event is broken)",
  hash_downgrade: "unkeyed hash after keyed events (not written by Aviary)",
  head_missing: "a head noted earlier is missing",
  head_mismatch: "a head noted earlier was rewritten",
} as const;

export async function IntegrityResult() {
  const deps = getDeps();
  const read = await pageRead(() => verifyAuditChain(deps));
  if (read.down) return <DatabaseDown />;
  const report = read.value;
  const checkedAt = deps.now().toISOString();
  const seconds = report.durationMs < 1_000 ? `${report.durationMs} ms` : `${(report.durationMs / 1000).toFixed(1)} s`;
  if (report.ok) {
    return (
      <section className="panel" aria-labelledby="integrity-heading">
        <div className="banner banner-ok" role="status">
          <h2 id="integrity-heading">Intact</h2>
          <p>
            All {count(report.checked)} events verified in {seconds}: every hash matches its content and every event links to the one before it. Checked{" "}
            <LocalTime iso={checkedAt} />.
          </p>
        </div>
        {report.head ? (
          <dl className="facts">
            <dt>Latest event</dt>
            <dd className="mono">#{report.head.id}</dd>
            <dt>Its hash</dt>
            <dd className="mono integrity-hash">{report.head.hash}</dd>
          </dl>
        ) : (
          <p className="muted">The log is empty: the first action on a rollout will start the chain.</p>
        )}
        <p className="hint">
          The chain cannot show events cut off its end, or a chain rewritten end to end by someone holding the database and the key. Every Aviary server logs
          the latest event&apos;s number and hash every few minutes (&ldquo;audit chain head&rdquo;); keep those lines.{" "}
          <code className="integrity-hash">npm run audit:verify -- --head {report.head ? `${report.head.id}:${report.head.hash}` : "<id>:<hash>"}</code> later
          fails if that event is gone or changed.
        </p>
      </section>
    );
  }
  const { broken } = report;
  return (
    <section className="panel panel-error" aria-labelledby="integrity-heading">
      <div className="banner banner-error" role="alert">
        <h2 id="integrity-heading">Broken at event #{broken.id}</h2>
        <p>{broken.message}.</p>
      </div>
      <dl className="facts">
        <dt>Problem</dt>
        <dd>{PROBLEM_TEXT[broken.problem]}</dd>
        <dt>Expected</dt>
        <dd className="mono integrity-hash">{broken.expected ?? "none"}</dd>
        <dt>Found</dt>
        <dd className="mono integrity-hash">{broken.found ?? "none"}</dd>
        <dt>Verified before it</dt>
        <dd>
          {count(report.checked)} events ({seconds}); checked <LocalTime iso={checkedAt} />
        </dd>
      </dl>
      <p className="hint">
        Events before #{broken.id} are intact. Compare the database with a backup from before the change, and run <code>npm run audit:verify</code> on the
        server for the same check from the command line.
      </p>
    </section>
  );
}
