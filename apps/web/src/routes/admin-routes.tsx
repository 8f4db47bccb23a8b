import { Navigate, type RouteObject } from 'react-router';
import { AdminLayout } from '../pages/admin/admin-layout';
import { AuditLogPage } from '../pages/admin/audit-log-page';
import { CleanupPage } from '../pages/admin/cleanup-page';
import { ConfigurationPage } from '../pages/admin/configuration-page';
import { GroupsPage } from '../pages/admin/groups-page';
import { JobServicePage } from '../pages/admin/job-service-page';
import { LabelsPage } from '../pages/admin/labels-page';
import { QuotasPage } from '../pages/admin/quotas-page';
import { RobotsPage } from '../pages/admin/robots-page';
import { UsersPage } from '../pages/admin/users-page';

/** The administration pages, below the signed-in layout; the layout turns non-administrators away. */
export const adminRoutes: RouteObject[] = [
  {
    path: 'admin',
    element: <AdminLayout />,
    children: [
      { index: true, element: <Navigate to="users" replace /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'groups', element: <GroupsPage /> },
      { path: 'robots', element: <RobotsPage /> },
      { path: 'labels', element: <LabelsPage /> },
      { path: 'quotas', element: <QuotasPage /> },
      { path: 'audit-logs', element: <AuditLogPage /> },
      { path: 'configuration', element: <ConfigurationPage /> },
      { path: 'job-service', element: <JobServicePage /> },
      { path: 'clean-up', element: <CleanupPage /> },
      // The charts (recharts) load only when someone opens this page.
      {
        path: 'system',
        lazy: async () => ({ Component: (await import('../pages/admin/system-page')).SystemPage }),
      },
    ],
  },
];
