import { APIRequestContext, expect, Page, test } from '@playwright/test';
import { open, screenshot, signUp } from './helpers';

async function whoami(request: APIRequestContext, key: string): Promise<number> {
  const response = await request.get('/api/v1/whoami', { headers: { Authorization: `Bearer ${key}` } });
  return response.status();
}

async function shownKey(page: Page): Promise<string> {
  const key = (await page.getByTestId('api-key').textContent()) ?? '';
  expect(key).toMatch(/^cmk_sandbox_/);
  return key;
}

test('API key shown once, rotated with overlap', async ({ page, request }) => {
  test.setTimeout(120_000);
  const organisation = `Key Holders ${Date.now()}`;
  await signUp(page, organisation);
  await page.getByRole('link', { name: 'API keys', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();

  await page.getByLabel('Key name').fill('Billing service');
  await page.getByLabel('Sandbox (issued at once)').check();
  await page.getByRole('button', { name: 'Request key' }).click();
  await expect(page.getByTestId('issued-key')).toContainText('It will not be shown again');
  await expect(page.getByRole('button', { name: 'Copy key' })).toBeVisible();
  const first = await shownKey(page);
  await screenshot(page, 'api-key-once');

  const owner = await request.get('/api/v1/whoami', { headers: { Authorization: `Bearer ${first}` } });
  expect(owner.status()).toBe(200);
  expect((await owner.json()).organisation_name).toBe(organisation);

  // After a reload only the prefix and the last use remain.
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.getByTestId('api-key')).toHaveCount(0);
  const row = page.getByTestId('api-key-row').filter({ hasText: 'Billing service' });
  await expect(row.getByTestId('key-prefix')).toHaveText(`${first.slice(0, 'cmk_sandbox_'.length + 6)}...`);
  await expect(row).not.toContainText('Never');

  // Rotating with the default overlap of 24 hours keeps both keys working.
  await expect(row.getByLabel('Overlap (hours)')).toHaveValue('24');
  await row.getByRole('button', { name: 'Rotate key Billing service' }).click();
  await expect(page.getByTestId('issued-key')).toContainText('keeps working until');
  const second = await shownKey(page);
  expect(second).not.toBe(first);
  expect(await whoami(request, first)).toBe(200);
  expect(await whoami(request, second)).toBe(200);

  // An overlap of more than 30 days is rejected.
  const current = page.getByTestId('api-key-row').filter({ hasText: 'Active' }).first();
  await current.getByLabel('Overlap (hours)').fill('744');
  await current.getByRole('button', { name: 'Rotate key Billing service' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'at most 720 hours' })).toBeVisible();

  // Rotating the new key with no overlap ends the second key at once.
  await current.getByLabel('Overlap (hours)').fill('0');
  await current.getByRole('button', { name: 'Rotate key Billing service' }).click();
  await expect(page.getByTestId('api-key')).not.toHaveText(second);
  const third = await shownKey(page);
  expect(await whoami(request, second)).toBe(401);
  expect(await whoami(request, third)).toBe(200);
  expect(await whoami(request, first)).toBe(200);

  // Revoking stops a key at once.
  const active = page.getByTestId('api-key-row').filter({ hasText: 'Active' }).first();
  await active.getByRole('button', { name: 'Revoke key Billing service' }).click();
  await active.getByRole('button', { name: 'Yes, revoke key Billing service' }).click();
  await expect(page.getByTestId('api-key-row').filter({ hasText: 'Revoked' })).toHaveCount(1);
  expect(await whoami(request, third)).toBe(401);
  await screenshot(page, 'api-keys-list');
});

test('live key waits for approval', async ({ page }) => {
  await signUp(page, `Live Keys ${Date.now()}`);
  await open(page, '/organisation/api-keys');
  await page.getByLabel('Key name').fill('Live billing');
  await page.getByLabel('Live (issued after the operator approves it)').check();
  await page.getByRole('button', { name: 'Request key' }).click();
  await expect(page.getByTestId('key-requested')).toContainText('was requested');
  await expect(page.getByTestId('api-key')).toHaveCount(0);
  await expect(page.getByTestId('api-key-row').filter({ hasText: 'Live billing' })).toContainText('Waiting for approval');
});
