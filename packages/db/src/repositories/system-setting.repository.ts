import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';

/**
 * The system settings (`system_setting`): one JSON value per key. Which keys exist, their types and
 * defaults are the configuration service's to say; this reads and writes the stored values.
 */
export class SystemSettingRepository {
  constructor(private readonly database: Database) {}

  /** The stored values of these keys; a key never set is absent from the map. */
  async values(keys: readonly string[]): Promise<Map<string, unknown>> {
    const rows = await mapDatabaseErrors(() =>
      this.database.prisma.systemSetting.findMany({ where: { key: { in: [...keys] } } }),
    );
    return new Map(rows.map((row) => [row.key, row.value as unknown] as const));
  }

  /** The stored value of `key`; undefined when it was never set. */
  async value(key: string): Promise<unknown> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.systemSetting.findUnique({ where: { key } }),
    );
    return row ? (row.value as unknown) : undefined;
  }

  /** Sets every entry in `tx`. */
  async put(tx: Tx, entries: readonly (readonly [string, unknown])[]): Promise<void> {
    const prisma = prismaOf(tx);
    await mapDatabaseErrors(async () => {
      for (const [key, value] of entries) {
        const json = value as Prisma.InputJsonValue;
        await prisma.systemSetting.upsert({
          where: { key },
          create: { key, value: json },
          update: { value: json },
        });
      }
    });
  }

  /**
   * Sets `key` in `tx` unless it is set; false when it was. Of several transactions setting the
   * same key at once, the first to commit sets it and the others wait for it, then get false.
   */
  async putIfAbsent(tx: Tx, key: string, value: unknown): Promise<boolean> {
    const rows = await mapDatabaseErrors(() =>
      prismaOf(tx).systemSetting.createManyAndReturn({
        data: [{ key, value: value as Prisma.InputJsonValue }],
        skipDuplicates: true,
        select: { key: true },
      }),
    );
    return rows.length > 0;
  }
}
