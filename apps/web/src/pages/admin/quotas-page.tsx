import type { Schema } from '@berth/api-client';
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient } from '../../api/client';
import { quotaListQuery, quotaProject, useUpdateQuota } from '../../api/quotas';
import { formatBytes } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { UsageBar } from '../../components/usage-bar';

const PAGE_SIZE = 15;
const SORTS = ['-used.storage', 'used.storage', '-hard.storage', 'hard.storage'] as const;
type Sort = (typeof SORTS)[number];
const SORT_LABELS: Record<Sort, string> = {
  '-used.storage': 'quotas.sortUsedDesc',
  'used.storage': 'quotas.sortUsedAsc',
  '-hard.storage': 'quotas.sortLimitDesc',
  'hard.storage': 'quotas.sortLimitAsc',
};

export const QUOTA_UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
type Unit = keyof typeof QUOTA_UNITS;
/** Harbor's largest storage quota, which the core enforces too: 1024 TiB. */
const MAX_STORAGE = 1024 * QUOTA_UNITS.TiB;

/** The largest unit that shows `bytes` as a whole number, so a limit reads back as it was typed. */
export function toAmount(bytes: number): { amount: number; unit: Unit } {
  const unit = (['TiB', 'GiB', 'MiB'] as Unit[]).find((u) => bytes > 0 && bytes % QUOTA_UNITS[u] === 0);
  if (unit) return { amount: bytes / QUOTA_UNITS[unit], unit };
  return { amount: bytes > 0 ? Number((bytes / QUOTA_UNITS.GiB).toFixed(3)) : 10, unit: 'GiB' };
}

/** Bytes of an amount in a unit, or null when it is not a limit the core accepts. */
export function toBytes(amount: number | string, unit: Unit): number | null {
  const value = typeof amount === 'number' ? amount : Number.parseFloat(amount);
  if (!Number.isFinite(value) || value <= 0) return null;
  const bytes = Math.round(value * QUOTA_UNITS[unit]);
  return bytes >= 1 && bytes <= MAX_STORAGE ? bytes : null;
}

/** Every project's storage quota, sorted on the server, each limit editable. */
export function QuotasPage() {
  const { t } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<Sort>('-used.storage');
  const quotas = useQuery(quotaListQuery(client, { page, pageSize: PAGE_SIZE, sort }));
  const [editing, setEditing] = useState<Schema<'Quota'> | null>(null);

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={2} size="h3">
            {t('quotas.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('quotas.intro')}
          </Text>
        </Stack>
        <Select
          label={t('quotas.sort')}
          data={SORTS.map((value) => ({ value, label: t(SORT_LABELS[value]) }))}
          value={sort}
          allowDeselect={false}
          onChange={(value) => {
            if (!value) return;
            setSort(value as Sort);
            setPage(1);
          }}
          w={220}
        />
      </Group>
      {quotas.isPending ? (
        <LoadingState />
      ) : quotas.isError ? (
        <ErrorState error={quotas.error} onRetry={() => void quotas.refetch()} />
      ) : quotas.data.items.length === 0 ? (
        <EmptyState>{t('quotas.empty')}</EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-label={t('quotas.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('quotas.project')}</Table.Th>
                  <Table.Th>{t('quotas.owner')}</Table.Th>
                  <Table.Th>{t('quotas.usage')}</Table.Th>
                  <Table.Th>{t('quotas.limit')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('quotas.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {quotas.data.items.map((quota) => {
                  const project = quotaProject(quota);
                  const limit = quota.hard?.storage ?? -1;
                  return (
                    <Table.Tr key={quota.id} data-testid="quota-row">
                      <Table.Td>
                        {project.id !== undefined ? (
                          <Anchor component={Link} to={`/projects/${project.id}`} fw={500} size="sm">
                            {project.name}
                          </Anchor>
                        ) : (
                          project.name
                        )}
                      </Table.Td>
                      <Table.Td>{project.owner_name}</Table.Td>
                      <Table.Td miw={200}>
                        <UsageBar
                          used={quota.used?.storage ?? 0}
                          limit={limit}
                          label={t('quotas.usageLabel', { name: project.name })}
                        />
                      </Table.Td>
                      <Table.Td>{limit < 0 ? t('quotas.unlimited') : formatBytes(limit)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          aria-label={t('quotas.editLabel', { name: project.name })}
                          onClick={() => setEditing(quota)}
                        >
                          {t('quotas.edit')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={PAGE_SIZE} total={quotas.data.total} onChange={setPage} />
        </>
      )}
      {editing && <QuotaDialog quota={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

/** Sets one project's limit; mounted only while open so it starts from the quota's current limit. */
function QuotaDialog({ quota, onClose }: { quota: Schema<'Quota'>; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateQuota();
  const project = quotaProject(quota);
  const current = quota.hard?.storage ?? -1;
  const used = quota.used?.storage ?? 0;
  const initial = toAmount(current);
  const [unlimited, setUnlimited] = useState(current < 0);
  const [amount, setAmount] = useState<number | string>(initial.amount);
  const [unit, setUnit] = useState<Unit>(initial.unit);
  const bytes = unlimited ? -1 : toBytes(amount, unit);
  const belowUsage = bytes !== null && bytes >= 0 && bytes < used;

  return (
    <Modal opened onClose={onClose} title={t('quotas.editTitle', { name: project.name })} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (bytes !== null && quota.id !== undefined)
            update.mutate({ id: quota.id, storage: bytes }, { onSuccess: onClose });
        }}
      >
        <Stack>
          {update.isError && (
            <Alert color="red" role="alert">
              {t('quotas.saveFailed', { message: update.error.message })}
            </Alert>
          )}
          <Checkbox
            label={t('quotas.noLimit')}
            checked={unlimited}
            onChange={(event) => setUnlimited(event.currentTarget.checked)}
          />
          <Group align="flex-start" grow>
            <NumberInput
              label={t('quotas.amount')}
              data-autofocus
              min={0}
              decimalScale={3}
              disabled={unlimited}
              value={unlimited ? '' : amount}
              onChange={setAmount}
              error={!unlimited && bytes === null ? t('quotas.invalid') : null}
            />
            <Select
              label={t('quotas.unit')}
              data={Object.keys(QUOTA_UNITS)}
              value={unit}
              disabled={unlimited}
              allowDeselect={false}
              onChange={(value) => value && setUnit(value as Unit)}
            />
          </Group>
          {belowUsage && (
            <Alert color="yellow">
              {t('quotas.belowUsage', { name: project.name, used: formatBytes(used) })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={update.isPending} disabled={bytes === null || bytes === current}>
              {t('quotas.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
