import { expect, test } from '@playwright/test';
import { open, screenshot, signUp } from './helpers';
import { fillOrganisationAndContacts, fillRest, sample, section, startRequest, waitSaved } from './request';

const blueBadge = sample('Blue Badge renewal');

test('fill the Blue Badge sample, reload, submit and edit', async ({ page }) => {
  await signUp(page, 'Northshire County Council test');
  const base = await startRequest(page);
  await fillOrganisationAndContacts(page, blueBadge);

  // Everything typed so far survives a reload.
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  const business = page.getByRole('group', { name: 'Business contact' });
  await expect(business.getByLabel('Email address')).toHaveValue(blueBadge.contacts.business.email);
  await section(page, 'Organisation');
  await expect(page.getByLabel('ICO registration number')).toHaveValue(blueBadge.organisation.ico_registration);

  await fillRest(page, blueBadge);
  await page.getByRole('link', { name: 'Check and submit' }).first().click();
  await expect(page.getByRole('heading', { name: 'Check and submit' })).toBeVisible();
  await screenshot(page, 'checklist-complete');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await expect(page.getByRole('heading', { name: 'Request submitted' })).toBeVisible();
  await expect(page.getByTestId('request-state')).toHaveText('Requested');

  await open(page, base);
  await page.getByRole('button', { name: 'Edit this request' }).click();
  await page.getByRole('button', { name: 'Yes, return it to Draft' }).click();
  await expect(page.getByTestId('request-state')).toHaveText('Draft');
});

test('offline changes are kept and saved when back online', async ({ page }) => {
  await signUp(page, 'Offline Test Org');
  await startRequest(page);
  await page.route('**/api/save_request', (route) => route.abort());
  await page.getByLabel('Website').fill('https://offline.example');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'offline');
  await page.unroute('**/api/save_request');
  await waitSaved(page);
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.getByLabel('Website')).toHaveValue('https://offline.example');
});

test('two pages on one draft see a conflict', async ({ page, context }) => {
  await signUp(page, 'Conflict Test Org');
  const base = await startRequest(page);
  const other = await context.newPage();
  await open(other, `${base}/organisation`);

  await page.getByLabel('Website').fill('https://first.example');
  await waitSaved(page);
  await other.getByLabel('Website').fill('https://second.example');
  await expect(other.getByTestId('conflict')).toBeVisible();
  await screenshot(other, 'conflict');

  await other.getByRole('button', { name: 'Load the saved version' }).click();
  await expect(other.getByLabel('Website')).toHaveValue('https://first.example');
});

test('field help opens with the keyboard and closes with Escape', async ({ page }) => {
  await signUp(page, 'Help Test Org');
  await startRequest(page);
  const help = page.getByRole('button', { name: 'Help: ICO registration number' });
  await help.focus();
  await page.keyboard.press('Enter');
  await expect(help).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#help-f-organisation-ico_registration')).toContainText('Why we ask');
  await screenshot(page, 'help-open');
  await page.keyboard.press('Escape');
  await expect(help).toHaveAttribute('aria-expanded', 'false');
});

test('markup in answers is shown as text', async ({ page }) => {
  await signUp(page, 'Markup Test Org');
  await startRequest(page);
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  const payload = '</textarea><img src=x onerror="alert(1)"><script>alert(2)</script> مرحبا 🚀';
  await page.getByLabel('Registered address').fill(payload);
  await waitSaved(page);
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.getByLabel('Registered address')).toHaveValue(payload);
  await section(page, 'Connection details');
  await page.getByLabel('Connection name').fill(payload);
  await waitSaved(page);
  await expect(page.getByTestId('connection-name')).toHaveText(payload);
  await open(page, '/connections');
  await expect(page.getByRole('link', { name: payload })).toBeVisible();
  expect(dialogs).toBe(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
});

test('error summary links focus their field', async ({ page }) => {
  await signUp(page, 'Summary Test Org');
  await startRequest(page);
  await page.getByRole('button', { name: 'Next' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeVisible();
  const link = summary.getByRole('link').first();
  const target = (await link.getAttribute('href'))!.slice(1);
  await link.click();
  // The target is the field itself or a group of inputs around it.
  const focusedInTarget = () =>
    page.evaluate((id) => {
      const element = document.getElementById(id);
      return element !== null && element.contains(document.activeElement);
    }, target);
  await expect.poll(focusedInTarget).toBe(true);

  // A second Next moves on, and the next section lists no missing answers yet.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contacts' })).toBeVisible();
  await expect(page.locator('.error-summary')).toHaveCount(0);
});
