import { option, serveNext } from "./lib/serve-next";

/**
 * The app on the checkout, as every launcher runs it (scripts/lib/app-command.ts): Next.js behind
 * the request-stamping server of scripts/lib/serve-next.ts.
 *
 *   node --import tsx scripts/next-server.ts start --port 3000 --hostname 127.0.0.1
 */
const [mode = "start", ...args] = process.argv.slice(2);

serveNext({
  dev: mode === "dev",
  port: Number(option(args, "port", process.env.PORT ?? "3000")),
  hostname: option(args, "hostname", "127.0.0.1"),
  label: mode,
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
