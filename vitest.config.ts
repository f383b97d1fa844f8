import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI tests spawn real processes that build real Programs; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time. Vitest's default is one fewer than the cores, one here; CLI and bot
    // tests spend much of their time waiting on the processes they start, and the suite took 13.7
    // min with one worker, 10.3 min with two.
    maxWorkers: 2,
  },
});
