import type { Notice } from "../notice";
import { urlListKind } from "./entry";

/** The facts shown under the sentence, as Flagger's MS Teams notifier lists its fields. */
function factsOf(notice: Notice): { title: string; value: string }[] {
  const facts = [
    ...(notice.rollout ? [{ title: "Rollout", value: `${notice.rollout.namespace}/${notice.rollout.name}` }] : []),
    { title: "Notice", value: notice.type },
    ...(notice.action ? [{ title: "Action", value: `${notice.action} (${notice.outcome ?? "?"})` }] : []),
  ];
  const { before, after } = notice.weights ?? { before: null, after: null };
  if (before !== null && after !== null && before !== after) facts.push({ title: "Canary", value: `${before}% -> ${after}%` });
  return facts;
}

/**
 * An Adaptive Card in a message envelope: what Teams' Workflows webhooks take, and the older
 * Office 365 connector webhooks too (Flagger sends a MessageCard, which only the latter render).
 * The sentence is the card's first line and its summary (what a phone's notification shows); a
 * failed action is drawn in the attention colour, as Flagger paints errors red.
 */
export function teamsPayload(notice: Notice) {
  return {
    type: "message",
    summary: notice.text,
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: notice.text, wrap: true, weight: "Bolder", ...(notice.outcome === "failed" ? { color: "Attention" } : {}) },
            { type: "FactSet", facts: factsOf(notice) },
          ],
          actions: notice.rollout ? [{ type: "Action.OpenUrl", title: "Open in Aviary", url: notice.rollout.url }] : [],
        },
      },
    ],
  };
}

/** Microsoft Teams incoming webhooks, per rollout (`notifications.teams`). */
export const teams = urlListKind({
  field: "teams",
  label: "Microsoft Teams",
  metricLabel: "teams",
  body: (notice) => JSON.stringify(teamsPayload(notice)),
});
