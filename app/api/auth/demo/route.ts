import { signInAsDemoUser } from "@/lib/auth/sign-in-flow";
import { getDeps } from "@/lib/composition/deps";

/** Demo mode's sign-in form posts here: `user` (a demo user's id), `role`, optional `returnTo`. */
export const POST = (request: Request) => signInAsDemoUser(request, getDeps().auth());
