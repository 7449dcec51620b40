import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { expect, test } from '@playwright/test';
import { signUp } from './helpers';
import { startRequest, waitSaved } from './request';

// scripts/test passes the release server binary, so that this test can stop
// and start a server of its own on the same database.
const serverBinary = process.env.SERVER_BIN;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const child = spawn(serverBinary!, [], {
    env: { ...process.env, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, SEED_DEMO: 'false' },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/login`)).ok) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the server on port ${port} did not start within 30 s`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test('autosave retries across a server restart', async ({ browser }) => {
  test.skip(!serverBinary, 'SERVER_BIN names the server binary; scripts/test sets it');
  const port = await freePort();
  let server = await startServer(port);
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}` });
  const page = await context.newPage();
  try {
    await signUp(page, 'Restart Test Org');
    const base = await startRequest(page);
    await page.getByLabel('Website').fill('https://before.example');
    await waitSaved(page);

    await stopServer(server);
    await page.getByLabel('Legal name').fill('Restart Test Org Ltd');
    await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'offline');

    server = await startServer(port);
    await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 45_000 });

    await page.goto(`${base}/organisation`);
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
    await expect(page.getByLabel('Website')).toHaveValue('https://before.example');
    await expect(page.getByLabel('Legal name')).toHaveValue('Restart Test Org Ltd');
  } finally {
    await context.close();
    await stopServer(server);
  }
});
