import { test, expect, Browser, Page } from '@playwright/test';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// Measures each page twice over. The hydration time runs from navigation
// start to the `hydrated` performance mark, which the app sets once the
// page's own content has hydrated. It is the median of RUNS runs, each in a
// fresh browser context, so nothing is cached. The first-load size is the
// sum of the WASM and JS files the page fetched, raw, gzip (level 9) and
// brotli (quality 11). It signs in as the benchmark's seeded user, or as
// BENCH_EMAIL with BENCH_PASSWORD, to measure a server seeded otherwise.
const RUNS = Number(process.env.HYDRATION_RUNS ?? 7);

async function hydrationTime(page: Page, path: string): Promise<number> {
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  return page.evaluate(() => performance.getEntriesByName('hydrated')[0].startTime);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const kb = (bytes: number) => Math.round(bytes / 1024);

/** Prints the sizes of the WASM and JS files that `page` has loaded. */
async function firstLoadSizes(page: Page, label: string): Promise<void> {
  const urls: string[] = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => /\/pkg\/.*\.(wasm|js)$/.test(new URL(name).pathname)),
  );
  const files = [...new Set(urls)].sort();
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const url of files) {
    const body = await (await page.request.get(url)).body();
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
    brotli += brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 22 },
    }).length;
    console.log(`  ${label} loads ${new URL(url).pathname}: ${kb(body.length)} KB raw`);
  }
  console.log(
    `first_load ${label}: ${files.length} files, raw ${kb(raw)} KB, gzip ${kb(gzip)} KB, brotli ${kb(brotli)} KB`,
  );
}

async function measure(browser: Browser, label: string, path: (page: Page) => Promise<string>): Promise<void> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    times.push(await hydrationTime(page, await path(page)));
    if (run === 0) {
      await firstLoadSizes(page, label);
    }
    await context.close();
  }
  console.log(
    `hydration ${label}: median ${median(times).toFixed(0)} ms over ${RUNS} runs ` +
      `(min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
  );
}

async function signIn(page: Page): Promise<void> {
  const response = await page.request.post('/api/log_in', {
    form: {
      email: process.env.BENCH_EMAIL ?? 'bench1@bench.example',
      password: process.env.BENCH_PASSWORD ?? 'bench passphrase 2026',
    },
    headers: { Origin: process.env.BASE_URL! },
  });
  expect(response.ok()).toBeTruthy();
}

test('hydration time and first-load size of subscriber pages', async ({ browser }) => {
  test.setTimeout(300_000);
  await measure(browser, 'home page', async () => '/');
  await measure(browser, 'manage grid', async (page) => {
    await signIn(page);
    return '/connections';
  });
  await measure(browser, 'wizard', async (page) => {
    await signIn(page);
    const created = await page.request.post('/api/create_connection', {
      headers: { Origin: process.env.BASE_URL! },
    });
    expect(created.ok()).toBeTruthy();
    const id = await created.json();
    return `/connections/${id}/data`;
  });
});
