import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors, UniqueViolationError } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { likeEscape, orderOf, type Listing, type Slice, type SortKey } from './shared.js';

export type LabelScope = 'g' | 'p';

/** A label, global (scope `g`) or of one project (scope `p`). */
export interface Label {
  id: bigint;
  name: string;
  description: string;
  color: string;
  scope: LabelScope;
  /** The project of a project label; null for a global one. */
  projectId: bigint | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewLabel {
  name: string;
  description: string;
  color: string;
  scope: LabelScope;
  projectId: bigint | null;
}

export interface LabelChanges {
  name: string;
  description?: string;
  color?: string;
}

export type LabelSortField = 'id' | 'name' | 'createdAt' | 'updatedAt';

export interface LabelListQuery extends Slice {
  scope: LabelScope;
  /** For project labels, the project. */
  projectId?: bigint;
  /** Every condition on the name must hold: a substring (wildcards match themselves) or exact. */
  names: ({ contains: string } | { is: string })[];
  sort: SortKey<LabelSortField>[];
}

type LabelRow = Prisma.LabelGetPayload<object>;

/**
 * Labels. A name is unique within its scope (and project); the unique index cannot say so for
 * global labels (their project_id is NULL), so creating and renaming check under a lock on the name.
 */
export class LabelRepository {
  constructor(private readonly database: Database) {}

  async list(query: LabelListQuery): Promise<Listing<Label>> {
    const where: Prisma.LabelWhereInput = {
      AND: [
        { scope: query.scope },
        ...(query.projectId !== undefined ? [{ projectId: query.projectId }] : []),
        ...query.names.map((name) => ({
          name: 'contains' in name ? { contains: likeEscape(name.contains) } : name.is,
        })),
      ],
    };
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.label.count({ where }),
        prisma.label.findMany({
          where,
          orderBy: [...orderOf(query.sort), { id: 'asc' }],
          skip: query.offset,
          take: query.limit,
        }),
      ]);
      return { total, items: rows.map(toLabel) };
    });
  }

  async findById(id: bigint): Promise<Label | null> {
    const row = await mapDatabaseErrors(() => this.database.prisma.label.findUnique({ where: { id } }));
    return row ? toLabel(row) : null;
  }

  /** Throws `UniqueViolationError` when the scope (and project) has a label of the name. */
  async create(tx: Tx, label: NewLabel): Promise<Label> {
    return mapDatabaseErrors(async () => {
      await this.requireUniqueName(tx, label.name, label.scope, label.projectId, null);
      return toLabel(await prismaOf(tx).label.create({ data: label }));
    });
  }

  /**
   * Throws `UniqueViolationError` when another label of its scope (and project) has the new name,
   * `RecordNotFoundError` when the label is gone.
   */
  async update(tx: Tx, label: Label, changes: LabelChanges): Promise<void> {
    await mapDatabaseErrors(async () => {
      await this.requireUniqueName(tx, changes.name, label.scope, label.projectId, label.id);
      await prismaOf(tx).label.update({
        where: { id: label.id },
        data: {
          name: changes.name,
          ...(changes.description !== undefined ? { description: changes.description } : {}),
          ...(changes.color !== undefined ? { color: changes.color } : {}),
        },
      });
    });
  }

  /** Deletes the label and its artifact attachments (ON DELETE CASCADE). */
  async delete(id: bigint): Promise<void> {
    await mapDatabaseErrors(() => this.database.prisma.label.deleteMany({ where: { id } }));
  }

  private async requireUniqueName(
    tx: Tx,
    name: string,
    scope: LabelScope,
    projectId: bigint | null,
    exceptId: bigint | null,
  ): Promise<void> {
    const prisma = prismaOf(tx);
    const key = `label:${scope}:${projectId ?? 0}:${name}`;
    await prisma.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
    const clash = await prisma.label.findFirst({
      where: { name, scope, projectId, ...(exceptId !== null ? { id: { not: exceptId } } : {}) },
      select: { id: true },
    });
    if (clash) throw new UniqueViolationError('label_name_scope_project_id_key');
  }
}

function toLabel(row: LabelRow): Label {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    color: row.color,
    scope: row.scope === 'p' ? 'p' : 'g',
    projectId: row.projectId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
