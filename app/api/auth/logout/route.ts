import { signOut } from "@/lib/auth/sign-in-flow";
import { getDeps } from "@/lib/composition/deps";

/** POST only: a sign-out link that any page could embed would be a nuisance (logout CSRF). */
export const POST = (request: Request) => signOut(request, getDeps().auth());
