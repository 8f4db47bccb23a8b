import { Inject, Injectable } from '@nestjs/common';
import {
  readConfigDocument,
  requireTagChange,
  type BlobDriver,
  type ChangeOrigin,
  type RegistryServices,
} from '@berth/distribution';
import { ImmutableTagPolicy } from '@berth/domain';
import {
  ARTIFACT_SORT_FIELDS,
  ArtifactRepository,
  type AccessoryRow,
  type ArtifactFilter,
  type ArtifactScope,
  type ArtifactRow,
  type LabelRow,
  type RepositoryRow,
  type TagRow,
} from '@berth/db';
import type { Principal } from '../auth/principal.js';
import { HarborError } from '../common/harbor-error.js';
import { toLabelDto } from '../labels/label.mapper.js';
import { AccessControlService, type ProjectRef } from '../rbac/access-control.service.js';
import { ProjectLookupService } from '../rbac/project-lookup.service.js';
import { Action, ProjectResource } from '../rbac/rbac-policy.js';
import { BLOB_DRIVER, REGISTRY_SERVICES } from '../registry/registry.constants.js';
import { AccessoryType, accessoryType, cosignSignatureTag, isIndexMediaType } from './artifact-type.js';
import type {
  AccessoryDto,
  AdditionLinkDto,
  ArtifactDto,
  PlatformDto,
  ReferenceDto,
  TAddLabelRequest,
  TCreateTagRequest,
  TGetArtifactQuery,
  TListAccessoriesQuery,
  TListArtifactsQuery,
  TListProjectArtifactsQuery,
  TListTagsQuery,
  TagDto,
} from './artifact.dto.js';
import {
  likeEscape,
  pageRequest,
  parseHarborQuery,
  parseQueryTime,
  parseSort,
  type Page,
  type QuerySpec,
} from './harbor-query.js';
import { readChartFiles } from './chart-archive.js';
import { RepositoryVisibilityService } from './repository-visibility.service.js';
import {
  artifactLocation,
  artifactReference,
  describeReference,
  parseCopySource,
  repositoryPath,
  type ArtifactReference,
} from './repository-path.js';
import { apiOrigin, throughEngine, type RequestContext } from './registry-bridge.js';
import { RepositoryService } from './repository.service.js';

/** Harbor's "never": Go's zero time, which its API answers for an artifact never pulled. */
const NEVER = '0001-01-01T00:00:00.000Z';

/** Accessories of accessories, children of children: deeper than this is refused as malformed. */
const MAX_DEPTH = 8;

const CHART_CONTENT_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** The additions of each artifact type (Harbor's processors' `ListAdditionTypes`). */
const ADDITIONS_BY_TYPE: Record<string, readonly string[]> = {
  IMAGE: ['build_history'],
  CHART: ['values.yaml', 'readme.md', 'dependencies'],
};

/** A `…/additions/{addition}` answer: JSON, or text with its content type (as Harbor's). */
export type Addition = { json: unknown } | { text: string; contentType: string };

export interface ArtifactOptions {
  withTag: boolean;
  withLabel: boolean;
  withScanOverview: boolean;
  withAccessory: boolean;
}

interface ParsedManifest {
  config?: { mediaType?: string; digest?: string };
  layers?: { mediaType?: string; digest?: string }[];
  manifests?: {
    digest?: string;
    platform?: Record<string, unknown>;
    annotations?: Record<string, string>;
    urls?: string[];
  }[];
}

/**
 * Artifacts, their tags, labels and accessories. Reads go to the artifact repository (SQL); every
 * change of registry content (deleting, tagging, copying) goes through the engine's services, as
 * `/v2/` does: the one place that keeps references and quotas right and records each change's
 * event (which the audit log, webhooks and replication hear of).
 */
