import type { Schema } from '@berth/api-client';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { attachableLabelsQuery } from '../../api/artifacts';
import { useClient } from '../../api/client';
import { projectArtifactListQuery, type ProjectArtifactParams } from '../../api/project-artifacts';
import { shortRepositoryName } from '../../api/repositories';
import { formatBytes, formatDate, shortDigest } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { artifactPath, repositoryPath } from '../artifact/artifact-paths';
import { ArtifactTypeIcon } from '../artifact/artifact-type-icon';
import { LabelBadge } from '../artifact/label-badge';
import type { ProjectContext } from './project-context';

const PAGE_SIZE = 15;

/** The artifact types Berth tells apart, as the list's `type` filter takes them. */
const TYPES = ['IMAGE', 'CHART', 'CNAB', 'WASM', 'UNKNOWN'] as const;

/**
 * The kinds "newest per repository" can compare: the server needs one media type (an image's or
 * chart's config type, or an index's manifest type) so that it compares like with like.
 */
const LATEST_KINDS = {
  ociImage: 'application/vnd.oci.image.config.v1+json',
  dockerImage: 'application/vnd.docker.container.image.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  helmChart: 'application/vnd.cncf.helm.config.v1+json',
} as const;
type LatestKind = keyof typeof LATEST_KINDS;

