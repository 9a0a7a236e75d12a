import styles from "./auth.module.css";

/** On every page in demo mode, signed in or not: nobody should mistake the demo for the real thing. */
export function DemoBanner({ demo }: { demo: boolean }) {
  if (!demo) return null;
  return (
    <div className={styles.demoBanner} role="region" aria-label="Demo mode">
      <strong>Demo mode</strong>
      <span>Anyone can sign in as any user and role. Do not point this at real clusters.</span>
    </div>
  );
}
