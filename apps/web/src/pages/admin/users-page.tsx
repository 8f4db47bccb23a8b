import type { Schema } from '@berth/api-client';
import {
  Alert,
  Badge,
  Button,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { currentUserQuery } from '../../api/session';
import { useDeleteUser, userListQuery, useSetSysadmin } from '../../api/users';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { CreateUserDialog } from './create-user-dialog';
import { ResetPasswordDialog } from './reset-password-dialog';

const PAGE_SIZE = 15;

/** Local accounts: search, create, grant or revoke the system administrator role, reset, delete. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const me = useQuery(currentUserQuery(client));
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [username] = useDebouncedValue(search.trim(), 250);
  const users = useQuery(userListQuery(client, { page, pageSize: PAGE_SIZE, username }));
  const setSysadmin = useSetSysadmin();
  const remove = useDeleteUser();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Schema<'UserResp'> | null>(null);
  const [deleting, setDeleting] = useState<Schema<'UserResp'> | null>(null);

  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('users.title')}
        </Title>
        <Group>
          <TextInput
            aria-label={t('common.search')}
            placeholder={t('users.searchPlaceholder')}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(1);
            }}
            w={240}
          />
          <Button onClick={() => setCreating(true)}>{t('users.create')}</Button>
        </Group>
      </Group>
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
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              aria-label={t(
                                user.sysadmin_flag ? 'users.revokeAdminFor' : 'users.makeAdminFor',
                                {
                                  name: user.username,
                                },
                              )}
                              onClick={() =>
                                user.user_id !== undefined &&
                                setSysadmin.mutate({ userId: user.user_id, sysadmin: !user.sysadmin_flag })
                              }
                            >
                              {user.sysadmin_flag ? t('users.revokeAdmin') : t('users.makeAdmin')}
                            </Button>
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              aria-label={t('users.resetPasswordFor', { name: user.username })}
                              onClick={() => setResetting(user)}
                            >
                              {t('users.resetPassword')}
                            </Button>
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              color="red"
                              aria-label={t('users.deleteFor', { name: user.username })}
                              onClick={() => setDeleting(user)}
                            >
                              {t('users.delete')}
                            </Button>
                          </Group>
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
        opened={deleting !== null}
        title={t('users.deleteTitle')}
        message={t('users.deleteMessage', { name: deleting?.username ?? '' })}
        confirmLabel={t('users.deleteTitle')}
        danger
        loading={remove.isPending}
        error={remove.isError ? t('users.deleteFailed', { message: remove.error.message }) : null}
        onClose={closeDelete}
        onConfirm={() =>
          deleting?.user_id !== undefined && remove.mutate(deleting.user_id, { onSuccess: closeDelete })
        }
      />
    </Stack>
  );
}
