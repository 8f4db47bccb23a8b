import type { RouteObject } from 'react-router';
import { SearchPage } from '../pages/search/search-page';

/** The global search's results, below the signed-in layout; the query is in `?q=`. */
export const searchRoutes: RouteObject[] = [{ path: 'search', element: <SearchPage /> }];
