import { MediaType } from '@berth/distribution';
import type { QueryResultRow } from 'pg';
import type { Database } from '../database.js';
import { mapDatabaseErrors } from '../errors.js';
import type { SortKey as SharedSortKey } from './shared.js';

/** A sort key of a listing: a field by its wire name, as the API parsed it. */
type SortKey = SharedSortKey<string>;

const INDEX_MEDIA_TYPES: readonly string[] = [MediaType.OciIndex, MediaType.DockerManifestList];

/**
 * Reads repositories, artifacts, tags, labels and accessories from the tables the registry
 * engine writes, with plain SQL on the pg pool. Every change of registry content goes through the
 * engine's services (and its MetadataStore), never here: this repository only reads, plus the
 * few columns the engine does not own (a repository's description, artifact labels). A listing is one page statement (the page's rows
 * with their computed fields, tags and index children, each a per-row index probe) and a count
 * statement, run in parallel, plus one batched statement per optional relation (labels,
 * accessories) for the whole page: a page costs the same few round trips whatever its size, and
 * paging and counting read indexes only (see the artifact_listing migration).
 *
 * What the artifact list shows (Harbor's "base" collection): manifests without a `subject`
 * (accessories are listed under their subject) that are either tagged or not a child of an index
 * in the same repository.
 */

