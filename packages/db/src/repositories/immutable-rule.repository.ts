import type { Database, Tx } from '../database.js';
import { int8, json, jsonObject, queryRows } from './job-sql.js';
import type { Selector } from './retention.repository.js';
import type { Listing, Slice } from './shared.js';

/** The channel every change of `immutable_rule` notifies (a trigger, at commit). */
export const IMMUTABLE_RULES_CHANNEL = 'berth_immutable_rules';

/** A tag immutability rule of a project (Harbor's `ImmutableRule`). */
export interface ImmutableRule {
  id: bigint;
  projectId: bigint;
  disabled: boolean;
  priority: number;
  action: string;
  template: string;
  tagSelectors: Selector[];
  /** `{repository: [...]}`. */
  scopeSelectors: Record<string, Selector[]>;
  creationTime: Date;
  updateTime: Date;
}

/** An enabled rule with its project's name, as the push path matches repositories against it. */
export interface ProjectImmutableRule extends ImmutableRule {
  projectName: string;
}

export interface ImmutableRuleWrite {
  disabled: boolean;
  priority: number;
  action: string;
  template: string;
  tagSelectors: Selector[];
  scopeSelectors: Record<string, Selector[]>;
  /** The selectors in a canonical form; unique per project (UniqueViolationError otherwise). */
  selectorsKey: string;
}

/**
 * Tag immutability rules (`immutable_rule`), and the reads of tags the immutability policy needs
 * to judge a change (where tags point, which tags a manifest or repository holds).
 */
export class ImmutableRuleRepository {
  constructor(private readonly database: Database) {}

  async list(projectId: bigint, slice: Slice): Promise<Listing<ImmutableRule>> {
    const [rows, count] = await Promise.all([
      queryRows<Record<string, unknown>>(
        this.database,
        undefined,
        `SELECT * FROM immutable_rule WHERE project_id = $1::bigint ORDER BY id LIMIT $2 OFFSET $3`,
        [projectId.toString(), slice.limit, slice.offset],
      ),
      this.count(projectId),
    ]);
    return { total: count, items: rows.map(toRule) };
  }

  async count(projectId: bigint, tx?: Tx): Promise<number> {
    const rows = await queryRows<{ count: unknown }>(
      this.database,
      tx,
      `SELECT count(*) AS count FROM immutable_rule WHERE project_id = $1::bigint`,
      [projectId.toString()],
    );
    return Number(int8(rows[0]?.count ?? 0));
  }

  async findById(id: bigint, tx?: Tx): Promise<ImmutableRule | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `SELECT * FROM immutable_rule WHERE id = $1::bigint`,
      [id.toString()],
    );
    return rows[0] ? toRule(rows[0]) : null;
  }

  /** Throws UniqueViolationError when the project has a rule with the same selectors. */
  async create(tx: Tx, projectId: bigint, rule: ImmutableRuleWrite): Promise<ImmutableRule> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `INSERT INTO immutable_rule (project_id, disabled, priority, action, template, tag_selectors,
                                   scope_selectors, selectors_key)
       VALUES ($1::bigint, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8) RETURNING *`,
      [projectId.toString(), ...writeValues(rule)],
    );
    return toRule(rows[0]!);
  }

  /** Replaces the rule's fields; null when it is gone. Throws UniqueViolationError as `create`. */
  async update(tx: Tx, id: bigint, rule: ImmutableRuleWrite): Promise<ImmutableRule | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `UPDATE immutable_rule SET disabled = $2, priority = $3, action = $4, template = $5,
         tag_selectors = $6::jsonb, scope_selectors = $7::jsonb, selectors_key = $8, update_time = now()
       WHERE id = $1::bigint RETURNING *`,
      [id.toString(), ...writeValues(rule)],
    );
    return rows[0] ? toRule(rows[0]) : null;
  }

  async delete(tx: Tx, id: bigint): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      tx,
      `DELETE FROM immutable_rule WHERE id = $1::bigint RETURNING id`,
      [id.toString()],
    );
    return rows.length === 1;
  }

  /** Every enabled rule of every project, with the project's name. */
  async enabled(): Promise<ProjectImmutableRule[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      undefined,
      `SELECT r.*, p.name AS project_name FROM immutable_rule r JOIN project p ON p.id = r.project_id
       WHERE NOT r.disabled ORDER BY r.id`,
      [],
    );
    return rows.map((row) => ({ ...toRule(row), projectName: String(row.project_name) }));
  }

  /** Where each of `tags` points in the repository (digest by tag); tags that do not exist are absent. */
  async tagDigests(repository: string, tags: readonly string[]): Promise<Map<string, string>> {
    if (tags.length === 0) return new Map();
    const rows = await queryRows<{ name: string; digest: string }>(
      this.database,
      undefined,
      `SELECT t.name, m.digest FROM repository r JOIN tag t ON t.repository_id = r.id
       JOIN manifest m ON m.id = t.manifest_id
       WHERE r.name = $1 AND t.name = ANY($2::text[])`,
      [repository, [...tags]],
    );
    return new Map(rows.map((row) => [row.name, row.digest]));
  }

  /** The tags on one manifest of the repository. */
  async tagsOfManifest(repository: string, digest: string): Promise<string[]> {
    const rows = await queryRows<{ name: string }>(
      this.database,
      undefined,
      `SELECT t.name FROM repository r JOIN manifest m ON m.repository_id = r.id AND m.digest = $2
       JOIN tag t ON t.manifest_id = m.id WHERE r.name = $1 ORDER BY t.name COLLATE "C"`,
      [repository, digest],
    );
    return rows.map((row) => row.name);
  }

  /** Every tag of the repository. */
  async tagsOfRepository(repository: string): Promise<string[]> {
    const rows = await queryRows<{ name: string }>(
      this.database,
      undefined,
      `SELECT t.name FROM repository r JOIN tag t ON t.repository_id = r.id WHERE r.name = $1
       ORDER BY t.name COLLATE "C"`,
      [repository],
    );
    return rows.map((row) => row.name);
  }
}

function writeValues(rule: ImmutableRuleWrite): unknown[] {
  return [
    rule.disabled,
    rule.priority,
    rule.action,
    rule.template,
    JSON.stringify(rule.tagSelectors),
    JSON.stringify(rule.scopeSelectors),
    rule.selectorsKey,
  ];
}

function toRule(row: Record<string, unknown>): ImmutableRule {
  const tagSelectors = json(row.tag_selectors);
  return {
    id: int8(row.id),
    projectId: int8(row.project_id),
    disabled: Boolean(row.disabled),
    priority: Number(row.priority),
    action: String(row.action),
    template: String(row.template),
    tagSelectors: Array.isArray(tagSelectors) ? (tagSelectors as Selector[]) : [],
    scopeSelectors: jsonObject(row.scope_selectors) as Record<string, Selector[]>,
    creationTime: new Date(row.creation_time as Date),
    updateTime: new Date(row.update_time as Date),
  };
}
