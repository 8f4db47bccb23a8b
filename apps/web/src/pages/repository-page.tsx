import type { Schema } from '@berth/api-client';
import { Anchor, Badge, Breadcrumbs, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useClient } from '../api/client';
import { projectQuery } from '../api/projects';
import { artifactListQuery } from '../api/repositories';
import { repositoryQuery } from '../api/repository-actions';
import { CopyButton } from '../components/copy-button';
import { formatBytes, formatDate, shortDigest } from '../components/format';
import { Pager } from '../components/pager';
import { usePageTitle } from '../components/page-title';
import { EmptyState, ErrorState, LoadingState, NotFoundState, isNotFound } from '../components/states';
import { artifactPath, isIndex } from './artifact/artifact-paths';
import { ArtifactTypeIcon } from './artifact/artifact-type-icon';
import { LabelBadge } from './artifact/label-badge';
import { RepositoryHeaderActions } from './repository/repository-header-actions';

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

/** Whether a time the API sends is a real one (Harbor sends year 1 for "never"). */
export function isSet(time: string | undefined): time is string {
  return !!time && new Date(time).getFullYear() > 1970;
}

export function RepositoryPage({ projectId, repository }: { projectId: string; repository: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const project = useQuery(projectQuery(client, projectId));
  const projectName = project.data?.name ?? '';
  // The header's details too (one request): a repository that does not exist answers 404 here.
  const details = useQuery({
    ...repositoryQuery(client, projectName, repository),
    enabled: projectName !== '',
  });
  const [page, setPage] = useState(1);
  const artifacts = useQuery({
    ...artifactListQuery(client, projectName, repository, { page, pageSize: PAGE_SIZE }),
    enabled: projectName !== '',
  });
  const missing = isNotFound(project.error) || isNotFound(details.error);
  usePageTitle(missing ? null : [projectName ? `${projectName}/${repository}` : repository]);

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

  const breadcrumbs = (
    <Breadcrumbs>
      <Anchor component={Link} to="/projects">
        {t('project.back')}
      </Anchor>
      <Anchor component={Link} to={`/projects/${projectId}`}>
        {projectName || t('common.loading')}
      </Anchor>
      <Text>{repository}</Text>
    </Breadcrumbs>
  );

  if (isNotFound(details.error))
    return (
      <Stack>
        {breadcrumbs}
        <NotFoundState
          title={t('missing.repositoryTitle')}
          message={t('missing.repository', { repository: `${projectName}/${repository}` })}
          backTo={`/projects/${projectId}/repositories`}
          backLabel={t('missing.backToProject', { project: projectName })}
        />
      </Stack>
    );

  return (
    <Stack>
      {breadcrumbs}
      <Title order={1} size="h2">
        {projectName ? `${projectName}/${repository}` : repository}
      </Title>
      <RepositoryHeaderActions projectId={projectId} repository={repository} />
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
            projectId={projectId}
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
  projectId,
  project,
  repository,
  host,
}: {
  artifacts: Schema<'Artifact'>[];
  projectId: string | number;
  project: string;
  repository: string;
  host: string;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-label={t('artifacts.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('artifacts.type')}</Table.Th>
            <Table.Th>{t('artifacts.digest')}</Table.Th>
            <Table.Th>{t('artifacts.tags')}</Table.Th>
            <Table.Th>{t('artifacts.size')}</Table.Th>
            <Table.Th>{t('artifact.labels')}</Table.Th>
            <Table.Th>{t('artifact.accessories')}</Table.Th>
            <Table.Th>{t('artifacts.pushed')}</Table.Th>
            <Table.Th>{t('artifacts.pulled')}</Table.Th>
            <Table.Th>{t('artifacts.pullCommand')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {artifacts.map((artifact) => {
            const command = pullCommand(host, project, repository, artifact);
            const reference = artifact.tags?.[0]?.name ?? shortDigest(artifact.digest);
            const to = artifactPath(projectId, repository, artifact.digest ?? '');
            const accessories = artifact.accessories?.length ?? 0;
            return (
              <Table.Tr
                key={artifact.digest}
                data-testid="artifact-row"
                style={{ cursor: 'pointer' }}
                // The digest link is the keyboard path; a click anywhere else on the row goes there too.
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest('a, button')) return;
                  void navigate(to);
                }}
              >
                <Table.Td>
                  <ArtifactTypeIcon artifact={artifact} />
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Tooltip label={artifact.digest} withArrow>
                      <Anchor
                        component={Link}
                        to={to}
                        ff="monospace"
                        size="sm"
                        // The name holds the visible digest too, so speech input users can say what they see.
                        aria-label={t('artifact.open', {
                          reference: artifact.tags?.length
                            ? `${reference} ${shortDigest(artifact.digest)}`
                            : reference,
                        })}
                      >
                        {shortDigest(artifact.digest)}
                      </Anchor>
                    </Tooltip>
                    {isIndex(artifact) && (
                      <Badge size="xs" variant="light" color="grape" tt="none">
                        {t('artifact.children', { count: artifact.references?.length ?? 0 })}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
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
                <Table.Td>
                  <Group gap={4}>
                    {(artifact.labels ?? []).map((label) => (
                      <LabelBadge key={label.id} label={label} />
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  {accessories > 0 ? (
                    <Text size="sm">{t('artifact.accessoryCount', { count: accessories })}</Text>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{formatDate(artifact.push_time, i18n.language)}</Table.Td>
                <Table.Td>
                  {isSet(artifact.pull_time)
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
    </Table.ScrollContainer>
  );
}
