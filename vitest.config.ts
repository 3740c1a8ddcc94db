import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `source` condition, so tests run the
// code as written (no build needed) while `tsc -b` and production resolve the compiled dist/.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['core/src/**/*.test.ts', 'server/src/**/*.test.ts', 'plugin-api/src/**/*.test.ts', 'examples/**/*.test.ts', 'plugins/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file makes its own database; two at a time suits these 2-core machines.
    maxWorkers: 2,
  },
});
