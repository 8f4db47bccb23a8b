import { Anchor, Badge, Breadcrumbs, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useClient } from '../api/client';
import { projectQuery } from '../api/projects';
import { permissionsQuery } from '../api/session';
import { usePageTitle } from '../components/page-title';
import { ErrorState, LoadingState } from '../components/states';
import { DeleteProjectDialog } from './delete-project-dialog';
import type { ProjectContext } from './project/project-context';

/** The project's sections, in tab order; `need` is the permission that makes the tab useful. */
export const PROJECT_TABS = [
  { path: '', key: 'summary', need: null },
  { path: 'repositories', key: 'repositories', need: 'repository:list' },
  { path: 'artifacts', key: 'artifacts', need: 'artifact:list' },
  { path: 'members', key: 'members', need: 'member:list' },
  { path: 'robots', key: 'robots', need: 'robot:list' },
  { path: 'labels', key: 'labels', need: 'label:list' },
  { path: 'policy', key: 'policy', need: 'tag-retention:read' },
  { path: 'webhooks', key: 'webhooks', need: 'notification-policy:list' },
  { path: 'logs', key: 'logs', need: 'log:list' },
  { path: 'configuration', key: 'configuration', need: 'configuration:read' },
] as const;

const TABS_ID = 'project-tabs';

/** A project's header and tabs; the selected tab renders below from the nested route. */
export function ProjectPage() {
  const { t } = useTranslation();
  const client = useClient();
  const navigate = useNavigate();
  const location = useLocation();
  const { projectId = '' } = useParams();
  const project = useQuery(projectQuery(client, projectId));
  const permissions = useQuery(permissionsQuery(client, `/project/${projectId}`));
  const [deleting, { open: openDelete, close: closeDelete }] = useDisclosure(false);
  const base = `/projects/${projectId}`;
  const section = location.pathname.slice(base.length).split('/').filter(Boolean)[0] ?? '';
  // Mantine tabs need a non-empty value, so tabs are told apart by key, not by path.
  const current = PROJECT_TABS.find((tab) => tab.path === section)?.key ?? null;
  // The summary is the project itself; another tab is named before the project.
  usePageTitle(
    project.data
      ? [current && current !== 'summary' ? t(`projectTabs.${current}`) : null, project.data.name]
      : null,
  );

  if (project.isPending || permissions.isPending) return <LoadingState />;
  if (project.isError)
    return (
      <ErrorState
        error={project.error}
        onRetry={() => void project.refetch()}
        notFound={{
          title: t('missing.projectTitle'),
          message: t('missing.project', { project: projectId }),
          backTo: '/projects',
          backLabel: t('missing.back'),
        }}
      />
    );
  if (permissions.isError)
    return <ErrorState error={permissions.error} onRetry={() => void permissions.refetch()} />;

  const tabs = PROJECT_TABS.filter((tab) => tab.need === null || permissions.data.has(tab.need));
  const projectName = project.data.name ?? '';
  const isPublic = project.data.metadata?.public === 'true';
  const context: ProjectContext = { projectId, project: project.data, permissions: permissions.data };

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/projects">
          {t('project.back')}
        </Anchor>
        <Text>{projectName}</Text>
      </Breadcrumbs>
      <Group justify="space-between">
        <Group>
          <Title order={1} size="h2">
            {projectName}
          </Title>
          <Badge variant="light" color={isPublic ? 'teal' : 'gray'}>
            {isPublic ? t('projects.public') : t('projects.private')}
          </Badge>
        </Group>
        {permissions.data.has('project:delete') && (
          <Button variant="light" color="red" onClick={openDelete}>
            {t('projectDeletion.action')}
          </Button>
        )}
      </Group>
      <DeleteProjectDialog
        opened={deleting}
        projectId={projectId}
        projectName={projectName}
        onClose={closeDelete}
        onDeleted={() => void navigate('/projects', { replace: true })}
      />
      <Tabs
        id={TABS_ID}
        value={current}
        onChange={(value) => {
          const path = PROJECT_TABS.find((tab) => tab.key === value)?.path;
          if (path !== undefined) void navigate(path ? `${base}/${path}` : base);
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label={t('projectTabs.label')}>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.key} value={tab.key} data-testid={`tab-${tab.key}`}>
              {t(`projectTabs.${tab.key}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {/* The routed tab is the panel the selected tab controls (Mantine's id scheme). */}
      <div
        role="tabpanel"
        id={current ? `${TABS_ID}-panel-${current}` : undefined}
        aria-labelledby={current ? `${TABS_ID}-tab-${current}` : undefined}
      >
        <Outlet context={context} />
      </div>
    </Stack>
  );
}
