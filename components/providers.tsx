"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { z } from "zod";

// zod 4 probes for eval (new Function) to compile fast parsers; the page's CSP forbids eval, so the
// probe would be reported as a violation on every page. Interpreted parsing is fast enough here.
z.config({ jitless: true });

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Server components hand over fresh data; don't refetch it the moment the page hydrates.
        staleTime: 2_000,
        refetchOnWindowFocus: true,
        retry: 1,
      },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
