import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { hashPassword } from '../crypto/password-hasher.js';
import { DatabaseService } from '../database/database.service.js';
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
    @Inject(DatabaseService) private readonly database: DatabaseService,
    @Inject(ConfigurationService) private readonly configuration: ConfigurationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const adminId = await this.ensureAdmin();
    await this.ensureLibrary(adminId);
  }

  private async ensureAdmin(): Promise<bigint> {
    const prisma = this.database.prisma;
    const existing = await prisma.user.findUnique({
      where: { username: BOOTSTRAP_ADMIN },
      select: { id: true },
    });
    if (existing) return existing.id;

    const fromEnv = process.env.BERTH_ADMIN_PASSWORD;
    const password = fromEnv ? fromEnv : generatePassword(randomBytes);
    if (fromEnv && !isValidPassword(fromEnv)) {
      this.logger.warn(
        'BERTH_ADMIN_PASSWORD does not meet the password policy (8-128 characters with upper, lower and digit); using it anyway, change it soon',
      );
    }
    const created = await prisma.user.createManyAndReturn({
      data: [
        {
          username: BOOTSTRAP_ADMIN,
          email: 'admin@example.com',
          realname: 'system admin',
          comment: 'admin user',
          passwordHash: await hashPassword(password),
          sysadmin: true,
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    if (created[0]) {
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
      return created[0].id;
    }
    const winner = await prisma.user.findUniqueOrThrow({
      where: { username: BOOTSTRAP_ADMIN },
      select: { id: true },
    });
    return winner.id;
  }

  /**
   * Once per database: a marker row records that `library` was made, so deleting the project
   * deliberately is not undone by the next restart.
   */
  private async ensureLibrary(adminId: bigint): Promise<void> {
    const prisma = this.database.prisma;
    if (await prisma.systemSetting.findUnique({ where: { key: LIBRARY_MARKER }, select: { key: true } }))
      return;
    const quotaLimit = BigInt(await this.configuration.get('storage_per_project'));
    await prisma.$transaction(async (tx) => {
      const [marker] = await tx.systemSetting.createManyAndReturn({
        data: [{ key: LIBRARY_MARKER, value: new Date().toISOString() }],
        skipDuplicates: true,
        select: { key: true },
      });
      if (!marker) return;
      const [project] = await tx.project.createManyAndReturn({
        data: [{ name: LIBRARY_PROJECT, ownerId: adminId, metadata: { public: 'true' }, quotaLimit }],
        skipDuplicates: true,
        select: { id: true },
      });
      if (!project) return;
      await tx.projectMember.create({
        data: { projectId: project.id, userId: adminId, role: ProjectRole.ProjectAdmin },
      });
      this.logger.log(`Created the public ${LIBRARY_PROJECT} project`);
    });
  }
}
