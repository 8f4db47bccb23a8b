import type { Schema } from '@berth/api-client';
import { Anchor, Badge, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useClient } from '../../api/client';
import { shortRepositoryName } from '../../api/repositories';
import { searchQuery } from '../../api/search';
import { usePageTitle } from '../../components/page-title';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';

const PAGE_SIZE = 10;

/** `/search?q=`: the projects and repositories the header's search box found. */
export function SearchPage() {
  const { t } = useTranslation();
  const client = useClient();
  const [params] = useSearchParams();
  const query = (params.get('q') ?? '').trim();
  const found = useQuery(searchQuery(client, query));
  usePageTitle([query ? t('pageTitle.searchFor', { query }) : t('pageTitle.search')]);

  return (
    <Stack>
      <Title order={1} size="h2">
        {query ? t('globalSearch.resultsFor', { query }) : t('globalSearch.title')}
      </Title>
      {!query ? (
        <EmptyState>{t('globalSearch.prompt')}</EmptyState>
      ) : found.isPending ? (
        <LoadingState />
      ) : found.isError ? (
        <ErrorState error={found.error} onRetry={() => void found.refetch()} />
      ) : found.data.projects.length === 0 && found.data.repositories.length === 0 ? (
        <EmptyState>{t('globalSearch.nothing', { query })}</EmptyState>
      ) : (
        // Keyed by the query so that a new search starts both lists on their first page.
        <Stack key={query} gap="xl">
          <ProjectResults projects={found.data.projects} query={query} />
          <RepositoryResults repositories={found.data.repositories} query={query} />
        </Stack>
      )}
    </Stack>
  );
}

/** The answer is not paged by the API, so a long one is paged here to keep the page readable. */
function usePage<T>(items: T[]) {
  const [page, setPage] = useState(1);
  return { page, setPage, visible: items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE) };
}

function AccessBadge({ isPublic }: { isPublic: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={isPublic ? 'teal' : 'gray'}>
      {isPublic ? t('projects.public') : t('projects.private')}
    </Badge>
  );
}

function ProjectResults({ projects, query }: { projects: Schema<'Search'>['project']; query: string }) {
  const { t } = useTranslation();
  const { page, setPage, visible } = usePage(projects);
  return (
    <section aria-labelledby="search-projects">
      <Title order={2} size="h4" id="search-projects" mb="xs">
        {t('globalSearch.projects')}
      </Title>
      {projects.length === 0 ? (
        <Text c="dimmed">{t('globalSearch.noProjects', { query })}</Text>
      ) : (
        <>
          <Table striped highlightOnHover aria-labelledby="search-projects">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('globalSearch.name')}</Table.Th>
                <Table.Th>{t('globalSearch.access')}</Table.Th>
                <Table.Th>{t('globalSearch.repositoryCount')}</Table.Th>
                <Table.Th>{t('globalSearch.owner')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visible.map((project) => (
                <Table.Tr key={project.project_id} data-testid="search-project">
                  <Table.Td>
                    <Anchor component={Link} to={`/projects/${project.project_id}`}>
                      {project.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <AccessBadge isPublic={project.metadata?.public === 'true'} />
                  </Table.Td>
                  <Table.Td>{project.repo_count ?? 0}</Table.Td>
                  <Table.Td>{project.owner_name || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={projects.length} onChange={setPage} />
        </>
      )}
    </section>
  );
}

function RepositoryResults({
  repositories,
  query,
}: {
  repositories: Schema<'SearchRepository'>[];
  query: string;
}) {
  const { t } = useTranslation();
  const { page, setPage, visible } = usePage(repositories);
  return (
    <section aria-labelledby="search-repositories">
      <Title order={2} size="h4" id="search-repositories" mb="xs">
        {t('globalSearch.repositories')}
      </Title>
      {repositories.length === 0 ? (
        <Text c="dimmed">{t('globalSearch.noRepositories', { query })}</Text>
      ) : (
        <>
          <Table striped highlightOnHover aria-labelledby="search-repositories">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('globalSearch.name')}</Table.Th>
                <Table.Th>{t('globalSearch.project')}</Table.Th>
                <Table.Th>{t('globalSearch.access')}</Table.Th>
                <Table.Th>{t('globalSearch.artifacts')}</Table.Th>
                <Table.Th>{t('globalSearch.pulls')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visible.map((repository) => {
                const projectName = repository.project_name ?? '';
                const fullName = repository.repository_name ?? '';
                return (
                  <Table.Tr key={fullName} data-testid="search-repository">
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/projects/${repository.project_id}/repositories/${shortRepositoryName(projectName, fullName)}`}
                      >
                        {fullName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/projects/${repository.project_id}`}>
                        {projectName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <AccessBadge isPublic={repository.project_public ?? false} />
                    </Table.Td>
                    <Table.Td>{repository.artifact_count ?? 0}</Table.Td>
                    <Table.Td>{repository.pull_count ?? 0}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={repositories.length} onChange={setPage} />
        </>
      )}
    </section>
  );
}
