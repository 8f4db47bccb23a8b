/**
 * The API's shared listing conventions (`system/harbor-listing.ts`, which owns the one `q` and
 * `sort` parser), as the repository, artifact and search services import them.
 */
export {
  likeEscape,
  pageRequest,
  parseHarborQuery,
  parseQueryTime,
  parseSort,
  type Page,
  type PageRequest,
  type QuerySpec,
  type QueryTerm,
  type SortKey,
} from '../system/harbor-listing.js';
