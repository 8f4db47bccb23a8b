import { randomUUID } from 'node:crypto';
import type {
  ImmutableRuleRepository,
  RetentionArtifact,
  RetentionRepository,
  RetentionRule,
  Selector,
} from '@berth/db';
import { RegistryError, type ChangeOrigin, type ManifestService, type TagService } from '@berth/distribution';
import {
  PermanentJobError,
  defineProcessor,
  retentionJob,
  type JobProcessor,
  type TaskLog,
} from '@berth/jobs';
import { describeImmutableRule, protectingRule } from '../immutability/immutable-rules.js';
import {
  cosignSubjectOf,
  decideRetention,
  isIndex,
  type ArtifactDecision,
  type RetentionMark,
} from './retention-decision.js';
import { validateRetentionRules } from './retention-policy.js';
import { InvalidRuleError, projectOf, repositoryPath } from './selectors.js';

export interface RetentionProcessorDeps {
  retention: RetentionRepository;
  immutableRules: ImmutableRuleRepository;
  /** The engine's services: every deletion goes through them (quotas, references, events). */
  registry: { manifests: ManifestService; tags: TagService };
  now?: () => number;
}

/** Deeper accessories of accessories than this are left alone, as the API refuses them. */
const MAX_DEPTH = 8;

/** How many deleted artifacts a task lists for the run's webhook (the counts stay exact). */
const MAX_REPORTED_DELETIONS = 100;

/** An artifact a task deleted, as its `extra_attrs.deleted_artifacts` keeps it. */
export interface DeletedArtifactRecord {
  /** `project/name`. */
  repository: string;
  digest: string;
  tag?: string;
}

/** Who retention's changes are by, in their events and the audit log. */
export const RETENTION_ACTOR = 'retention';

/**
 * Applies a retention policy's rules to one repository (one task of a run): reads its manifests,
 * decides (`decideRetention`), logs Harbor's table of every candidate and what happens to it, and
 * (unless a dry run) deletes what no rule retains and removes the tags per-tag rules do not retain,
 * through the engine's services. Stops between deletions when asked. The task's `extra_attrs` get
 * Harbor's `total` and `retained`, and Berth's `deleted` and `untagged` (tags removed).
 */
export function retentionProcessor(deps: RetentionProcessorDeps): JobProcessor<typeof retentionJob> {
  const now = deps.now ?? Date.now;
  return defineProcessor(retentionJob, async ({ payload, log, signal, progress, updateTaskAttrs }) => {
    const rules = parseRules(payload.rules);
    const { repository, dryRun } = payload;
    log.info(
      `Run retention process. Repository: ${repository}; rules: ${rules.length} (OR'ed); dry run: ${dryRun}`,
    );
    const artifacts = await deps.retention.artifactsOf(repository);
    const immutable = (await deps.immutableRules.enabled()).filter(
      (rule) => rule.projectName === projectOf(repository),
    );
    const path = repositoryPath(repository);
    const decision = decideRetention(artifacts, rules, now(), (tag) => {
      const rule = protectingRule(immutable, path, tag);
      return rule ? describeImmutableRule(rule) : null;
    });
    const { decisions } = decision;
    log.info(`Load ${decisions.length} candidates from repository ${repository}`);

    // Indexes first: deleting one may leave its tagged children free to go after it.
    const actions = decisions
      .filter((d) => d.mark === 'DEL' || d.mark === 'UNTAG')
      .sort((a, b) => Number(isIndex(b.artifact)) - Number(isIndex(a.artifact)));
    await progress(0, actions.length);
    const outcome = new Map<ArtifactDecision, string>();
    if (!dryRun) {
      const executor = new RetentionExecutor(repository, artifacts, deps.registry, log);
      let done = 0;
      for (const action of actions) {
        if (signal.aborted) {
          log.info('Retention job is stopped');
          break;
        }
        try {
          outcome.set(action, await executor.apply(action));
        } catch (error) {
          outcome.set(action, 'ERR');
          log.error(
            `Retention error for artifact ${repository}@${action.artifact.digest}: ${messageOf(error)}`,
          );
        }
        done += 1;
        await progress(done, actions.length);
      }
    } else {
      await progress(actions.length, actions.length);
    }

    logTable(log, decisions, outcome, dryRun);
    // What happened (a dry run: what would): an artifact an index still lists loses its tags only.
    const markOf = (d: ArtifactDecision) => (dryRun ? d.mark : outcome.get(d));
    const deleted = decisions.filter((d) => markOf(d) === 'DEL').length;
    const untagged = decisions
      .filter((d) => markOf(d) === 'UNTAG')
      .reduce((sum, d) => sum + (d.mark === 'UNTAG' ? d.removeTags.length : d.artifact.tags.length), 0);
    await updateTaskAttrs({
      total: decisions.length,
      retained: decisions.length - deleted,
      deleted,
      untagged,
      dry_run: dryRun,
      // What the run's TAG_RETENTION webhook names (retention-notice.ts); bounded like its payload.
      deleted_artifacts: dryRun
        ? []
        : decisions
            .filter((d) => outcome.get(d) === 'DEL')
            .slice(0, MAX_REPORTED_DELETIONS)
            .map((d): DeletedArtifactRecord => ({
              repository,
              digest: d.artifact.digest,
              ...(d.artifact.tags[0] ? { tag: d.artifact.tags[0].name } : {}),
            })),
    });
    log.info(
      `${dryRun ? 'Dry run: would delete' : 'Deleted'} ${deleted} of ${decisions.length} artifacts and ` +
        `${dryRun ? 'would remove' : 'removed'} ${untagged} tags of retained ones`,
    );
  });
}

