// Bearer-token authentication and a tiny authorizer: per-token "all" or
// "read-only", plus deny rules that tests switch on at runtime to provoke a
// 403 on one namespace or one object.
import { randomBytes } from "node:crypto";

export type TokenGrant = { user: string; allow: "all" | "read-only" };
export type TokenMap = Record<string, TokenGrant>;

export type DenyRule = {
  user?: string;
  verbs?: string[];
  resource?: string;
  namespace?: string;
  name?: string;
};

export type AccessRequest = { verb: string; resource: string; namespace?: string; name?: string };

const READ_VERBS = new Set(["get", "list", "watch"]);

export class AccessControl {
  private readonly tokens = new Map<string, TokenGrant>();
  private denies: DenyRule[] = [];

  constructor(tokens: TokenMap = {}) {
    for (const [token, grant] of Object.entries(tokens)) this.addToken(token, grant);
  }

  addToken(token: string, grant: TokenGrant): void {
    this.tokens.set(token, { ...grant });
  }

  /** Returns the user behind an `Authorization: Bearer` header, or undefined (-> 401). */
  authenticate(header: string | undefined): TokenGrant | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    return m?.[1] ? this.tokens.get(m[1]) : undefined;
  }

  authorize(grant: TokenGrant, req: AccessRequest): boolean {
    if (grant.allow === "read-only" && !READ_VERBS.has(req.verb)) return false;
    return !this.denies.some((rule) => matches(rule, grant.user, req));
  }

  deny(rule: DenyRule): void {
    this.denies.push({ ...rule });
  }

  clearDenies(): void {
    this.denies = [];
  }

  listDenies(): DenyRule[] {
    return this.denies.map((r) => ({ ...r }));
  }
}

function matches(rule: DenyRule, user: string, req: AccessRequest): boolean {
  if (rule.user !== undefined && rule.user !== user) return false;
  if (rule.verbs && rule.verbs.length > 0 && !rule.verbs.includes(req.verb)) return false;
  if (rule.resource !== undefined && rule.resource !== req.resource) return false;
  if (rule.namespace !== undefined && rule.namespace !== req.namespace) return false;
  // A name rule must not block list/create on the whole collection.
  if (rule.name !== undefined && rule.name !== req.name) return false;
  return true;
}

export function newToken(): string {
  return `sandbox-${randomBytes(18).toString("base64url")}`;
}
