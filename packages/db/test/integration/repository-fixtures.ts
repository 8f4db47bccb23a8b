import { randomUUID } from 'node:crypto';
import { Database } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

/** A migrated database of its own, and rows the repositories' tests build on, written with plain SQL. */
export class RepositoryFixture {
  private constructor(
    private readonly testDatabase: TestDatabase,
    readonly database: Database,
  ) {}

  static async open(): Promise<RepositoryFixture> {
    const testDatabase = await createTestDatabase({ migrate: true });
    return new RepositoryFixture(testDatabase, new Database(testDatabase.url));
  }

  async close(): Promise<void> {
    await this.database.close();
    await this.testDatabase.drop();
  }

  async query<T extends object>(sql: string, values: unknown[] = []): Promise<T[]> {
    return (await this.database.pool.query<T>(sql, values)).rows;
  }

  /** A name no other test of the run uses. */
  unique(prefix: string): string {
    return `${prefix}-${randomUUID().slice(0, 8)}`;
  }

  async newUser(options: { sysadmin?: boolean; name?: string } = {}): Promise<{ id: bigint; name: string }> {
    const name = options.name ?? this.unique('user');
    const [row] = await this.query<{ id: string }>(
      `INSERT INTO "user" (username, password_hash, sysadmin) VALUES ($1, 'x', $2) RETURNING id`,
      [name, options.sysadmin ?? false],
    );
    return { id: BigInt(row!.id), name };
  }

  async newGroup(userIds: bigint[] = []): Promise<{ id: bigint; name: string }> {
    const name = this.unique('group');
    const [row] = await this.query<{ id: string }>(
      `INSERT INTO user_group (name, group_type) VALUES ($1, 1) RETURNING id`,
      [name],
    );
    const id = BigInt(row!.id);
    for (const userId of userIds) {
      await this.query('INSERT INTO user_group_member (group_id, user_id) VALUES ($1, $2)', [id, userId]);
    }
    return { id, name };
  }

  async newProject(
    options: { public?: boolean; ownerId?: bigint; name?: string } = {},
  ): Promise<{ id: bigint; name: string }> {
    const name = options.name ?? this.unique('project');
    const [row] = await this.query<{ id: string }>(
      'INSERT INTO project (name, owner_id, metadata) VALUES ($1, $2, $3) RETURNING id',
      [name, options.ownerId ?? null, JSON.stringify({ public: String(options.public ?? false) })],
    );
    return { id: BigInt(row!.id), name };
  }

  async newMember(projectId: bigint, member: { userId: bigint } | { groupId: bigint }, role: number) {
    await this.query(
      'INSERT INTO project_member (project_id, user_id, group_id, role) VALUES ($1, $2, $3, $4)',
      [
        projectId,
        'userId' in member ? member.userId : null,
        'groupId' in member ? member.groupId : null,
        role,
      ],
    );
  }

  /** A repository an artifact was pushed to (`firstPushAt` set), as listings count them. */
  async newRepository(project: { id: bigint; name: string }, path = 'app'): Promise<bigint> {
    const [row] = await this.query<{ id: string }>(
      'INSERT INTO repository (name, project_id, first_push_at) VALUES ($1, $2, now()) RETURNING id',
      [`${project.name}/${path}`, project.id],
    );
    return BigInt(row!.id);
  }
}
