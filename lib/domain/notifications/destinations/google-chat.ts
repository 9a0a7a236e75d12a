import type { Notice } from "../notice";
import { urlListKind } from "./entry";

/**
 * Chat's text markup reads `<users/all>` as a mention of everyone and `<url|label>` as a link:
 * our words (a person's reason, an error) must not become either, so their angle brackets are
 * shown as look-alikes. Card text is an HTML subset instead, where escaping is the rule.
 */
const chatText = (text: string) => text.replace(/</g, "\u2039").replace(/>/g, "\u203a");
const cardText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * `text` (what notifications and old clients show, with the link in Chat's own markup) plus one
 * cardsV2 card: a header naming the rollout, the sentence, and an "Open in Aviary" button, the
 * shape Flagger's Google Chat notifier sends (it uses the older `cards`).
 */
export function googleChatPayload(notice: Notice) {
  const where = notice.rollout ? `${notice.rollout.namespace}/${notice.rollout.name}` : null;
  const link = notice.rollout ? `<${notice.rollout.url}|Open ${chatText(where!)} in Aviary>` : null;
  return {
    text: link ? `${chatText(notice.text)} ${link}` : chatText(notice.text),
    cardsV2: [
      {
        cardId: notice.id,
        card: {
          header: { title: "Aviary", ...(where ? { subtitle: where } : {}) },
          sections: [
            {
              widgets: [
                { textParagraph: { text: cardText(notice.text) } },
                ...(notice.rollout ? [{ buttonList: { buttons: [{ text: "Open in Aviary", onClick: { openLink: { url: notice.rollout.url } } }] } }] : []),
              ],
            },
          ],
        },
      },
    ],
  };
}

/** Google Chat incoming webhooks (a space's "Apps & integrations" webhook URL), per rollout (`notifications.googleChat`). */
export const googleChat = urlListKind({
  field: "googleChat",
  label: "Google Chat",
  metricLabel: "google_chat",
  body: (notice) => JSON.stringify(googleChatPayload(notice)),
});
