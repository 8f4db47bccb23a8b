import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { ImmutableTagPolicyModule } from '../immutability/immutable-tag-policy.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { ArtifactController } from './artifact.controller.js';
import { ArtifactService } from './artifact.service.js';
import { ExtraAttrsBackfillService } from './extra-attrs-backfill.service.js';
import { RepositoryVisibilityService } from './repository-visibility.service.js';
import { RepositoryController } from './repository.controller.js';
import { RepositoryService } from './repository.service.js';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';

/** Repositories, artifacts, tags, artifact labels, accessories, pull statistics and search. */
@Module({
  imports: [DatabaseModule, RegistryModule, ImmutableTagPolicyModule],
  controllers: [RepositoryController, ArtifactController, SearchController],
  providers: [
    RepositoryVisibilityService,
    RepositoryService,
    ArtifactService,
    SearchService,
    ExtraAttrsBackfillService,
  ],
})
export class ArtifactsModule {}
