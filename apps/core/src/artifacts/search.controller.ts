import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiResult } from '../common/openapi.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { SearchQuery, ZSearch, type SearchDto } from './search.dto.js';
import { SearchService } from './search.service.js';

@Controller('api/v2.0')
export class SearchController {
  constructor(@Inject(SearchService) private readonly searches: SearchService) {}

  /** Harbor's `search`: anyone may search; the answer holds only what the caller may see. */
  @Get('search')
  @Access({ scope: 'public' })
  @ApiResult(ZSearch)
  search(@CurrentPrincipal() principal: Principal, @Query() query: SearchQuery): Promise<SearchDto> {
    return this.searches.search(principal, query);
  }
}
