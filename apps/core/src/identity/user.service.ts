import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  UniqueViolationError,
  UserRepository,
  UserSessionRepository,
  type User,
  type UserCondition,
  type UserSortField,
} from '@berth/db';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import { AuthenticationService, hashToken } from '../auth/authentication.service.js';
import { LoginThrottler } from '../auth/login-throttler.js';
import { principalName, type Principal, type UserPrincipal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { hashPassword, verifyPassword } from '../crypto/password-hasher.js';
import { SecretBox } from '../crypto/secret-box.js';
import { TokenRevocationService } from '../token/token-revocation.service.js';
import {
  pageRequest,
  parseHarborQuery,
  parseSort,
  toPage,
  type Page,
  type QuerySpec,
} from '../system/harbor-listing.js';
import type {
  TCreateUserRequest,
  TListUsersQuery,
  TPasswordRequest,
  TSearchUsersQuery,
  TUserProfileRequest,
  UserResponseDto,
  UserSearchItemDto,
} from './user.dto.js';

/** The account created at first start; it can be neither deleted nor demoted by anyone. */
export const BOOTSTRAP_ADMIN = 'admin';

const LIST_QUERY: QuerySpec = {
  username: ['exact', 'fuzzy'],
  email: ['exact', 'fuzzy'],
  realname: ['exact', 'fuzzy'],
  user_id: ['exact'],
  sysadmin_flag: ['exact'],
};

const LIST_SORT: Record<string, UserSortField> = {
  user_id: 'id',
  username: 'username',
  email: 'email',
  realname: 'realname',
  creation_time: 'createdAt',
  update_time: 'updatedAt',
};

/** The `q` keys naming text columns. */
const TEXT_FIELDS = { username: 'username', email: 'email', realname: 'realname' } as const;

/** Who the caller is, for audit entries. */
export interface Caller {
  principal: Principal;
  clientIp: string;
}

/**
 * Local accounts: the users API. Who may read or change which account is the access guard's
 * decision (`self-or-system`, `system`); the rules here are those about the account itself.
 */
@Injectable()
export class UserService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(UserSessionRepository) private readonly sessions: UserSessionRepository,
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
    @Inject(LoginThrottler) private readonly throttler: LoginThrottler,
    @Inject(SecretBox) private readonly secrets: SecretBox,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(TokenRevocationService) private readonly revocations: TokenRevocationService,
  ) {}

  async list(query: TListUsersQuery): Promise<Page<UserResponseDto>> {
    const terms = parseHarborQuery(query.q, LIST_QUERY);
    const sort = parseSort(query.sort, LIST_SORT);
    const paging = pageRequest(query);
    const where: UserCondition[] = [];
    for (const [key, term] of terms) {
      if (key === 'user_id') {
        if (term.kind !== 'exact' || !/^\d{1,18}$/.test(term.value)) {
          throw HarborError.badRequest('user_id in q must be an integer');
        }
        where.push({ kind: 'idIs', value: BigInt(term.value) });
      } else if (key === 'sysadmin_flag') {
        if (term.kind !== 'exact' || !['true', 'false'].includes(term.value)) {
          throw HarborError.badRequest('sysadmin_flag in q must be true or false');
        }
        where.push({ kind: 'sysadmin', value: term.value === 'true' });
      } else if (Object.hasOwn(TEXT_FIELDS, key)) {
        const field = TEXT_FIELDS[key as keyof typeof TEXT_FIELDS];
        if (term.kind === 'exact') where.push({ kind: 'is', field, value: term.value });
        else if (term.kind === 'fuzzy') where.push({ kind: 'contains', field, value: term.value });
      }
    }
    if (query.username) where.push({ kind: 'contains', field: 'username', value: query.username });
    if (query.email) where.push({ kind: 'contains', field: 'email', value: query.email });
    const { total, items } = await this.users.list({
      where,
      sort,
      offset: paging.offset,
      limit: paging.pageSize,
    });
    return toPage(
      items.map((user) => this.toResponse(user, false)),
      total,
      paging,
    );
  }

  async search(query: TSearchUsersQuery): Promise<Page<UserSearchItemDto>> {
    const paging = pageRequest(query);
    const { total, items } = await this.users.list({
      where: [{ kind: 'contains', field: 'username', value: query.username }],
      sort: [{ field: 'username', descending: false }],
      offset: paging.offset,
      limit: paging.pageSize,
    });
    return toPage(
      items.map((user) => ({ user_id: Number(user.id), username: user.username })),
      total,
      paging,
    );
  }

  /** Creates a local account; resolves to its id. */
  async create(request: TCreateUserRequest, caller: Caller): Promise<bigint> {
    if (request.username.startsWith(await this.authentication.robotPrefix())) {
      throw HarborError.badRequest('username must not start with the robot account prefix');
    }
    await this.requireUnique(request.username, request.email);
    const passwordHash = await hashPassword(request.password);
    try {
      return await this.database.transaction(async (tx) => {
        const user = await this.users.create(tx, {
          username: request.username,
          email: request.email,
          realname: request.realname,
          comment: request.comment ?? '',
          passwordHash,
        });
        await this.audit.append(tx, auditEntry(caller, 'create', user.username));
        return user.id;
      });
    } catch (error) {
      // Lost a race with a concurrent create of the same name or e-mail.
      if (error instanceof UniqueViolationError)
        throw HarborError.conflict('username or email already exists');
      throw error;
    }
  }

  async get(id: bigint, principal: Principal): Promise<UserResponseDto> {
    const user = await this.find(id);
    return this.toResponse(user, isSelf(principal, id));
  }

  /** `GET /users/current`: only for users, not robots (Harbor answers 412 for those). */
  async current(principal: Principal): Promise<UserResponseDto> {
    if (principal.kind !== 'user') {
      throw HarborError.precondition(`the current user is not available for a ${principal.kind} principal`);
    }
    return this.toResponse(await this.find(principal.id), true);
  }

  async updateProfile(id: bigint, profile: TUserProfileRequest, caller: Caller): Promise<void> {
    const user = await this.find(id);
    if (profile.email !== undefined && profile.email !== user.email) {
      if (await this.users.emailTaken(profile.email, id)) throw HarborError.conflict('email already exists');
    }
    try {
      await this.database.transaction(async (tx) => {
        const updated = await this.users.update(tx, id, {
          ...(profile.email !== undefined ? { email: profile.email } : {}),
          ...(profile.realname !== undefined ? { realname: profile.realname } : {}),
          ...(profile.comment !== undefined ? { comment: profile.comment } : {}),
        });
        if (!updated) throw userNotFound(id);
        await this.audit.append(tx, auditEntry(caller, 'update', user.username));
      });
    } catch (error) {
      if (error instanceof UniqueViolationError) throw HarborError.conflict('email already exists');
      throw error;
    }
  }

  async delete(id: bigint, caller: Caller): Promise<void> {
    const user = await this.find(id);
    if (isSelf(caller.principal, id)) throw HarborError.forbidden('you cannot delete yourself');
    if (user.username === BOOTSTRAP_ADMIN) throw HarborError.forbidden('the admin user cannot be deleted');
    // Sessions and memberships go with the row; owned projects keep existing without an owner.
    await this.revocations.transaction(async (tx, revoke) => {
      if (!(await this.users.delete(tx, id))) throw userNotFound(id);
      // Registry tokens already issued must not outlive the account (nor serve a new one of that name).
      revoke([user.username]);
      await this.audit.append(tx, auditEntry(caller, 'delete', user.username));
    });
  }

  /**
   * Users change their own password with the old one; system administrators reset anyone's. Other
   * console sessions of the account end, except the one making the change.
   */
  async changePassword(
    id: bigint,
    request: TPasswordRequest,
    caller: Caller,
    sessionToken: string | null,
  ): Promise<void> {
    const user = await this.find(id);
    if (isSelf(caller.principal, id)) {
      if (!request.old_password)
        throw HarborError.badRequest('old_password is required to change your own password');
      // A wrong old password is a guess like any failed login: throttled the same way.
      const wait = this.throttler.retryAfter(user.username, caller.clientIp);
      if (wait > 0) {
        throw new HarborError('TOO_MANY_REQUESTS', `too many failed attempts; try again in ${wait} s`, {
          'Retry-After': String(wait),
        });
      }
      if (!(await verifyPassword(request.old_password, user.passwordHash))) {
        this.throttler.recordFailure(user.username, caller.clientIp);
        throw HarborError.forbidden('current password is incorrect');
      }
    }
    if (await verifyPassword(request.new_password, user.passwordHash)) {
      throw HarborError.badRequest('new password is identical to old password');
    }
    const passwordHash = await hashPassword(request.new_password);
    const keep = sessionToken && isSelf(caller.principal, id) ? hashToken(sessionToken) : undefined;
    await this.revocations.transaction(async (tx, revoke) => {
      if (!(await this.users.update(tx, id, { passwordHash }))) throw userNotFound(id);
      await this.sessions.deleteForUser(tx, id, keep);
      revoke([user.username]);
      await this.audit.append(tx, auditEntry(caller, 'update', user.username));
    });
  }

  async setSysadmin(id: bigint, sysadmin: boolean, caller: Caller): Promise<void> {
    const user = await this.find(id);
    if (!sysadmin && isSelf(caller.principal, id)) {
      throw HarborError.forbidden('you cannot revoke your own system administrator role');
    }
    if (!sysadmin && user.username === BOOTSTRAP_ADMIN) {
      throw HarborError.forbidden('the admin user is always a system administrator');
    }
    if (user.sysadmin === sysadmin) return;
    await this.revocations.transaction(async (tx, revoke) => {
      if (!(await this.users.update(tx, id, { sysadmin }))) throw userNotFound(id);
      // Tokens issued to a system administrator carry grants the user no longer holds.
      if (!sysadmin) revoke([user.username]);
      await this.audit.append(tx, auditEntry(caller, 'update', user.username));
    });
    // Credentials verified moments ago carry the old flag.
    if (sysadmin) this.authentication.forgetCredentials(user.username);
  }

  /**
   * Sets the CLI secret `docker login` accepts in place of the password. Harbor allows it only
   * under OIDC; Berth allows it always, so automation never has to hold the console password.
   */
  async setCliSecret(id: bigint, secret: string, caller: Caller): Promise<void> {
    const user = await this.find(id);
    await this.revocations.transaction(async (tx, revoke) => {
      if (!(await this.users.update(tx, id, { cliSecret: this.secrets.seal(secret) })))
        throw userNotFound(id);
      // A replaced CLI secret is usually a leaked one: what it obtained goes with it.
      revoke([user.username]);
      await this.audit.append(tx, auditEntry(caller, 'update', user.username));
    });
  }

  private async find(id: bigint): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound(id);
    return user;
  }

  private async requireUnique(username: string, email: string): Promise<void> {
    const existing = await this.users.findByUsernameOrEmail(username, email);
    if (existing) {
      throw HarborError.conflict(
        existing.username === username ? 'username already exists' : 'email already exists',
      );
    }
  }

  /** The CLI secret is shown only to its owner, never to an administrator looking at the account. */
  private toResponse(user: User, owner: boolean): UserResponseDto {
    const response: UserResponseDto = {
      user_id: Number(user.id),
      username: user.username,
      email: user.email ?? '',
      realname: user.realname,
      comment: user.comment,
      sysadmin_flag: user.sysadmin,
      admin_role_in_auth: false,
      creation_time: user.createdAt.toISOString(),
      update_time: user.updatedAt.toISOString(),
    };
    if (owner && user.cliSecret) {
      response.oidc_user_meta = {
        id: Number(user.id),
        user_id: Number(user.id),
        subiss: '',
        secret: this.secrets.open(user.cliSecret),
        creation_time: user.createdAt.toISOString(),
        update_time: user.updatedAt.toISOString(),
      };
    }
    return response;
  }
}

function isSelf(principal: Principal, id: bigint): principal is UserPrincipal {
  return principal.kind === 'user' && principal.id === id;
}

function auditEntry(caller: Caller, operation: string, username: string): AuditEntry {
  return {
    operation,
    resourceType: 'user',
    resource: username,
    username: principalName(caller.principal),
    clientIp: caller.clientIp,
  };
}

function userNotFound(id: bigint): HarborError {
  return HarborError.notFound(`user ${id} not found`);
}
