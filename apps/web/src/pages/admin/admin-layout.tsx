import { Alert, Stack, Tabs, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useClient } from '../../api/client';
import { currentUserQuery } from '../../api/session';
import { usePageTitle } from '../../components/page-title';
import { LoadingState } from '../../components/states';

export const ADMIN_SECTIONS = [
  'users',
  'groups',
  'robots',
  'labels',
  'quotas',
  'audit-logs',
  'configuration',
  'job-service',
  'clean-up',
  'system',
] as const;
type Section = (typeof ADMIN_SECTIONS)[number];

const LABELS: Record<Section, string> = {
  users: 'admin.users',
  groups: 'adminSections.groups',
  robots: 'adminSections.robots',
  labels: 'adminSections.labels',
  quotas: 'adminSections.quotas',
  'audit-logs': 'admin.auditLog',
  configuration: 'admin.configuration',
  'job-service': 'jobService.tab',
  'clean-up': 'cleanup.tab',
  system: 'admin.system',
};

/**
 * The administration area: only system administrators get past it (the API refuses everyone else
 * anyway; this only spares them a page of errors).
 */
export function AdminLayout() {
  const { t } = useTranslation();
  const client = useClient();
  const user = useQuery(currentUserQuery(client));
  const location = useLocation();
  const navigate = useNavigate();
  const section = ADMIN_SECTIONS.find((name) => location.pathname.startsWith(`/admin/${name}`)) ?? 'users';
  const allowed = user.data?.sysadmin_flag ?? false;
  usePageTitle(user.isPending ? null : [allowed ? t(LABELS[section]) : null, t('admin.title')]);
  if (user.isPending) return <LoadingState />;
  if (!allowed) {
    return (
      <Alert color="yellow" role="alert" title={t('admin.title')}>
        {t('admin.forbidden')}
      </Alert>
    );
  }
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('admin.title')}
      </Title>
      <Tabs value={section} onChange={(value) => value && void navigate(`/admin/${value}`)}>
        <Tabs.List aria-label={t('admin.title')}>
          {ADMIN_SECTIONS.map((name) => (
            <Tabs.Tab key={name} value={name}>
              {t(LABELS[name])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}
