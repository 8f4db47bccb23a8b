import {
  Anchor,
  Badge,
  Breadcrumbs,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useClient } from '../api/client';
import { projectQuery, projectSummaryQuery } from '../api/projects';
import { repositoryListQuery, shortRepositoryName } from '../api/repositories';
import { permissionsQuery } from '../api/session';
import { CopyButton } from '../components/copy-button';
import { formatDate } from '../components/format';
import { Pager } from '../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../components/states';
import { UsageBar } from '../components/usage-bar';

const PAGE_SIZE = 10;

export function ProjectPage() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const { projectId = '' } = useParams();
  const project = useQuery(projectQuery(client, projectId));
  const summary = useQuery(projectSummaryQuery(client, projectId));
  const permissions = useQuery(permissionsQuery(client, `/project/${projectId}`));
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [name] = useDebouncedValue(search.trim(), 250);
  const projectName = project.data?.name ?? '';
  const repositories = useQuery({
    ...repositoryListQuery(client, projectName, { page, pageSize: PAGE_SIZE, name }),
    enabled: projectName !== '',
  });

  if (project.isPending) return <LoadingState />;
  if (project.isError) return <ErrorState error={project.error} onRetry={() => void project.refetch()} />;

  const canPush = permissions.data?.has('repository:push') ?? false;
  const host = window.location.host;
  const members = summary.data
    ? (summary.data.project_admin_count ?? 0) +
      (summary.data.maintainer_count ?? 0) +
      (summary.data.developer_count ?? 0) +
      (summary.data.guest_count ?? 0) +
      (summary.data.limited_guest_count ?? 0)
    : null;
  const isPublic = project.data.metadata?.public === 'true';

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/projects">
          {t('project.back')}
        </Anchor>
        <Text>{projectName}</Text>
      </Breadcrumbs>
      <Group>
        <Title order={1} size="h2">
          {projectName}
        </Title>
        <Badge variant="light" color={isPublic ? 'teal' : 'gray'}>
          {isPublic ? t('projects.public') : t('projects.private')}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('project.repositoryCount')}
          </Text>
          <Text size="xl" fw={700} data-testid="summary-repositories">
            {summary.data?.repo_count ?? '—'}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            {t('project.members')}
          </Text>
          <Text size="xl" fw={700}>
            {members ?? '—'}
          </Text>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed" mb={4}>
            {t('project.quotaUsed')}
          </Text>
          {summary.data?.quota ? (
            <UsageBar
              label={t('project.quotaUsed')}
              used={summary.data.quota.used?.storage ?? 0}
              limit={summary.data.quota.hard?.storage ?? -1}
            />
          ) : (
            <Text>—</Text>
          )}
        </Card>
      </SimpleGrid>
      {canPush && (
        <Group gap="xs" data-testid="push-hint">
          <Text size="sm">{t('project.pushHint')}:</Text>
          <Code>{`docker push ${host}/${projectName}/REPOSITORY[:TAG]`}</Code>
          <CopyButton
            value={`docker push ${host}/${projectName}/REPOSITORY[:TAG]`}
            label={t('project.pushHint')}
          />
        </Group>
      )}
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('project.repositories')}
        </Title>
        <TextInput
          aria-label={t('common.search')}
          placeholder={t('project.searchPlaceholder')}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
          w={260}
        />
      </Group>
      {repositories.isPending ? (
        <LoadingState />
      ) : repositories.isError ? (
        <ErrorState error={repositories.error} onRetry={() => void repositories.refetch()} />
      ) : repositories.data.items.length === 0 ? (
        <EmptyState>{t('project.emptyRepositories')}</EmptyState>
      ) : (
        <>
          <Table striped highlightOnHover aria-label={t('project.repositories')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('project.name')}</Table.Th>
                <Table.Th>{t('project.artifacts')}</Table.Th>
                <Table.Th>{t('project.pulls')}</Table.Th>
                <Table.Th>{t('project.updated')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {repositories.data.items.map((repository) => {
                const short = shortRepositoryName(projectName, repository.name ?? '');
                return (
                  <Table.Tr key={repository.id ?? repository.name}>
                    <Table.Td>
                      <Anchor component={Link} to={`/projects/${projectId}/repositories/${short}`}>
                        {repository.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{repository.artifact_count ?? 0}</Table.Td>
                    <Table.Td>{repository.pull_count ?? 0}</Table.Td>
                    <Table.Td>{formatDate(repository.update_time, i18n.language)}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={repositories.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}
