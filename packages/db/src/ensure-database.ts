import pg from 'pg';

/**
 * Creates database `name` on the server `adminUrl` points at (any database of it, usually
 * `postgres`) unless it exists. Resolves true when it was created.
 */
export async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if ((existing.rowCount ?? 0) > 0) return false;
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    return true;
  } finally {
    await client.end();
  }
}
