import { Alert, Code, Group, ScrollArea, SegmentedControl, Stack, Table } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  chartDependenciesQuery,
  chartFileQuery,
  type ArtifactRef,
  type ChartDependency,
} from '../../api/artifacts';
import { useClient } from '../../api/client';
import { CopyButton } from '../../components/copy-button';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { Markdown } from './markdown';

/** The additions a Helm chart's details show, as the artifact's `addition_links` name them. */
export const CHART_ADDITIONS = ['readme.md', 'values.yaml', 'dependencies'] as const;

/** Said when the core has no such addition for the artifact (404): its archive could not be read. */
function Unavailable() {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" role="alert">
      {t('artifactExtra.unavailable')}
    </Alert>
  );
}

/** The chart's README, rendered (never as HTML: see markdown.tsx) or as its source. */
export function ChartReadme({ artifactRef }: { artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const client = useClient();
  const readme = useQuery(chartFileQuery(client, artifactRef, 'readme.md'));
  const [view, setView] = useState<'rendered' | 'source'>('rendered');
  if (readme.isPending) return <LoadingState />;
  if (readme.isError) return <ErrorState error={readme.error} onRetry={() => void readme.refetch()} />;
  if (readme.data === null) return <Unavailable />;
  if (readme.data.trim() === '') return <EmptyState>{t('artifactExtra.noReadme')}</EmptyState>;
  return (
    <Stack gap="xs">
      <Group justify="flex-end">
        <SegmentedControl
          size="xs"
          aria-label={t('artifactExtra.readmeView')}
          value={view}
          onChange={(value) => setView(value as 'rendered' | 'source')}
          data={[
            { value: 'rendered', label: t('artifactExtra.readmeRendered') },
            { value: 'source', label: t('artifactExtra.readmeSource') },
          ]}
        />
      </Group>
      {view === 'rendered' ? (
        <div data-testid="chart-readme">
          <Markdown source={readme.data} />
        </div>
      ) : (
        <ScrollArea.Autosize mah={640}>
          <Code
            block
            data-testid="chart-readme-source"
            style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
          >
            {readme.data}
          </Code>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}

export function ChartValues({ artifactRef }: { artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const client = useClient();
  const values = useQuery(chartFileQuery(client, artifactRef, 'values.yaml'));
  if (values.isPending) return <LoadingState />;
  if (values.isError) return <ErrorState error={values.error} onRetry={() => void values.refetch()} />;
  if (values.data === null) return <Unavailable />;
  if (values.data.trim() === '') return <EmptyState>{t('artifactExtra.noValues')}</EmptyState>;
  return (
    <Stack gap="xs">
      <Group justify="flex-end">
        <CopyButton value={values.data} label={t('artifactExtra.copyValues')} />
      </Group>
      <ScrollArea.Autosize mah={640}>
        <Code block data-testid="chart-values">
          {values.data}
        </Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}

export function ChartDependencies({ artifactRef }: { artifactRef: ArtifactRef }) {
  const { t } = useTranslation();
  const client = useClient();
  const dependencies = useQuery(chartDependenciesQuery(client, artifactRef));
  if (dependencies.isPending) return <LoadingState />;
  if (dependencies.isError)
    return <ErrorState error={dependencies.error} onRetry={() => void dependencies.refetch()} />;
  if (dependencies.data === null) return <Unavailable />;
  if (dependencies.data.length === 0) return <EmptyState>{t('artifactExtra.noDependencies')}</EmptyState>;
  return (
    <Table striped aria-label={t('artifactExtra.tabDependencies')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('artifactExtra.dependencyName')}</Table.Th>
          <Table.Th>{t('artifactExtra.dependencyVersion')}</Table.Th>
          <Table.Th>{t('artifactExtra.dependencyRepository')}</Table.Th>
          <Table.Th>{t('artifactExtra.dependencyCondition')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {dependencies.data.map((dependency: ChartDependency, position) => (
          // The same chart may be a dependency twice under different aliases; order is the identity.
          <Table.Tr key={position}>
            <Table.Td>
              {dependency.alias
                ? `${dependency.name ?? '—'} (${dependency.alias})`
                : (dependency.name ?? '—')}
            </Table.Td>
            <Table.Td>{dependency.version ?? '—'}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              {dependency.repository ? <Code>{dependency.repository}</Code> : '—'}
            </Table.Td>
            <Table.Td>{dependency.condition ? <Code>{dependency.condition}</Code> : '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
