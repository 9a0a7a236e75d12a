import type { ReactNode } from "react";
import { DemoBanner } from "@/components/auth/demo-banner";
import { isDemoMode } from "@/lib/auth/config";
import { getDeps } from "@/lib/composition/deps";
import styles from "@/components/auth/auth.module.css";

/** Pages for visitors who are not signed in: no navigation, one card in the middle. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className={styles.page}>
      <DemoBanner demo={isDemoMode(getDeps().auth)} />
      <main id="main" className={styles.center}>
        <div className={styles.card}>
          <div className={styles.brand}>
            <svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true">
              <path d="M4 14c3-1 5-4 6-8 2 3 5 4 9 4-2 3-5 6-10 7l-3 3-1-4-1-2z" fill="currentColor" />
            </svg>
            Aviary
          </div>
          {children}
        </div>
      </main>
    </div>
  );
}
