import { expect, test } from '@playwright/test';
import { demo, open, screenshot, signIn, signUp } from './helpers';
import { fillSample, sample, section, startRequest, submit, waitSaved } from './request';

test('revision diff shows added field and re-consent', async ({ browser }) => {
  test.setTimeout(180_000);
  const page = await (await browser.newContext()).newPage();
  const organisation = `History Trust ${Date.now()}`;
  await signUp(page, organisation);
  const base = await startRequest(page);
  await fillSample(page, sample('Energy support referral'));
  await submit(page);

  // Staff deploy revision 1 to the sandbox.
  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, demo.reviewer.email, demo.reviewer.password);
  await staff.getByRole('row', { name: new RegExp(organisation) }).getByRole('link', { name: 'Energy support referral' }).click();
  await expect(staff.locator('body[data-hydrated="true"]')).toBeAttached();
  for (const [action, state] of [['Start review', 'In review'], ['Approve', 'Approved'], ['Deploy to sandbox', 'Sandbox']]) {
    await staff.getByRole('button', { name: action }).click();
    await expect(staff.getByTestId('request-state')).toHaveText(state);
  }

  // Editing the deployed connection opens revision 2, which adds a field.
  await open(page, base);
  await expect(page.getByTestId('request-state')).toHaveText('Sandbox');
  await page.getByRole('button', { name: 'Edit this request' }).click();
  await page.getByRole('button', { name: 'Yes, return it to Draft' }).click();
  await expect(page.getByTestId('request-state')).toHaveText('Draft');
  await expect(page.getByText('revision 2')).toBeVisible();
  await section(page, 'Data');
  await page.locator('#f-data-field_personal_dob').getByRole('checkbox', { name: /^Read / }).check();
  await waitSaved(page);

  // The overview links to the history, which compares v1 with v2 by default.
  await open(page, base);
  await page.getByRole('link', { name: 'Revision history and changes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Revision history/ })).toBeVisible();
  await expect(page.getByTestId('revisions').getByRole('row')).toHaveCount(3);
  await expect(page.getByTestId('comparing')).toHaveText('Changes from revision 1 to revision 2');
  await expect(page.getByText("Field 'Date of birth' added (read)")).toBeVisible();
  await expect(page.getByTestId('reconsent')).toContainText('Members must re-consent.');
  await screenshot(page, 'revision-history');

  // The other way round the field is removed, which needs no re-consent.
  await page.getByLabel('From').selectOption({ label: 'Revision 2 (Draft)' });
  await page.getByLabel('To').selectOption({ label: 'Revision 1 (Sandbox)' });
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('comparing')).toHaveText('Changes from revision 2 to revision 1');
  await expect(page.getByText("Field 'Date of birth' removed")).toBeVisible();
  await expect(page.getByTestId('reconsent')).toContainText('Members do not need to re-consent.');
});
