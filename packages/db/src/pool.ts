import pg from 'pg';

export type { Pool, PoolClient, PoolConfig } from 'pg';

/**
 * A `pg` pool for `databaseUrl`. Errors of idle clients (the server closed the connection) are
 * reported as process warnings instead of crashing the process: the pool drops such clients itself.
 */
export function createPool(
  databaseUrl: string,
  options: Omit<pg.PoolConfig, 'connectionString'> = {},
): pg.Pool {
  const pool = new pg.Pool({ ...options, connectionString: databaseUrl });
  pool.on('error', (error) => {
    process.emitWarning(`idle PostgreSQL client failed: ${error.message}`, 'BerthDbWarning');
  });
  return pool;
}
