import {
  Body,
  Controller,
  Delete,
  Get,
  Inject,
  Ip,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action } from '../rbac/rbac-policy.js';
import { ZodValidationPipe } from '../token/zod-validation.pipe.js';
import {
  ZCreateRobotRequest,
  ZListRobotsQuery,
  ZRefreshRobotSecretRequest,
  ZUpdateRobotRequest,
  type RobotCreatedDto,
  type RobotDto,
  type RobotSecretDto,
  type TCreateRobotRequest,
  type TListRobotsQuery,
  type TRefreshRobotSecretRequest,
  type TUpdateRobotRequest,
} from './robot.dto.js';
import { RobotService } from './robot.service.js';
import { setPageHeaders } from './pagination.js';

/**
 * Harbor's `/robots`. Whether a call is allowed depends on the robot's level and project: for a
 * robot the route names, the guard's `robot` rule decides; listing and creating name theirs in the
 * query or body, so the guard only requires a signed-in caller there and RobotService checks the
 * system's or the project's `robot` permission.
 */
@Controller('api/v2.0/robots')
export class RobotController {
  constructor(@Inject(RobotService) private readonly robots: RobotService) {}

  @Get()
  @Access({ scope: 'authenticated' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(ZListRobotsQuery, 'query')) query: TListRobotsQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RobotDto[]> {
    const page = await this.robots.list(principal, query);
    setPageHeaders(request, reply, page);
    return page.items;
  }

  @Post()
  @Access({ scope: 'authenticated' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(ZCreateRobotRequest, 'robot')) body: TCreateRobotRequest,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RobotCreatedDto> {
    const created = await this.robots.create(principal, body, clientIp);
    reply.header('Location', `/api/v2.0/robots/${created.id}`);
    return created;
  }

  @Get(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Read })
  get(@Param('robot_id') id: string): Promise<RobotDto> {
    return this.robots.get(id);
  }

  @Put(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Update })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('robot_id') id: string,
    @Body(new ZodValidationPipe(ZUpdateRobotRequest, 'robot')) body: TUpdateRobotRequest,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.robots.update(principal, id, body, clientIp);
  }

  @Patch(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Update })
  refreshSecret(
    @CurrentPrincipal() principal: Principal,
    @Param('robot_id') id: string,
    @Body(new ZodValidationPipe(ZRefreshRobotSecretRequest, 'robot secret')) body: TRefreshRobotSecretRequest,
    @Ip() clientIp: string,
  ): Promise<RobotSecretDto> {
    return this.robots.refreshSecret(principal, id, body, clientIp);
  }

  @Delete(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Delete })
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('robot_id') id: string,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.robots.delete(principal, id, clientIp);
  }
}
