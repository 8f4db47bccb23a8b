import type { RouteObject } from 'react-router';

/** The administration pages, below the signed-in layout. */
export const adminRoutes: RouteObject[] = [];
