import { Global, Module, type Provider } from '@nestjs/common';
import { Database, REPOSITORY_CLASSES } from '@berth/db';
import { DATABASE_URL } from '../config/config.constants.js';
import { DatabaseService } from './database.service.js';

/** Each repository of `@berth/db`, built on the process's one `Database`, injectable by its class. */
const repositoryProviders: Provider[] = REPOSITORY_CLASSES.map((repository) => ({
  provide: repository,
  inject: [Database],
  useFactory: (database: Database) => new repository(database),
}));

/** The database and every repository on it, for every module. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [DATABASE_URL],
      useFactory: (databaseUrl: string) => new Database(databaseUrl, { applicationName: 'berth-core' }),
    },
    DatabaseService,
    ...repositoryProviders,
  ],
  exports: [Database, DatabaseService, ...REPOSITORY_CLASSES],
})
export class DatabaseModule {}
