import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `pnpm dev`: the console on Vite, the API from a core running on :8080 (BERTH_CORE_URL to change).
const core = process.env.BERTH_CORE_URL ?? 'http://127.0.0.1:8080';
const proxied = ['/api', '/c', '/v2', '/service'];

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: core, changeOrigin: false }])),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
});
