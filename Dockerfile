# The worker and the API (docker-compose.yml runs both from this image). TypeScript runs through tsx, as locally.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production TZ=Asia/Shanghai
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY worker ./worker
COPY api ./api
COPY infra ./infra
COPY cli ./cli
COPY bin ./bin
USER node
CMD ["npx", "tsx", "worker/main.ts"]
