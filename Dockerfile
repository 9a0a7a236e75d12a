# Aviary's container image.
#
#   docker build -t aviary .
#   docker run --read-only --tmpfs /tmp -p 3000:3000 --env-file aviary.env aviary       # the app
#   docker run --read-only --env-file aviary.env aviary node migrate.mjs                 # migrations
#
# Two stages: `build` installs every dependency (dev ones included: TypeScript, Prisma's CLI,
# esbuild) and builds; the runtime stage receives only Next.js's standalone output (the server
# and the node_modules files it actually loads, as traced by the build), the static assets, the
# SQL migrations and two bundled commands, server.mjs and migrate.mjs. Nothing is installed or
# run in it, and it runs as a numeric non-root user on a read-only root filesystem: the app
# writes nothing to its filesystem (give it a writable /tmp all the same, e.g. an emptyDir, for
# Node's and libraries' temporary files). npm test checks all of this
# (test/image/dockerfile.test.ts) and runs the runtime stage's layout, assembled as the COPY
# lines below say, read-only and as that user (e2e/image/standalone.spec.ts).

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build --silent
RUN node deploy/image/bundle-entries.mjs .next/image-entries

FROM node:20.20.2-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="Aviary" \
      org.opencontainers.image.description="Canary rollouts on Istio for SREs" \
      aviary.migrate-command="node migrate.mjs"
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/public ./public
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/.next/image-entries/ ./
# The base image's `node` user, by number so Kubernetes' runAsNonRoot can verify it. The files
# above stay root's: the app cannot change its own code even where the root filesystem is writable.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.mjs", "--hostname", "0.0.0.0"]
