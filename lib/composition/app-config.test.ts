import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./app-config";
import { closeDeps, configureDeps, getConfig, getDeps, resetDeps } from "./deps";

// A database nobody connects to: building the pools opens no connection.
const NOWHERE = "postgresql://aviary:pw@127.0.0.1:1/none";

afterEach(() => closeDeps());

describe("the configuration, parsed once and injected", () => {
  it("keeps each section's outcome: a bad one names its variable on every use, the others still answer", () => {
    const config = loadConfig({ NODE_ENV: "test", AVIARY_PROMETHEUS_URL: "ftp://prometheus", AVIARY_PROMETHEUS_MAX_CONCURRENCY: "0" });
    for (let i = 0; i < 2; i++) {
      expect(() => config.prometheus()).toThrow("AVIARY_PROMETHEUS_URL: AVIARY_PROMETHEUS_URL must be an http(s) URL");
      expect(() => config.prometheus()).toThrow("AVIARY_PROMETHEUS_MAX_CONCURRENCY: AVIARY_PROMETHEUS_MAX_CONCURRENCY must be at least 1");
    }
    expect(config.auth().mode).toBe("none");
    expect(config.server().AVIARY_ANALYSIS_QUERY_BUDGET).toBe(200);
    expect(() => config.databaseUrl()).toThrow(/DATABASE_URL is not set/);
    expect(() => loadConfig({ AVIARY_CLUSTERS: '{"EU": {"inCluster": true}}' }).clusters()).toThrow(/^Invalid environment:\n  AVIARY_CLUSTERS\.EU: /);
  });

  it("getDeps() stops on a bad adapter section naming the variable; a bad sign-in waits for whoever signs in", () => {
    configureDeps({ databaseUrl: () => NOWHERE, prometheus: loadConfig({ AVIARY_PROMETHEUS_URL: "not a url" }).prometheus });
    expect(() => getDeps()).toThrow(/AVIARY_PROMETHEUS_URL/);
    configureDeps({
      prometheus: loadConfig({}).prometheus,
      auth: loadConfig({ NODE_ENV: "production", AVIARY_AUTH_MODE: "proxy" }).auth,
    });
    const deps = getDeps();
    expect(() => deps.auth()).toThrow(/AVIARY_PROXY_SECRET: is required in proxy mode/);
    expect(deps.config).toBe(getConfig());
  });

  it("builds each adapter once per section, and again when a test configures another", () => {
    configureDeps({ databaseUrl: () => NOWHERE });
    const first = getDeps();
    expect(getDeps().kube).toBe(first.kube);
    expect(getDeps().prometheus).toBe(first.prometheus);
    expect(getDeps().db).toBe(first.db);
    configureDeps({ clusters: () => ({ default: { inCluster: true } }), prometheus: loadConfig({ AVIARY_PROMETHEUS_URL: "http://127.0.0.1:9" }).prometheus });
    const second = getDeps();
    expect(second.kube).not.toBe(first.kube);
    expect(second.prometheus).not.toBe(first.prometheus);
    expect(second.db).toBe(first.db);
    configureDeps({ databaseUrl: () => `${NOWHERE}2` });
    expect(getDeps().db).not.toBe(first.db);
  });

  it("resetDeps() keeps a configured configuration; closeDeps() forgets it", async () => {
    configureDeps({ databaseUrl: () => NOWHERE });
    const configured = getConfig();
    resetDeps();
    expect(getConfig()).toBe(configured);
    await closeDeps();
    expect(getConfig()).not.toBe(configured);
  });
});
