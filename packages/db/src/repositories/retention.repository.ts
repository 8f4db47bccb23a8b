import type { Database, Tx } from '../database.js';
import { int8, json, jsonObject, queryRows } from './job-sql.js';

/**
 * Harbor's selector (`RetentionSelector`, `ImmutableSelector`): `doublestar` patterns on tags
 * (`matches`/`excludes`) or repositories (`repoMatches`/`repoExcludes`). `extras` is Harbor's JSON
 * text (`{"untagged": true}`), `''` when none.
 */
export interface Selector {
  kind: string;
  decoration: string;
  pattern: string;
  extras: string;
}

/** One rule of a retention policy: what it RETAINS (Harbor's `RetentionRule`). */
export interface RetentionRule {
  id: number;
  priority: number;
  disabled: boolean;
  /** `retain`, Harbor's only action. */
  action: string;
  /** `latestPushedK`, `latestPulledN`, `latestActiveK`, `lastXDays`, `nDaysSinceLastPush`, `nDaysSinceLastPull`, `always`. */
  template: string;
  /** The template's parameter, named as the template (`{latestPushedK: 5}`). */
  params: Record<string, unknown>;
  tagSelectors: Selector[];
  /** `{repository: [...]}`. */
  scopeSelectors: Record<string, Selector[]>;
  /**
   * Berth's: the rule judges each tag on its own, so tags it does not retain are removed one by one
   * and an artifact stays while any of its tags is retained (goharbor/harbor#16157).
   */
  perTag: boolean;
}

/** Harbor's `RetentionRuleTrigger`: `{kind: "Schedule", settings: {cron}}` (an empty cron: manual only). */
export interface RetentionTrigger {
  kind: string;
  settings: Record<string, unknown>;
}

export interface RetentionPolicy {
  id: bigint;
  projectId: bigint;
  algorithm: string;
  rules: RetentionRule[];
  trigger: RetentionTrigger;
  creationTime: Date;
  updateTime: Date;
}

export interface RetentionPolicyWrite {
  algorithm: string;
  rules: RetentionRule[];
  trigger: RetentionTrigger;
}

/** A tag of an artifact as retention sees it. */
export interface RetentionTag {
  name: string;
  /** When it was pushed or last moved to this artifact. */
  pushedAt: Date;
}

/** One manifest of a repository, with what retention decides on and what deleting it involves. */
export interface RetentionArtifact {
  id: bigint;
  digest: string;
  mediaType: string;
  pushedAt: Date;
  pulledAt: Date | null;
  /** The manifest whose accessory this is (its OCI `subject`), or null. */
  subjectDigest: string | null;
  tags: RetentionTag[];
  /** Manifests it lists (an index's children). */
  childDigests: string[];
  labels: string[];
}

/**
 * Tag retention's data: the policies (one per project, `retention_policy`) and the view of a
 * repository's manifests that a run decides on.
 */
export class RetentionRepository {
  constructor(private readonly database: Database) {}

