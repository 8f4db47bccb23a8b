import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { PageHeadersInterceptor as HarborPageInterceptor } from '../common/paging.js';
import type { Page } from '../system/harbor-listing.js';
import { ZodValidationPipe } from '../system/zod-validation.pipe.js';
import {
  ZCreateLabelRequest,
  ZLabelId,
  ZListLabelsQuery,
  ZUpdateLabelRequest,
  type LabelDto,
  type TCreateLabelRequest,
  type TListLabelsQuery,
  type TUpdateLabelRequest,
} from './label.dto.js';
import { LabelService } from './label.service.js';

/**
 * Harbor's `/labels`. Which permission applies depends on the label's scope (system `label` for
 * global labels, the project's `label` for project labels), so LabelService checks it per call.
 */
@Controller('api/v2.0/labels')
export class LabelController {
  constructor(@Inject(LabelService) private readonly labels: LabelService) {}

  @Get()
  @Access({ scope: 'public' })
  @UseInterceptors(HarborPageInterceptor)
  listLabels(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(ZListLabelsQuery, 'query')) query: TListLabelsQuery,
  ): Promise<Page<LabelDto>> {
    return this.labels.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Access({ scope: 'public' })
  async createLabel(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(ZCreateLabelRequest, 'request body')) body: TCreateLabelRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = await this.labels.create(principal, body);
    void reply.header('Location', `/api/v2.0/labels/${id}`);
  }

  @Get(':label_id')
  @Access({ scope: 'public' })
  getLabelByID(
    @CurrentPrincipal() principal: Principal,
    @Param('label_id', new ZodValidationPipe(ZLabelId, 'label id')) id: bigint,
  ): Promise<LabelDto> {
    return this.labels.get(principal, id);
  }

  @Put(':label_id')
  @Access({ scope: 'public' })
  updateLabel(
    @CurrentPrincipal() principal: Principal,
    @Param('label_id', new ZodValidationPipe(ZLabelId, 'label id')) id: bigint,
    @Body(new ZodValidationPipe(ZUpdateLabelRequest, 'request body')) body: TUpdateLabelRequest,
  ): Promise<void> {
    return this.labels.update(principal, id, body);
  }

  @Delete(':label_id')
  @Access({ scope: 'public' })
  deleteLabel(
    @CurrentPrincipal() principal: Principal,
    @Param('label_id', new ZodValidationPipe(ZLabelId, 'label id')) id: bigint,
  ): Promise<void> {
    return this.labels.delete(principal, id);
  }
}
