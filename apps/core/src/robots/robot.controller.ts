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
  Res,
} from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { PagedResponse } from '../common/paging.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { Action } from '../rbac/rbac-policy.js';
import {
  ListRobotsQuery,
  RobotCreate,
  RobotSecretReq,
  RobotUpdate,
  ZRobot,
  ZRobotCreated,
  ZRobotSec,
  type RobotCreatedDto,
  type RobotDto,
  type RobotPage,
  type RobotSecretDto,
} from './robot.dto.js';
import { RobotService } from './robot.service.js';

/**
 * Harbor's `/robots`. Whether a call is allowed depends on the robot's level and project: for a
 * robot the route names, the guard's `robot` rule decides; listing and creating name theirs in the
 * query or body, so the guard only requires a signed-in caller there and RobotService checks the
 * system's or the project's `robot` permission. `robot_id` is a positive 64-bit integer by the time
 * a handler runs (the request edge checks every id).
 */
@Controller('api/v2.0/robots')
export class RobotController {
  constructor(@Inject(RobotService) private readonly robots: RobotService) {}

  @Get()
  @Access({ scope: 'authenticated' })
  @ApiOperation({ operationId: 'ListRobot' })
  @PagedResponse(ZRobot)
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListRobotsQuery): Promise<RobotPage> {
    return this.robots.list(principal, query);
  }

  @Post()
  @Access({ scope: 'authenticated' })
  @ApiOperation({ operationId: 'CreateRobot' })
  @ApiResult(ZRobotCreated, { status: 201 })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RobotCreate,
    @Ip() clientIp: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RobotCreatedDto> {
    const created = await this.robots.create(principal, body, clientIp);
    reply.header('Location', `/api/v2.0/robots/${created.id}`);
    return created;
  }

  @Get(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Read })
  @ApiOperation({ operationId: 'GetRobotByID' })
  @ApiResult(ZRobot)
  get(@Param('robot_id') id: string): Promise<RobotDto> {
    return this.robots.get(id);
  }

  @Put(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Update })
  @ApiOperation({ operationId: 'UpdateRobot' })
  @ApiResult(null)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('robot_id') id: string,
    @Body() body: RobotUpdate,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.robots.update(principal, id, body, clientIp);
  }

  @Patch(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Update })
  @ApiOperation({ operationId: 'RefreshSec' })
  @ApiResult(ZRobotSec)
  refreshSecret(
    @CurrentPrincipal() principal: Principal,
    @Param('robot_id') id: string,
    @Body() body: RobotSecretReq,
    @Ip() clientIp: string,
  ): Promise<RobotSecretDto> {
    return this.robots.refreshSecret(principal, id, body, clientIp);
  }

  @Delete(':robot_id')
  @Access({ scope: 'robot', param: 'robot_id', action: Action.Delete })
  @ApiOperation({ operationId: 'DeleteRobot' })
  @ApiResult(null)
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('robot_id') id: string,
    @Ip() clientIp: string,
  ): Promise<void> {
    return this.robots.delete(principal, id, clientIp);
  }
}