@Injectable()
export class ArtifactService {
  constructor(
    @Inject(ArtifactRepository) private readonly catalog: ArtifactRepository,
    @Inject(RepositoryService) private readonly repositories: RepositoryService,
    @Inject(REGISTRY_SERVICES) private readonly registry: RegistryServices,
    @Inject(BLOB_DRIVER) private readonly blobs: BlobDriver,
    @Inject(AccessControlService) private readonly access: AccessControlService,
    @Inject(ProjectLookupService) private readonly projects: ProjectLookupService,
    @Inject(RepositoryVisibilityService) private readonly visibility: RepositoryVisibilityService,
    @Inject(ImmutableTagPolicy) private readonly immutability: ImmutableTagPolicy,
  ) {}

  // --- reading ---------------------------------------------------------------------------------

  async list(project: ProjectRef, rawName: string, query: TListArtifactsQuery): Promise<Page<ArtifactDto>> {
    const filters = artifactFilters(query.q);
    const sort = parseSort(query.sort, ARTIFACT_SORT_FIELDS);
    const { page, pageSize, offset } = pageRequest(query);
    const repository = await this.repositories.require(project, rawName);
    const scope: ArtifactScope = { kind: 'repository', repositoryId: repository.id };
    const { rows, total } = await this.catalog.listArtifacts(scope, filters, sort, pageSize, offset);
    const items = await this.toDtos(project, new Map([[repository.id, repository]]), rows, options(query));
    return { items, total, page, pageSize };
  }

  /**
   * `GET /projects/{p}/artifacts`: the project's artifacts across its repositories (those a
   * glob-scoped member may list), from one index over the project.
   */
  async listInProject(
    principal: Principal,
    project: ProjectRef,
    query: TListProjectArtifactsQuery,
  ): Promise<Page<ArtifactDto>> {
    const filters = artifactFilters(query.q);
    const latestInRepository = query.latest_in_repository ?? false;
    if (latestInRepository) {
      const byType = filters.filter((f) => f.kind === 'mediaType' || f.kind === 'artifactType');
      if (byType.length !== 1) {
        throw HarborError.badRequest(
          "either 'media_type' or 'artifact_type' must be specified, but not both, when querying with latest_in_repository",
        );
      }
    }
    const sort = parseSort(query.sort, ARTIFACT_SORT_FIELDS);
    const { page, pageSize, offset } = pageRequest(query);
    const scoped = await this.visibility.inProject(principal, project);
    if (scoped !== null) filters.push({ kind: 'repositories', repositoryIds: scoped });
    const scope: ArtifactScope = { kind: 'project', projectId: project.id, latestInRepository };
    const { rows, total } = await this.catalog.listArtifacts(scope, filters, sort, pageSize, offset);
    const repositories = await this.catalog.repositoriesById([...new Set(rows.map((r) => r.repositoryId))]);
    const items = await this.toDtos(project, repositories, rows, options(query));
    return { items, total, page, pageSize };
  }

  async get(
    project: ProjectRef,
    rawName: string,
    reference: string,
    query: TGetArtifactQuery,
  ): Promise<ArtifactDto> {
    const { repository, artifact } = await this.require(project, rawName, reference);
    const [dto] = await this.toDtos(
      project,
      new Map([[repository.id, repository]]),
      [artifact],
      options(query),
    );
    return dto!;
  }

  async listTags(
    project: ProjectRef,
    rawName: string,
    reference: string,
    query: TListTagsQuery,
  ): Promise<Page<TagDto>> {
    const { repository, artifact } = await this.require(project, rawName, reference);
    const terms = parseHarborQuery(query.q, { name: ['exact', 'fuzzy'] });
    const name = terms.get('name');
    const sort = parseSort(query.sort, { name: 'name', push_time: 'push_time', id: 'id' });
    const { page, pageSize, offset } = pageRequest(query);
    const { rows, total } = await this.catalog.listTags(
      artifact.id,
      name?.kind === 'exact' ? name.value : undefined,
      name?.kind === 'fuzzy' ? `%${likeEscape(name.value)}%` : undefined,
      sort,
      pageSize,
      offset,
    );
    const immutable = await this.immutability.checkerFor(repository.name);
    return { items: rows.map((row) => toTagDto(row, immutable)), total, page, pageSize };
  }

