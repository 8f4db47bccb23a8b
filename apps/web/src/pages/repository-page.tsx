import type { Schema } from '@berth/api-client';
import { Anchor, Badge, Breadcrumbs, Code, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useClient } from '../api/client';
import { projectQuery } from '../api/projects';
import { artifactListQuery } from '../api/repositories';
import { CopyButton } from '../components/copy-button';
import { formatBytes, formatDate, shortDigest } from '../components/format';
import { Pager } from '../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../components/states';

const PAGE_SIZE = 15;

/** The pull command of an artifact: by its first tag, else by digest. */
export function pullCommand(
  host: string,
  project: string,
  repository: string,
  artifact: Schema<'Artifact'>,
): string {
  const tag = artifact.tags?.[0]?.name;
  const reference = tag ? `:${tag}` : `@${artifact.digest ?? ''}`;
  return `docker pull ${host}/${project}/${repository}${reference}`;
}

export function RepositoryPage() {
  const { t } = useTranslation();
  const client = useClient();
  const params = useParams();
  const projectId = params.projectId ?? '';
  const repository = params['*'] ?? '';
  const project = useQuery(projectQuery(client, projectId));
  const projectName = project.data?.name ?? '';
  const [page, setPage] = useState(1);
  const artifacts = useQuery({
    ...artifactListQuery(client, projectName, repository, { page, pageSize: PAGE_SIZE }),
    enabled: projectName !== '',
  });

  if (project.isError) return <ErrorState error={project.error} onRetry={() => void project.refetch()} />;

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/projects">
          {t('project.back')}
        </Anchor>
        <Anchor component={Link} to={`/projects/${projectId}`}>
          {projectName || '…'}
        </Anchor>
        <Text>{repository}</Text>
      </Breadcrumbs>
      <Title order={1} size="h2">
        {projectName ? `${projectName}/${repository}` : repository}
      </Title>
      <Title order={2} size="h3">
        {t('artifacts.title')}
      </Title>
      {project.isPending || artifacts.isPending ? (
        <LoadingState />
      ) : artifacts.isError ? (
        <ErrorState error={artifacts.error} onRetry={() => void artifacts.refetch()} />
      ) : artifacts.data.items.length === 0 ? (
        <EmptyState>{t('artifacts.empty')}</EmptyState>
      ) : (
        <>
          <ArtifactTable
            artifacts={artifacts.data.items}
            project={projectName}
            repository={repository}
            host={window.location.host}
          />
          <Pager page={page} pageSize={PAGE_SIZE} total={artifacts.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}

export function ArtifactTable({
  artifacts,
  project,
  repository,
  host,
}: {
  artifacts: Schema<'Artifact'>[];
  project: string;
  repository: string;
  host: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Table striped highlightOnHover aria-label={t('artifacts.title')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('artifacts.digest')}</Table.Th>
          <Table.Th>{t('artifacts.type')}</Table.Th>
          <Table.Th>{t('artifacts.tags')}</Table.Th>
          <Table.Th>{t('artifacts.size')}</Table.Th>
          <Table.Th>{t('artifacts.pushed')}</Table.Th>
          <Table.Th>{t('artifacts.pulled')}</Table.Th>
          <Table.Th>{t('artifacts.pullCommand')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {artifacts.map((artifact) => {
          const command = pullCommand(host, project, repository, artifact);
          const reference = artifact.tags?.[0]?.name ?? shortDigest(artifact.digest);
          return (
            <Table.Tr key={artifact.digest} data-testid="artifact-row">
              <Table.Td>
                <Tooltip label={artifact.digest} withArrow>
                  <Code>{shortDigest(artifact.digest)}</Code>
                </Tooltip>
              </Table.Td>
              <Table.Td>{artifact.type ?? '—'}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {artifact.tags && artifact.tags.length > 0 ? (
                    artifact.tags.map((tag) => (
                      <Badge key={tag.name} variant="outline" tt="none">
                        {tag.name}
                      </Badge>
                    ))
                  ) : (
                    <Text size="sm" c="dimmed">
                      {t('artifacts.noTags')}
                    </Text>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>{formatBytes(artifact.size)}</Table.Td>
              <Table.Td>{formatDate(artifact.push_time, i18n.language)}</Table.Td>
              <Table.Td>
                {artifact.pull_time && new Date(artifact.pull_time).getFullYear() > 1970
                  ? formatDate(artifact.pull_time, i18n.language)
                  : t('artifacts.never')}
              </Table.Td>
              <Table.Td>
                <CopyButton value={command} label={t('artifacts.copyPull', { reference })} />
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
