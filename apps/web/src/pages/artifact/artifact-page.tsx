import {
  Anchor,
  Breadcrumbs,
  Button,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Schema } from '@berth/api-client';
import { artifactQuery, buildHistoryQuery, useDeleteArtifact, type ArtifactRef } from '../../api/artifacts';
import { useClient } from '../../api/client';
import { projectQuery } from '../../api/projects';
import { permissionsQuery } from '../../api/session';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyButton } from '../../components/copy-button';
import { formatBytes, formatDate, shortDigest } from '../../components/format';
import { usePageTitle } from '../../components/page-title';
import { ErrorState, LoadingState } from '../../components/states';
import { StructuredValue } from '../../components/structured-value';
import { isSet, pullCommand } from '../repository-page';
import { ArtifactAccessories } from './artifact-accessories';
import { ArtifactBuildHistory } from './artifact-build-history';
import { CHART_ADDITIONS, ChartDependencies, ChartReadme, ChartValues } from './artifact-chart';
import { ArtifactChildren } from './artifact-children';
import { ArtifactLabels } from './artifact-labels';
import { isIndex, repositoryPath } from './artifact-paths';
import { ArtifactTags } from './artifact-tags';
import { ArtifactTypeIcon } from './artifact-type-icon';
import { CopyArtifactDialog } from './copy-artifact-dialog';