  async listAccessories(
    project: ProjectRef,
    rawName: string,
    reference: string,
    query: TListAccessoriesQuery,
  ): Promise<Page<AccessoryDto>> {
    const { repository, artifact } = await this.require(project, rawName, reference);
    const terms = parseHarborQuery(query.q, { type: ['exact', 'fuzzy'], digest: ['exact', 'fuzzy'] });
    const sort = parseSort(query.sort, { creation_time: 'creation_time', size: 'size', digest: 'digest' });
    const { page, pageSize, offset } = pageRequest(query);
    const accessories = (await this.accessories(repository.id, [artifact.digest])).get(artifact.digest) ?? [];
    const type = terms.get('type');
    const digest = terms.get('digest');
    let dtos = accessories.map((accessory) => toAccessoryDto(accessory, repository, artifact.id));
    for (const [term, field] of [
      [type, 'type'],
      [digest, 'digest'],
    ] as const) {
      if (!term) continue;
      if (term.kind === 'exact') dtos = dtos.filter((dto) => dto[field] === term.value);
      else if (term.kind === 'fuzzy') dtos = dtos.filter((dto) => dto[field].includes(term.value));
    }
    if (sort.length) {
      const [key] = sort;
      const value = (dto: AccessoryDto) =>
        key!.field === 'size' ? dto.size : key!.field === 'digest' ? dto.digest : dto.creation_time;
      dtos.sort((a, b) => {
        const order = value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0;
        return key!.descending ? -order : order;
      });
    }
    return { items: dtos.slice(offset, offset + pageSize), total: dtos.length, page, pageSize };
  }

  /**
   * `GET …/additions/{addition}`: an image's build history (its config's `history`), a chart's
   * values.yaml, README.md (streamed out of the chart archive) and dependencies (Chart.yaml's,
   * from its config). Anything else, or an addition the artifact's type lacks, is a 404.
   */
  async getAddition(
    project: ProjectRef,
    rawName: string,
    reference: string,
    addition: string,
  ): Promise<Addition> {
    const { artifact } = await this.require(project, rawName, reference);
    if (addition === 'vulnerabilities') {
      // Harbor asks the project's scanner for its reports and, with no scanner registered,
      // answers 404 with this message (controller/scan/base_controller.go GetReport). Berth has
      // no scanner yet (a later issue), so every artifact is in that case.
      throw HarborError.notFound(`no scanner registration configured for project: ${project.id}`);
    }
    const notFound = () =>
      HarborError.notFound(`addition ${addition.slice(0, 64)} of ${reference.slice(0, 200)} not found`);
    if (!additionsOf(artifact).includes(addition)) throw notFound();
    const manifest = parseManifest(artifact.payload);
    if (addition === 'build_history') {
      const config = await this.readConfig(manifest);
      if (!config) throw notFound();
      return { json: Array.isArray(config.history) ? config.history : [] };
    }
    if (addition === 'dependencies') {
      const chart = artifact.extraAttrs ?? (await this.readConfig(manifest));
      if (!chart) throw notFound();
      return { json: Array.isArray(chart.dependencies) ? chart.dependencies : [] };
    }
    const file = addition === 'values.yaml' ? 'values.yaml' : 'README.md';
    const files = await this.readChart(manifest, [file]);
    if (!files) throw notFound();
    // Harbor answers an empty body when the chart has no such file.
    const text = files.get(file.toLowerCase()) ?? '';
    return addition === 'values.yaml'
      ? { text, contentType: 'text/plain; charset=utf-8' }
      : { text, contentType: 'text/markdown; charset=utf-8' };
  }

  // --- changing --------------------------------------------------------------------------------

