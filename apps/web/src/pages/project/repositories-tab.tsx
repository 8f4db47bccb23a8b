import { Anchor, Group, Table, TextInput, Title, Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient } from '../../api/client';
import { repositoryListQuery, shortRepositoryName } from '../../api/repositories';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import type { ProjectContext } from './project-context';

const PAGE_SIZE = 10;

export function RepositoriesTab({ projectId, project }: ProjectContext) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [name] = useDebouncedValue(search.trim(), 250);
  const projectName = project.name ?? '';
  const repositories = useQuery({
    ...repositoryListQuery(client, projectName, { page, pageSize: PAGE_SIZE, name }),
    enabled: projectName !== '',
  });

  return (
    <Stack>
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
