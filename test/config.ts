import { processEnv, type Env } from "../lib/env";
import { loadConfig, type AppConfig } from "../lib/composition/app-config";
import { configureDeps, getConfig } from "../lib/composition/deps";

/**
 * Tests configure Aviary the way it is meant to be configured, by handing the container a
 * configuration, never by changing process.env (which the process parses once). This builds the
 * named sections from the process's variables with `variables` on top, puts them in place for every
 * getDeps() caller (route handlers and the proxy included), and returns what puts the previous ones
 * back. Each section is parsed as in production, so a bad value throws where the app would.
 */
export function configureWith(variables: Env, ...sections: (keyof AppConfig)[]): () => void {
  const previous = getConfig();
  const built = loadConfig({ ...processEnv(), ...variables });
  configureDeps(Object.fromEntries(sections.map((section) => [section, built[section]])));
  return () => configureDeps(Object.fromEntries(sections.map((section) => [section, previous[section]])));
}
