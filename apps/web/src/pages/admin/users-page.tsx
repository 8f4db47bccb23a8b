import type { Schema } from '@berth/api-client';
import { Alert, Badge, Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { currentUserQuery } from '../../api/session';
import { useDeleteUser, userListQuery, useSetSysadmin } from '../../api/users';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { ListToolbar, useListSearch } from '../../components/list-toolbar';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { CreateUserDialog } from './create-user-dialog';
import { ResetPasswordDialog } from './reset-password-dialog';

const PAGE_SIZE = 15;
type User = Schema<'UserResp'>;

/** Local accounts: search, create, grant or revoke the system administrator role, reset, delete. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const me = useQuery(currentUserQuery(client));
  const { page, setPage, search, setSearch, term: username } = useListSearch();
  const users = useQuery(userListQuery(client, { page, pageSize: PAGE_SIZE, username }));
  const setSysadmin = useSetSysadmin();
  const deletion = useConfirm(useDeleteUser(), (user: User) => user.user_id);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);

  return (
    <Stack>
      <ListToolbar
        title={t('users.title')}
        searchPlaceholder={t('users.searchPlaceholder')}
        search={search}
        onSearch={setSearch}
        action={<Button onClick={() => setCreating(true)}>{t('users.create')}</Button>}
      />
      {setSysadmin.isError && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setSysadmin.reset()}>
          {t('users.adminFailed', { message: setSysadmin.error.message })}
        </Alert>
      )}
      {users.isPending ? (
        <LoadingState />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <EmptyState>{t('users.empty')}</EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover aria-label={t('users.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('users.username')}</Table.Th>
                  <Table.Th>{t('users.realname')}</Table.Th>
                  <Table.Th>{t('users.email')}</Table.Th>
                  <Table.Th>{t('users.role')}</Table.Th>
                  <Table.Th>{t('users.created')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('users.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.items.map((user) => {
                  const self = user.user_id === me.data?.user_id;
                  return (
                    <Table.Tr key={user.user_id} data-testid="user-row">
                      <Table.Td>
                        <Group gap={6}>
                          <Text size="sm" fw={500}>
                            {user.username}
                          </Text>
                          {self && (
                            <Badge size="xs" variant="outline">
                              {t('users.you')}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>{user.realname}</Table.Td>
                      <Table.Td>{user.email}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={user.sysadmin_flag ? 'grape' : 'gray'} tt="none">
                          {user.sysadmin_flag ? t('users.sysadmin') : t('users.user')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{formatDate(user.creation_time, i18n.language)}</Table.Td>
                      <Table.Td>
                        {/* Not on your own account: the core refuses revoking your own role too. */}
                        {!self && (
                          <RowActions>
                            <RowAction
                              label={t(user.sysadmin_flag ? 'users.revokeAdminFor' : 'users.makeAdminFor', {
                                name: user.username,
                              })}
                              onClick={() =>
                                user.user_id !== undefined &&
                                setSysadmin.mutate({ userId: user.user_id, sysadmin: !user.sysadmin_flag })
                              }
                            >
                              {user.sysadmin_flag ? t('users.revokeAdmin') : t('users.makeAdmin')}
                            </RowAction>
                            <RowAction
                              label={t('users.resetPasswordFor', { name: user.username })}
                              onClick={() => setResetting(user)}
                            >
                              {t('users.resetPassword')}
                            </RowAction>
                            <RowAction
                              label={t('users.deleteFor', { name: user.username })}
                              danger
                              onClick={() => deletion.ask(user)}
                            >
                              {t('users.delete')}
                            </RowAction>
                          </RowActions>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} pageSize={PAGE_SIZE} total={users.data.total} onChange={setPage} />
        </>
      )}
      <CreateUserDialog opened={creating} onClose={() => setCreating(false)} />
      <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />
      <ConfirmDialog
        {...deletion.dialog}
        title={t('users.deleteTitle')}
        message={t('users.deleteMessage', { name: deletion.target?.username ?? '' })}
        confirmLabel={t('users.deleteTitle')}
        danger
        error={deletion.error && t('users.deleteFailed', { message: deletion.error.message })}
      />
    </Stack>
  );
}
