/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { availableParallelism } from "node:os";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { initialJsBudget } from "./scripts/initialJsBudget";

// The gateway the dev server forwards /api to (HTTP and the /api/v1/live WebSocket).
const gateway = process.env.MIA_GATEWAY_URL ?? "http://127.0.0.1:8000";

// The installable app: a manifest, and a service worker that precaches the built shell so
// the dashboard opens offline (with a banner). API answers are never cached: they are one
// company's private data and must be fresh.
const pwa = VitePWA({
  registerType: "prompt",
  injectRegister: false,
  includeAssets: ["icon.svg", "favicon-32.png", "apple-touch-icon.png"],
  manifest: {
    name: "Master IA",
    short_name: "Master IA",
    description: "WhatsApp and SMS conversations with your customers, in one shared inbox.",
    id: "/",
    start_url: "/inbox",
    scope: "/",
    display: "standalone",
    orientation: "any",
    theme_color: "#099268",
    background_color: "#ffffff",
    categories: ["business", "productivity"],
    icons: [
      { src: "/pwa-192.png", sizes: "192x192", type: "image/png" },
      { src: "/pwa-512.png", sizes: "512x512", type: "image/png" },
      { src: "/pwa-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  },
  workbox: {
    globPatterns: ["**/*.{js,css,html,svg,png,woff2}"],
    navigateFallback: "/index.html",
    navigateFallbackDenylist: [/^\/api\//, /^\/healthz/, /^\/readyz/, /^\/metrics/],
    cleanupOutdatedCaches: true,
  },
});

export default defineConfig({
  plugins: [react(), pwa, initialJsBudget(250)],
  server: {
    port: 5173,
    proxy: {
      "/api": { target: gateway, changeOrigin: false, ws: true },
    },
  },
  build: {
    // Prints every chunk's size with its gzip size; the initial JS is the entry chunk.
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    // A deadline, not a wait: whole-app tests render every provider, and on a machine that
    // also runs the services' tests one can take several seconds.
    testTimeout: 30_000,
    css: false,
    // Worker threads, one a core: Vitest's default leaves a core idle (cores - 1), which on
    // a two-core machine ran the 56 files one after another (253 s against 166 s).
    pool: "threads",
    maxWorkers: availableParallelism(),
    minWorkers: 1,
  },
});
