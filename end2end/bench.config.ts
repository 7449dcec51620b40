import base from './playwright.config';
import { defineConfig } from '@playwright/test';

// The benchmarks in bench/, run by scripts/bench against a seeded server.
export default defineConfig({
  ...base,
  testDir: './bench',
  globalSetup: undefined,
  timeout: 300_000,
});
