import { parseAuthConfig, type AuthConfig } from "../auth/config";
import { auditKey } from "../db/audit/key";
import { parseEgressPolicy, type EgressPolicy } from "../domain/egress/policy";
import { parseServerEnv, processEnv, requireDatabaseUrl, type Env, type ServerEnv } from "../env";
import { parseClusterConfigs, type ClusterConfigs } from "../kube/clusters";
import { parsePrometheusConfig, type PrometheusSettings } from "../prometheus/config";
import { notifyConfigFromEnv, type NotifyConfig } from "../server/notifications/config";

/**
 * Everything Aviary reads from its environment, parsed once per process (at start-up, by the first
 * getDeps()) and then handed around: the composition root holds it as `deps.config`, and tests
 * build their own (`configureDeps`) instead of changing process.env.
 *
 * Each section is parsed when the configuration is loaded, and kept with its outcome: a valid one
 * returns its value, an invalid one throws its error (naming the variable) every time it is asked
 * for. getDeps() asks for the sections it builds adapters from, so a bad database, Prometheus,
 * cluster or egress value stops it as before; sign-in, the audit key and notifications fail where
 * they are used (the proxy answers "sign-in is misconfigured", writes refuse without a key), as
 * they did when each was parsed on demand.
 */
export type AppConfig = {
  /** lib/env.ts's server variables (ports, retention, limits, tokens). */
  readonly server: () => ServerEnv;
  /** DATABASE_URL; throws when the launcher did not set it. */
  readonly databaseUrl: () => string;
  readonly prometheus: () => PrometheusSettings;
  readonly clusters: () => ClusterConfigs;
  /** Where checks and webhooks may connect (AVIARY_EGRESS_ALLOW / _DENY over the built-in refusals). */
  readonly egress: () => EgressPolicy;
  readonly auth: () => AuthConfig;
  /** The audit chain's HMAC key (AVIARY_AUDIT_KEY or _FILE; a fixed one under NODE_ENV=test). */
  readonly auditKey: () => string;
  readonly notify: () => NotifyConfig;
};

/** A section parsed now, its value or its error kept: asking again never parses again. */
export function settled<T>(parse: () => T): () => T {
  try {
    const value = parse();
    return () => value;
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

/** The configuration of `env` (the process's by default), every section parsed once, here. */
export function loadConfig(env: Env = processEnv()): AppConfig {
  const server = settled(() => parseServerEnv(env));
  return {
    server,
    databaseUrl: settled(() => requireDatabaseUrl(server().DATABASE_URL)),
    prometheus: settled(() => parsePrometheusConfig(env)),
    clusters: settled(() => parseClusterConfigs(env)),
    egress: settled(() => parseEgressPolicy({ allow: server().AVIARY_EGRESS_ALLOW, deny: server().AVIARY_EGRESS_DENY }).policy),
    auth: settled(() => parseAuthConfig(env)),
    auditKey: settled(() => auditKey(env)),
    notify: settled(() => notifyConfigFromEnv(env)),
  };
}
