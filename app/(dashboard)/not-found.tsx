import Link from "next/link";

export default function NotFound() {
  return (
    <section className="panel">
      <h1>Not found</h1>
      <p>There is no rollout at this address. It may have a different id, or the link is incomplete.</p>
      <Link className="button" href="/">
        Back to all rollouts
      </Link>
    </section>
  );
}
