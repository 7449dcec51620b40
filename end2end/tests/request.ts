import { expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { open } from './helpers';

export const samples = JSON.parse(readFileSync(join(__dirname, '../../fixtures/sample-requests.json'), 'utf8'));

export function sample(name: string): any {
  return samples.requests.find((r: any) => r.connection.name === name);
}

export const lawfulBases: Record<string, string> = {
  consent: '(a) Consent',
  contract: '(b) Contract',
  legal_obligation: '(c) Legal obligation',
  vital_interests: '(d) Vital interests',
  public_task: '(e) Public task',
  legitimate_interests: '(f) Legitimate interests',
};
export const conditions: Record<string, string> = {
  substantial_public_interest: '(g) Reasons of substantial public interest',
  explicit_consent: '(a) Explicit consent',
  health_social_care: '(h) Health or social care',
};

export async function waitSaved(page: Page): Promise<void> {
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
}

export async function section(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections of this request' }).getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

export async function startRequest(page: Page): Promise<string> {
  await open(page, '/connections/new');
  await page.getByRole('button', { name: 'Start a new request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Organisation' })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  return page.url().replace(/\/organisation$/, '');
}

export async function fillOrganisationAndContacts(page: Page, r: any): Promise<void> {
  await page.getByLabel('Legal name').fill(r.organisation.legal_name);
  if (r.organisation.public_body) {
    await page.getByLabel('We are a public body').check();
  } else {
    await page.getByLabel('Company or charity number', { exact: true }).fill(r.organisation.company_or_charity_number);
  }
  await page.getByLabel('Registered address').fill(r.organisation.registered_address);
  await page.getByLabel('ICO registration number').fill(r.organisation.ico_registration);
  await page.getByLabel('Website').fill(r.organisation.website);
  await waitSaved(page);

  await section(page, 'Contacts');
  for (const [group, contact] of [['Business contact', r.contacts.business], ['Technical contact', r.contacts.technical]] as const) {
    const set = page.getByRole('group', { name: group });
    await set.getByLabel('Full name').fill(contact.name);
    await set.getByLabel('Role').fill(contact.role);
    await set.getByLabel('Email address').fill(contact.email);
    await set.getByLabel('Phone number').fill(contact.phone);
  }
  const dpo = page.getByRole('group', { name: 'Data protection officer' });
  await dpo.getByLabel('Full name').fill(r.contacts.dpo.name);
  await dpo.getByLabel('Email address').fill(r.contacts.dpo.email);
  await waitSaved(page);
}

export async function fillRest(page: Page, r: any): Promise<void> {
  await section(page, 'Connection details');
  await page.getByLabel('Connection name').fill(r.connection.name);
  await page.getByLabel('Description shown to members').fill(r.connection.member_description);
  await page.getByLabel('Service URL').fill(r.connection.service_url);
  await page.getByLabel('Service category').selectOption(r.connection.category);
  await page.getByLabel('Expected number of members').fill(String(r.connection.expected_members));
  await page.getByLabel('Expected API calls per day').fill(String(r.connection.expected_calls_per_day));
  await waitSaved(page);

  await section(page, 'Data');
  for (const choice of r.data) {
    for (const [fieldId, permission] of Object.entries(choice.fields as Record<string, string>)) {
      const row = page.locator(`#f-data-${fieldId}`);
      if (permission.includes('r')) await row.getByRole('checkbox', { name: /^Read / }).check();
      if (permission.includes('w')) await row.getByRole('checkbox', { name: /^Write / }).check();
    }
    // Transactional datasets also need the row operations the service uses.
    const operations = page.locator(`#f-data-${choice.dataset}-operations`);
    if (await operations.count()) {
      await operations.getByLabel('Create rows').check();
      await operations.getByLabel('Read rows').check();
    }
  }
  await waitSaved(page);

  await section(page, 'Use cases');
  for (const [i, useCase] of r.use_cases.entries()) {
    await page.getByRole('button', { name: /Add (a|another) use case/ }).click();
    const card = page.locator('section.card').nth(i);
    await card.getByLabel('Title').fill(useCase.title);
    await card.getByLabel('Description for members').fill(useCase.description);
    for (const fieldId of useCase.fields) {
      await card.locator(`[id$="-fields-${fieldId}"]`).check();
    }
    await card.getByLabel('Lawful basis').selectOption({ label: lawfulBases[useCase.lawful_basis] });
    if (useCase.special_category_condition) {
      await card.getByLabel('Condition for special-category data').selectOption({ label: conditions[useCase.special_category_condition] });
    }
    await card.getByLabel('How long you keep the data').fill(useCase.retention);
    if (useCase.recipients) await card.getByLabel('Recipients or processors').fill(useCase.recipients);
    await card.getByRole('group', { name: /automated means/ }).getByLabel(useCase.automated_decision_making ? 'Yes' : 'No').check();
    await card.getByRole('group', { name: /outside the UK/ }).getByLabel(useCase.international_transfers ? 'Yes' : 'No').check();
  }
  await waitSaved(page);

  await section(page, 'GDPR compliance declaration');
  await page.getByLabel('Data controller', { exact: true }).fill(r.gdpr.controller_name);
  await page.getByLabel('Privacy notice URL').fill(r.gdpr.privacy_notice_url);
  if (r.gdpr.dpia_done) {
    await page.getByRole('group', { name: /DPIA/ }).getByLabel('Yes').check();
    await page.getByLabel('Date of the DPIA').fill(r.gdpr.dpia_date);
    await page.getByLabel('URL of the DPIA summary').fill(r.gdpr.dpia_summary_url);
  } else {
    await page.getByRole('group', { name: /DPIA/ }).getByLabel('No').check();
    await page.getByLabel('Why is no DPIA needed?').fill(r.gdpr.dpia_not_needed_reason);
  }
  await page.getByLabel('Contact for data subject rights requests').fill(r.gdpr.rights_contact);
  await page.getByLabel('Security measures').fill(r.gdpr.security_summary);
  await page.getByLabel('Breach notification process').fill(r.gdpr.breach_process);
  for (const box of await page.locator('#f-gdpr-declarations input[type="checkbox"]').all()) {
    await box.check();
  }
  await waitSaved(page);

  await section(page, 'Technical information');
  for (const [env, legend] of [['sandbox', 'Sandbox'], ['live', 'Live']] as const) {
    const set = page.getByRole('group', { name: legend, exact: true });
    await set.getByLabel('Server IP addresses or ranges').fill(r.technical[env].ip_ranges.join('\n'));
    await set.getByLabel('Callback URL').fill(r.technical[env].callback_url);
    await set.getByLabel('Return-to URLs').fill(r.technical[env].return_to_urls.join('\n'));
  }
  await page.getByRole('heading', { level: 1 }).click();
  await waitSaved(page);

  await section(page, 'Terms for Subscribers');
  await page.getByRole('button', { name: /Accept the Terms for Subscribers/ }).click();
  await expect(page.getByTestId('terms-accepted')).toBeVisible();
}

/** Fills every section of a sample request and accepts the terms. */
export async function fillSample(page: Page, r: any): Promise<void> {
  await fillOrganisationAndContacts(page, r);
  await fillRest(page, r);
}

export async function submit(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Check and submit' }).first().click();
  await expect(page.getByRole('heading', { name: 'Check and submit' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await expect(page.getByRole('heading', { name: 'Request submitted' })).toBeVisible();
  await expect(page.getByTestId('request-state')).toHaveText('Requested');
}