  /** Throws UniqueViolationError when the project has a policy already. */
  async create(tx: Tx, projectId: bigint, policy: RetentionPolicyWrite): Promise<RetentionPolicy> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `INSERT INTO retention_policy (project_id, algorithm, rules, trigger)
       VALUES ($1::bigint, $2, $3::jsonb, $4::jsonb) RETURNING *`,
      [projectId.toString(), policy.algorithm, JSON.stringify(policy.rules), JSON.stringify(policy.trigger)],
    );
    return toPolicy(rows[0]!);
  }

  async findById(id: bigint, tx?: Tx): Promise<RetentionPolicy | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `SELECT * FROM retention_policy WHERE id = $1::bigint`,
      [id.toString()],
    );
    return rows[0] ? toPolicy(rows[0]) : null;
  }

  async findByProject(projectId: bigint, tx?: Tx): Promise<RetentionPolicy | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `SELECT * FROM retention_policy WHERE project_id = $1::bigint`,
      [projectId.toString()],
    );
    return rows[0] ? toPolicy(rows[0]) : null;
  }

  /** The policy, locked until `tx` ends (concurrent updates apply one after the other); null when gone. */
  async lock(tx: Tx, id: bigint): Promise<RetentionPolicy | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `SELECT * FROM retention_policy WHERE id = $1::bigint FOR UPDATE`,
      [id.toString()],
    );
    return rows[0] ? toPolicy(rows[0]) : null;
  }

  async update(tx: Tx, id: bigint, policy: RetentionPolicyWrite): Promise<RetentionPolicy | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.database,
      tx,
      `UPDATE retention_policy SET algorithm = $2, rules = $3::jsonb, trigger = $4::jsonb, update_time = now()
       WHERE id = $1::bigint RETURNING *`,
      [id.toString(), policy.algorithm, JSON.stringify(policy.rules), JSON.stringify(policy.trigger)],
    );
    return rows[0] ? toPolicy(rows[0]) : null;
  }

  /** Deletes the policy (its schedule goes with it); false when there was none. */
  async delete(tx: Tx, id: bigint): Promise<boolean> {
    const rows = await queryRows(
      this.database,
      tx,
      `DELETE FROM retention_policy WHERE id = $1::bigint RETURNING id`,
      [id.toString()],
    );
    return rows.length === 1;
  }

  /** Names of the project's repositories that hold or held an artifact, in name order. */
  async repositoryNames(projectId: bigint, tx?: Tx): Promise<string[]> {
    const rows = await queryRows<{ name: string }>(
      this.database,
      tx,
      `SELECT name FROM repository WHERE project_id = $1::bigint AND first_push_at IS NOT NULL
       ORDER BY name COLLATE "C"`,
      [projectId.toString()],
    );
    return rows.map((row) => row.name);
  }

  /** Every manifest of the repository with its tags, children and labels; empty when it has none. */
  async artifactsOf(repository: string): Promise<RetentionArtifact[]> {
    const rows = await queryRows<{
      id: string;
      digest: string;
      media_type: string;
      created_at: Date;
      pulled_at: Date | null;
      subject_digest: string | null;
      tags: { name: string; updated_at: string }[] | null;
      children: string[] | null;
      labels: string[] | null;
    }>(
      this.database,
      undefined,
      `SELECT m.id, m.digest, m.media_type, m.created_at, m.pulled_at, m.subject_digest,
              (SELECT json_agg(json_build_object('name', t.name, 'updated_at', t.updated_at) ORDER BY t.name)
                 FROM tag t WHERE t.manifest_id = m.id) AS tags,
              (SELECT json_agg(r.digest ORDER BY r.digest) FROM manifest_reference r
                 WHERE r.manifest_id = m.id AND r.kind = 'manifest') AS children,
              (SELECT json_agg(l.name ORDER BY l.name) FROM artifact_label al JOIN label l ON l.id = al.label_id
                 WHERE al.manifest_id = m.id) AS labels
       FROM repository repo JOIN manifest m ON m.repository_id = repo.id
       WHERE repo.name = $1
       ORDER BY m.id`,
      [repository],
    );
    return rows.map((row) => ({
      id: int8(row.id),
      digest: row.digest,
      mediaType: row.media_type,
      pushedAt: new Date(row.created_at),
      pulledAt: row.pulled_at === null ? null : new Date(row.pulled_at),
      subjectDigest: row.subject_digest,
      tags: (row.tags ?? []).map((tag) => ({ name: tag.name, pushedAt: new Date(tag.updated_at) })),
      childDigests: row.children ?? [],
      labels: row.labels ?? [],
    }));
  }
}

function toPolicy(row: Record<string, unknown>): RetentionPolicy {
  const rules = json(row.rules);
  const trigger = jsonObject(row.trigger);
  return {
    id: int8(row.id),
    projectId: int8(row.project_id),
    algorithm: String(row.algorithm),
    rules: Array.isArray(rules) ? (rules as RetentionRule[]) : [],
    trigger: {
      kind: typeof trigger.kind === 'string' ? trigger.kind : '',
      settings: jsonObject(trigger.settings),
    },
    creationTime: new Date(row.creation_time as Date),
    updateTime: new Date(row.update_time as Date),
  };
}
