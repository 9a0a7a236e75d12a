import { signInAsDemoUser } from "@/lib/auth/sign-in-flow";

export const dynamic = "force-dynamic";

/** Demo mode's sign-in form posts here: `user` (a demo user's id), `role`, optional `returnTo`. */
export const POST = signInAsDemoUser;
