import { expect, test } from '@playwright/test';
import { demo, open, screenshot, signIn, signUp } from './helpers';
import { fillSample, sample, section, startRequest, submit } from './request';

test('staff ask for changes and the subscriber resubmits', async ({ browser }) => {
  test.setTimeout(120_000);
  const subscriberContext = await browser.newContext();
  const page = await subscriberContext.newPage();
  const organisation = `Warm Homes Trust ${Date.now()}`;
  await signUp(page, organisation);
  const base = await startRequest(page);
  await fillSample(page, sample('Energy support referral'));
  await submit(page);

  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, demo.reviewer.email, demo.reviewer.password);
  await staff.getByRole('row', { name: new RegExp(organisation) }).getByRole('link', { name: 'Energy support referral' }).click();
  await expect(staff.getByRole('heading', { name: /Energy support referral/ })).toBeVisible();
  await expect(staff.locator('body[data-hydrated="true"]')).toBeAttached();
  await staff.getByRole('button', { name: 'Start review' }).click();
  await expect(staff.getByTestId('request-state')).toHaveText('In review');

  await staff.getByLabel('Section', { exact: true }).selectOption({ label: 'Use cases' });
  await staff.getByLabel('Comment', { exact: true }).fill('Say how long referral records are kept after the referral closes.');
  await staff.getByRole('button', { name: 'Add comment' }).click();
  await expect(staff.getByTestId('comments')).toContainText('Say how long referral records are kept');
  await staff.getByLabel('Reason for the subscriber').fill('Please clarify retention in the use cases.');
  await staff.getByRole('button', { name: 'Request changes' }).click();
  await expect(staff.getByTestId('request-state')).toHaveText('Changes requested');
  await screenshot(staff, 'review-page');

  await open(page, `${base}/use_cases`);
  await expect(page.getByTestId('request-state')).toHaveText('Changes requested');
  await expect(page.getByTestId('decision-reason')).toContainText('Please clarify retention');
  await expect(page.getByTestId('comments')).toContainText('Say how long referral records are kept');
  await page.getByRole('button', { name: 'Edit this request' }).click();
  await page.getByRole('button', { name: 'Yes, return it to Draft' }).click();
  await expect(page.getByTestId('request-state')).toHaveText('Draft');
  await section(page, 'Use cases');
  await page.locator('section.card').first().getByLabel('How long you keep the data').fill('2 years after the referral closes');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await submit(page);

  await staff.reload();
  await expect(staff.getByTestId('request-state')).toHaveText('Requested');

  // Staff approve and deploy; the subscriber sees the sandbox secrets once.
  for (const [action, state] of [['Start review', 'In review'], ['Approve', 'Approved'], ['Deploy to sandbox', 'Sandbox']]) {
    await staff.getByRole('button', { name: action }).click();
    await expect(staff.getByTestId('request-state')).toHaveText(state);
  }
  await open(page, base);
  await expect(page.getByTestId('request-state')).toHaveText('Sandbox');
  await page.getByRole('button', { name: 'Show sandbox credentials' }).click();
  const token = await page.getByTestId('connection-token').textContent();
  expect(token).toMatch(/^cmt_/);
  await screenshot(page, 'credentials-once');
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(page.getByTestId('deployment-sandbox').getByTestId('token-last-four')).toHaveText(`ending in ${token!.slice(-4)}`);
  await expect(page.getByTestId('connection-token')).toHaveCount(0);

  // The admin rotates the client secret; the old one keeps working for the overlap.
  const sandbox = page.getByTestId('deployment-sandbox');
  const oldLastFour = (await sandbox.getByTestId('secret-last-four').textContent())!.slice(-4);
  await sandbox.getByLabel('Overlap (hours)').fill('800');
  await sandbox.getByRole('button', { name: 'Rotate sandbox client secret' }).click();
  await expect(sandbox.getByText('at most 720 hours')).toBeVisible();
  await sandbox.getByLabel('Overlap (hours)').fill('2');
  await sandbox.getByRole('button', { name: 'Rotate sandbox client secret' }).click();
  const newSecret = page.getByTestId('new-client-secret');
  await expect(newSecret).toHaveText(/^cms_/);
  await expect(page.getByTestId('rotated-secret')).toContainText(`The old secret ending in ${oldLastFour} works until`);
  const secret = await newSecret.textContent();
  await screenshot(page, 'secret-rotated');
  await page.reload();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await expect(sandbox.getByTestId('secret-last-four')).toHaveText(`ending in ${secret!.slice(-4)}`);
  await expect(sandbox.getByTestId('retiring-secret')).toContainText(`ending in ${oldLastFour}, works until`);
  await expect(page.getByTestId('new-client-secret')).toHaveCount(0);

  // Promotion to live, then an edit that leaves the live revision in effect.
  await page.getByLabel('Summary of your sandbox tests').fill('All referral scenarios pass on the sandbox.');
  await page.getByRole('button', { name: 'Request promotion' }).click();
  await expect(page.getByTestId('request-state')).toHaveText('Promotion requested');
  await staff.reload();
  await expect(staff.getByTestId('test-summary')).toContainText('All referral scenarios pass on the sandbox.');
  await staff.getByRole('button', { name: 'Promote' }).click();
  await expect(staff.getByTestId('request-state')).toHaveText('Live');
  await page.reload();
  await expect(page.getByTestId('request-state')).toHaveText('Live');
  await expect(page.getByTestId('deployment-live')).toBeVisible();
  await page.getByRole('button', { name: 'Edit this request' }).click();
  await page.getByRole('button', { name: 'Yes, return it to Draft' }).click();
  await expect(page.getByTestId('request-state')).toHaveText('Draft');
  await expect(page.getByText('revision 2')).toBeVisible();
  await expect(page.getByTestId('deployment-live')).toContainText('Live (revision 1)');
});
