# gradbot: the same steps as scripts/setup.sh (the README's setup), split into a
# build stage (compilers and -dev headers for canvas and better-sqlite3) and a
# slim runtime stage (shared libraries only). Keep it in step with setup.sh.

# --- build: apt build packages, then npm ci (compiles the native addons) ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential python3 pkg-config \
      libcairo2-dev libpango1.0-dev libgif-dev librsvg2-dev libjpeg-dev \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm prune --omit=dev
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY commands ./commands
COPY assets ./assets
COPY scripts ./scripts

# --- runtime: the shared libraries canvas links against, no compilers ---
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcairo2 libpango-1.0-0 libpangocairo-1.0-0 \
      libgif7 librsvg2-2 libjpeg62-turbo fontconfig tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown node:node /data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# MALLOC_MMAP_THRESHOLD_: as in npm start (src/ops/allocator.ts says why).
ENV NODE_ENV=production DATABASE_URL=sqlite:/data/gradbot.db PORT=3000 HOST=0.0.0.0 MALLOC_MMAP_THRESHOLD_=131072
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "src/main.ts"]