/** Carries out one repository's decisions, keeping track of what is gone. */
class RetentionExecutor {
  private readonly byDigest: Map<string, RetentionArtifact>;
  private readonly gone = new Set<string>();
  private readonly origin: ChangeOrigin = {
    actor: RETENTION_ACTOR,
    request: { id: randomUUID(), addr: '', host: '', method: 'RETENTION', useragent: 'berth-retention' },
    sourceAddr: '',
  };

  constructor(
    private readonly repository: string,
    artifacts: readonly RetentionArtifact[],
    private readonly registry: RetentionProcessorDeps['registry'],
    private readonly log: TaskLog,
  ) {
    this.byDigest = new Map(
      artifacts.map((artifact) => [artifact.digest, { ...artifact, tags: [...artifact.tags] }]),
    );
  }

  /** Applies a DEL or UNTAG decision; answers the mark the log shows for it. */
  async apply(decision: ArtifactDecision): Promise<RetentionMark> {
    const { digest } = decision.artifact;
    if (decision.mark === 'UNTAG') {
      for (const tag of decision.removeTags) await this.untag(digest, tag);
      return 'UNTAG';
    }
    const parent = this.remainingParent(digest);
    if (parent) {
      // An index that stays lists it: the manifest must stay, so only its tags go.
      for (const tag of [...(this.byDigest.get(digest)?.tags ?? [])]) await this.untag(digest, tag.name);
      this.log.info(
        `${digest} is listed by index ${parent}, which stays: its tags were removed, the manifest kept`,
      );
      return 'UNTAG';
    }
    await this.deleteDeep(digest, 0);
    return 'DEL';
  }

  private async untag(digest: string, tag: string): Promise<void> {
    try {
      await this.registry.tags.untag(this.repository, tag, this.origin, digest);
    } catch (error) {
      // Removed meanwhile (or moved elsewhere): nothing left to do for this tag.
      if (!(error instanceof RegistryError && error.code === 'MANIFEST_UNKNOWN')) throw error;
    }
    const artifact = this.byDigest.get(digest);
    if (artifact) artifact.tags = artifact.tags.filter((t) => t.name !== tag);
  }

  /** Deletes a manifest after its accessories, then the children of an index nothing else holds. */
  private async deleteDeep(digest: string, depth: number): Promise<void> {
    if (depth > MAX_DEPTH) throw new Error(`${digest} nests accessories too deeply to delete`);
    for (const accessory of this.accessoriesOf(digest)) await this.deleteDeep(accessory, depth + 1);
    try {
      await this.registry.manifests.delete(this.repository, digest, this.origin);
    } catch (error) {
      // Deleted meanwhile: the run's goal holds.
      if (!(error instanceof RegistryError && error.code === 'MANIFEST_UNKNOWN')) throw error;
    }
    this.gone.add(digest);
    const artifact = this.byDigest.get(digest);
    if (!artifact || !isIndex(artifact)) return;
    for (const child of artifact.childDigests) {
      const row = this.byDigest.get(child);
      if (!row || this.gone.has(child) || row.tags.length > 0 || this.remainingParent(child)) continue;
      await this.deleteDeep(child, depth + 1);
    }
  }

