import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { callApi, createNamedDraft, open, screenshot, signUp } from './helpers';

const summary = (page: Page) => page.getByTestId('grid-summary');
const rowNames = (page: Page) => page.getByTestId('grid-row').getByRole('rowheader');

/** Creates drafts named "Grid 001" to "Grid <count>", ten at a time. */
async function seedDrafts(page: Page, count: number): Promise<void> {
  for (let start = 1; start <= count; start += 10) {
    const batch = [];
    for (let n = start; n < start + 10 && n <= count; n++) {
      batch.push(createNamedDraft(page, `Grid ${String(n).padStart(3, '0')}`));
    }
    await Promise.all(batch);
  }
}

test('grid sorts, filters, searches and pages', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, `Grid Council ${Date.now()}`);
  await seedDrafts(page, 120);

  await open(page, '/connections');
  await expect(summary(page)).toHaveText('Showing 1 to 25 of 120 connections');
  await expect(rowNames(page)).toHaveCount(25);

  await page.getByRole('link', { name: /^Name/ }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(rowNames(page).first()).toHaveText('Grid 001');
  await expect(page.getByRole('columnheader', { name: /^Name/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('link', { name: /^Name/ }).click();
  await expect(rowNames(page).first()).toHaveText('Grid 120');

  await page.getByRole('link', { name: 'Next page' }).click();
  await expect(summary(page)).toHaveText('Showing 26 to 50 of 120 connections');
  await expect(rowNames(page).first()).toHaveText('Grid 095');
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(summary(page)).toHaveText('Showing 26 to 50 of 120 connections');
  await expect(rowNames(page).first()).toHaveText('Grid 095');

  await open(page, '/connections?sort=name&dir=asc&page=5');
  await expect(summary(page)).toHaveText('Showing 101 to 120 of 120 connections');
  await expect(page.getByRole('link', { name: 'Next page' })).toHaveCount(0);

  await open(page, '/connections');
  await page.getByLabel('Search by name').fill('grid 11');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=grid(\+|%20)11/);
  await expect(summary(page)).toHaveText('Showing 1 to 10 of 10 connections');

  await page.getByLabel('Search by name').fill('');
  await page.getByLabel('State').selectOption({ label: 'Requested' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(summary(page)).toHaveText('No connections match the search and filters.');
  await page.getByRole('link', { name: 'Clear the search and filters' }).click();
  await expect(summary(page)).toHaveText('Showing 1 to 25 of 120 connections');

  await page.getByLabel('State').selectOption({ label: 'Draft' });
  await page.getByLabel('Environment').selectOption({ label: 'Not deployed' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/state=draft/);
  await expect(summary(page)).toHaveText('Showing 1 to 25 of 120 connections');
  await page.getByLabel('Environment').selectOption({ label: 'Deployed on live' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(summary(page)).toHaveText('No connections match the search and filters.');

  // Rows and their actions are reachable from the keyboard.
  await open(page, '/connections?sort=name&dir=asc');
  const first = rowNames(page).first().getByRole('link');
  await first.focus();
  await page.keyboard.press('ArrowDown');
  await expect(rowNames(page).nth(1).getByRole('link')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('grid-row').nth(1).getByRole('link', { name: 'View' })).toBeFocused();
  const actions = page.getByTestId('grid-row').first();
  await expect(actions.getByRole('link', { name: 'Print' })).toBeVisible();
  await expect(actions.getByRole('button', { name: 'Clone' })).toBeVisible();
  await expect(actions.getByRole('button', { name: 'Delete draft' })).toBeVisible();
  await expect(actions.getByRole('button', { name: 'Withdraw' })).toHaveCount(0);
  await screenshot(page, 'grid');
});

test('new organisation sees an empty state', async ({ page }) => {
  await signUp(page, `Empty Grid Org ${Date.now()}`);
  await open(page, '/connections');
  await expect(page.getByRole('heading', { name: 'No connections yet' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create new connection' }).first()).toBeVisible();
});

const SECTION_TITLES = [
  'Organisation',
  'Contacts',
  'Connection details',
  'Data',
  'Use cases',
  'GDPR compliance declaration',
  'Technical information',
];

test('print view has one section per page and no navigation', async ({ page }) => {
  await signUp(page, `Print Org ${Date.now()}`);
  const id = await createNamedDraft(page, 'Print check');
  await open(page, `/connections/${id}/print`);
  await expect(page.getByRole('heading', { level: 1, name: 'Print check' })).toBeVisible();
  await screenshot(page, 'print-screen');

  await page.emulateMedia({ media: 'print' });
  const directory = mkdtempSync(join(tmpdir(), 'print-'));
  const pdfPath = join(directory, 'request.pdf');
  writeFileSync(pdfPath, await page.pdf({ format: 'A4' }));
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  const pages = text.split('\f').filter((p) => p.trim() !== '');

  expect(pages).toHaveLength(SECTION_TITLES.length);
  pages.forEach((pageText, index) => {
    expect(pageText, `page ${index + 1}`).toContain(SECTION_TITLES[index]);
    expect(pageText, `page ${index + 1}`).toMatch(/revision 1 · Draft · last changed \d{4}-\d\d-\d\d/);
    expect(pageText, `page ${index + 1}`).toContain('Print check');
    for (const chrome of ['Sign out', 'Notifications', 'Print this page', 'Back to connections', 'Skip to main content']) {
      expect(pageText, `page ${index + 1}`).not.toContain(chrome);
    }
  });
});

test('clone into a second organisation', async ({ browser }) => {
  test.setTimeout(120_000);
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  const home = `Clone Home ${Date.now()}`;
  const ownerEmail = await signUp(owner, home);
  await createNamedDraft(owner, 'Clone source');

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  const second = `Clone Second ${Date.now()}`;
  await signUp(other, second);
  const link: string = await callApi(other, 'invite_user', { email: ownerEmail });
  const token = link.split('/').pop() as string;
  await callApi(owner, 'accept_invitation', { token, password: 'correct horse battery staple' });
  const me = await callApi(owner, 'current_user', {});
  const homeId = me.organisations.find((o: any) => o.name === home).id;
  await callApi(owner, 'switch_organisation', { organisation_id: homeId });

  await open(owner, '/connections');
  const row = owner.getByRole('row', { name: /Clone source/ });
  await row.getByRole('button', { name: 'Clone' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Clone Clone source' });
  await expect(dialog.getByLabel('Name of the copy')).toBeFocused();
  await expect(dialog.getByLabel('Name of the copy')).toHaveValue('Copy of Clone source');
  await dialog.getByLabel('Name of the copy').fill('Cloned across');
  await dialog.getByLabel('Organisation').selectOption({ label: second });
  await screenshot(owner, 'clone-dialog');
  await dialog.getByRole('button', { name: 'Create copy' }).click();

  await expect(owner).toHaveURL(/\/connections\/[0-9a-f-]{36}$/);
  await expect(owner.getByTestId('who-am-i')).toContainText(second);
  await expect(owner.getByRole('heading', { name: 'Your request' })).toBeVisible();
  await expect(owner.getByRole('heading', { name: 'Deployments' })).toHaveCount(0);
  await expect(owner.getByText('Reviewer comments')).toHaveCount(0);
  await expect(owner.getByText(/Show (sandbox|live) credentials/)).toHaveCount(0);

  await open(owner, '/connections');
  await expect(owner.getByRole('row', { name: /Cloned across/ })).toContainText('Draft');
  await expect(owner.getByRole('row', { name: /Clone source/ })).toHaveCount(0);
});