export interface RepositoryRow {
  id: bigint;
  projectId: bigint;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RepositoryStats {
  artifactCount: number;
  pullCount: number;
}

export interface ArtifactRow {
  id: bigint;
  repositoryId: bigint;
  digest: string;
  mediaType: string;
  artifactType: string | null;
  manifestSize: number;
  /** The manifest, its blobs and (for an index) its children with their blobs. */
  totalSize: number;
  payload: Buffer;
  subjectDigest: string | null;
  annotations: Record<string, string> | null;
  type: string;
  pushedAt: Date;
  pulledAt: Date | null;
  /** Harbor's `extra_attrs` as captured from the config; null when not read (yet). */
  extraAttrs: Record<string, unknown> | null;
  /** Its tags, newest first. */
  tags: TagRow[];
  /** For an index: the ids of its children present in the repository, by digest. */
  children: Map<string, bigint>;
}

export interface TagRow {
  id: bigint;
  repositoryId: bigint;
  manifestId: bigint;
  name: string;
  updatedAt: Date;
  pulledAt: Date | null;
}

export interface LabelRow {
  id: bigint;
  name: string;
  description: string;
  color: string;
  scope: string;
  projectId: bigint | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccessoryRow {
  id: bigint;
  digest: string;
  artifactType: string | null;
  totalSize: number;
  createdAt: Date;
  subjectDigest: string;
  /** Found through cosign's `sha256-<hex>.sig` tag rather than a `subject` field. */
  byTag: boolean;
}

/** A filter of the artifact list, already validated; values go in as parameters. */
export type ArtifactFilter =
  | { kind: 'all' }
  | { kind: 'tagged' }
  | { kind: 'untagged' }
  | { kind: 'tag'; name: string }
  | { kind: 'tagLike'; pattern: string }
  | { kind: 'digest'; digest: string }
  | { kind: 'digestLike'; pattern: string }
  | { kind: 'mediaType'; mediaType: string }
  | { kind: 'mediaTypeLike'; pattern: string }
  | { kind: 'artifactType'; artifactType: string }
  | { kind: 'type'; types: string[] }
  | { kind: 'label'; labelId: bigint }
  /** Only these repositories (a glob-scoped member's, in a project-wide list). */
  | { kind: 'repositories'; repositoryIds: bigint[] }
  | { kind: 'pushTime'; from: Date | null; to: Date | null }
  | { kind: 'pullTime'; from: Date | null; to: Date | null };

export interface RepositoryFilter {
  /** Restricts to these projects, or (with `repositoryIds`) these projects or repositories. */
  projectIds?: bigint[];
  repositoryIds?: bigint[];
  /** And only this project (the `project_id` query). */
  projectId?: bigint;
  nameExact?: string;
  nameLike?: string;
}

const INDEX_TYPES_SQL = INDEX_MEDIA_TYPES.map((type) => `'${type}'`).join(', ');

/**
 * Listed-looking manifests (no subject) that are untagged children of an index of the repository
 * (`$1`): hidden from the list. Reads indexes only: the repository's index manifests, their
 * references, the children by digest and their tags.
 */
const HIDDEN_CHILDREN_SQL = `SELECT DISTINCT c.id FROM manifest p
  JOIN manifest_reference r ON r.manifest_id = p.id
  JOIN manifest c ON c.repository_id = p.repository_id AND c.digest = r.digest AND c.subject_digest IS NULL
  WHERE p.repository_id = $1 AND p.media_type IN (${INDEX_TYPES_SQL})
    AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = c.id)`;

/** The same over a whole project (`$1`), from the project's index manifests. */
const PROJECT_HIDDEN_CHILDREN_SQL = HIDDEN_CHILDREN_SQL.replace('p.repository_id = $1', 'p.project_id = $1');

/**
 * What an artifact list covers: one repository (the repository listing) or a whole project
 * (`GET /projects/{p}/artifacts`, optionally only the newest match of each repository).
 */
export type ArtifactScope =
  | { kind: 'repository'; repositoryId: bigint }
  | { kind: 'project'; projectId: bigint; latestInRepository: boolean };

const SCOPE_SQL = {
  repository: { column: 'm.repository_id', hidden: HIDDEN_CHILDREN_SQL },
  project: { column: 'm.project_id', hidden: PROJECT_HIDDEN_CHILDREN_SQL },
} as const;

/** The unfiltered count of a list: the partial listing index less the hidden children. */
const listedCountSql = (scope: ArtifactScope['kind']) => `WITH hidden AS (${SCOPE_SQL[scope].hidden})
  SELECT (SELECT count(*) FROM manifest m WHERE ${SCOPE_SQL[scope].column} = $1 AND m.subject_digest IS NULL)
       - (SELECT count(*) FROM hidden) AS count`;

/** Size of manifest `m`: itself, its blobs, and its children with their blobs. */
const TOTAL_SIZE_SQL = `(m.size
  + COALESCE((SELECT sum(r.size) FROM manifest_reference r WHERE r.manifest_id = m.id AND r.kind = 'blob'), 0)
  + COALESCE((SELECT sum(c.size + COALESCE((SELECT sum(cr.size) FROM manifest_reference cr
                                             WHERE cr.manifest_id = c.id AND cr.kind = 'blob'), 0))
              FROM manifest_reference r
              JOIN manifest c ON c.repository_id = m.repository_id AND c.digest = r.digest
              WHERE r.manifest_id = m.id AND r.kind = 'manifest'), 0))`;

/** The tags of `m`, newest first, as JSON (one index probe per row). */
const TAGS_SQL = `(SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'updated_at', t.updated_at)
                     ORDER BY t.updated_at DESC, t.id DESC)
   FROM tag t WHERE t.manifest_id = m.id)`;

/** For an index, the ids of its children in the repository, as JSON. */
const CHILDREN_SQL = `(CASE WHEN m.media_type IN (${INDEX_TYPES_SQL}) THEN
   (SELECT json_agg(json_build_object('digest', c.digest, 'id', c.id))
    FROM manifest_reference r JOIN manifest c ON c.repository_id = m.repository_id AND c.digest = r.digest
    WHERE r.manifest_id = m.id) END)`;

const ARTIFACT_COLUMNS = `m.id, m.repository_id, m.digest, m.media_type, m.artifact_type, m.size, m.payload,
  m.subject_digest, m.annotations, m.created_at, m.pulled_at, m.extra_attrs, m.type,
  ${TOTAL_SIZE_SQL} AS total_size, ${TAGS_SQL} AS tags, ${CHILDREN_SQL} AS children`;

interface ArtifactRecord {
  id: string;
  repository_id: string;
  digest: string;
  media_type: string;
  artifact_type: string | null;
  size: string;
  payload: Buffer;
  subject_digest: string | null;
  annotations: Record<string, string> | null;
  created_at: Date;
  pulled_at: Date | null;
  extra_attrs: Record<string, unknown> | null;
  type: string;
  total_size: string;
  tags: { id: number; name: string; updated_at: string }[] | null;
  children: { digest: string; id: number }[] | null;
}

function toArtifact(row: ArtifactRecord): ArtifactRow {
  const id = BigInt(row.id);
  const repositoryId = BigInt(row.repository_id);
  return {
    id,
    repositoryId,
    digest: row.digest,
    mediaType: row.media_type,
    artifactType: row.artifact_type,
    manifestSize: Number(row.size),
    totalSize: Number(row.total_size),
    payload: row.payload,
    subjectDigest: row.subject_digest,
    annotations: row.annotations,
    type: row.type,
    pushedAt: row.created_at,
    pulledAt: row.pulled_at,
    extraAttrs: row.extra_attrs,
    tags: (row.tags ?? []).map((tag) => ({
      id: BigInt(tag.id),
      repositoryId,
      manifestId: id,
      name: tag.name,
      updatedAt: new Date(tag.updated_at),
      pulledAt: row.pulled_at,
    })),
    children: new Map((row.children ?? []).map((child) => [child.digest, BigInt(child.id)])),
  };
}

interface RepositoryRecord {
  id: string;
  project_id: string;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
}

function toRepository(row: RepositoryRecord): RepositoryRow {
  return {
    id: BigInt(row.id),
    projectId: BigInt(row.project_id),
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const REPOSITORY_SORT_COLUMNS: Record<string, string> = {
  name: 'r.name COLLATE "C"',
  creation_time: 'r.created_at',
  update_time: 'r.updated_at',
};

const ARTIFACT_SORT_COLUMNS: Record<string, { column: string; nullable: boolean }> = {
  push_time: { column: 'm.created_at', nullable: false },
  pull_time: { column: 'm.pulled_at', nullable: true },
  digest: { column: 'm.digest COLLATE "C"', nullable: false },
};

/** Sortable fields by wire name, as `parseSort` takes them. */
const sortFields = (columns: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(columns).map((field) => [field, field]));
export const REPOSITORY_SORT_FIELDS = sortFields(REPOSITORY_SORT_COLUMNS);
export const ARTIFACT_SORT_FIELDS = sortFields(ARTIFACT_SORT_COLUMNS);

/** Collects SQL parameters; `add` answers the placeholder. */
class Params {
  readonly values: unknown[];
  constructor(...initial: unknown[]) {
    this.values = [...initial];
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export class ArtifactRepository {
  constructor(private readonly database: Database) {}

  /** A statement on the pool, its failures mapped to domain errors. */
  private query<R extends QueryResultRow>(text: string, values: unknown[]) {
    return mapDatabaseErrors(() => this.database.pool.query<R>(text, values));
  }

  // --- repositories ----------------------------------------------------------------------------

  /** A repository an artifact was pushed to (one holding only uploaded blobs is not there yet). */
  async findRepository(name: string): Promise<RepositoryRow | null> {
    const { rows } = await this.query<RepositoryRecord>(
      `SELECT id, project_id, name, description, created_at, updated_at FROM repository
       WHERE name = $1 AND first_push_at IS NOT NULL`,
      [name],
    );
    return rows[0] ? toRepository(rows[0]) : null;
  }

  async listRepositories(
    filter: RepositoryFilter,
    sort: SortKey[],
    limit: number,
    offset: number,
  ): Promise<{ rows: RepositoryRow[]; total: number }> {
    const params = new Params();
    const where = this.repositoryWhere(filter, params);
    const order = sort.length
      ? sort
          .map((key) => `${REPOSITORY_SORT_COLUMNS[key.field]} ${key.descending ? 'DESC' : 'ASC'}`)
          .join(', ') + `, r.id ${sort[0]!.descending ? 'DESC' : 'ASC'}`
      : 'r.created_at DESC, r.id DESC';
    const countParams = [...params.values];
    const limitAt = params.add(limit);
    const offsetAt = params.add(offset);
    const [page, count] = await Promise.all([
      this.query<RepositoryRecord>(
        `SELECT r.id, r.project_id, r.name, r.description, r.created_at, r.updated_at FROM repository r
         WHERE ${where} ORDER BY ${order} LIMIT ${limitAt} OFFSET ${offsetAt}`,
        params.values,
      ),
      this.query<{ count: string }>(`SELECT count(*) AS count FROM repository r WHERE ${where}`, countParams),
    ]);
    return { rows: page.rows.map(toRepository), total: Number(count.rows[0]?.count ?? 0) };
  }

  /** Repositories matching a name search, at most `limit`, by name. */
  async searchRepositories(filter: RepositoryFilter, limit: number): Promise<RepositoryRow[]> {
    const params = new Params();
    const where = this.repositoryWhere(filter, params);
    const { rows } = await this.query<RepositoryRecord>(
      `SELECT r.id, r.project_id, r.name, r.description, r.created_at, r.updated_at FROM repository r
       WHERE ${where} ORDER BY r.name COLLATE "C" LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map(toRepository);
  }

  private repositoryWhere(filter: RepositoryFilter, params: Params): string {
    const clauses: string[] = ['r.first_push_at IS NOT NULL'];
    if (filter.projectIds !== undefined || filter.repositoryIds !== undefined) {
      const scope: string[] = [];
      if (filter.projectIds !== undefined)
        scope.push(`r.project_id = ANY(${params.add(filter.projectIds)}::bigint[])`);
      if (filter.repositoryIds !== undefined && filter.repositoryIds.length > 0) {
        scope.push(`r.id = ANY(${params.add(filter.repositoryIds)}::bigint[])`);
      }
      clauses.push(scope.length ? `(${scope.join(' OR ')})` : 'false');
    }
    if (filter.projectId !== undefined) clauses.push(`r.project_id = ${params.add(filter.projectId)}`);
    if (filter.nameExact !== undefined) clauses.push(`r.name = ${params.add(filter.nameExact)}`);
    if (filter.nameLike !== undefined) clauses.push(`r.name LIKE ${params.add(filter.nameLike)}`);
    return clauses.join(' AND ');
  }

  /** Id and name of every repository of the given projects (for glob-scoped members). */
  async repositoryNames(projectIds: bigint[]): Promise<{ id: bigint; projectId: bigint; name: string }[]> {
    if (projectIds.length === 0) return [];
    const { rows } = await this.query<{ id: string; project_id: string; name: string }>(
      'SELECT id, project_id, name FROM repository WHERE project_id = ANY($1::bigint[]) AND first_push_at IS NOT NULL',
      [projectIds],
    );
    return rows.map((row) => ({ id: BigInt(row.id), projectId: BigInt(row.project_id), name: row.name }));
  }

  /** Artifact count (as listed) and pull count of each repository. */
  async repositoryStats(repositoryIds: bigint[]): Promise<Map<bigint, RepositoryStats>> {
    const stats = new Map<bigint, RepositoryStats>();
    if (repositoryIds.length === 0) return stats;
    const { rows } = await this.query<{ id: string; artifact_count: string; pull_count: string }>(
      `WITH hidden AS (${HIDDEN_CHILDREN_SQL.replace('p.repository_id = $1', 'p.repository_id = ANY($1::bigint[])')})
       SELECT m.repository_id AS id,
              count(*) FILTER (WHERE m.subject_digest IS NULL AND h.id IS NULL) AS artifact_count,
              COALESCE(sum(m.pull_count), 0) AS pull_count
       FROM manifest m LEFT JOIN hidden h ON h.id = m.id
       WHERE m.repository_id = ANY($1::bigint[])
       GROUP BY m.repository_id`,
      [repositoryIds],
    );
    for (const id of repositoryIds) stats.set(id, { artifactCount: 0, pullCount: 0 });
    for (const row of rows) {
      stats.set(BigInt(row.id), {
        artifactCount: Number(row.artifact_count),
        pullCount: Number(row.pull_count),
      });
    }
    return stats;
  }

  async updateRepositoryDescription(id: bigint, description: string): Promise<boolean> {
    const result = await this.query('UPDATE repository SET description = $2 WHERE id = $1', [
      id,
      description,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  // --- artifacts -------------------------------------------------------------------------------

  /**
   * One page of a repository's or a project's artifacts (tags and children included) and their
   * total, in two parallel statements. The scope is passed by id, not looked up by name inside
   * them: with the literal id the planner knows how large it is and picks its indexes accordingly.
   * `latestInRepository` keeps the newest match of each repository (by push time, then id).
   */
  async listArtifacts(
    scope: ArtifactScope,
    filters: ArtifactFilter[],
    sort: SortKey[],
    limit: number,
    offset: number,
  ): Promise<{ rows: ArtifactRow[]; total: number }> {
    const params = new Params(scope.kind === 'repository' ? scope.repositoryId : scope.projectId);
    const where = this.artifactWhere(scope.kind, filters, params);
    const order = sort.length
      ? sort
          .map((key) => {
            const { column, nullable } = ARTIFACT_SORT_COLUMNS[key.field]!;
            return `${column} ${key.descending ? 'DESC' : 'ASC'}${nullable ? (key.descending ? ' NULLS LAST' : ' NULLS FIRST') : ''}`;
          })
          .join(', ') + `, m.id ${sort[0]!.descending ? 'DESC' : 'ASC'}`
      : 'm.created_at DESC, m.id DESC';
    const countParams = [...params.values];
    const limitAt = params.add(limit);
    const offsetAt = params.add(offset);
    const hidden = filters.some((filter) => filter.kind === 'all')
      ? ''
      : `WITH hidden AS (${SCOPE_SQL[scope.kind].hidden})`;
    const latest = scope.kind === 'project' && scope.latestInRepository;
    const matching = latest
      ? `manifest m WHERE m.id IN (SELECT DISTINCT ON (m.repository_id) m.id FROM manifest m WHERE ${where}
           ORDER BY m.repository_id, m.created_at DESC, m.id DESC)`
      : `manifest m WHERE ${where}`;
    const [page, count] = await Promise.all([
      this.query<ArtifactRecord>(
        `${hidden}
         SELECT ${ARTIFACT_COLUMNS} FROM (
           SELECT m.id FROM ${matching} ORDER BY ${order} LIMIT ${limitAt} OFFSET ${offsetAt}
         ) page JOIN manifest m ON m.id = page.id
         ORDER BY ${order}`,
        params.values,
      ),
      filters.length === 0 && !latest
        ? this.query<{ count: string }>(listedCountSql(scope.kind), countParams)
        : this.query<{ count: string }>(
            latest
              ? `${hidden} SELECT count(DISTINCT m.repository_id) AS count FROM manifest m WHERE ${where}`
              : `${hidden} SELECT count(*) AS count FROM manifest m WHERE ${where}`,
            countParams,
          ),
    ]);
    return { rows: page.rows.map(toArtifact), total: Number(count.rows[0]?.count ?? 0) };
  }

  /** Repositories by id (the rows of a project-wide artifact list name theirs). */
  async repositoriesById(ids: bigint[]): Promise<Map<bigint, RepositoryRow>> {
    const repositories = new Map<bigint, RepositoryRow>();
    if (ids.length === 0) return repositories;
    const { rows } = await this.query<RepositoryRecord>(
      `SELECT id, project_id, name, description, created_at, updated_at FROM repository
       WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    for (const row of rows) repositories.set(BigInt(row.id), toRepository(row));
    return repositories;
  }

  private artifactWhere(scope: ArtifactScope['kind'], filters: ArtifactFilter[], params: Params): string {
    const clauses = [`${SCOPE_SQL[scope].column} = $1`];
    if (!filters.some((filter) => filter.kind === 'all')) {
      clauses.push('m.subject_digest IS NULL', 'm.id NOT IN (SELECT id FROM hidden)');
    }
    const tagged = 'EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id';
    for (const filter of filters) {
      switch (filter.kind) {
        case 'all':
          break;
        case 'tagged':
          clauses.push(`${tagged})`);
          break;
        case 'untagged':
          clauses.push(`NOT ${tagged})`);
          break;
        case 'tag':
          clauses.push(`${tagged} AND t.name = ${params.add(filter.name)})`);
          break;
        case 'tagLike':
          clauses.push(`${tagged} AND t.name LIKE ${params.add(filter.pattern)})`);
          break;
        case 'digest':
          clauses.push(`m.digest = ${params.add(filter.digest)}`);
          break;
        case 'digestLike':
          clauses.push(`m.digest LIKE ${params.add(filter.pattern)}`);
          break;
        case 'mediaType': {
          const at = params.add(filter.mediaType);
          clauses.push(`(m.media_type = ${at} OR m.artifact_type = ${at})`);
          break;
        }
        case 'mediaTypeLike': {
          const at = params.add(filter.pattern);
          clauses.push(`(m.media_type LIKE ${at} OR m.artifact_type LIKE ${at})`);
          break;
        }
        case 'artifactType':
          clauses.push(`m.artifact_type = ${params.add(filter.artifactType)}`);
          break;
        case 'type':
          // One type as `=`, so the listing walks the type index in push order and stops at the page.
          clauses.push(
            filter.types.length === 1
              ? `m.type = ${params.add(filter.types[0])}`
              : `m.type = ANY(${params.add(filter.types)}::text[])`,
          );
          break;
        case 'label':
          clauses.push(
            `EXISTS (SELECT 1 FROM artifact_label al WHERE al.manifest_id = m.id AND al.label_id = ${params.add(filter.labelId)})`,
          );
          break;
        case 'repositories':
          clauses.push(`m.repository_id = ANY(${params.add(filter.repositoryIds)}::bigint[])`);
          break;
        case 'pushTime':
          if (filter.from) clauses.push(`m.created_at >= ${params.add(filter.from)}`);
          if (filter.to) clauses.push(`m.created_at <= ${params.add(filter.to)}`);
          break;
        case 'pullTime':
          if (filter.from) clauses.push(`m.pulled_at >= ${params.add(filter.from)}`);
          if (filter.to) clauses.push(`m.pulled_at <= ${params.add(filter.to)}`);
          break;
      }
    }
    return clauses.join(' AND ');
  }

  /** One artifact by digest or tag, with its computed fields. */
  async findArtifact(
    repositoryId: bigint,
    reference: { digest: string } | { tag: string },
  ): Promise<ArtifactRow | null> {
    const { rows } =
      'digest' in reference
        ? await this.query<ArtifactRecord>(
            `SELECT ${ARTIFACT_COLUMNS} FROM manifest m WHERE m.repository_id = $1 AND m.digest = $2`,
            [repositoryId, reference.digest],
          )
        : await this.query<ArtifactRecord>(
            `SELECT ${ARTIFACT_COLUMNS} FROM tag t JOIN manifest m ON m.id = t.manifest_id
             WHERE t.repository_id = $1 AND t.name = $2`,
            [repositoryId, reference.tag],
          );
    return rows[0] ? toArtifact(rows[0]) : null;
  }

  /** Digests of the indexes in the repository that list `digest` as a child. */
  async parentDigests(repositoryId: bigint, digest: string): Promise<string[]> {
    const { rows } = await this.query<{ digest: string }>(
      `SELECT p.digest FROM manifest_reference r JOIN manifest p ON p.id = r.manifest_id
       WHERE r.digest = $2 AND r.kind = 'manifest' AND p.repository_id = $1`,
      [repositoryId, digest],
    );
    return rows.map((row) => row.digest);
  }

  /** One page of an artifact's tags. */
  async listTags(
    manifestId: bigint,
    nameExact: string | undefined,
    nameLike: string | undefined,
    sort: SortKey[],
    limit: number,
    offset: number,
  ): Promise<{ rows: TagRow[]; total: number }> {
    const params = new Params(manifestId);
    const clauses = ['t.manifest_id = $1'];
    if (nameExact !== undefined) clauses.push(`t.name = ${params.add(nameExact)}`);
    if (nameLike !== undefined) clauses.push(`t.name LIKE ${params.add(nameLike)}`);
    const where = clauses.join(' AND ');
    const columns: Record<string, string> = {
      name: 't.name COLLATE "C"',
      push_time: 't.updated_at',
      id: 't.id',
    };
    const order = sort.length
      ? sort.map((key) => `${columns[key.field]} ${key.descending ? 'DESC' : 'ASC'}`).join(', ') +
        ', t.id DESC'
      : 't.updated_at DESC, t.id DESC';
    const countParams = [...params.values];
    const limitAt = params.add(limit);
    const offsetAt = params.add(offset);
    const [page, count] = await Promise.all([
      this.query<{
        id: string;
        repository_id: string;
        name: string;
        updated_at: Date;
        pulled_at: Date | null;
      }>(
        `SELECT t.id, t.repository_id, t.name, t.updated_at, m.pulled_at
         FROM tag t JOIN manifest m ON m.id = t.manifest_id
         WHERE ${where} ORDER BY ${order} LIMIT ${limitAt} OFFSET ${offsetAt}`,
        params.values,
      ),
      this.query<{ count: string }>(`SELECT count(*) AS count FROM tag t WHERE ${where}`, countParams),
    ]);
    return {
      rows: page.rows.map((row) => ({
        id: BigInt(row.id),
        repositoryId: BigInt(row.repository_id),
        manifestId,
        name: row.name,
        updatedAt: row.updated_at,
        pulledAt: row.pulled_at,
      })),
      total: Number(count.rows[0]?.count ?? 0),
    };
  }

  /** The manifest a tag points at in a repository, if the tag exists. */
  async tagTarget(repositoryId: bigint, name: string): Promise<bigint | null> {
    const { rows } = await this.query<{ manifest_id: string }>(
      'SELECT manifest_id FROM tag WHERE repository_id = $1 AND name = $2',
      [repositoryId, name],
    );
    return rows[0] ? BigInt(rows[0].manifest_id) : null;
  }

  /**
   * Image manifests with a config of one of `configMediaTypes` (in id order after `afterId`) whose
   * config attributes were never read: those pushed before Berth captured them at push time. For
   * the one-time backfill.
   */
  async manifestsWithoutExtraAttrs(
    configMediaTypes: readonly string[],
    afterId: bigint,
    limit: number,
  ): Promise<{ id: bigint; payload: Buffer }[]> {
    const { rows } = await this.query<{ id: string; payload: Buffer }>(
      `SELECT id, payload FROM manifest
       WHERE id > $1 AND extra_attrs IS NULL AND artifact_type = ANY($3::text[])
         AND media_type NOT IN (${INDEX_TYPES_SQL})
       ORDER BY id LIMIT $2`,
      [afterId, limit, configMediaTypes],
    );
    return rows.map((row) => ({ id: BigInt(row.id), payload: row.payload }));
  }

  /** Stores attributes read late from a config; a value captured meanwhile is kept. */
  async fillExtraAttrs(manifestId: bigint, extraAttrs: Record<string, unknown>): Promise<void> {
    await this.query('UPDATE manifest SET extra_attrs = $2::jsonb WHERE id = $1 AND extra_attrs IS NULL', [
      manifestId,
      JSON.stringify(extraAttrs),
    ]);
  }

  async labelsOf(manifestIds: bigint[]): Promise<Map<bigint, LabelRow[]>> {
    const labels = new Map<bigint, LabelRow[]>();
    if (manifestIds.length === 0) return labels;
    const { rows } = await this.query<LabelRecord & { manifest_id: string }>(
      `SELECT al.manifest_id, l.id, l.name, l.description, l.color, l.scope, l.project_id, l.created_at, l.updated_at
       FROM artifact_label al JOIN label l ON l.id = al.label_id
       WHERE al.manifest_id = ANY($1::bigint[]) ORDER BY al.created_at, l.id`,
      [manifestIds],
    );
    for (const row of rows) {
      const manifestId = BigInt(row.manifest_id);
      const list = labels.get(manifestId) ?? [];
      list.push(toLabel(row));
      labels.set(manifestId, list);
    }
    return labels;
  }

  async findLabel(id: bigint): Promise<LabelRow | null> {
    const { rows } = await this.query<LabelRecord>(
      'SELECT id, name, description, color, scope, project_id, created_at, updated_at FROM label WHERE id = $1',
      [id],
    );
    return rows[0] ? toLabel(rows[0]) : null;
  }

  /** Attaches a label; false when it was attached already. */
  async addLabel(manifestId: bigint, labelId: bigint): Promise<boolean> {
    const result = await this.query(
      'INSERT INTO artifact_label (manifest_id, label_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [manifestId, labelId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async removeLabel(manifestId: bigint, labelId: bigint): Promise<boolean> {
    const result = await this.query('DELETE FROM artifact_label WHERE manifest_id = $1 AND label_id = $2', [
      manifestId,
      labelId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Accessories of the given subjects in a repository: manifests whose `subject` is one of them,
   * and cosign signatures tagged `sha256-<hex>.sig` (`signatureTags` maps such a tag to its subject).
   */
  async accessoriesOf(
    repositoryId: bigint,
    subjectDigests: string[],
    signatureTags: Map<string, string>,
  ): Promise<Map<string, AccessoryRow[]>> {
    const accessories = new Map<string, AccessoryRow[]>();
    if (subjectDigests.length === 0) return accessories;
    const { rows } = await this.query<{
      id: string;
      digest: string;
      artifact_type: string | null;
      total_size: string;
      created_at: Date;
      subject: string;
      by_tag: boolean;
    }>(
      `SELECT m.id, m.digest, m.artifact_type, ${TOTAL_SIZE_SQL} AS total_size, m.created_at,
              m.subject_digest AS subject, false AS by_tag
       FROM manifest m WHERE m.repository_id = $1 AND m.subject_digest = ANY($2::text[])
       UNION ALL
       SELECT m.id, m.digest, m.artifact_type, ${TOTAL_SIZE_SQL} AS total_size, m.created_at,
              t.name AS subject, true AS by_tag
       FROM tag t JOIN manifest m ON m.id = t.manifest_id
       WHERE t.repository_id = $1 AND t.name = ANY($3::text[]) AND m.subject_digest IS NULL
       ORDER BY created_at DESC, id DESC`,
      [repositoryId, subjectDigests, [...signatureTags.keys()]],
    );
    for (const row of rows) {
      const subject = row.by_tag ? signatureTags.get(row.subject) : row.subject;
      if (subject === undefined) continue;
      const list = accessories.get(subject) ?? [];
      list.push({
        id: BigInt(row.id),
        digest: row.digest,
        artifactType: row.artifact_type,
        totalSize: Number(row.total_size),
        createdAt: row.created_at,
        subjectDigest: subject,
        byTag: row.by_tag,
      });
      accessories.set(subject, list);
    }
    return accessories;
  }
}

interface LabelRecord {
  id: string;
  name: string;
  description: string;
  color: string;
  scope: string;
  project_id: string | null;
  created_at: Date;
  updated_at: Date;
}

function toLabel(row: LabelRecord): LabelRow {
  return {
    id: BigInt(row.id),
    name: row.name,
    description: row.description,
    color: row.color,
    scope: row.scope,
    projectId: row.project_id === null ? null : BigInt(row.project_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
