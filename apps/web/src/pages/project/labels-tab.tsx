import {
  Alert,
  Badge,
  Button,
  ColorInput,
  Group,
  Modal,
  Stack,
  Table,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schema } from '@berth/api-client';
import { useClient } from '../../api/client';
import {
  projectLabelListQuery,
  useCreateLabel,
  useDeleteLabel,
  useUpdateLabel,
  type LabelInput,
} from '../../api/labels';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import type { ProjectContext } from './project-context';

const PAGE_SIZE = 10;
const COLOR = /^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})?$/;
const SWATCHES = ['#1D5100', '#006D75', '#0958D9', '#531DAB', '#C41D7F', '#D4380D', '#D48806', '#595959'];
type Label = Schema<'Label'>;

export function LabelsTab({ project, permissions }: ProjectContext) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const projectId = project.project_id ?? 0;
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [name] = useDebouncedValue(search.trim(), 250);
  const labels = useQuery(projectLabelListQuery(client, projectId, { page, pageSize: PAGE_SIZE, name }));
  // null: closed; an object without id: creating; with id: editing that label.
  const [editing, setEditing] = useState<Label | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);
  const remove = useDeleteLabel(projectId);
  const canCreate = permissions.has('label:create');
  const canUpdate = permissions.has('label:update');
  const canDelete = permissions.has('label:delete');

  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('projectLabels.title')}
        </Title>
        <Group>
          <TextInput
            aria-label={t('common.search')}
            placeholder={t('projectLabels.searchPlaceholder')}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(1);
            }}
            w={240}
          />
          {canCreate && <Button onClick={() => setEditing({})}>{t('projectLabels.create')}</Button>}
        </Group>
      </Group>
      {labels.isPending ? (
        <LoadingState />
      ) : labels.isError ? (
        <ErrorState error={labels.error} onRetry={() => void labels.refetch()} />
      ) : labels.data.items.length === 0 ? (
        <EmptyState>{name ? t('projectLabels.emptySearch', { name }) : t('projectLabels.empty')}</EmptyState>
      ) : (
        <>
          <Table striped aria-label={t('projectLabels.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('projectLabels.name')}</Table.Th>
                <Table.Th>{t('projectLabels.description')}</Table.Th>
                <Table.Th>{t('projectLabels.created')}</Table.Th>
                {(canUpdate || canDelete) && <Table.Th>{t('projectLabels.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {labels.data.items.map((label) => (
                <Table.Tr key={label.id} data-testid="label-row">
                  <Table.Td>
                    <Badge color={label.color || 'gray'} variant="filled" autoContrast>
                      {label.name}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{label.description}</Table.Td>
                  <Table.Td>{formatDate(label.creation_time, i18n.language)}</Table.Td>
                  {(canUpdate || canDelete) && (
                    <Table.Td>
                      <Group gap="xs">
                        {canUpdate && (
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            aria-label={t('projectLabels.editLabel', { name: label.name })}
                            onClick={() => setEditing(label)}
                          >
                            {t('projectLabels.edit')}
                          </Button>
                        )}
                        {canDelete && (
                          <Button
                            size="compact-sm"
                            variant="subtle"
                            color="red"
                            aria-label={t('projectLabels.deleteLabel', { name: label.name })}
                            onClick={() => setDeleting(label)}
                          >
                            {t('projectLabels.delete')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={labels.data.total} onChange={setPage} />
        </>
      )}
      {editing && <LabelDialog projectId={projectId} label={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        opened={deleting !== null}
        title={t('projectLabels.deleteTitle')}
        message={t('projectLabels.deleteMessage', { name: deleting?.name })}
        confirmLabel={t('projectLabels.delete')}
        danger
        loading={remove.isPending}
        error={remove.isError ? t('projectLabels.deleteFailed', { message: remove.error.message }) : null}
        onClose={closeDelete}
        onConfirm={() => {
          if (deleting?.id !== undefined) remove.mutate(deleting.id, { onSuccess: closeDelete });
        }}
      />
    </Stack>
  );
}

/** Creates a label, or edits `label` when it has an id. Mounted only while open. */
function LabelDialog({
  projectId,
  label,
  onClose,
}: {
  projectId: number;
  label: Label;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateLabel(projectId);
  const update = useUpdateLabel(projectId);
  const [input, setInput] = useState<LabelInput>({
    name: label.name ?? '',
    color: label.color ?? '',
    description: label.description ?? '',
  });
  const saving = label.id === undefined ? create : update;
  const colorError = COLOR.test(input.color) ? null : t('projectLabels.colorInvalid');

  const submit = () => {
    const body = { ...input, name: input.name.trim() };
    if (label.id === undefined) create.mutate(body, { onSuccess: onClose });
    else update.mutate({ ...body, id: label.id }, { onSuccess: onClose });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={label.id === undefined ? t('projectLabels.createTitle') : t('projectLabels.editTitle')}
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
              {t('projectLabels.saveFailed', { message: saving.error.message })}
            </Alert>
          )}
          <TextInput
            label={t('projectLabels.name')}
            required
            data-autofocus
            maxLength={128}
            value={input.name}
            onChange={(event) => setInput({ ...input, name: event.currentTarget.value })}
          />
          <ColorInput
            label={t('projectLabels.color')}
            format="hex"
            swatches={SWATCHES}
            value={input.color}
            error={colorError}
            onChange={(color) => setInput({ ...input, color })}
          />
          <Textarea
            label={t('projectLabels.description')}
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
              {t('projectLabels.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
