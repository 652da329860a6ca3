// Vite: builds the UI into dist/ (CMake passes --outDir to build into its own build dir and
// embeds the result into the rally binary). `npm run dev` serves the UI with hot reload and
// proxies the API to a running `rally serve` (RALLY_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const backend = process.env.RALLY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    // Hashed names under assets/ are what the server caches for a year (src/http/static_files.h).
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend },
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
