import type { RetentionPolicy, RetentionRepository, RetentionRule, Schedule } from '@berth/db';
import type { TRetentionPayload } from '@berth/jobs';
import type { ScheduleLauncher } from '../jobs/scheduler.js';
import type { TriggerTask } from '../jobs/job.service.js';
import { ruleAppliesTo } from './retention-policy.js';
import { repositoryPath } from './selectors.js';

/**
 * The tasks of one retention run (Harbor's launcher): one per repository of the policy's project
 * that at least one enabled rule's repository selectors choose, carrying the rules that apply to it
 * as they are now, so a run applies the policy as it was when it started whatever is edited
 * meanwhile. Repositories no rule chooses are left alone.
 */
export class RetentionLauncher {
  constructor(private readonly retention: RetentionRepository) {}

  async tasksFor(policy: RetentionPolicy, dryRun: boolean): Promise<TriggerTask<TRetentionPayload>[]> {
    const enabled = policy.rules.filter((rule) => !rule.disabled);
    if (enabled.length === 0) return [];
    const tasks: TriggerTask<TRetentionPayload>[] = [];
    for (const repository of await this.retention.repositoryNames(policy.projectId)) {
      const path = repositoryPath(repository);
      const rules: RetentionRule[] = enabled.filter((rule) => ruleAppliesTo(rule, path));
      if (rules.length === 0) continue;
      tasks.push({
        payload: { policyId: Number(policy.id), repository, dryRun, rules },
        // Harbor's task attributes: the repository inside its project, and the run's dry_run.
        extraAttrs: { repository: path, dry_run: dryRun },
      });
    }
    return tasks;
  }

  /** Builds a scheduled run's tasks when it fires (the repositories of that moment). */
  readonly scheduleLauncher: ScheduleLauncher = async (schedule: Schedule) => {
    const policy = await this.retention.findById(schedule.vendorId);
    if (!policy) throw new Error(`retention policy ${schedule.vendorId} no longer exists`);
    return this.tasksFor(policy, false);
  };
}
