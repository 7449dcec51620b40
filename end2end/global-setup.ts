// Waits until the server started by scripts/test responds, because it
// applies migrations and seeds demo data before it listens.
export default async function globalSetup(): Promise<void> {
  const base = process.env.BASE_URL ?? 'http://127.0.0.1:3100';
  const deadline = Date.now() + 60_000;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/login`);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server at ${base} did not respond within 60 s: ${lastError}`);
}
