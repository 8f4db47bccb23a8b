import type { Schema } from '@berth/api-client';
import { Anchor, Badge, Code, Table, Text, Tooltip } from '@mantine/core';
import { IconCertificate, IconFile, IconListDetails, IconSignature, type Icon } from '@tabler/icons-react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { accessoryListQuery, artifactQuery, type ArtifactRef } from '../../api/artifacts';
import { useClient } from '../../api/client';
import { formatBytes, formatDate, shortDigest } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { artifactPath } from './artifact-paths';

const PAGE_SIZE = 10;

export type AccessoryKind = 'cosign' | 'notation' | 'signature' | 'sbom' | 'attestation' | 'other';

const KIND_STYLE: Record<AccessoryKind, { color: string; icon: Icon }> = {
  cosign: { color: 'green', icon: IconSignature },
  notation: { color: 'green', icon: IconSignature },
  signature: { color: 'green', icon: IconSignature },
  sbom: { color: 'orange', icon: IconListDetails },
  attestation: { color: 'grape', icon: IconCertificate },
  other: { color: 'gray', icon: IconFile },
};

/**
 * What an accessory is. Harbor's accessory `type` names signatures and Harbor's own SBOMs; any
 * other referrer is a `subject.accessory`, so its kind comes from the accessory artifact itself:
 * Berth's artifact `type` (SIGNATURE, SBOM) or, failing that, its OCI `artifact_type`.
 */
export function accessoryKind(
  accessoryType: string | undefined,
  artifact: Pick<Schema<'Artifact'>, 'type' | 'artifact_type'> | undefined,
): AccessoryKind {
  if (accessoryType === 'signature.cosign') return 'cosign';
  if (accessoryType === 'signature.notation') return 'notation';
  if (accessoryType === 'harbor.sbom') return 'sbom';
  const type = (artifact?.type ?? '').toUpperCase();
  if (type === 'SIGNATURE') return 'signature';
  if (type === 'SBOM') return 'sbom';
  const artifactType = (artifact?.artifact_type ?? '').toLowerCase();
  if (/spdx|cyclonedx|sbom|syft/.test(artifactType)) return 'sbom';
  if (/in-toto|attestation|provenance|slsa/.test(artifactType)) return 'attestation';
  if (/signature|\.sig\b/.test(artifactType)) return 'signature';
  return 'other';
}

/**
 * Signatures, SBOMs and other artifacts that refer to this one, from the accessories API. Each row
 * reads its accessory's artifact too (a page is at most ten), to show what it really is: the
 * accessory list only says "subject.accessory" for anything but signatures and Harbor's SBOMs.
 */
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
  const artifacts = useQueries({
    queries: (accessories.data?.items ?? []).map((accessory) => ({
      ...artifactQuery(client, { ...artifactRef, reference: accessory.digest ?? '' }),
      enabled: !!accessory.digest,
    })),
  });
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
            <Table.Th>{t('accessory.artifactType')}</Table.Th>
            <Table.Th>{t('artifact.digest')}</Table.Th>
            <Table.Th>{t('artifact.size')}</Table.Th>
            <Table.Th>{t('artifact.created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {accessories.data.items.map((accessory, position) => {
            const artifact = artifacts[position]?.data;
            const kind = accessoryKind(accessory.type, artifact);
            const { color, icon: KindIcon } = KIND_STYLE[kind];
            return (
              <Table.Tr key={accessory.digest} data-testid="accessory-row">
                <Table.Td>
                  <Tooltip label={`${t('accessory.accessoryType')}: ${accessory.type ?? '—'}`} withArrow>
                    <Badge
                      variant="light"
                      color={color}
                      tt="none"
                      leftSection={<KindIcon size={14} aria-hidden />}
                      data-kind={kind}
                    >
                      {t(`accessory.kinds.${kind}`)}
                    </Badge>
                  </Tooltip>
                </Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  {artifact?.artifact_type ? (
                    <Code data-testid="accessory-artifact-type">{artifact.artifact_type}</Code>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {artifact ? '—' : t('common.loading')}
                    </Text>
                  )}
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
            );
          })}
        </Table.Tbody>
      </Table>
      <Pager page={page} pageSize={PAGE_SIZE} total={accessories.data.total} onChange={setPage} />
    </>
  );
}
