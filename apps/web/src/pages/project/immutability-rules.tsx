import { Alert, Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import {
  IMMUTABLE_RULE_LIMIT,
  immutableRulesQuery,
  useDeleteImmutableRule,
  useSaveImmutableRule,
  type ImmutableRule,
} from '../../api/immutability';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { SelectorFields, fromPattern, toPattern } from './selector-fields';

/** How a selector reads in a list: "matching **", "excluding tmp-*". */
function useSelectorText() {
  const { t } = useTranslation();
  return (selector: { decoration?: string; pattern?: string } | undefined) => {
    if (!selector) return '—';
    const excluding = selector.decoration === 'repoExcludes' || selector.decoration === 'excludes';
    return `${excluding ? t('retention.excludes') : t('retention.matches')} ${selector.pattern ?? ''}`;
  };
}

/** The project's tag immutability rules (Harbor's Policy → Tag immutability). */
export function ImmutabilityRules({
  projectId,
  permissions,
}: {
  projectId: string;
  permissions: ReadonlySet<string>;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const rules = useQuery(immutableRulesQuery(client, projectId));
  const save = useSaveImmutableRule(projectId);
  const removal = useConfirm(useDeleteImmutableRule(projectId), (rule: ImmutableRule) => rule.id);
  const [editing, setEditing] = useState<ImmutableRule | 'new' | null>(null);
  const selectorText = useSelectorText();
  const canCreate = permissions.has('immutable-tag:create');
  const canUpdate = permissions.has('immutable-tag:update');
  const canDelete = permissions.has('immutable-tag:delete');
  const count = rules.data?.total ?? 0;
  const full = count >= IMMUTABLE_RULE_LIMIT;

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2} size="h3">
            {t('immutability.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('immutability.intro')}
          </Text>
        </Stack>
        <Group>
          {rules.isSuccess && (
            <Text size="sm" data-testid="immutability-count">
              {t('immutability.count', { count, limit: IMMUTABLE_RULE_LIMIT })}
            </Text>
          )}
          {canCreate && (
            <Button onClick={() => setEditing('new')} disabled={full}>
              {t('immutability.add')}
            </Button>
          )}
        </Group>
      </Group>
      {full && canCreate && <Alert color="yellow">{t('immutability.limitReached')}</Alert>}
      {save.isError && editing === null && (
        <Alert color="red" role="alert" withCloseButton onClose={() => save.reset()}>
          {t('immutability.toggleFailed', { message: save.error.message })}
        </Alert>
      )}
      {rules.isPending ? (
        <LoadingState />
      ) : rules.isError ? (
        <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
      ) : rules.data.items.length === 0 ? (
        <EmptyState>{t('immutability.empty')}</EmptyState>
      ) : (
        <Table striped aria-label={t('immutability.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('immutability.repositories')}</Table.Th>
              <Table.Th>{t('immutability.tags')}</Table.Th>
              <Table.Th>{t('immutability.state')}</Table.Th>
              {(canUpdate || canDelete) && <Table.Th>{t('immutability.actions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rules.data.items.map((rule) => {
              const toggle = rule.disabled ? t('immutability.enable') : t('immutability.disable');
              return (
                <Table.Tr key={rule.id} data-testid="immutable-rule-row">
                  <Table.Td>{selectorText(rule.scope_selectors.repository?.[0])}</Table.Td>
                  <Table.Td>{selectorText(rule.tag_selectors[0])}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={rule.disabled ? 'gray' : 'teal'}>
                      {rule.disabled ? t('immutability.disabled') : t('immutability.enabled')}
                    </Badge>
                  </Table.Td>
                  {(canUpdate || canDelete) && (
                    <Table.Td>
                      <RowActions>
                        {canUpdate && (
                          <>
                            <RowAction
                              label={t('immutability.editLabel', { id: rule.id })}
                              onClick={() => setEditing(rule)}
                            >
                              {t('immutability.edit')}
                            </RowAction>
                            <RowAction
                              label={t('immutability.toggleLabel', { action: toggle, id: rule.id })}
                              loading={save.isPending && save.variables?.id === rule.id}
                              onClick={() => save.mutate({ ...rule, disabled: !rule.disabled })}
                            >
                              {toggle}
                            </RowAction>
                          </>
                        )}
                        {canDelete && (
                          <RowAction
                            label={t('immutability.deleteLabel', { id: rule.id })}
                            danger
                            onClick={() => removal.ask(rule)}
                          >
                            {t('immutability.delete')}
                          </RowAction>
                        )}
                      </RowActions>
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {editing !== null && (
        <ImmutableRuleDialog
          projectId={projectId}
          rule={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmDialog
        {...removal.dialog}
        title={t('immutability.deleteTitle')}
        message={t('immutability.deleteMessage', {
          repositories: selectorText(removal.target?.scope_selectors.repository?.[0]),
          tags: selectorText(removal.target?.tag_selectors[0]),
        })}
        confirmLabel={t('immutability.delete')}
        danger
        error={removal.error && t('immutability.deleteFailed', { message: removal.error.message })}
      />
    </Stack>
  );
}

function ImmutableRuleDialog({
  projectId,
  rule,
  onClose,
}: {
  projectId: string;
  rule: ImmutableRule | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveImmutableRule(projectId);
  const repo = rule?.scope_selectors.repository?.[0];
  const tag = rule?.tag_selectors[0];
  const [repoDecoration, setRepoDecoration] = useState(repo?.decoration ?? 'repoMatches');
  const [repoPattern, setRepoPattern] = useState(fromPattern(repo?.pattern ?? '**'));
  const [tagDecoration, setTagDecoration] = useState(tag?.decoration ?? 'matches');
  const [tagPattern, setTagPattern] = useState(fromPattern(tag?.pattern ?? '**'));

  const submit = () =>
    save.mutate(
      {
        ...(rule ?? {}),
        disabled: rule?.disabled ?? false,
        action: 'immutable',
        template: 'immutable_template',
        scope_selectors: {
          repository: [
            { kind: 'doublestar', decoration: repoDecoration, pattern: toPattern(repoPattern), extras: '' },
          ],
        },
        tag_selectors: [
          { kind: 'doublestar', decoration: tagDecoration, pattern: toPattern(tagPattern), extras: '' },
        ],
      },
      { onSuccess: onClose },
    );

  return (
    <Modal
      opened
      onClose={onClose}
      title={rule ? t('immutability.dialogEdit') : t('immutability.dialogAdd')}
      centered
      size="lg"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          {save.isError && (
            <Alert color="red" role="alert">
              {t('immutability.saveFailed', { message: save.error.message })}
            </Alert>
          )}
          <SelectorFields
            label={t('retention.repositories')}
            decorations={[
              { value: 'repoMatches', label: t('retention.repoMatches') },
              { value: 'repoExcludes', label: t('retention.repoExcludes') },
            ]}
            decoration={repoDecoration}
            onDecoration={setRepoDecoration}
            pattern={repoPattern}
            onPattern={setRepoPattern}
            patternLabel={t('retention.repoPattern')}
            hint={t('retention.repoPatternHint')}
          />
          <SelectorFields
            label={t('retention.tags')}
            decorations={[
              { value: 'matches', label: t('retention.matches') },
              { value: 'excludes', label: t('retention.excludes') },
            ]}
            decoration={tagDecoration}
            onDecoration={setTagDecoration}
            pattern={tagPattern}
            onPattern={setTagPattern}
            patternLabel={t('retention.tagPattern')}
            hint={t('retention.tagPatternHint')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={!repoPattern.trim() || !tagPattern.trim()}
            >
              {t('immutability.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
