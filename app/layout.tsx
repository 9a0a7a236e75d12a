import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Aviary", template: "%s · Aviary" },
  description: "Canary rollouts behind Istio: watch the SLIs, promote or roll back, with an audit trail.",
  icons: { icon: "/favicon.svg" },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page renders per request, the not-found page included: proxy.ts gives each response a
  // fresh CSP script nonce, which Next.js can only put on scripts it renders then, not at build time.
  // This one call makes the whole tree dynamic, so no page needs its own `dynamic` segment config.
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