/** The route's wrapper: resolves the project (the route holds its id) before the artifact loads. */
export function ArtifactPage({
  projectId,
  repository,
  reference,
}: {
  projectId: string;
  repository: string;
  reference: string;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const project = useQuery(projectQuery(client, projectId));
  if (project.isPending) return <LoadingState />;
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
  return (
    <ArtifactDetails
      projectId={project.data.project_id ?? Number(projectId)}
      artifactRef={{ project: project.data.name ?? '', repository, reference }}
    />
  );
}

/**
 * One artifact: overview, tags, platforms of an index, accessories, labels, and what its type adds:
 * an image's build history, a Helm chart's README, values and dependencies.
 */
export function ArtifactDetails({ projectId, artifactRef }: { projectId: number; artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const client = useClient();
  const navigate = useNavigate();
  const artifact = useQuery(artifactQuery(client, artifactRef));
  const permissions = useQuery(permissionsQuery(client, `/project/${projectId}`));
  const can = (permission: string) => permissions.data?.has(permission) ?? false;
  const image = artifact.data && !isIndex(artifact.data) && artifact.data.type === 'IMAGE';
  const history = useQuery({ ...buildHistoryQuery(client, artifactRef), enabled: !!image });
  const remove = useDeleteArtifact(artifactRef);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [copying, setCopying] = useState(false);
  const { project, repository } = artifactRef;
  usePageTitle(artifact.data ? [`${repository}@${shortDigest(artifact.data.digest)}`] : null);

  const breadcrumbs = (
    <Breadcrumbs>
      <Anchor component={Link} to="/projects">
        {t('project.back')}
      </Anchor>
      <Anchor component={Link} to={`/projects/${projectId}`}>
        {project}
      </Anchor>
      <Anchor component={Link} to={repositoryPath(projectId, repository)}>
        {repository}
      </Anchor>
      <Text>{artifact.data ? shortDigest(artifact.data.digest) : artifactRef.reference}</Text>
    </Breadcrumbs>
  );

  if (artifact.isPending) return <LoadingState />;
  if (artifact.isError) {
    return (
      <Stack>
        {breadcrumbs}
        <ErrorState
          error={artifact.error}
          onRetry={() => void artifact.refetch()}
          notFound={{
            title: t('missing.artifactTitle'),
            message: t('missing.artifact', {
              reference: artifactRef.reference,
              repository: `${project}/${repository}`,
            }),
            backTo: repositoryPath(projectId, repository),
            backLabel: t('missing.backToRepository', { repository: `${project}/${repository}` }),
          }}
        />
      </Stack>
    );
  }

  const data = artifact.data;
  const digest = data.digest ?? '';
  const tags = data.tags ?? [];
  const index = isIndex(data);
  const showHistory = !!image && !!history.data;
  // The tabs of the chart additions the core offers for this artifact (its `addition_links`).
  const chartAdditions = CHART_ADDITIONS.filter((name) => data.addition_links?.[name] !== undefined);
  const chartTab = (name: (typeof CHART_ADDITIONS)[number]) => chartAdditions.includes(name);

  return (
    <Stack>
      {breadcrumbs}
      <Group justify="space-between" align="flex-start">
        <Group gap="sm">
          <ArtifactTypeIcon artifact={data} />
          <Stack gap={0}>
            <Title order={1} size="h2">
              {`${project}/${repository}`}
            </Title>
            <Group gap={6}>
              <Code data-testid="artifact-digest">{digest}</Code>
              <CopyButton value={digest} label={t('artifact.copyDigest')} />
            </Group>
          </Stack>
        </Group>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t('artifacts.pullCommand')}
          </Text>
          <CopyButton
            value={pullCommand(window.location.host, project, repository, data)}
            label={t('artifacts.copyPull', { reference: tags[0]?.name ?? shortDigest(digest) })}
          />
          {can('repository:pull') && (
            <Button variant="light" onClick={() => setCopying(true)}>
              {t('copyArtifact.action')}
            </Button>
          )}
          {can('artifact:delete') && (
            <Button color="red" variant="light" onClick={() => setConfirmDelete(true)}>
              {t('artifact.delete')}
            </Button>
          )}
        </Group>
      </Group>

      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">{t('artifact.tabOverview')}</Tabs.Tab>
          <Tabs.Tab value="tags">{`${t('artifact.tabTags')} (${tags.length})`}</Tabs.Tab>
          {index && (
            <Tabs.Tab value="children">{`${t('artifact.tabChildren')} (${data.references?.length ?? 0})`}</Tabs.Tab>
          )}
          <Tabs.Tab value="accessories">{`${t('artifact.tabAccessories')} (${data.accessories?.length ?? 0})`}</Tabs.Tab>
          {showHistory && <Tabs.Tab value="history">{t('artifact.tabBuildHistory')}</Tabs.Tab>}
          {chartTab('readme.md') && <Tabs.Tab value="readme">{t('artifactExtra.tabReadme')}</Tabs.Tab>}
          {chartTab('values.yaml') && <Tabs.Tab value="values">{t('artifactExtra.tabValues')}</Tabs.Tab>}
          {chartTab('dependencies') && (
            <Tabs.Tab value="dependencies">{t('artifactExtra.tabDependencies')}</Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Stack>
            <ArtifactOverview artifact={data} />
            <ArtifactLabels
              artifactRef={artifactRef}
              projectId={projectId}
              labels={data.labels ?? []}
              canAdd={can('artifact-label:create')}
              canRemove={can('artifact-label:delete')}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="tags" pt="md">
          <ArtifactTags
            artifactRef={{ ...artifactRef, reference: digest }}
            tags={tags}
            canCreate={can('tag:create')}
            canDelete={can('tag:delete')}
          />
        </Tabs.Panel>
        {index && (
          <Tabs.Panel value="children" pt="md">
            <ArtifactChildren
              projectId={projectId}
              repository={repository}
              references={data.references ?? []}
            />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="accessories" pt="md">
          <ArtifactAccessories projectId={projectId} artifactRef={{ ...artifactRef, reference: digest }} />
        </Tabs.Panel>
        {showHistory && (
          <Tabs.Panel value="history" pt="md">
            <ArtifactBuildHistory history={history.data ?? []} />
          </Tabs.Panel>
        )}
        {/* By digest: what a tag points at may change, what a digest holds may not. */}
        {chartTab('readme.md') && (
          <Tabs.Panel value="readme" pt="md">
            <ChartReadme artifactRef={{ ...artifactRef, reference: digest }} />
          </Tabs.Panel>
        )}
        {chartTab('values.yaml') && (
          <Tabs.Panel value="values" pt="md">
            <ChartValues artifactRef={{ ...artifactRef, reference: digest }} />
          </Tabs.Panel>
        )}
        {chartTab('dependencies') && (
          <Tabs.Panel value="dependencies" pt="md">
            <ChartDependencies artifactRef={{ ...artifactRef, reference: digest }} />
          </Tabs.Panel>
        )}
      </Tabs>

      <CopyArtifactDialog
        opened={copying}
        source={{ project, repository, digest }}
        onClose={() => setCopying(false)}
      />
      <ConfirmDialog
        opened={confirmDelete}
        title={t('artifact.deleteTitle')}
        message={t('artifact.deleteMessage', {
          reference: `${project}/${repository}@${shortDigest(digest)}`,
          tags: tags.length > 0 ? tags.map((tag) => tag.name).join(', ') : t('artifacts.noTags'),
        })}
        confirmLabel={t('artifact.delete')}
        danger
        loading={remove.isPending}
        error={remove.isError ? t('artifact.deleteFailed', { message: remove.error.message }) : null}
        onClose={() => {
          remove.reset();
          setConfirmDelete(false);
        }}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => void navigate(repositoryPath(projectId, repository), { replace: true }),
          })
        }
      />
    </Stack>
  );
}

function ArtifactOverview({ artifact }: { artifact: Schema<'Artifact'> }) {
  const { t, i18n } = useTranslation();
  const facts: [string, React.ReactNode][] = [
    [
      t('artifact.type'),
      isIndex(artifact) ? `${artifact.type ?? '—'} (${t('artifact.index')})` : (artifact.type ?? '—'),
    ],
    [t('artifact.size'), formatBytes(artifact.size)],
    [t('artifact.pushed'), formatDate(artifact.push_time, i18n.language)],
    [
      t('artifact.pulled'),
      isSet(artifact.pull_time) ? formatDate(artifact.pull_time, i18n.language) : t('artifacts.never'),
    ],
    [t('artifact.mediaType'), <Code key="m">{artifact.media_type ?? '—'}</Code>],
    [t('artifact.manifestMediaType'), <Code key="mm">{artifact.manifest_media_type ?? '—'}</Code>],
  ];
  if (artifact.artifact_type)
    facts.push([t('artifact.artifactType'), <Code key="at">{artifact.artifact_type}</Code>]);
  const attributes = Object.entries(artifact.extra_attrs ?? {});
  const annotations = Object.entries(artifact.annotations ?? {});
  return (
    <Stack>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" component="dl" m={0}>
          {facts.map(([term, value]) => (
            <Group key={term} gap="xs" wrap="nowrap" align="baseline">
              <Text component="dt" size="sm" c="dimmed" miw={150}>
                {term}
              </Text>
              <Text component="dd" size="sm" m={0} data-testid={`fact-${term}`}>
                {value}
              </Text>
            </Group>
          ))}
        </SimpleGrid>
      </Card>
      {attributes.length > 0 && <KeyValueTable title={t('artifact.attributes')} entries={attributes} />}
      {annotations.length > 0 && <KeyValueTable title={t('artifact.annotations')} entries={annotations} />}
      <Text size="sm" c="dimmed">
        {t('artifact.vulnerabilitiesLater')}
      </Text>
    </Stack>
  );
}

function KeyValueTable({ title, entries }: { title: string; entries: [string, unknown][] }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {title}
      </Title>
      <Table withTableBorder aria-label={title} layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="30%">{t('artifact.key')}</Table.Th>
            <Table.Th>{t('artifact.value')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map(([key, value]) => (
            <Table.Tr key={key}>
              <Table.Td>
                <Code>{key}</Code>
              </Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                <StructuredValue value={value} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
