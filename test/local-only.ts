/** Tests may drop and create databases: refuse anything that is not on this machine. */
export function assertLocalUrl(name: string, url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`${name} points at ${host}; tests only run against local services (127.0.0.1/localhost)`);
  }
}
