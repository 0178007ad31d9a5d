# Production image: compiled server + built client. The demo-city seeder's data package is a dev dependency,
# so this image expects a real city imported with `npm run import` (or SEED on a dev image).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist
COPY --from=build /app/server/db/migrations ./dist/server/db/migrations
COPY package.json ./
USER node
EXPOSE 8080
CMD ["node", "dist/server/main.js"]
