import type { DestinationKindEntry } from "./entry";
import { googleChat } from "./google-chat";
import { slack } from "./slack";
import { teams } from "./teams";
import { webhook } from "./webhook";

/**
 * Every kind of notification destination. Adding one is a file beside this (its entry, see
 * entry.ts) plus its name here and its line below: the compiler refuses a name without an entry,
 * and the block's schema, redaction, ids, delivery, labels and metrics all follow from it.
 */
export const DESTINATION_KINDS = ["slack", "webhook", "teams", "google_chat"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export const DESTINATIONS = {
  slack,
  webhook,
  teams,
  google_chat: googleChat,
} satisfies Record<DestinationKind, DestinationKindEntry>;

/** A kind's entry with its entry types widened, for code that treats every kind alike. */
export const destinationKind = (kind: DestinationKind): DestinationKindEntry => DESTINATIONS[kind];

export const isDestinationKind = (kind: string): kind is DestinationKind => (DESTINATION_KINDS as readonly string[]).includes(kind);

/** How pages name a kind ("Microsoft Teams"); a kind this version does not know shows as itself. */
export const destinationLabel = (kind: string): string => (isDestinationKind(kind) ? DESTINATIONS[kind].label : kind);

/** The `kind` label of Aviary's delivery metrics: one per known kind, "unknown" for anything else, so the set stays bounded. */
export const destinationMetricLabel = (kind: string): string => (isDestinationKind(kind) ? DESTINATIONS[kind].metricLabel : "unknown");
