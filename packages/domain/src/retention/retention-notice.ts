import type { ExecutionFinalHook, OutboxRepository, RetentionRule, TaskRepository } from '@berth/db';
import { tagRetentionNotice, type RetainedArtifactChange } from '../webhooks/webhook-notices.js';
import type { DeletedArtifactRecord } from './retention.processor.js';
import { projectOf } from './selectors.js';

export interface RetentionNoticeDeps {
  tasks: TaskRepository;
  outbox: OutboxRepository;
  /** `host[:port]` the registry is reached at (`BERTH_EXTERNAL_URL`), or '' when unknown. */
  registryHost: string;
}

/**
 * Harbor's TAG_RETENTION webhook: one notice per retention run, when the run ends, in the
 * transaction that makes it final, so it goes exactly once. As Harbor, none for a dry run or a run
 * that deleted nothing; the counts and the deleted artifacts are the sum of the run's tasks.
 */
export function retentionFinalHook(deps: RetentionNoticeDeps): ExecutionFinalHook {
  return async (tx, execution) => {
    if (execution.extraAttrs.dry_run === true) return;
    const tasks = await deps.tasks.allOfExecution(execution.id, tx);
    const deleted = tasks.flatMap((task) => deletedRecords(task.extraAttrs.deleted_artifacts));
    if (deleted.length === 0) return;
    const repository = tasks.map((task) => repositoryOf(task.payload)).find((name) => name !== null);
    if (!repository) return;
    const rules = new Map<number, RetentionRule>();
    for (const task of tasks) for (const rule of rulesOf(task.payload)) rules.set(rule.id, rule);
    const count = (key: string) =>
      tasks.reduce(
        (sum, task) => sum + (typeof task.extraAttrs[key] === 'number' ? task.extraAttrs[key] : 0),
        0,
      );
    const operator = execution.extraAttrs.operator;
    await deps.outbox.append(tx, [
      tagRetentionNotice({
        projectName: projectOf(repository),
        policyId: execution.vendorId,
        operator: typeof operator === 'string' && operator ? operator : execution.trigger.toLowerCase(),
        total: count('total'),
        retained: count('retained'),
        status: execution.status === 'Success' ? 'SUCCESS' : 'FAILED',
        deleted: deleted.map((record): RetainedArtifactChange => ({
          repository: record.repository,
          digest: record.digest,
          ...(record.tag ? { tag: record.tag } : {}),
        })),
        rules: [...rules.values()].map(wireRule),
        registryHost: deps.registryHost,
      }),
    ]);
  };
}

function deletedRecords(value: unknown): DeletedArtifactRecord[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (record): record is DeletedArtifactRecord =>
      typeof record === 'object' &&
      record !== null &&
      typeof (record as DeletedArtifactRecord).repository === 'string' &&
      typeof (record as DeletedArtifactRecord).digest === 'string',
  );
}

function repositoryOf(payload: unknown): string | null {
  const repository = (payload as { repository?: unknown } | null)?.repository;
  return typeof repository === 'string' ? repository : null;
}

function rulesOf(payload: unknown): RetentionRule[] {
  const rules = (payload as { rules?: unknown } | null)?.rules;
  return Array.isArray(rules) ? (rules as RetentionRule[]) : [];
}

/** A rule in Harbor's wire names, as its webhook payload carries it. */
function wireRule(rule: RetentionRule): Record<string, unknown> {
  const selector = (s: RetentionRule['tagSelectors'][number]) => ({
    kind: s.kind,
    decoration: s.decoration,
    pattern: s.pattern,
    extras: s.extras,
  });
  return {
    id: rule.id,
    priority: rule.priority,
    disabled: rule.disabled,
    action: rule.action,
    template: rule.template,
    params: rule.params,
    tag_selectors: rule.tagSelectors.map(selector),
    scope_selectors: Object.fromEntries(
      Object.entries(rule.scopeSelectors).map(([key, list]) => [key, list.map(selector)]),
    ),
  };
}