  /**
   * Deletes an artifact with its accessories and, for an index, the children nothing else uses.
   * An artifact that an index still lists cannot be deleted on its own.
   */
  async delete(
    context: RequestContext,
    project: ProjectRef,
    rawName: string,
    reference: string,
  ): Promise<void> {
    const { repository, artifact, ref } = await this.require(project, rawName, reference);
    const parents = await this.catalog.parentDigests(repository.id, artifact.digest);
    if (parents.length > 0) {
      throw HarborError.precondition(
        `artifact ${artifact.digest} is referenced by index ${parents[0]}; delete the index instead`,
      );
    }
    // Checked before anything goes: its accessories are deleted first, and must not go when the
    // artifact itself is then refused.
    const accessories = (await this.accessories(repository.id, [artifact.digest])).get(artifact.digest) ?? [];
    for (const digest of [artifact.digest, ...accessories.map((accessory) => accessory.digest)]) {
      await throughEngine(() =>
        requireTagChange(this.immutability, repository.name, { kind: 'delete-manifest', digest }),
      );
    }
    await this.deleteDeep(apiOrigin(context), repository, artifact, 0, 'tag' in ref ? ref.tag : undefined);
  }

  /** `POST …/artifacts?from=`: copies an artifact (children, tags and accessories too) into this repository. */
  async copy(context: RequestContext, project: ProjectRef, rawName: string, from: string): Promise<string> {
    const target = repositoryPath(project.name, rawName);
    const source = parseCopySource(from);
    const sourceProject = await this.projects.findByName(source.projectName);
    if (!sourceProject) throw HarborError.notFound(`project ${source.projectName} not found`);
    if (
      !(await this.access.can(
        context.principal,
        sourceProject,
        ProjectResource.Repository,
        Action.Pull,
        source.path,
      ))
    ) {
      throw HarborError.forbidden(`no pull permission on ${source.projectName}/${source.path}`);
    }
    const sourceName = `${source.projectName}/${source.path}`;
    const sourceRepository = await this.catalog.findRepository(sourceName);
    if (!sourceRepository) throw HarborError.notFound(`repository ${sourceName} not found`);
    const artifact = await this.catalog.findArtifact(sourceRepository.id, source.reference);
    if (!artifact)
      throw HarborError.notFound(`artifact ${describeReference(sourceName, source.reference)} not found`);

    await throughEngine(() =>
      this.registry.manifests.copy(
        sourceName,
        artifact.digest,
        target.fullName,
        artifact.tags.map((tag) => tag.name),
        apiOrigin(context),
      ),
    );
    return artifactLocation(project.name, target.path, artifact.digest);
  }

  /** Harbor refuses a tag name that exists in the repository already, wherever it points. */
  async createTag(
    context: RequestContext,
    project: ProjectRef,
    rawName: string,
    reference: string,
    body: TCreateTagRequest,
  ): Promise<void> {
    const { repository, artifact } = await this.require(project, rawName, reference);
    const result = await throughEngine(() =>
      this.registry.tags.tag(repository.name, body.name, artifact.digest, apiOrigin(context), {
        replace: false,
      }),
    );
    if (result !== 'created')
      throw HarborError.conflict(`tag ${body.name} already exists in ${repository.name}`);
  }

  async deleteTag(
    context: RequestContext,
    project: ProjectRef,
    rawName: string,
    reference: string,
    tagName: string,
  ): Promise<void> {
    const { repository, artifact } = await this.require(project, rawName, reference);
    const target = await this.catalog.tagTarget(repository.id, tagName);
    if (target === null || target !== artifact.id) {
      throw HarborError.notFound(`tag ${tagName.slice(0, 128)} not found on ${artifact.digest}`);
    }
    await throughEngine(() =>
      this.registry.tags.untag(repository.name, tagName, apiOrigin(context), artifact.digest),
    );
  }

