import { test, expect, Page } from '@playwright/test';

// Time from navigation start to the `hydrated` performance mark that the
// app sets once the WASM has taken over the page, in a fresh browser
// context each run (nothing cached), as the median of RUNS runs.
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

async function measure(
  browser: import('@playwright/test').Browser,
  label: string,
  path: (page: Page) => Promise<string>,
): Promise<void> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    times.push(await hydrationTime(page, await path(page)));
    await context.close();
  }
  console.log(
    `hydration ${label}: median ${median(times).toFixed(0)} ms over ${RUNS} runs ` +
      `(min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
  );
}

test('hydration time of the home page and the wizard', async ({ browser }) => {
  await measure(browser, 'home page', async () => '/');
  await measure(browser, 'wizard', async (page) => {
    const signIn = await page.request.post('/api/log_in', {
      form: { email: 'bench1@bench.example', password: 'bench passphrase 2026' },
      headers: { Origin: process.env.BASE_URL! },
    });
    expect(signIn.ok()).toBeTruthy();
    const created = await page.request.post('/api/create_connection', {
      headers: { Origin: process.env.BASE_URL! },
    });
    expect(created.ok()).toBeTruthy();
    const id = await created.json();
    return `/connections/${id}/data`;
  });
});
