import { Anchor, Badge, Table, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { accessoryListQuery, type ArtifactRef } from '../../api/artifacts';
import { useClient } from '../../api/client';
import { formatBytes, formatDate, shortDigest } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { artifactPath } from './artifact-paths';

const PAGE_SIZE = 10;

/** Signatures, SBOMs and other artifacts that refer to this one, from the accessories API. */
export function ArtifactAccessories({
  projectId,
  artifactRef,
}: {
  projectId: number;
  artifactRef: ArtifactRef;
}) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const accessories = useQuery(accessoryListQuery(client, artifactRef, { page, pageSize: PAGE_SIZE }));
  if (accessories.isPending) return <LoadingState />;
  if (accessories.isError)
    return <ErrorState error={accessories.error} onRetry={() => void accessories.refetch()} />;
  if (accessories.data.items.length === 0) return <EmptyState>{t('artifact.noAccessories')}</EmptyState>;
  return (
    <>
      <Table striped aria-label={t('artifact.tabAccessories')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('artifact.accessoryType')}</Table.Th>
            <Table.Th>{t('artifact.digest')}</Table.Th>
            <Table.Th>{t('artifact.size')}</Table.Th>
            <Table.Th>{t('artifact.created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accessories.data.items.map((accessory) => (
            <Table.Tr key={accessory.digest}>
              <Table.Td>
                <Badge
                  variant="light"
                  color={accessory.type?.includes('sbom') ? 'orange' : 'green'}
                  tt="none"
                >
                  {accessory.type ?? '—'}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Tooltip label={accessory.digest} withArrow>
                  <Anchor
                    component={Link}
                    to={artifactPath(projectId, artifactRef.repository, accessory.digest ?? '')}
                    ff="monospace"
                    size="sm"
                  >
                    {shortDigest(accessory.digest)}
                  </Anchor>
                </Tooltip>
              </Table.Td>
              <Table.Td>{formatBytes(accessory.size)}</Table.Td>
              <Table.Td>{formatDate(accessory.creation_time, i18n.language)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Pager page={page} pageSize={PAGE_SIZE} total={accessories.data.total} onChange={setPage} />
    </>
  );
}
