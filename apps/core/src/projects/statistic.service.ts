import { Inject, Injectable } from '@nestjs/common';
import { StatisticsRepository } from '@berth/db';
import type { Principal } from '../auth/principal.js';
import { AccessControlService } from '../rbac/access-control.service.js';
import { Action, SystemResource } from '../rbac/rbac-policy.js';
import type { StatisticDto } from './project.dto.js';

/**
 * Harbor's statistic: public projects and repositories count for everyone; private ones only where
 * the caller is a member; totals and storage for those holding the system statistic permission.
 * Storage is counted as quotas count it (blobs and manifests), each stored object once.
 */
@Injectable()
export class StatisticService {
  constructor(
    @Inject(StatisticsRepository) private readonly statistics: StatisticsRepository,
    @Inject(AccessControlService) private readonly access: AccessControlService,
  ) {}

  async statistic(principal: Principal): Promise<StatisticDto> {
    const admin = await this.access.canSystem(principal, SystemResource.Statistic, Action.Read);
    const counts = await this.statistics.projectCounts(
      admin ? 'everything' : principal.kind === 'user' ? principal.id : null,
    );
    const statistic: StatisticDto = {
      private_project_count: counts.privateProjects,
      private_repo_count: counts.privateRepositories,
      public_project_count: counts.publicProjects,
      public_repo_count: counts.publicRepositories,
      total_project_count: 0,
      total_repo_count: 0,
    };
    if (admin) {
      statistic.total_project_count = statistic.public_project_count + statistic.private_project_count;
      statistic.total_repo_count = statistic.public_repo_count + statistic.private_repo_count;
      // Harbor's total is the size of every distinct stored object, manifests included (Harbor
      // keeps manifests in its blob table), as a project's quota counts them: once each, however
      // many repositories or projects share it. Berth keeps manifests apart from blobs.
      statistic.total_storage_consumption = Number(await this.statistics.storedBytes());
    }
    return statistic;
  }
}
