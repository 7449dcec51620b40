import { expect, Page } from '@playwright/test';

export const demo = {
  reviewer: { email: 'reviewer@operator.example', password: 'reviewer-demo-pass' },
  subscriber: { email: 'priya.raman@northshire.example', password: 'subscriber-demo-pass' },
};

/** Opens a page and waits until the WASM has hydrated it. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await open(page, '/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('who-am-i')).toBeVisible();
}

/** Registers a new organisation with a unique email and returns it. */
export async function signUp(page: Page, organisation: string): Promise<string> {
  const email = `user-${Date.now()}-${Math.floor(Math.random() * 1e6)}@subscriber.example`;
  await open(page, '/signup');
  await page.getByLabel('Organisation name').fill(organisation);
  await page.getByLabel('Your full name').fill('Jo Tester');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Create a password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Manage connections' })).toBeVisible();
  return email;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/**
 * Calls a server function with the page's cookies, from the site's own
 * origin as the CSRF check requires. `json` sends a JSON body for server
 * functions that take JSON; the others take form fields.
 */
export async function callApi(
  page: Page,
  endpoint: string,
  data: Record<string, unknown>,
  json = false,
): Promise<any> {
  const origin = new URL(page.url()).origin;
  const options = json
    ? { data, headers: { Origin: origin } }
    : { form: data as Record<string, string>, headers: { Origin: origin } };
  const response = await page.request.post(`${origin}/api/${endpoint}`, options);
  expect(response.status(), `${endpoint} returned ${response.status()}`).toBe(200);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** Creates a draft connection with the given name and returns its id. */
export async function createNamedDraft(page: Page, name: string): Promise<string> {
  const id: string = await callApi(page, 'create_connection', {});
  await callApi(page, 'save_request', { connection_id: id, version: 1, content: { connection: { name } } }, true);
  return id;
}
