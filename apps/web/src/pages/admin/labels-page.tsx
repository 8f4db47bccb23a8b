import type { Schema } from '@berth/api-client';
import {
  Alert,
  Badge,
  Button,
  ColorInput,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import {
  globalLabelListQuery,
  useCreateGlobalLabel,
  useDeleteGlobalLabel,
  useUpdateGlobalLabel,
} from '../../api/global-labels';
import type { LabelInput } from '../../api/labels';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';

const PAGE_SIZE = 15;
const COLOR = /^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})?$/;
const SWATCHES = ['#1D5100', '#006D75', '#0958D9', '#531DAB', '#C41D7F', '#D4380D', '#D48806', '#595959'];
type Label = Schema<'Label'>;

/** Global labels (scope `g`): attachable to artifacts in every project. */
export function LabelsPage() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [name] = useDebouncedValue(search.trim(), 250);
  const labels = useQuery(globalLabelListQuery(client, { page, pageSize: PAGE_SIZE, name }));
  // null: closed; an object without id: creating; with id: editing that label.
  const [editing, setEditing] = useState<Label | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);
  const remove = useDeleteGlobalLabel();

  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Stack gap={2}>
          <Title order={2} size="h3">
            {t('globalLabels.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('globalLabels.intro')}
          </Text>
        </Stack>
        <Group>
          <TextInput
            aria-label={t('common.search')}
            placeholder={t('globalLabels.searchPlaceholder')}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(1);
            }}
            w={240}
          />
          <Button onClick={() => setEditing({})}>{t('globalLabels.create')}</Button>
        </Group>
      </Group>
      {labels.isPending ? (
        <LoadingState />
      ) : labels.isError ? (
        <ErrorState error={labels.error} onRetry={() => void labels.refetch()} />
      ) : labels.data.items.length === 0 ? (
        <EmptyState>{name ? t('globalLabels.emptySearch', { name }) : t('globalLabels.empty')}</EmptyState>
      ) : (
        <>
          <Table striped aria-label={t('globalLabels.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('globalLabels.name')}</Table.Th>
                <Table.Th>{t('globalLabels.description')}</Table.Th>
                <Table.Th>{t('globalLabels.created')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('globalLabels.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {labels.data.items.map((label) => (
                <Table.Tr key={label.id} data-testid="global-label-row">
                  <Table.Td>
                    <Badge color={label.color || 'gray'} variant="filled" autoContrast tt="none">
                      {label.name}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{label.description}</Table.Td>
                  <Table.Td>{formatDate(label.creation_time, i18n.language)}</Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-label={t('globalLabels.editLabel', { name: label.name })}
                        onClick={() => setEditing(label)}
                      >
                        {t('globalLabels.edit')}
                      </Button>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        aria-label={t('globalLabels.deleteLabel', { name: label.name })}
                        onClick={() => setDeleting(label)}
                      >
                        {t('globalLabels.delete')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={labels.data.total} onChange={setPage} />
        </>
      )}
      {editing && <GlobalLabelDialog label={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        opened={deleting !== null}
        title={t('globalLabels.deleteTitle')}
        message={t('globalLabels.deleteMessage', { name: deleting?.name ?? '' })}
        confirmLabel={t('globalLabels.delete')}
        danger
        loading={remove.isPending}
        error={remove.isError ? t('globalLabels.deleteFailed', { message: remove.error.message }) : null}
        onClose={closeDelete}
        onConfirm={() => {
          if (deleting?.id !== undefined) remove.mutate(deleting.id, { onSuccess: closeDelete });
        }}
      />
    </Stack>
  );
}

/** Creates a global label, or edits `label` when it has an id. Mounted only while open. */
function GlobalLabelDialog({ label, onClose }: { label: Label; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateGlobalLabel();
  const update = useUpdateGlobalLabel();
  const [input, setInput] = useState<LabelInput>({
    name: label.name ?? '',
    color: label.color ?? '',
    description: label.description ?? '',
  });
  const saving = label.id === undefined ? create : update;
  const colorError = COLOR.test(input.color) ? null : t('globalLabels.colorInvalid');

  const submit = () => {
    const body = { ...input, name: input.name.trim() };
    if (label.id === undefined) create.mutate(body, { onSuccess: onClose });
    else update.mutate({ ...body, id: label.id }, { onSuccess: onClose });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={label.id === undefined ? t('globalLabels.createTitle') : t('globalLabels.editTitle')}
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (input.name.trim() && !colorError) submit();
        }}
      >
        <Stack>
          {saving.isError && (
            <Alert color="red" role="alert">
              {t('globalLabels.saveFailed', { message: saving.error.message })}
            </Alert>
          )}
          <TextInput
            label={t('globalLabels.name')}
            required
            data-autofocus
            maxLength={128}
            value={input.name}
            onChange={(event) => setInput({ ...input, name: event.currentTarget.value })}
          />
          <ColorInput
            label={t('globalLabels.color')}
            format="hex"
            swatches={SWATCHES}
            value={input.color}
            error={colorError}
            onChange={(color) => setInput({ ...input, color })}
          />
          <Textarea
            label={t('globalLabels.description')}
            maxLength={1024}
            rows={3}
            value={input.description}
            onChange={(event) => setInput({ ...input, description: event.currentTarget.value })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={saving.isPending} disabled={!input.name.trim() || !!colorError}>
              {t('globalLabels.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
