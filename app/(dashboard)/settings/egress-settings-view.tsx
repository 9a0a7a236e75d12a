import type { EgressTrial, getEgressSettings } from "@/lib/server/get-egress-settings";

type Settings = ReturnType<typeof getEgressSettings>;

const List = ({ entries, none }: { entries: string[]; none: string }) =>
  entries.length === 0 ? <span className="muted">{none}</span> : <span className="mono">{entries.join(", ")}</span>;

/** The egress policy as admins read it: what is refused and why, what the platform team changed, and a URL tried against it. */
export function EgressSettingsView({ settings, asked, trial }: { settings: Settings; asked: string; trial: EgressTrial | null }) {
  const { limits } = settings;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Outbound requests</h1>
          <p className="muted">
            Approval checks, webhooks and Slack notices are requests Aviary&apos;s server sends on someone&apos;s behalf. Each goes through one egress policy:
            the host name is resolved, every address it resolves to is checked, and the connection is made to the checked address. Redirects are never followed.
            Set by the platform team in <span className="mono">AVIARY_EGRESS_ALLOW</span> and <span className="mono">AVIARY_EGRESS_DENY</span> (comma-separated
            CIDRs and host patterns such as <span className="mono">*.svc.cluster.local</span>), read at start-up.
          </p>
        </div>
      </div>

      <section className="panel" aria-labelledby="try-heading">
        <h2 id="try-heading">Try a URL</h2>
        <form method="get" action="/settings" className="field">
          <label htmlFor="egress-url">URL a check or webhook would call</label>
          <input id="egress-url" name="url" type="url" defaultValue={asked} placeholder="http://checkout.shop.svc.cluster.local:8080/healthz" required />
          <span className="hint">Resolves the name as a request would and sends nothing. The answer has a link you can share.</span>
          <div className="form-actions">
            <button className="button button-primary" type="submit">
              Check
            </button>
          </div>
        </form>
        {trial ? (
          <p
            className={trial.outcome === "allowed" ? "banner" : trial.outcome === "refused" ? "banner banner-error" : "banner banner-warn"}
            role="status"
            aria-label="Result"
          >
            <span className="mono">{trial.url}</span>: {trial.outcome === "allowed" ? `allowed; a request would connect to ${trial.address}` : trial.reason}
          </p>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="rules-heading">
        <h2 id="rules-heading">Rules, in the order they apply</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Rule</th>
              <th scope="col">Entries</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>1</td>
              <td>AVIARY_EGRESS_DENY: refused</td>
              <td>
                <List entries={settings.deny} none="none set" />
              </td>
            </tr>
            <tr>
              <td>2</td>
              <td>AVIARY_EGRESS_ALLOW: addresses allowed, built-in refusals included</td>
              <td>
                <List entries={settings.allow} none="none set" />
              </td>
            </tr>
            {settings.builtIn.map((rule) => (
              <tr key={rule.name}>
                <td>3</td>
                <td>Built in: {rule.name}</td>
                <td className="mono">{rule.ranges.join(", ")}</td>
              </tr>
            ))}
            <tr>
              <td>3</td>
              <td>Built in: cloud metadata host names (with or without a trailing dot)</td>
              <td className="mono">{settings.metadataHosts.join(", ")}</td>
            </tr>
            <tr>
              <td>4</td>
              <td>Everything else, private ranges included (in-cluster health checks live there)</td>
              <td>{settings.deny.includes("*") ? "refused: AVIARY_EGRESS_DENY lists *, so only AVIARY_EGRESS_ALLOW is reachable" : "allowed"}</td>
            </tr>
          </tbody>
        </table>
        <p className="hint">
          Built-in ranges are refused also inside IPv6 addresses that carry an IPv4 one (IPv4-mapped <span className="mono">::ffff:a.b.c.d</span>,
          IPv4-compatible and NAT64 <span className="mono">64:ff9b::/96</span>), and whatever spelling the URL uses (<span className="mono">2130706433</span>,{" "}
          <span className="mono">0x7f000001</span>, <span className="mono">127.1</span>, a trailing dot).
        </p>
      </section>

      <section className="panel" aria-labelledby="limits-heading">
        <h2 id="limits-heading">What Aviary reads back and keeps</h2>
        <ul>
          <li>
            At most {limits.checkBytes / 1024} KiB of a check&apos;s answer and {limits.webhookBytes / 1024} KiB of a webhook&apos;s are read; the connection is
            then closed. One deadline (the check&apos;s or notification&apos;s timeout) covers resolving, connecting, the headers and the body.
          </li>
          <li>
            Kept for every answer: status, duration, size and a SHA-256 of the bytes read. A check&apos;s text answer also keeps its first {limits.excerptChars}{" "}
            characters, with anything that looks like a credential masked, shown to operators and admins only. The audit log keeps the status and hash, never
            the body; webhook answers keep no text at all.
          </li>
          <li>&quot;Run checks&quot; runs a rollout&apos;s checks at most once per {limits.runChecksCooldownSeconds} s.</li>
          <li>Query values of check and webhook URLs are hidden wherever a URL is shown.</li>
        </ul>
      </section>
    </>
  );
}
