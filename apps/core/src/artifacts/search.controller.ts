import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { Access, CurrentPrincipal } from '../rbac/access.decorator.js';
import { parseOrBadRequest } from './harbor-query.js';
import { ZSearchQuery, type SearchDto } from './search.dto.js';
import { SearchService } from './search.service.js';

@Controller('api/v2.0')
export class SearchController {
  constructor(@Inject(SearchService) private readonly searches: SearchService) {}

  /** Harbor's `search`: anyone may search; the answer holds only what the caller may see. */
  @Get('search')
  @Access({ scope: 'public' })
  search(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<SearchDto> {
    return this.searches.search(principal, parseOrBadRequest(ZSearchQuery, query, 'query'));
  }
}
