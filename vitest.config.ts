import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The stream and browser tests measure memory and time: keep files from competing for the
    // two cores of our machines.
    fileParallelism: false,
  },
})
