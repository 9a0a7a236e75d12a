import type { Notice } from "../notice";
import { urlListKind } from "./entry";

/** Slack's mrkdwn treats &, < and > as markup (links, mentions): escape them in our text. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An incoming-webhook payload: `text` (the fallback and notification line) plus blocks with the link. */
export function slackPayload(notice: Notice): { text: string; blocks: unknown[] } {
  const text = slackEscape(notice.text);
  const link = notice.rollout ? `<${notice.rollout.url}|Open ${slackEscape(notice.rollout.namespace)}/${slackEscape(notice.rollout.name)} in Aviary>` : null;
  return {
    text: link ? `${text} ${link}` : text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }, ...(link ? [{ type: "context", elements: [{ type: "mrkdwn", text: link }] }] : [])],
  };
}

/** Slack incoming webhooks: per rollout (`notifications.slack`) and globally (AVIARY_NOTIFY_SLACK_WEBHOOK_URL). */
export const slack = urlListKind({
  field: "slack",
  label: "Slack",
  metricLabel: "slack",
  // Lists were never refused for naming a URL twice (destinationsFor sends it once): kept so.
  unique: false,
  body: (notice) => JSON.stringify(slackPayload(notice)),
  global: { variable: "AVIARY_NOTIFY_SLACK_WEBHOOK_URL", url: (config) => config.slackUrl },
});
