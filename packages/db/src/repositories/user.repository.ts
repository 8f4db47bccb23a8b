import { prismaOf, type Database, type Tx } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { Prisma } from '../prisma-client.js';
import { clientOf, likeEscape, orderOf, type Listing, type Slice, type SortKey } from './shared.js';

/** A local account. `passwordHash` and the sealed `cliSecret` are for the services that check them. */
export interface User {
  id: bigint;
  username: string;
  email: string | null;
  realname: string;
  comment: string;
  /** `scrypt$…`, as `password-hasher` writes it. */
  passwordHash: string;
  sysadmin: boolean;
  /** The CLI secret sealed with the instance key; null when none was set. */
  cliSecret: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewUser {
  username: string;
  email: string | null;
  realname: string;
  comment: string;
  passwordHash: string;
  sysadmin?: boolean;
}

export interface UserChanges {
  email?: string | null;
  realname?: string;
  comment?: string;
  passwordHash?: string;
  sysadmin?: boolean;
  cliSecret?: string | null;
}

/** The text columns a listing can match. */
export type UserTextField = 'username' | 'email' | 'realname';

/** One condition on the users a listing returns; a list of them must all hold. */
export type UserCondition =
  | { kind: 'is'; field: UserTextField; value: string }
  /** Case-insensitive substring; wildcards match themselves. */
  | { kind: 'contains'; field: UserTextField; value: string }
  | { kind: 'idIs'; value: bigint }
  | { kind: 'sysadmin'; value: boolean };

export type UserSortField = 'id' | 'username' | 'email' | 'realname' | 'createdAt' | 'updatedAt';

export interface UserListQuery extends Slice {
  where: UserCondition[];
  /** The id breaks ties last unless it is a key already. */
  sort: SortKey<UserSortField>[];
}

/** Local accounts (`user`). Sessions, memberships and group memberships go with a deleted row. */
export class UserRepository {
  constructor(private readonly database: Database) {}

  async list(query: UserListQuery): Promise<Listing<User>> {
    const where: Prisma.UserWhereInput = { AND: query.where.map(toWhere) };
    const orderBy = orderOf(query.sort);
    if (!query.sort.some((key) => key.field === 'id')) orderBy.push({ id: 'asc' });
    const prisma = this.database.prisma;
    return mapDatabaseErrors(async () => {
      const [total, rows] = await Promise.all([
        prisma.user.count({ where }),
        prisma.user.findMany({ where, orderBy, skip: query.offset, take: query.limit }),
      ]);
      return { total, items: rows.map(toUser) };
    });
  }

  async findById(id: bigint, tx?: Tx): Promise<User | null> {
    const row = await mapDatabaseErrors(() => clientOf(this.database, tx).user.findUnique({ where: { id } }));
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string, tx?: Tx): Promise<User | null> {
    const row = await mapDatabaseErrors(() =>
      clientOf(this.database, tx).user.findUnique({ where: { username } }),
    );
    return row ? toUser(row) : null;
  }

  /** A user with this name or this e-mail address, if any. */
  async findByUsernameOrEmail(username: string, email: string | null): Promise<User | null> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.user.findFirst({
        where: { OR: [{ username }, ...(email !== null ? [{ email }] : [])] },
        orderBy: { id: 'asc' },
      }),
    );
    return row ? toUser(row) : null;
  }

  /** Whether another user than `exceptId` has this e-mail address. */
  async emailTaken(email: string, exceptId: bigint): Promise<boolean> {
    const row = await mapDatabaseErrors(() =>
      this.database.prisma.user.findFirst({ where: { email, id: { not: exceptId } }, select: { id: true } }),
    );
    return row !== null;
  }

  /** Throws `UniqueViolationError` when the name or e-mail address is taken. */
  async create(tx: Tx, user: NewUser): Promise<User> {
    const row = await mapDatabaseErrors(() => prismaOf(tx).user.create({ data: toData(user) }));
    return toUser(row);
  }

  /**
   * Creates the user unless one of the name (or e-mail address) exists; null then. Instances
   * starting together race on the unique index, and the losers get null.
   */
  async createIfAbsent(user: NewUser): Promise<User | null> {
    const rows = await mapDatabaseErrors(() =>
      this.database.prisma.user.createManyAndReturn({ data: [toData(user)], skipDuplicates: true }),
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** False when the user is gone. Throws `UniqueViolationError` when the new e-mail address is taken. */
  async update(tx: Tx, id: bigint, changes: UserChanges): Promise<boolean> {
    const data: Prisma.UserUpdateManyMutationInput = {};
    if (changes.email !== undefined) data.email = changes.email;
    if (changes.realname !== undefined) data.realname = changes.realname;
    if (changes.comment !== undefined) data.comment = changes.comment;
    if (changes.passwordHash !== undefined) data.passwordHash = changes.passwordHash;
    if (changes.sysadmin !== undefined) data.sysadmin = changes.sysadmin;
    if (changes.cliSecret !== undefined) data.cliSecret = changes.cliSecret;
    const { count } = await mapDatabaseErrors(() => prismaOf(tx).user.updateMany({ where: { id }, data }));
    return count > 0;
  }

  /** False when the user was gone already. */
  async delete(tx: Tx, id: bigint): Promise<boolean> {
    const { count } = await mapDatabaseErrors(() => prismaOf(tx).user.deleteMany({ where: { id } }));
    return count > 0;
  }
}

function toData(user: NewUser): Prisma.UserCreateInput {
  return {
    username: user.username,
    email: user.email,
    realname: user.realname,
    comment: user.comment,
    passwordHash: user.passwordHash,
    sysadmin: user.sysadmin ?? false,
  };
}

function toWhere(condition: UserCondition): Prisma.UserWhereInput {
  switch (condition.kind) {
    case 'is':
      return { [condition.field]: condition.value };
    case 'contains':
      return { [condition.field]: { contains: likeEscape(condition.value), mode: 'insensitive' } };
    case 'idIs':
      return { id: condition.value };
    case 'sysadmin':
      return { sysadmin: condition.value };
  }
}

function toUser(row: Prisma.UserGetPayload<object>): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    realname: row.realname,
    comment: row.comment,
    passwordHash: row.passwordHash,
    sysadmin: row.sysadmin,
    cliSecret: row.cliSecret,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
