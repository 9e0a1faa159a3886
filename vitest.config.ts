import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the built package ('npm test' builds first): the worker threads run dist/,
// exactly what ships.
export default defineConfig({
  resolve: {
    alias: {
      'parwasm/internal': fileURLToPath(new URL('./dist/internal.js', import.meta.url)),
      'parwasm/cluster': fileURLToPath(new URL('./dist/cluster.js', import.meta.url)),
      'parwasm/report': fileURLToPath(new URL('./dist/report.js', import.meta.url)),
      parwasm: fileURLToPath(new URL('./dist/index.js', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