  /** Attaches a global label or a label of this project. */
  async addLabel(
    project: ProjectRef,
    rawName: string,
    reference: string,
    body: TAddLabelRequest,
  ): Promise<void> {
    const { artifact } = await this.require(project, rawName, reference);
    const label = await this.catalog.findLabel(BigInt(body.id));
    if (!label) throw HarborError.notFound(`label ${body.id} not found`);
    if (label.scope === 'p' && label.projectId !== project.id) {
      throw HarborError.badRequest(`label ${body.id} belongs to another project`);
    }
    if (!(await this.catalog.addLabel(artifact.id, label.id))) {
      throw HarborError.conflict(`label ${body.id} is already added to ${artifact.digest}`);
    }
  }

  async removeLabel(
    project: ProjectRef,
    rawName: string,
    reference: string,
    rawLabelId: string,
  ): Promise<void> {
    if (!/^\d{1,18}$/.test(rawLabelId)) throw HarborError.badRequest('label_id must be a positive integer');
    const { artifact } = await this.require(project, rawName, reference);
    if (!(await this.catalog.removeLabel(artifact.id, BigInt(rawLabelId)))) {
      throw HarborError.notFound(`label ${rawLabelId} is not added to ${artifact.digest}`);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private async require(
    project: ProjectRef,
    rawName: string,
    rawReference: string,
  ): Promise<{ repository: RepositoryRow; artifact: ArtifactRow; ref: ArtifactReference }> {
    const ref = artifactReference(rawReference);
    const repository = await this.repositories.require(project, rawName);
    const artifact = await this.catalog.findArtifact(repository.id, ref);
    if (!artifact)
      throw HarborError.notFound(`artifact ${describeReference(repository.name, ref)} not found`);
    return { repository, artifact, ref };
  }

  /** Deletes the artifact's accessories, the artifact, then its children nothing else holds. */
  private async deleteDeep(
    origin: ChangeOrigin,
    repository: RepositoryRow,
    artifact: ArtifactRow,
    depth: number,
    addressedTag?: string,
  ): Promise<void> {
    if (depth > MAX_DEPTH)
      throw HarborError.precondition(`artifact ${artifact.digest} nests too deeply to delete`);
    for (const accessory of (await this.accessories(repository.id, [artifact.digest])).get(artifact.digest) ??
      []) {
      const row = await this.catalog.findArtifact(repository.id, { digest: accessory.digest });
      if (row) await this.deleteDeep(origin, repository, row, depth + 1);
    }
    await throughEngine(() =>
      this.registry.manifests.delete(repository.name, artifact.digest, origin, addressedTag),
    );
    if (!isIndexMediaType(artifact.mediaType)) return;
    for (const child of parseManifest(artifact.payload).manifests ?? []) {
      if (typeof child.digest !== 'string') continue;
      const row = await this.catalog.findArtifact(repository.id, { digest: child.digest });
      if (!row) continue;
      // A child another index still lists, or that carries a tag, stays.
      if ((await this.catalog.parentDigests(repository.id, child.digest)).length > 0) continue;
      if (row.tags.length > 0) continue;
      await this.deleteDeep(origin, repository, row, depth + 1);
    }
  }

  private accessories(repositoryId: bigint, digests: string[]): Promise<Map<string, AccessoryRow[]>> {
    const signatureTags = new Map<string, string>();
    for (const digest of digests) {
      const tag = cosignSignatureTag(digest);
      if (tag) signatureTags.set(tag, digest);
    }
    return this.catalog.accessoriesOf(repositoryId, digests, signatureTags);
  }

  /**
   * Builds Harbor's Artifact for each row, with one batched query per relation asked for (per
   * repository for accessories). No storage is read: attributes of artifacts pushed before they
   * were captured are filled by the backfill at start (`ExtraAttrsBackfillService`).
   */
  private async toDtos(
    project: ProjectRef,
    repositories: Map<bigint, RepositoryRow>,
    rows: ArtifactRow[],
    options: ArtifactOptions,
  ): Promise<ArtifactDto[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const parsed = new Map(rows.map((row) => [row.id, parseManifest(row.payload)] as const));
    const [labels, accessories, immutability] = await Promise.all([
      options.withLabel ? this.catalog.labelsOf(ids) : Promise.resolve(new Map<bigint, LabelRow[]>()),
      options.withAccessory
        ? this.accessoriesByRepository(rows)
        : Promise.resolve(new Map<string, AccessoryRow[]>()),
      options.withTag
        ? this.immutabilityOf(repositories)
        : Promise.resolve(new Map<bigint, ImmutableCheck>()),
    ]);

    return rows.map((row) => {
      const repository = repositories.get(row.repositoryId)!;
      const manifest = parsed.get(row.id)!;
      const isIndex = isIndexMediaType(row.mediaType);
      const dto: ArtifactDto = {
        id: Number(row.id),
        type: row.type,
        media_type:
          !isIndex && typeof manifest.config?.mediaType === 'string'
            ? manifest.config.mediaType
            : row.mediaType,
        manifest_media_type: row.mediaType,
        project_id: Number(project.id),
        repository_id: Number(repository.id),
        repository_name: repository.name,
        digest: row.digest,
        size: row.totalSize,
        push_time: row.pushedAt.toISOString(),
        pull_time: row.pulledAt ? row.pulledAt.toISOString() : NEVER,
      };
      if (row.artifactType !== null) dto.artifact_type = row.artifactType;
      if (row.extraAttrs && Object.keys(row.extraAttrs).length > 0) dto.extra_attrs = row.extraAttrs;
      if (row.annotations) dto.annotations = row.annotations;
      const additions = additionsOf(row);
      if (additions.length > 0) dto.addition_links = additionLinks(project, repository, row, additions);
      if (isIndex) dto.references = references(row.id, manifest, row.children);
      if (options.withTag) {
        const immutable = immutability.get(repository.id) ?? NOTHING_IMMUTABLE;
        dto.tags = row.tags.map((tag) => toTagDto(tag, immutable));
      }
      if (options.withLabel) dto.labels = (labels.get(row.id) ?? []).map(toLabelDto);
      if (options.withScanOverview) dto.scan_overview = {};
      if (options.withAccessory) {
        dto.accessories = (accessories.get(accessoryKey(row.repositoryId, row.digest)) ?? []).map(
          (accessory) => toAccessoryDto(accessory, repository, row.id),
        );
      }
      return dto;
    });
  }

  /** Which tags are immutable, per repository on the page (from the cached rules: no query). */
  private async immutabilityOf(
    repositories: Map<bigint, RepositoryRow>,
  ): Promise<Map<bigint, ImmutableCheck>> {
    const checks = await Promise.all(
      [...repositories.values()].map(
        async (repository) => [repository.id, await this.immutability.checkerFor(repository.name)] as const,
      ),
    );
    return new Map(checks);
  }

  /** Accessories of the rows, keyed by `accessoryKey`: one statement per repository on the page. */
  private async accessoriesByRepository(rows: ArtifactRow[]): Promise<Map<string, AccessoryRow[]>> {
    const digestsByRepository = new Map<bigint, string[]>();
    for (const row of rows) {
      digestsByRepository.set(row.repositoryId, [
        ...(digestsByRepository.get(row.repositoryId) ?? []),
        row.digest,
      ]);
    }
    const result = new Map<string, AccessoryRow[]>();
    await Promise.all(
      [...digestsByRepository].map(async ([repositoryId, digests]) => {
        for (const [digest, list] of await this.accessories(repositoryId, digests)) {
          result.set(accessoryKey(repositoryId, digest), list);
        }
      }),
    );
    return result;
  }

  /** The config JSON, or null when it is missing, too large, altered or not JSON. */
  private async readConfig(manifest: ParsedManifest): Promise<Record<string, unknown> | null> {
    const digest = manifest.config?.digest;
    if (typeof digest !== 'string') return null;
    const read = await readConfigDocument(this.blobs, digest);
    return read.status === 'ok' ? read.document : null;
  }

  /** Top-level files of a chart's archive layer, or null when the chart has no readable layer. */
  private async readChart(manifest: ParsedManifest, names: string[]): Promise<Map<string, string> | null> {
    const layers = (manifest.layers ?? []).filter(
      (layer) => typeof layer.digest === 'string' && layer.digest !== manifest.config?.digest,
    );
    const layer = layers.find((candidate) => candidate.mediaType === CHART_CONTENT_TYPE) ?? layers[0];
    if (!layer?.digest) return null;
    const stream = await this.blobs.read(layer.digest);
    if (!stream) return null;
    try {
      return await readChartFiles(stream, names);
    } catch {
      // Not gzip or not tar: a chart that cannot be opened has no such files.
      return null;
    }
  }
}

/** The `q` of the artifact lists: which keys, in which forms. */
const ARTIFACT_QUERY: QuerySpec = {
  tags: ['exact', 'fuzzy'],
  digest: ['exact', 'fuzzy'],
  media_type: ['exact', 'fuzzy'],
  artifact_type: ['exact'],
  type: ['exact', 'anyOf'],
  labels: ['exact', 'allOf'],
  base: ['exact'],
  push_time: ['range'],
  pull_time: ['range'],
};

/** Turns `q` of the artifact list into filters. */
export function artifactFilters(q: string | undefined): ArtifactFilter[] {
  const filters: ArtifactFilter[] = [];
  for (const [key, term] of parseHarborQuery(q, ARTIFACT_QUERY)) {
    switch (key) {
      case 'base':
        if (term.kind !== 'exact' || term.value !== '*') {
          throw HarborError.badRequest('the value of "base" can only be exactly "*"');
        }
        filters.push({ kind: 'all' });
        break;
      case 'tags':
        if (term.kind === 'fuzzy') filters.push({ kind: 'tagLike', pattern: `%${likeEscape(term.value)}%` });
        else if (term.kind !== 'exact') break;
        else if (term.value === '*') filters.push({ kind: 'tagged' });
        else if (term.value === 'nil') filters.push({ kind: 'untagged' });
        else filters.push({ kind: 'tag', name: term.value });
        break;
      case 'digest':
        if (term.kind === 'exact') filters.push({ kind: 'digest', digest: term.value });
        else if (term.kind === 'fuzzy')
          filters.push({ kind: 'digestLike', pattern: `%${likeEscape(term.value)}%` });
        break;
      case 'media_type':
        if (term.kind === 'exact') filters.push({ kind: 'mediaType', mediaType: term.value });
        else if (term.kind === 'fuzzy')
          filters.push({ kind: 'mediaTypeLike', pattern: `%${likeEscape(term.value)}%` });
        break;
      case 'artifact_type':
        if (term.kind === 'exact') filters.push({ kind: 'artifactType', artifactType: term.value });
        break;
      case 'type':
        if (term.kind === 'exact') filters.push({ kind: 'type', types: [term.value.toUpperCase()] });
        else if (term.kind === 'anyOf')
          filters.push({ kind: 'type', types: term.values.map((v) => v.toUpperCase()) });
        break;
      case 'labels': {
        const values = term.kind === 'exact' ? [term.value] : term.kind === 'allOf' ? term.values : [];
        if (values.length === 0 || !values.every((value) => /^\d{1,18}$/.test(value))) {
          throw HarborError.badRequest(
            'the value of "labels" can only be a label id or a list of ids: labels=(1 2)',
          );
        }
        for (const value of values) filters.push({ kind: 'label', labelId: BigInt(value) });
        break;
      }
      case 'push_time':
      case 'pull_time': {
        if (term.kind !== 'range') break;
        filters.push({
          kind: key === 'push_time' ? 'pushTime' : 'pullTime',
          from: term.min === undefined ? null : parseQueryTime(term.min, key),
          to: term.max === undefined ? null : parseQueryTime(term.max, key),
        });
        break;
      }
    }
  }
  return filters;
}

function options(query: {
  with_tag?: boolean | undefined;
  with_label?: boolean | undefined;
  with_scan_overview?: boolean | undefined;
  with_accessory?: boolean | undefined;
}): ArtifactOptions {
  return {
    withTag: query.with_tag ?? true,
    withLabel: query.with_label ?? false,
    withScanOverview: query.with_scan_overview ?? false,
    withAccessory: query.with_accessory ?? false,
  };
}

/** The additions an artifact has: by type, and none for an index (its children have theirs). */
function additionsOf(row: ArtifactRow): readonly string[] {
  if (isIndexMediaType(row.mediaType)) return [];
  return ADDITIONS_BY_TYPE[row.type] ?? [];
}

/**
 * Harbor's `addition_links`: relative links, the repository path encoded twice (`a%252Fb`) as
 * Harbor's `SetAdditionLink` writes them.
 */
function additionLinks(
  project: ProjectRef,
  repository: RepositoryRow,
  row: ArtifactRow,
  additions: readonly string[],
): Record<string, AdditionLinkDto> {
  const path = repository.name.slice(project.name.length + 1).replaceAll('/', '%252F');
  const base = `/api/v2.0/projects/${project.name}/repositories/${path}/artifacts/${row.digest}/additions`;
  return Object.fromEntries(
    additions.map((addition) => [addition, { href: `${base}/${addition}`, absolute: false }]),
  );
}

function accessoryKey(repositoryId: bigint, digest: string): string {
  return `${repositoryId}@${digest}`;
}

function parseManifest(payload: Buffer): ParsedManifest {
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as ParsedManifest) : {};
  } catch {
    return {};
  }
}

