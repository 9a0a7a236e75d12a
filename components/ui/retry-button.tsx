"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";

/** Renders the page again on the server (router.refresh keeps the client state, unlike a reload). */
export function RetryButton() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <button type="button" className="button" disabled={pending} onClick={() => startTransition(() => router.refresh())}>
      Try again
    </button>
  );
}
