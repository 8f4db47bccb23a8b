import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schema } from '@berth/api-client';
import { useClient } from '../../api/client';
import {
  PROJECT_ROLES,
  groupSearchQuery,
  memberListQuery,
  useAddMember,
  useChangeMemberRole,
  useRemoveMember,
  userSearchQuery,
} from '../../api/members';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { ListToolbar, useListSearch } from '../../components/list-toolbar';
import { Pager } from '../../components/pager';
import { RowAction } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import type { ProjectContext } from './project-context';

const PAGE_SIZE = 10;
type Member = Schema<'ProjectMemberEntity'>;

export function MembersTab({ projectId, project, permissions }: ProjectContext) {
  const { t } = useTranslation();
  const client = useClient();
  const { page, setPage, search, setSearch, term: entityname } = useListSearch();
  const members = useQuery(memberListQuery(client, projectId, { page, pageSize: PAGE_SIZE, entityname }));
  const [adding, setAdding] = useState(false);
  const changeRole = useChangeMemberRole(projectId);
  const removal = useConfirm(useRemoveMember(projectId), (member: Member) => member.id);
  const canCreate = permissions.has('member:create');
  const canUpdate = permissions.has('member:update');
  const canDelete = permissions.has('member:delete');
  const roleOptions = PROJECT_ROLES.map((role) => ({
    value: String(role.id),
    label: t(`roles.${role.name}`),
  }));
  const roleLabel = (member: Member) => {
    const role = PROJECT_ROLES.find((r) => r.id === member.role_id);
    return role ? t(`roles.${role.name}`) : (member.role_name ?? '');
  };

  return (
    <Stack>
      <ListToolbar
        title={t('members.title')}
        searchPlaceholder={t('members.searchPlaceholder')}
        search={search}
        onSearch={setSearch}
        action={canCreate && <Button onClick={() => setAdding(true)}>{t('members.add')}</Button>}
      />
      {changeRole.isError && (
        <Alert color="red" role="alert" withCloseButton onClose={() => changeRole.reset()}>
          {t('members.roleFailed', { message: changeRole.error.message })}
        </Alert>
      )}
      {members.isPending ? (
        <LoadingState />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : members.data.items.length === 0 ? (
        <EmptyState>
          {entityname ? t('members.emptySearch', { name: entityname }) : t('members.empty')}
        </EmptyState>
      ) : (
        <>
          <Table striped aria-label={t('members.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('members.name')}</Table.Th>
                <Table.Th>{t('members.type')}</Table.Th>
                <Table.Th>{t('members.role')}</Table.Th>
                {canDelete && <Table.Th>{t('members.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.items.map((member) => (
                <Table.Tr key={member.id} data-testid="member-row">
                  <Table.Td>{member.entity_name}</Table.Td>
                  <Table.Td>{member.entity_type === 'g' ? t('members.group') : t('members.user')}</Table.Td>
                  <Table.Td>
                    {canUpdate ? (
                      <Select
                        aria-label={t('members.changeRole', { name: member.entity_name })}
                        data={roleOptions}
                        value={String(member.role_id)}
                        allowDeselect={false}
                        size="xs"
                        w={180}
                        disabled={changeRole.isPending}
                        onChange={(value) => {
                          if (value && Number(value) !== member.role_id && member.id !== undefined)
                            changeRole.mutate({ memberId: member.id, roleId: Number(value) });
                        }}
                      />
                    ) : (
                      <Badge variant="light">{roleLabel(member)}</Badge>
                    )}
                  </Table.Td>
                  {canDelete && (
                    <Table.Td>
                      <RowAction
                        label={t('members.removeLabel', { name: member.entity_name })}
                        danger
                        onClick={() => removal.ask(member)}
                      >
                        {t('members.remove')}
                      </RowAction>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={members.data.total} onChange={setPage} />
        </>
      )}
      {canCreate && (
        <AddMemberDialog projectId={projectId} opened={adding} onClose={() => setAdding(false)} />
      )}
      <ConfirmDialog
        {...removal.dialog}
        title={t('members.removeTitle')}
        message={t('members.removeMessage', { name: removal.target?.entity_name, project: project.name })}
        confirmLabel={t('members.remove')}
        danger
        error={removal.error && t('members.removeFailed', { message: removal.error.message })}
      />
    </Stack>
  );
}

/** Picks a user (`/users/search`) or a user group (`/usergroups/search`) by part of its name, and a role. */
export function AddMemberDialog({
  projectId,
  opened,
  onClose,
}: {
  projectId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const add = useAddMember(projectId);
  const [kind, setKind] = useState<'user' | 'group'>('user');
  const [name, setName] = useState('');
  const [roleId, setRoleId] = useState('2');
  const [query] = useDebouncedValue(name.trim(), 200);
  const users = useQuery({ ...userSearchQuery(client, query), enabled: kind === 'user' && query !== '' });
  const groups = useQuery({ ...groupSearchQuery(client, query), enabled: kind === 'group' && query !== '' });
  const names =
    kind === 'user'
      ? (users.data ?? []).map((user) => user.username ?? '')
      : (groups.data ?? []).map((group) => group.group_name ?? '');
  const found = kind === 'user' ? users : groups;
  const noneFound = query !== '' && found.isSuccess && names.filter(Boolean).length === 0;

  const close = () => {
    add.reset();
    setKind('user');
    setName('');
    setRoleId('2');
    onClose();
  };

  const submit = () => {
    const entity = name.trim();
    const body: Schema<'ProjectMember'> =
      kind === 'user'
        ? { role_id: Number(roleId), member_user: { username: entity } }
        : { role_id: Number(roleId), member_group: { group_name: entity } };
    add.mutate(body, { onSuccess: close });
  };

  return (
    <Modal opened={opened} onClose={close} title={t('members.addTitle')} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) submit();
        }}
      >
        <Stack>
          {add.isError && (
            <Alert color="red" role="alert">
              {t('members.addFailed', { message: add.error.message })}
            </Alert>
          )}
          <SegmentedControl
            aria-label={t('members.type')}
            data={[
              { value: 'user', label: t('members.user') },
              { value: 'group', label: t('members.group') },
            ]}
            value={kind}
            onChange={(value) => {
              setKind(value === 'group' ? 'group' : 'user');
              setName('');
            }}
          />
          <Autocomplete
            label={kind === 'user' ? t('members.username') : t('members.groupname')}
            description={kind === 'user' ? t('members.usernameHint') : t('members.groupnameHint')}
            required
            data-autofocus
            data={[...new Set(names.filter(Boolean))]}
            value={name}
            onChange={setName}
            error={
              noneFound ? (kind === 'user' ? t('members.noUserFound') : t('members.noGroupFound')) : null
            }
          />
          <Select
            label={t('members.role')}
            data={PROJECT_ROLES.map((role) => ({ value: String(role.id), label: t(`roles.${role.name}`) }))}
            value={roleId}
            allowDeselect={false}
            onChange={(value) => value && setRoleId(value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending} disabled={!name.trim()}>
              {t('members.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