function references(
  parentId: bigint,
  manifest: ParsedManifest,
  children: Map<string, bigint>,
): ReferenceDto[] {
  return (manifest.manifests ?? []).flatMap((child) => {
    if (typeof child.digest !== 'string') return [];
    const reference: ReferenceDto = { parent_id: Number(parentId), child_digest: child.digest };
    const childId = children.get(child.digest);
    if (childId !== undefined) reference.child_id = Number(childId);
    if (child.platform && typeof child.platform === 'object') reference.platform = platform(child.platform);
    if (child.annotations && typeof child.annotations === 'object') reference.annotations = child.annotations;
    if (Array.isArray(child.urls)) reference.urls = child.urls;
    return [reference];
  });
}

function platform(value: Record<string, unknown>): PlatformDto {
  const result: PlatformDto = {};
  if (typeof value.architecture === 'string') result.architecture = value.architecture;
  if (typeof value.os === 'string') result.os = value.os;
  if (typeof value.variant === 'string') result.variant = value.variant;
  // Harbor's swagger names these two with the quotes in them.
  if (typeof value['os.version'] === 'string') result["'os.version'"] = value['os.version'];
  if (Array.isArray(value['os.features'])) result["'os.features'"] = value['os.features'] as string[];
  return result;
}

/** Names the immutability rule protecting a tag, or null. */
type ImmutableCheck = (tag: string) => string | null;
const NOTHING_IMMUTABLE: ImmutableCheck = () => null;

function toTagDto(row: TagRow, immutable: ImmutableCheck): TagDto {
  return {
    id: Number(row.id),
    repository_id: Number(row.repositoryId),
    artifact_id: Number(row.manifestId),
    name: row.name,
    push_time: row.updatedAt.toISOString(),
    pull_time: row.pulledAt ? row.pulledAt.toISOString() : NEVER,
    immutable: immutable(row.name) !== null,
  };
}

function toAccessoryDto(row: AccessoryRow, repository: RepositoryRow, subjectId: bigint): AccessoryDto {
  return {
    id: Number(row.id),
    artifact_id: Number(row.id),
    subject_artifact_id: Number(subjectId),
    subject_artifact_digest: row.subjectDigest,
    subject_artifact_repo: repository.name,
    size: row.totalSize,
    digest: row.digest,
    type: row.byTag ? AccessoryType.CosignSignature : accessoryType(row.artifactType),
    icon: '',
    creation_time: row.createdAt.toISOString(),
  };
}
