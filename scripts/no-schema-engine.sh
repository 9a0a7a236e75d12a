#!/bin/sh
# Stand-in for Prisma's schema-engine binary where it cannot be downloaded (offline machines).
# `prisma generate` never runs it; anything that does gets a clear message instead of a hang.
echo "Prisma's schema engine is not installed here. Apply migrations with: npm run db:migrate" >&2
exit 1
