# One image for every service: `node apps/<service>/dist/main.js` picks the service.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc turbo.json tsconfig.base.json tsconfig.build.json ./
COPY libs libs
COPY apps apps
COPY tools tools
COPY tooling tooling
RUN npm ci --no-fund --no-audit && npx turbo run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/data
# A young generation of 32 MB semi-spaces: the projections allocate short-lived objects per event,
# and the default size spends twice the time collecting them.
ENV NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
COPY --from=build /app /app
# The embedded database file lives here (unused by the distributed services).
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
CMD ["node", "apps/embedded/dist/main.js"]
