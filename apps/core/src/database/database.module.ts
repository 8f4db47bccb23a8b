import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { Database, REPOSITORY_CLASSES } from '@berth/db';
import { DATABASE_URL } from '../config/config.constants.js';

/** Each repository of `@berth/db`, built on the process's one `Database`, injectable by its class. */
const repositoryProviders: Provider[] = REPOSITORY_CLASSES.map((repository) => ({
  provide: repository,
  inject: [Database],
  useFactory: (database: Database) => new repository(database),
}));

/** Closes the process's database when the application shuts down, after every other hook. */
@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/** The database and every repository on it, for every module. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [DATABASE_URL],
      useFactory: (databaseUrl: string) => new Database(databaseUrl, { applicationName: 'berth-core' }),
    },
    DatabaseLifecycle,
    ...repositoryProviders,
  ],
  exports: [Database, ...REPOSITORY_CLASSES],
})
export class DatabaseModule {}
