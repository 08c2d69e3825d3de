import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const libs = ['contracts', 'ports', 'config', 'messaging', 'resilience', 'observability', 'http', 'testing', 'filter', 'db'];
const alias = Object.fromEntries(
  libs.map((lib) => [`@hexbase/${lib}`, fileURLToPath(new URL(`./libs/${lib}/src/index.ts`, import.meta.url))]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: ['./libs/testing/src/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['{libs,services,scripts,deploy}/**/*.unit.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['{libs,services,scripts,deploy}/**/*.int.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['{libs,services,e2e}/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // End-to-end files stop and start the shared broker; they must not overlap.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