/** Every artifact of the project across its repositories, filtered, ordered and paged by the server. */
export function ArtifactsTab({ projectId, project }: ProjectContext) {
  const { t } = useTranslation();
  const client = useClient();
  const projectName = project.name ?? '';
  const [page, setPage] = useState(1);
  const [type, setType] = useState<string | null>(null);
  const [tagInput, setTagInput] = useState('');
  const [tag] = useDebouncedValue(tagInput.trim(), 300);
  const [labelId, setLabelId] = useState<string | null>(null);
  const [order, setOrder] = useState<ProjectArtifactParams['order']>('newest');
  const [latest, setLatest] = useState(false);
  const [latestKind, setLatestKind] = useState<LatestKind>('ociImage');
  const labels = useQuery(attachableLabelsQuery(client, Number(projectId)));

  const params: ProjectArtifactParams = {
    page,
    pageSize: PAGE_SIZE,
    order,
    ...(type ? { type } : {}),
    ...(tag ? { tag } : {}),
    ...(labelId ? { labelId: Number(labelId) } : {}),
    ...(latest ? { latestOfMediaType: LATEST_KINDS[latestKind] } : {}),
  };
  const artifacts = useQuery({
    ...projectArtifactListQuery(client, projectName, params),
    enabled: projectName !== '',
  });
  const filtered = !!type || !!tag || !!labelId || latest;
  // Any change of filter or order starts again from the first page.
  const refilter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setPage(1);
    };
  const clear = () => {
    setType(null);
    setTagInput('');
    setLabelId(null);
    setLatest(false);
    setPage(1);
  };

  return (
    <Stack>
      <Title order={2} size="h3">
        {t('projectArtifacts.title')}
      </Title>
      <Group align="flex-end" gap="sm" wrap="wrap" role="search">
        <Select
          label={t('projectArtifacts.type')}
          placeholder={t('projectArtifacts.allTypes')}
          data={TYPES.map((value) => ({ value, label: t(`projectArtifacts.types.${value}`) }))}
          value={type}
          onChange={refilter(setType)}
          clearable
          w={200}
        />
        <TextInput
          label={t('projectArtifacts.tag')}
          placeholder={t('projectArtifacts.tagPlaceholder')}
          value={tagInput}
          onChange={(event) => refilter(setTagInput)(event.currentTarget.value)}
          w={180}
        />
        <Select
          label={t('projectArtifacts.label')}
          placeholder={t('projectArtifacts.anyLabel')}
          data={(labels.data ?? []).map((label) => ({ value: String(label.id), label: label.name ?? '' }))}
          value={labelId}
          onChange={refilter(setLabelId)}
          disabled={!labels.isSuccess}
          clearable
          searchable
          w={200}
        />
        <Select
          label={t('projectArtifacts.order')}
          data={[
            { value: 'newest', label: t('projectArtifacts.newest') },
            { value: 'oldest', label: t('projectArtifacts.oldest') },
          ]}
          value={order}
          allowDeselect={false}
          onChange={(value) => value && refilter(setOrder)(value as ProjectArtifactParams['order'])}
          w={200}
        />
        {filtered && (
          <Button variant="subtle" onClick={clear}>
            {t('projectArtifacts.clear')}
          </Button>
        )}
      </Group>
      <Group align="flex-end" gap="sm">
        <Switch
          label={t('projectArtifacts.latest')}
          checked={latest}
          onChange={(event) => refilter(setLatest)(event.currentTarget.checked)}
        />
        {latest && (
          <Select
            label={t('projectArtifacts.latestOf')}
            description={t('projectArtifacts.latestHint')}
            data={Object.keys(LATEST_KINDS).map((kind) => ({
              value: kind,
              label: t(`projectArtifacts.mediaTypes.${kind as LatestKind}`),
            }))}
            value={latestKind}
            allowDeselect={false}
            onChange={(value) => value && refilter(setLatestKind)(value as LatestKind)}
            w={260}
          />
        )}
      </Group>
      {artifacts.isPending ? (
        <LoadingState />
      ) : artifacts.isError ? (
        <ErrorState error={artifacts.error} onRetry={() => void artifacts.refetch()} />
      ) : artifacts.data.items.length === 0 ? (
        <EmptyState>
          {filtered ? t('projectArtifacts.emptyFiltered') : t('projectArtifacts.empty')}
        </EmptyState>
      ) : (
        <>
          <ProjectArtifactTable
            projectId={projectId}
            project={projectName}
            artifacts={artifacts.data.items}
          />
          <Pager page={page} pageSize={PAGE_SIZE} total={artifacts.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}

function ProjectArtifactTable({
  projectId,
  project,
  artifacts,
}: {
  projectId: string;
  project: string;
  artifacts: Schema<'Artifact'>[];
}) {
  const { t, i18n } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover aria-label={t('projectArtifacts.tableLabel', { project })}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('projectArtifacts.repository')}</Table.Th>
            <Table.Th>{t('projectArtifacts.artifact')}</Table.Th>
            <Table.Th>{t('artifacts.tags')}</Table.Th>
            <Table.Th>{t('projectArtifacts.labels')}</Table.Th>
            <Table.Th>{t('artifacts.size')}</Table.Th>
            <Table.Th>{t('artifacts.pushed')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {artifacts.map((artifact) => {
            const repository = shortRepositoryName(project, artifact.repository_name ?? '');
            const digest = artifact.digest ?? '';
            const tags = artifact.tags ?? [];
            return (
              <Table.Tr key={artifact.id ?? `${repository}@${digest}`} data-testid="project-artifact-row">
                <Table.Td>
                  <Anchor component={Link} to={repositoryPath(projectId, repository)} size="sm">
                    {repository}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <ArtifactTypeIcon artifact={artifact} />
                    <Anchor
                      component={Link}
                      to={artifactPath(projectId, repository, digest)}
                      ff="monospace"
                      size="sm"
                      aria-label={t('artifact.open', { reference: `${repository}@${shortDigest(digest)}` })}
                    >
                      {shortDigest(digest)}
                    </Anchor>
                  </Group>
                </Table.Td>
                <Table.Td>
                  {tags.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t('artifacts.noTags')}
                    </Text>
                  ) : (
                    <Group gap={4}>
                      {tags.map((tag) => (
                        <Badge key={tag.id ?? tag.name} variant="light" tt="none">
                          {tag.name}
                        </Badge>
                      ))}
                    </Group>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {(artifact.labels ?? []).map((label) => (
                      <LabelBadge key={label.id} label={label} />
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{formatBytes(artifact.size)}</Table.Td>
                <Table.Td>{formatDate(artifact.push_time, i18n.language)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
