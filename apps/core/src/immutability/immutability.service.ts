import { Inject, Injectable } from '@nestjs/common';
import {
  Database,
  ImmutableRuleRepository,
  ProjectRepository,
  UniqueViolationError,
  type ImmutableRule,
  type ImmutableRuleWrite,
} from '@berth/db';
import {
  ImmutableTagPolicy,
  InvalidRuleError,
  MAX_IMMUTABLE_RULES,
  selectorsKey,
  validateImmutableRule,
  type ImmutableRuleSpec,
} from '@berth/domain';
import { HarborError } from '../common/harbor-error.js';
import type { ProjectRef } from '../rbac/access-control.service.js';
import { selectorDto, toScopeSelectors, toSelector } from '../retention/selector.dto.js';
import { pageRequest, parseHarborQuery, parseSort, toPage, type Page } from '../system/harbor-listing.js';
import type { ImmutableRuleDto, TImmutableRuleRequest, TListImmuRulesQuery } from './immutability.dto.js';

const DEFAULT_ACTION = 'immutable';
const DEFAULT_TEMPLATE = 'immutable_template';

/**
 * A project's tag immutability rules (Harbor's `/projects/{p}/immutabletagrules`): at most 15,
 * selectors checked before anything is written, two rules never selecting alike. Every change
 * drops this process's cached rules at once (other processes hear of it by notification), so the
 * next push is judged by the new rules.
 */
@Injectable()
export class ImmutabilityService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(ImmutableRuleRepository) private readonly rules: ImmutableRuleRepository,
    @Inject(ProjectRepository) private readonly projects: ProjectRepository,
    @Inject(ImmutableTagPolicy) private readonly policy: ImmutableTagPolicy,
  ) {}

  async list(project: ProjectRef, query: TListImmuRulesQuery): Promise<Page<ImmutableRuleDto>> {
    // Harbor's list takes `q` and `sort` but filters by nothing but the project; rules come by id.
    parseHarborQuery(query.q, {});
    parseSort(query.sort, { id: 'id' });
    const page = pageRequest(query);
    const { total, items } = await this.rules.list(project.id, { offset: page.offset, limit: page.pageSize });
    return toPage(items.map(toDto), total, page);
  }

  async create(project: ProjectRef, request: TImmutableRuleRequest): Promise<bigint> {
    const write = toWrite(request);
    const created = await this.database.transaction(async (tx) => {
      // The project's row lock: two creations at once cannot both see 14 rules.
      if ((await this.projects.lockMetadata(tx, project.id)) === null) {
        throw HarborError.notFound(`project ${project.name} not found`);
      }
      if ((await this.rules.count(project.id, tx)) >= MAX_IMMUTABLE_RULES) {
        throw HarborError.badRequest(
          `project ${project.name} has ${MAX_IMMUTABLE_RULES} immutable tag rules already: only ${MAX_IMMUTABLE_RULES} rules are allowed at most`,
        );
      }
      return conflictAware(() => this.rules.create(tx, project.id, write));
    });
    this.policy.invalidate();
    return created.id;
  }

  async update(project: ProjectRef, id: bigint, request: TImmutableRuleRequest): Promise<void> {
    if (request.id !== undefined && BigInt(request.id) !== id) {
      throw HarborError.badRequest(
        "the immutable_rule_id doesn't match the id in the payload body of ImmutableRule",
      );
    }
    const write = toWrite(request);
    await this.database.transaction(async (tx) => {
      await this.require(project, id);
      const updated = await conflictAware(() => this.rules.update(tx, id, write));
      if (!updated) throw notFound(project, id);
    });
    this.policy.invalidate();
  }

  async delete(project: ProjectRef, id: bigint): Promise<void> {
    await this.database.transaction(async (tx) => {
      await this.require(project, id);
      if (!(await this.rules.delete(tx, id))) throw notFound(project, id);
    });
    this.policy.invalidate();
  }

  private async require(project: ProjectRef, id: bigint): Promise<ImmutableRule> {
    const rule = await this.rules.findById(id);
    if (!rule || rule.projectId !== project.id) throw notFound(project, id);
    return rule;
  }
}

function notFound(project: ProjectRef, id: bigint): HarborError {
  return HarborError.notFound(`immutable tag rule ${id} not found in project ${project.name}`);
}

function toWrite(request: TImmutableRuleRequest): ImmutableRuleWrite {
  const spec: ImmutableRuleSpec = {
    disabled: request.disabled ?? false,
    priority: request.priority ?? 0,
    action: request.action || DEFAULT_ACTION,
    template: request.template || DEFAULT_TEMPLATE,
    tagSelectors: request.tag_selectors.map(toSelector),
    scopeSelectors: toScopeSelectors(request.scope_selectors),
  };
  if (spec.action !== DEFAULT_ACTION) {
    throw HarborError.badRequest(`action must be "${DEFAULT_ACTION}", not "${spec.action.slice(0, 64)}"`);
  }
  try {
    validateImmutableRule(spec);
  } catch (error) {
    if (error instanceof InvalidRuleError) throw HarborError.badRequest(error.message);
    throw error;
  }
  return { ...spec, selectorsKey: selectorsKey(spec) };
}

async function conflictAware<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolationError) {
      throw HarborError.conflict(
        'an immutable tag rule with the same selectors already exists in the project',
      );
    }
    throw error;
  }
}

function toDto(rule: ImmutableRule): ImmutableRuleDto {
  return {
    id: Number(rule.id),
    priority: rule.priority,
    disabled: rule.disabled,
    action: rule.action,
    template: rule.template,
    params: {},
    tag_selectors: rule.tagSelectors.map(selectorDto),
    scope_selectors: Object.fromEntries(
      Object.entries(rule.scopeSelectors).map(([scope, list]) => [scope, list.map(selectorDto)]),
    ),
  };
}
