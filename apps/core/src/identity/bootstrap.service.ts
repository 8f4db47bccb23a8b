import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Database,
  ProjectMemberRepository,
  ProjectRepository,
  SystemSettingRepository,
  UniqueViolationError,
  UserRepository,
} from '@berth/db';
import type { BerthConfig } from '../config/config.js';
import { BERTH_CONFIG } from '../config/config.constants.js';
import { hashPassword } from '../crypto/password-hasher.js';
import { ProjectRole } from '../rbac/rbac-policy.js';
import { ConfigurationService } from '../system/configuration.service.js';
import { generatePassword, isValidPassword } from './user-rules.js';
import { BOOTSTRAP_ADMIN } from './user.service.js';

export const LIBRARY_PROJECT = 'library';
/** `system_setting` key holding when `library` was created. */
const LIBRARY_MARKER = 'berth.bootstrap.library';

/**
 * First start: the `admin` system administrator and the public `library` project. Each insert
 * skips a row that exists, so a restart changes nothing and two instances starting together
 * create each thing once (the unique index decides; the loser skips).
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(SystemSettingRepository) private readonly settings: SystemSettingRepository,
    @Inject(ProjectRepository) private readonly projects: ProjectRepository,
    @Inject(ProjectMemberRepository) private readonly members: ProjectMemberRepository,
    @Inject(ConfigurationService) private readonly configuration: ConfigurationService,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const adminId = await this.ensureAdmin();
    await this.ensureLibrary(adminId);
  }

  private async ensureAdmin(): Promise<bigint> {
    const existing = await this.users.findByUsername(BOOTSTRAP_ADMIN);
    if (existing) return existing.id;

    const fromEnv = this.config.adminPassword;
    const password = fromEnv ? fromEnv : generatePassword(randomBytes);
    if (fromEnv && !isValidPassword(fromEnv)) {
      this.logger.warn(
        'BERTH_ADMIN_PASSWORD does not meet the password policy (8-128 characters with upper, lower and digit); using it anyway, change it soon',
      );
    }
    const created = await this.users.createIfAbsent({
      username: BOOTSTRAP_ADMIN,
      email: 'admin@example.com',
      realname: 'system admin',
      comment: 'admin user',
      passwordHash: await hashPassword(password),
      sysadmin: true,
    });
    if (created) {
      if (fromEnv) {
        this.logger.log(`Created the ${BOOTSTRAP_ADMIN} user with the password from BERTH_ADMIN_PASSWORD`);
      } else {
        // Printed straight to stdout so no log level can hide it; this is the only time it is shown.
        process.stdout.write(
          `\n  Berth created the "${BOOTSTRAP_ADMIN}" user with the generated password:\n\n      ${password}\n\n` +
            '  It is shown only this once. Sign in and change it (PUT /api/v2.0/users/{id}/password),\n' +
            '  or set BERTH_ADMIN_PASSWORD before the first start next time.\n\n',
        );
      }
      return created.id;
    }
    const winner = await this.users.findByUsername(BOOTSTRAP_ADMIN);
    if (!winner) throw new Error(`the ${BOOTSTRAP_ADMIN} user was neither created nor found`);
    return winner.id;
  }

  /**
   * Once per database: a marker row records that `library` was made, so deleting the project
   * deliberately is not undone by the next restart.
   */
  private async ensureLibrary(adminId: bigint): Promise<void> {
    if ((await this.settings.value(LIBRARY_MARKER)) !== undefined) return;
    const quotaLimit = BigInt(await this.configuration.get('storage_per_project'));
    const marker = new Date().toISOString();
    try {
      const created = await this.database.transaction(async (tx) => {
        // Another instance starting at the same time may have won: it makes the project.
        if (!(await this.settings.putIfAbsent(tx, LIBRARY_MARKER, marker))) return false;
        const project = await this.projects.create(tx, {
          name: LIBRARY_PROJECT,
          ownerId: adminId,
          metadata: { public: 'true' },
          quotaLimit,
        });
        await this.members.create(tx, {
          projectId: project.id,
          member: { userId: adminId },
          role: ProjectRole.ProjectAdmin,
          repositoryScopes: [],
        });
        return true;
      });
      if (created) this.logger.log(`Created the public ${LIBRARY_PROJECT} project`);
    } catch (error) {
      if (!(error instanceof UniqueViolationError)) throw error;
      // A project of that name exists already (made before this marker was): it stays as it is.
      await this.database.transaction((tx) => this.settings.putIfAbsent(tx, LIBRARY_MARKER, marker));
    }
  }
}
