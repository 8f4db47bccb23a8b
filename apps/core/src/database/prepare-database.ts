import { Logger } from '@nestjs/common';
import { migrate } from '@berth/db';
import { redactDatabaseUrl, type BerthConfig } from '../config/config.js';
import { EmbeddedPostgresServer } from './embedded-postgres.js';

/**
 * Resolves the database the core uses and brings its schema up to date: DATABASE_URL when set,
 * otherwise the embedded PostgreSQL in `<dataDir>/postgres`, started through `embedded` (which the
 * caller owns and stops at shutdown, also when this fails).
 */
export async function prepareDatabase(
  config: BerthConfig,
  embedded: EmbeddedPostgresServer | null,
): Promise<string> {
  const logger = new Logger('Database');
  let url: string;
  if (config.databaseUrl) {
    url = config.databaseUrl;
    logger.log(`Using database ${redactDatabaseUrl(url)}`);
  } else {
    if (!embedded) throw new Error('no DATABASE_URL and no embedded PostgreSQL');
    url = await embedded.start();
  }
  let applied: string[];
  try {
    ({ applied } = await migrate(url));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot migrate the database at ${redactDatabaseUrl(url)}: ${reason}`, { cause: error });
  }
  logger.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date');
  return url;
}

export function createEmbeddedPostgres(config: BerthConfig): EmbeddedPostgresServer {
  return new EmbeddedPostgresServer({
    dataDir: config.dataDir,
    port: config.embeddedPgPort,
    logger: new Logger('EmbeddedPostgres'),
  });
}
