import { Anchor, Card, Code, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Schema } from '@berth/api-client';
import { useClient } from '../../api/client';
import { PROJECT_ROLES, type ProjectRoleName } from '../../api/members';
import { projectSummaryQuery } from '../../api/projects';
import { recentRepositoriesQuery } from '../../api/project-summary';
import { shortRepositoryName } from '../../api/repositories';
import { CopyButton } from '../../components/copy-button';
import { formatDate } from '../../components/format';
import { ErrorState, LoadingState } from '../../components/states';
import { UsageBar } from '../../components/usage-bar';
import type { ProjectContext } from './project-context';

const ROLE_COUNT: Record<ProjectRoleName, keyof Schema<'ProjectSummary'>> = {
  projectAdmin: 'project_admin_count',
  maintainer: 'maintainer_count',
  developer: 'developer_count',
  guest: 'guest_count',
  limitedGuest: 'limited_guest_count',
};

/** `docker tag` and `docker push` for this project, as the push hint shows them. */
export function pushCommands(host: string, project: string) {
  return {
    tag: `docker tag SOURCE_IMAGE[:TAG] ${host}/${project}/REPOSITORY[:TAG]`,
    push: `docker push ${host}/${project}/REPOSITORY[:TAG]`,
  };
}

export function SummaryTab({ projectId, project, permissions }: ProjectContext) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const summary = useQuery(projectSummaryQuery(client, projectId));
  const projectName = project.name ?? '';
  const recent = useQuery({
    ...recentRepositoriesQuery(client, projectName, 5),
    enabled: projectName !== '' && permissions.has('repository:list'),
  });
  const host = window.location.host;
  const commands = pushCommands(host, projectName);

  if (summary.isPending) return <LoadingState />;
  if (summary.isError) return <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />;

  const roles = PROJECT_ROLES.map((role) => ({
    name: role.name,
    count: Number(summary.data[ROLE_COUNT[role.name]] ?? 0),
  }));
  const memberTotal = roles.reduce((sum, role) => sum + role.count, 0);
  const isPublic = project.metadata?.public === 'true';

  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('project.repositoryCount')}
          </Text>
          <Text size="xl" fw={700} data-testid="summary-repositories">
            {summary.data.repo_count ?? 0}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('project.access')}
          </Text>
          <Text size="xl" fw={700} data-testid="summary-access">
            {isPublic ? t('projects.public') : t('projects.private')}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed" mb={4}>
            {t('project.quotaUsed')}
          </Text>
          {summary.data.quota ? (
            <UsageBar
              label={t('project.quotaUsed')}
              used={summary.data.quota.used?.storage ?? 0}
              limit={summary.data.quota.hard?.storage ?? -1}
            />
          ) : (
            <Text>—</Text>
          )}
        </Card>
        <Card withBorder data-testid="summary-members">
          <Text size="sm" c="dimmed" mb={4}>
            {t('projectSummary.membersByRole')}
          </Text>
          {memberTotal === 0 ? (
            <Text size="sm">{t('projectSummary.noMembers')}</Text>
          ) : (
            <Stack gap={4}>
              {roles
                .filter((role) => role.count > 0)
                .map((role) => (
                  <div key={role.name}>
                    <Group justify="space-between" gap="xs">
                      <Text size="sm">{t(`roles.${role.name}`)}</Text>
                      <Text size="sm" fw={700}>
                        {role.count}
                      </Text>
                    </Group>
                    <Progress
                      value={(role.count / memberTotal) * 100}
                      size="xs"
                      aria-label={`${t(`roles.${role.name}`)}: ${role.count}`}
                    />
                  </div>
                ))}
            </Stack>
          )}
        </Card>
      </SimpleGrid>
      {permissions.has('repository:push') && (
        <Card withBorder data-testid="push-hint">
          <Title order={2} size="h4" mb="xs">
            {t('projectSummary.pushTitle')}
          </Title>
          <Text size="sm" mb="xs">
            {t('projectSummary.pushHelp', { host })}
          </Text>
          <Stack gap="xs">
            <Group gap="xs" wrap="nowrap">
              <Code style={{ overflowX: 'auto' }}>{commands.tag}</Code>
              <CopyButton value={commands.tag} label={t('projectSummary.copyTag')} />
            </Group>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ overflowX: 'auto' }}>{commands.push}</Code>
              <CopyButton value={commands.push} label={t('projectSummary.copyPush')} />
            </Group>
          </Stack>
        </Card>
      )}
      {recent.data && recent.data.length > 0 && (
        <Card withBorder>
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">
              {t('projectSummary.recentRepositories')}
            </Title>
            <Anchor component={Link} to={`/projects/${projectId}/repositories`} size="sm">
              {t('projectSummary.allRepositories')}
            </Anchor>
          </Group>
          <Table aria-label={t('projectSummary.recentRepositories')}>
            <Table.Tbody>
              {recent.data.map((repository) => (
                <Table.Tr key={repository.id ?? repository.name}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/projects/${projectId}/repositories/${shortRepositoryName(projectName, repository.name ?? '')}`}
                    >
                      {repository.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {t('project.artifacts')}: {repository.artifact_count ?? 0}
                  </Table.Td>
                  <Table.Td>{formatDate(repository.update_time, i18n.language)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}
