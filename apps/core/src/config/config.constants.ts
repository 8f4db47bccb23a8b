/** DI token for the parsed BerthConfig. */
export const BERTH_CONFIG = Symbol('BERTH_CONFIG');
/** DI token for the PostgreSQL connection string actually used (embedded or DATABASE_URL). */
export const DATABASE_URL = Symbol('DATABASE_URL');
