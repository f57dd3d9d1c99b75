# The worker and the API (docker-compose.yml runs both from this image), built ahead of time and run as built.
# Stage one compiles the TypeScript and bundles the workflow code (scripts/build.sh, what `npm run build` runs); the
# image itself holds the production dependencies and dist/ only, and runs `node dist/...`: no tsx, no TypeScript, no
# workflow bundling at start. Node 24 is the current LTS, the version the project is tested on (package.json's
# engines: 22 or later).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# .npmrc: no dependency's install script runs (see README).
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh scripts/build-workflow-bundle.ts ./scripts/
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY api ./api
COPY infra ./infra
COPY cli ./cli
RUN bash scripts/build.sh dist

FROM ${NODE_IMAGE}
WORKDIR /app
# Source maps point stack traces at the TypeScript lines.
ENV NODE_ENV=production TZ=Asia/Shanghai NODE_OPTIONS="--enable-source-maps"
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# .data holds what the app makes on first use and keeps: the sign-in secret (AUTH_SECRET_FILE), the audit signing key.
RUN mkdir -p .data && chown node:node .data
USER node
# The API: node dist/api/main.js (docker-compose.yml). The CLI: node dist/cli/main.js plan parse FILE.
CMD ["node", "dist/worker/main.js"]
