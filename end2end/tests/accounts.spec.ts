import { expect, test } from '@playwright/test';
import { demo, open, screenshot, signIn, signUp } from './helpers';

test('sign up, sign out and sign in again', async ({ page }) => {
  const email = await signUp(page, 'Riverside Advice Centre');
  await expect(page.getByTestId('who-am-i')).toContainText('Jo Tester');
  await expect(page.getByRole('link', { name: 'Create new connection' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Manage existing connections' })).toBeVisible();
  await expect(page).toHaveTitle(/Home – Connection Manager/);
  await screenshot(page, 'home-subscriber');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await signIn(page, email, 'correct horse battery staple');
  await expect(page.getByRole('heading', { name: 'Riverside Advice Centre' })).toBeVisible();
});

test('wrong password shows an error', async ({ page }) => {
  await open(page, '/login');
  await page.getByLabel('Email address').fill(demo.subscriber.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The email address or password is incorrect').first()).toBeVisible();
  await expect(page.getByTestId('who-am-i')).toHaveCount(0);
  await screenshot(page, 'login-error');
});

test('sign-up errors appear next to the fields', async ({ page }) => {
  await open(page, '/signup');
  await page.getByLabel('Email address').fill('not-an-email');
  await page.getByLabel('Create a password').fill('short');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.locator('#f-organisation_name-error')).toBeVisible();
  await expect(page.locator('#f-password-error')).toContainText('at least 12 characters');
  await screenshot(page, 'signup-errors');
});

test('staff sign-in sees the review queue', async ({ page }) => {
  await signIn(page, demo.reviewer.email, demo.reviewer.password);
  await expect(page.getByRole('heading', { name: 'Staff home' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Requests awaiting action' })).toBeVisible();
  await screenshot(page, 'home-staff');
});

test('subscriber cannot open the staff page', async ({ page }) => {
  await signIn(page, demo.subscriber.email, demo.subscriber.password);
  const response = await page.goto('/staff');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'You do not have permission to see this page' })).toBeVisible();
});

test('home page fits a 320 px wide phone', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await signIn(page, demo.subscriber.email, demo.subscriber.password);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(320);
  await screenshot(page, 'home-phone');
});

test('sign-in returns to the page that asked for it', async ({ page }) => {
  await open(page, '/connections?state=draft');
  await expect(page.getByRole('heading', { name: 'Sign in to continue' })).toBeVisible();
  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  await page.getByLabel('Email address').fill(demo.subscriber.email);
  await page.getByLabel('Password').fill(demo.subscriber.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/connections\?state=draft$/);
  await expect(page.getByTestId('connections-grid')).toBeVisible();
});