  private accessoriesOf(digest: string): string[] {
    return [...this.byDigest.values()]
      .filter(
        (artifact) =>
          !this.gone.has(artifact.digest) &&
          (artifact.subjectDigest === digest ||
            (artifact.tags.length > 0 && artifact.tags.every((tag) => cosignSubjectOf(tag.name) === digest))),
      )
      .map((artifact) => artifact.digest);
  }

  /** An index of the repository, not deleted, that lists `digest`; null when none does. */
  private remainingParent(digest: string): string | null {
    for (const artifact of this.byDigest.values()) {
      if (!this.gone.has(artifact.digest) && isIndex(artifact) && artifact.childDigests.includes(digest)) {
        return artifact.digest;
      }
    }
    return null;
  }
}

/** Harbor's task log table: one row per candidate with its tags, times and what retention does. */
function logTable(
  log: TaskLog,
  decisions: readonly ArtifactDecision[],
  outcome: ReadonlyMap<ArtifactDecision, string>,
  dryRun: boolean,
): void {
  const header = ['Digest', 'Tag', 'Kind', 'Labels', 'PushedTime', 'PulledTime', 'CreatedTime', 'Retention'];
  const rows = decisions.map((d) => {
    const mark = outcome.get(d) ?? d.mark;
    let retention: string = mark === 'ERR' ? 'ERR' : d.mark;
    if (d.mark === 'UNTAG' && mark !== 'ERR') retention = `UNTAG ${d.removeTags.join(',')}`;
    if (d.mark === 'IMMUTABLE') retention = `IMMUTABLE ${d.immutable.map((entry) => entry.tag).join(',')}`;
    if (mark === 'UNTAG' && d.mark === 'DEL') retention = 'UNTAG (listed by an index)';
    return [
      d.artifact.digest,
      d.artifact.tags.map((tag) => tag.name).join(','),
      'image',
      d.artifact.labels.join(','),
      time(d.pushedAt),
      time(d.pulledAt),
      time(d.artifact.pushedAt.getTime()),
      retention,
    ];
  });
  if (dryRun) log.info('Dry run: nothing is deleted; DEL and UNTAG rows show what a real run removes');
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  log.info(line(header));
  log.info(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) log.info(line(row));
  for (const d of decisions) {
    for (const entry of d.immutable) log.info(`${d.artifact.digest}: tag ${entry.tag} kept by ${entry.rule}`);
  }
}

function time(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The payload's rules, checked again: a payload the processor cannot trust fails the task at once. */
function parseRules(values: readonly unknown[]): RetentionRule[] {
  try {
    return validateRetentionRules(values.map(asRule));
  } catch (error) {
    throw new PermanentJobError(`invalid retention rules in the task: ${messageOf(error)}`);
  }
}

function asRule(value: unknown): RetentionRule {
  const rule = value as Partial<RetentionRule> | null;
  if (
    typeof rule !== 'object' ||
    rule === null ||
    typeof rule.id !== 'number' ||
    typeof rule.priority !== 'number' ||
    typeof rule.disabled !== 'boolean' ||
    typeof rule.action !== 'string' ||
    typeof rule.template !== 'string' ||
    typeof rule.params !== 'object' ||
    rule.params === null ||
    !Array.isArray(rule.tagSelectors) ||
    typeof rule.scopeSelectors !== 'object' ||
    rule.scopeSelectors === null ||
    typeof rule.perTag !== 'boolean'
  ) {
    throw new InvalidRuleError('a rule is not shaped as a retention rule');
  }
  rule.tagSelectors.forEach(asSelector);
  Object.values(rule.scopeSelectors).forEach((list) => {
    if (!Array.isArray(list)) throw new InvalidRuleError('scope selectors must be lists');
    list.forEach(asSelector);
  });
  return rule as RetentionRule;
}

function asSelector(value: unknown): Selector {
  const selector = value as Partial<Selector> | null;
  if (
    typeof selector !== 'object' ||
    selector === null ||
    typeof selector.kind !== 'string' ||
    typeof selector.decoration !== 'string' ||
    typeof selector.pattern !== 'string' ||
    typeof selector.extras !== 'string'
  ) {
    throw new InvalidRuleError('a selector is not shaped as a selector');
  }
  return selector as Selector;
}
