import { deriveWebhookSecret } from "../lib/domain/notifications/signature";
import { notifyConfigFromEnv } from "../lib/server/notifications/config";

/**
 * `npm run notify:webhook-secret -- <url> [<url> …]`: the secret Aviary signs a rollout's webhook
 * with when its definition lists it as a bare URL (no `secret` of its own), one line per URL, for
 * the receiver to verify with. It is derived from AVIARY_NOTIFY_WEBHOOK_SECRET, so only whoever
 * holds that (an admin, with the server's environment) can print it; the API never shows it.
 * Exit 2 without the global secret or with an argument that is not an http(s) URL.
 */
function main(argv: string[]): number {
  const urls = argv.filter((arg) => arg !== "--");
  const { webhookSecret } = notifyConfigFromEnv();
  if (!webhookSecret) {
    console.error("AVIARY_NOTIFY_WEBHOOK_SECRET is not set: bare webhook URLs are not signed (nor sent) without it");
    return 2;
  }
  if (urls.length === 0) {
    console.error("usage: npm run notify:webhook-secret -- <webhook URL exactly as in the rollout's notifications.webhooks> …");
    return 2;
  }
  for (const url of urls) {
    if (!/^https?:\/\//.test(url)) {
      console.error(`not an http:// or https:// URL: ${url.slice(0, 80)}`);
      return 2;
    }
    console.log(deriveWebhookSecret({ globalSecret: webhookSecret, url }));
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
