import type { Schema } from '@berth/api-client';
import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { userSearchQuery } from '../../api/members';
import {
  groupMemberListQuery,
  useAddGroupMember,
  useCreateUserGroup,
  useDeleteUserGroup,
  useRemoveGroupMember,
  useRenameUserGroup,
  userGroupListQuery,
} from '../../api/user-groups';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { ListToolbar, useListSearch } from '../../components/list-toolbar';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';

const PAGE_SIZE = 15;
const MEMBERS_PAGE_SIZE = 10;
type UserGroup = Schema<'UserGroup'>;
type Member = Schema<'UserGroupMember'>;

/** Local user groups: find, create, rename, delete, and say who is in each. */
export function GroupsPage() {
  const { t } = useTranslation();
  const client = useClient();
  const { page, setPage, search, setSearch, term: name } = useListSearch();
  const groups = useQuery(userGroupListQuery(client, { page, pageSize: PAGE_SIZE, name }));
  // null: closed; a group without id: creating; with id: renaming it.
  const [editing, setEditing] = useState<Partial<UserGroup> | null>(null);
  const [showing, setShowing] = useState<UserGroup | null>(null);
  const deletion = useConfirm(useDeleteUserGroup(), (group: UserGroup) => group.id);

  return (
    <Stack>
      <ListToolbar
        title={t('userGroups.title')}
        intro={t('userGroups.intro')}
        searchPlaceholder={t('userGroups.searchPlaceholder')}
        search={search}
        onSearch={setSearch}
        action={<Button onClick={() => setEditing({})}>{t('userGroups.create')}</Button>}
      />
      {groups.isPending ? (
        <LoadingState />
      ) : groups.isError ? (
        <ErrorState error={groups.error} onRetry={() => void groups.refetch()} />
      ) : groups.data.items.length === 0 ? (
        <EmptyState>{name ? t('userGroups.emptySearch', { name }) : t('userGroups.empty')}</EmptyState>
      ) : (
        <>
          <Table striped highlightOnHover aria-label={t('userGroups.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('userGroups.name')}</Table.Th>
                <Table.Th>{t('userGroups.type')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('userGroups.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.data.items.map((group) => (
                <Table.Tr key={group.id} data-testid="group-row">
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {group.group_name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="gray" tt="none">
                      {t('userGroups.local')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <RowActions>
                      <RowAction
                        label={t('userGroups.membersLabel', { name: group.group_name })}
                        onClick={() => setShowing(group)}
                      >
                        {t('userGroups.members')}
                      </RowAction>
                      <RowAction
                        label={t('userGroups.renameLabel', { name: group.group_name })}
                        onClick={() => setEditing(group)}
                      >
                        {t('userGroups.rename')}
                      </RowAction>
                      <RowAction
                        label={t('userGroups.deleteLabel', { name: group.group_name })}
                        danger
                        onClick={() => deletion.ask(group)}
                      >
                        {t('userGroups.delete')}
                      </RowAction>
                    </RowActions>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={groups.data.total} onChange={setPage} />
        </>
      )}
      {editing && <GroupNameDialog group={editing} onClose={() => setEditing(null)} />}
      {showing?.id !== undefined && (
        <GroupMembersDialog
          groupId={showing.id}
          groupName={showing.group_name ?? ''}
          onClose={() => setShowing(null)}
        />
      )}
      <ConfirmDialog
        {...deletion.dialog}
        title={t('userGroups.deleteTitle')}
        message={t('userGroups.deleteMessage', { name: deletion.target?.group_name ?? '' })}
        confirmLabel={t('userGroups.delete')}
        danger
        error={deletion.error && t('userGroups.deleteFailed', { message: deletion.error.message })}
      />
    </Stack>
  );
}

/** Creates a group, or renames `group` when it has an id. Mounted only while open. */
function GroupNameDialog({ group, onClose }: { group: Partial<UserGroup>; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateUserGroup();
  const rename = useRenameUserGroup();
  const [name, setName] = useState(group.group_name ?? '');
  const saving = group.id === undefined ? create : rename;
  const trimmed = name.trim();
  const unchanged = group.id !== undefined && trimmed === group.group_name;

  const submit = () => {
    if (group.id === undefined) create.mutate(trimmed, { onSuccess: onClose });
    else rename.mutate({ id: group.id, name: trimmed }, { onSuccess: onClose });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={
        group.id === undefined
          ? t('userGroups.createTitle')
          : t('userGroups.renameTitle', { name: group.group_name })
      }
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (trimmed && !unchanged) submit();
        }}
      >
        <Stack>
          {saving.isError && (
            <Alert color="red" role="alert">
              {t('userGroups.saveFailed', { message: saving.error.message })}
            </Alert>
          )}
          <TextInput
            label={t('userGroups.name')}
            description={t('userGroups.nameHint')}
            required
            data-autofocus
            maxLength={255}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={saving.isPending} disabled={!trimmed || unchanged}>
              {t('userGroups.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Who is in a group: add a local user found by name, remove one after confirmation. */
function GroupMembersDialog({
  groupId,
  groupName,
  onClose,
}: {
  groupId: number;
  groupName: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const members = useQuery(groupMemberListQuery(client, groupId, { page, pageSize: MEMBERS_PAGE_SIZE }));
  const add = useAddGroupMember(groupId);
  const removal = useConfirm(useRemoveGroupMember(groupId), (member: Member) => member.user_id);
  const [username, setUsername] = useState('');
  const [query] = useDebouncedValue(username.trim(), 200);
  const users = useQuery(userSearchQuery(client, query));
  const names = [...new Set((users.data ?? []).map((user) => user.username ?? '').filter(Boolean))];
  const noneFound = query !== '' && users.isSuccess && names.length === 0;

  return (
    <>
      <Modal
        opened={removal.target === null}
        onClose={onClose}
        title={t('userGroups.membersTitle', { name: groupName })}
        centered
        size="lg"
      >
        <Stack>
          {members.isPending ? (
            <LoadingState />
          ) : members.isError ? (
            <ErrorState error={members.error} onRetry={() => void members.refetch()} />
          ) : members.data.items.length === 0 ? (
            <EmptyState>{t('userGroups.membersEmpty')}</EmptyState>
          ) : (
            <>
              <Table striped aria-label={t('userGroups.membersTitle', { name: groupName })}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('userGroups.username')}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t('userGroups.actions')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {members.data.items.map((member) => (
                    <Table.Tr key={member.user_id} data-testid="group-member-row">
                      <Table.Td>{member.username}</Table.Td>
                      <Table.Td align="right">
                        <RowAction
                          label={t('userGroups.removeLabel', { name: member.username })}
                          danger
                          onClick={() => removal.ask(member)}
                        >
                          {t('userGroups.remove')}
                        </RowAction>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Pager page={page} pageSize={MEMBERS_PAGE_SIZE} total={members.data.total} onChange={setPage} />
            </>
          )}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const name = username.trim();
              if (name) add.mutate(name, { onSuccess: () => setUsername('') });
            }}
          >
            <Stack gap="xs">
              {add.isError && (
                <Alert color="red" role="alert" withCloseButton onClose={() => add.reset()}>
                  {t('userGroups.addFailed', { message: add.error.message })}
                </Alert>
              )}
              <Group align="flex-start">
                <Autocomplete
                  label={t('userGroups.addUser')}
                  placeholder={t('userGroups.addUserPlaceholder')}
                  data={names}
                  value={username}
                  onChange={(value) => {
                    add.reset();
                    setUsername(value);
                  }}
                  error={noneFound ? t('userGroups.noUserFound') : null}
                  style={{ flex: 1 }}
                />
                <Button type="submit" mt={25} loading={add.isPending} disabled={!username.trim()}>
                  {t('userGroups.addSubmit')}
                </Button>
              </Group>
            </Stack>
          </form>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('userGroups.close')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmDialog
        {...removal.dialog}
        title={t('userGroups.removeTitle')}
        message={t('userGroups.removeMessage', { name: removal.target?.username ?? '', group: groupName })}
        confirmLabel={t('userGroups.remove')}
        danger
        error={removal.error && t('userGroups.removeFailed', { message: removal.error.message })}
      />
    </>
  );
}
