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
} from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { Page } from '../system/harbor-listing.js';
import { LabelCreate, LabelUpdate, ListLabelsQuery, ZLabel, ZLabelId, type LabelDto } from './label.dto.js';

const labelId = new ZodValidationPipe(ZLabelId);
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
  @ApiOperation({ operationId: 'ListLabels' })
  @PagedResponse(ZLabel)
  listLabels(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListLabelsQuery,
  ): Promise<Page<LabelDto>> {
    return this.labels.list(principal, query);
  }

  @Post()
  @HttpCode(201)
  @Access({ scope: 'public' })
  @ApiOperation({ operationId: 'CreateLabel' })
  @ApiResult(null, { status: 201 })
  async createLabel(
    @CurrentPrincipal() principal: Principal,
    @Body() body: LabelCreate,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = await this.labels.create(principal, body);
    void reply.header('Location', `/api/v2.0/labels/${id}`);
  }

  @Get(':label_id')
  @Access({ scope: 'public' })
  @ApiOperation({ operationId: 'GetLabelByID' })
  @ApiResult(ZLabel)
  getLabelByID(
    @CurrentPrincipal() principal: Principal,
    @Param('label_id', labelId) id: bigint,
  ): Promise<LabelDto> {
    return this.labels.get(principal, id);
  }

  @Put(':label_id')
  @Access({ scope: 'public' })
  @ApiOperation({ operationId: 'UpdateLabel' })
  @ApiResult(null)
  updateLabel(
    @CurrentPrincipal() principal: Principal,
    @Param('label_id', labelId) id: bigint,
    @Body() body: LabelUpdate,
  ): Promise<void> {
    return this.labels.update(principal, id, body);
  }

  @Delete(':label_id')
  @Access({ scope: 'public' })
  @ApiOperation({ operationId: 'DeleteLabel' })
  @ApiResult(null)
  deleteLabel(
    @CurrentPrincipal() principal: Principal,
    @Param('label_id', labelId) id: bigint,
  ): Promise<void> {
    return this.labels.delete(principal, id);
  }
}
