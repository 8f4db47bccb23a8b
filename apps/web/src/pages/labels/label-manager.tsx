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
  TextInput,
  Textarea,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import {
  labelListQuery,
  useCreateLabel,
  useDeleteLabel,
  useUpdateLabel,
  type LabelInput,
  type LabelScope,
} from '../../api/labels';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { ListToolbar, useListSearch } from '../../components/list-toolbar';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';

const PAGE_SIZE = 15;
const COLOR = /^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})?$/;
const SWATCHES = ['#1D5100', '#006D75', '#0958D9', '#531DAB', '#C41D7F', '#D4380D', '#D48806', '#595959'];
type Label = Schema<'Label'>;

/** What the signed-in user may do with the scope's labels; the server decides again. */
export interface LabelPermissions {
  create: boolean;
  update: boolean;
  delete: boolean;
}

/**
 * The labels of one scope, global or a project's, listed with search and paging and created,
 * edited and deleted in place. The wording that differs between scopes (titles, the empty list,
 * what a delete reaches) comes from `globalLabels.*` or `projectLabels.*`; the rest from `labels.*`.
 */
export function LabelManager({ scope, can }: { scope: LabelScope; can: LabelPermissions }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const text = scopeText(scope);
  const { page, setPage, search, setSearch, term: name } = useListSearch();
  const labels = useQuery(labelListQuery(client, scope, { page, pageSize: PAGE_SIZE, name }));
  // null: closed; an object without id: creating; with id: editing that label.
  const [editing, setEditing] = useState<Partial<Label> | null>(null);
  const deletion = useConfirm(useDeleteLabel(scope), (label: Label) => label.id);
  const hasActions = can.update || can.delete;

  return (
    <Stack>
      <ListToolbar
        title={t(`${text}.title`)}
        intro={scope.kind === 'global' ? t('globalLabels.intro') : undefined}
        searchPlaceholder={t('labels.searchPlaceholder')}
        search={search}
        onSearch={setSearch}
        action={can.create && <Button onClick={() => setEditing({})}>{t('labels.create')}</Button>}
      />
      {labels.isPending ? (
        <LoadingState />
      ) : labels.isError ? (
        <ErrorState error={labels.error} onRetry={() => void labels.refetch()} />
      ) : labels.data.items.length === 0 ? (
        <EmptyState>{name ? t('labels.emptySearch', { name }) : t(`${text}.empty`)}</EmptyState>
      ) : (
        <>
          <Table striped aria-label={t(`${text}.title`)}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('labels.name')}</Table.Th>
                <Table.Th>{t('labels.description')}</Table.Th>
                <Table.Th>{t('labels.created')}</Table.Th>
                {hasActions && <Table.Th>{t('labels.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {labels.data.items.map((label) => (
                <Table.Tr key={label.id} data-testid="label-row">
                  <Table.Td>
                    <Badge color={label.color || 'gray'} variant="filled" autoContrast tt="none">
                      {label.name}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{label.description}</Table.Td>
                  <Table.Td>{formatDate(label.creation_time, i18n.language)}</Table.Td>
                  {hasActions && (
                    <Table.Td>
                      <RowActions>
                        {can.update && (
                          <RowAction
                            label={t('labels.editLabel', { name: label.name })}
                            onClick={() => setEditing(label)}
                          >
                            {t('labels.edit')}
                          </RowAction>
                        )}
                        {can.delete && (
                          <RowAction
                            label={t('labels.deleteLabel', { name: label.name })}
                            danger
                            onClick={() => deletion.ask(label)}
                          >
                            {t('labels.delete')}
                          </RowAction>
                        )}
                      </RowActions>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={labels.data.total} onChange={setPage} />
        </>
      )}
      {editing && <LabelDialog scope={scope} label={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        {...deletion.dialog}
        title={t(`${text}.deleteTitle`)}
        message={t(`${text}.deleteMessage`, { name: deletion.target?.name ?? '' })}
        confirmLabel={t('labels.delete')}
        danger
        error={deletion.error && t('labels.deleteFailed', { message: deletion.error.message })}
      />
    </Stack>
  );
}

const scopeText = (scope: LabelScope) => (scope.kind === 'global' ? 'globalLabels' : 'projectLabels');

/** Creates a label in the scope, or edits `label` when it has an id. Mounted only while open. */
function LabelDialog({
  scope,
  label,
  onClose,
}: {
  scope: LabelScope;
  label: Partial<Label>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const text = scopeText(scope);
  const create = useCreateLabel(scope);
  const update = useUpdateLabel(scope);
  const [input, setInput] = useState<LabelInput>({
    name: label.name ?? '',
    color: label.color ?? '',
    description: label.description ?? '',
  });
  const saving = label.id === undefined ? create : update;
  const colorError = COLOR.test(input.color) ? null : t('labels.colorInvalid');

  const submit = () => {
    const body = { ...input, name: input.name.trim() };
    if (label.id === undefined) create.mutate(body, { onSuccess: onClose });
    else update.mutate({ ...body, id: label.id }, { onSuccess: onClose });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={label.id === undefined ? t(`${text}.createTitle`) : t(`${text}.editTitle`)}
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
              {t('labels.saveFailed', { message: saving.error.message })}
            </Alert>
          )}
          <TextInput
            label={t('labels.name')}
            required
            data-autofocus
            maxLength={128}
            value={input.name}
            onChange={(event) => setInput({ ...input, name: event.currentTarget.value })}
          />
          <ColorInput
            label={t('labels.color')}
            format="hex"
            swatches={SWATCHES}
            value={input.color}
            error={colorError}
            onChange={(color) => setInput({ ...input, color })}
          />
          <Textarea
            label={t('labels.description')}
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
              {t('labels.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
