import { HarborError } from '../common/harbor-error.js';

export interface RobotFilter {
  level?: 'system' | 'project';
  projectId?: bigint;
  /** Exact name, or a substring when `fuzzy`. */
  name?: { value: string; fuzzy: boolean };
}

export type RobotSortKey = 'id' | 'name' | 'creationTime' | 'updateTime' | 'expiresAt';
export interface RobotSort {
  key: RobotSortKey;
  descending: boolean;
}

const SORT_KEYS: Record<string, RobotSortKey> = {
  id: 'id',
  name: 'name',
  creation_time: 'creationTime',
  update_time: 'updateTime',
  expires_at: 'expiresAt',
};

/**
 * Harbor's `q` for robots: `Level=project,ProjectID=3` (keys case-insensitive, `project_id` too),
 * and `name=exact` or `name=~part`. Ranges and sets are not meaningful here and are refused.
 */
export function parseRobotQuery(q: string | undefined): RobotFilter {
  const filter: RobotFilter = {};
  if (!q) return filter;
  for (const part of q.split(',')) {
    const term = part.trim();
    if (!term) continue;
    const eq = term.indexOf('=');
    if (eq <= 0)
      throw HarborError.badRequest(`invalid query term "${term.slice(0, 100)}": expected key=value`);
    const key = term.slice(0, eq).trim().toLowerCase().replaceAll('_', '');
    let value = term.slice(eq + 1).trim();
    const fuzzy = value.startsWith('~');
    if (fuzzy) value = value.slice(1);
    if (/^[[({]/.test(value)) throw HarborError.badRequest(`query key ${key} takes a single value`);
    switch (key) {
      case 'level':
        if (value !== 'system' && value !== 'project') {
          throw HarborError.badRequest(`bad level "${value.slice(0, 100)}": expected system or project`);
        }
        filter.level = value;
        break;
      case 'projectid':
        if (!/^\d{1,18}$/.test(value)) throw HarborError.badRequest('ProjectID must be an integer');
        filter.projectId = BigInt(value);
        break;
      case 'name':
        filter.name = { value, fuzzy };
        break;
      default:
        throw HarborError.badRequest(`unsupported query key "${term.slice(0, eq).slice(0, 100)}" for robots`);
    }
  }
  return filter;
}

export function parseRobotSort(sort: string | undefined): RobotSort[] {
  if (!sort) return [{ key: 'id', descending: false }];
  return sort.split(',').map((raw) => {
    const term = raw.trim();
    const descending = term.startsWith('-');
    const key = SORT_KEYS[descending ? term.slice(1) : term];
    if (!key) throw HarborError.badRequest(`cannot sort robots by "${term.slice(0, 100)}"`);
    return { key, descending };
  });
}
