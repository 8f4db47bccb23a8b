import {
  Alert,
  Badge,
  Button,
  Checkbox,
  CopyButton as MantineCopyButton,
  Group,
  Modal,
  NumberInput,
  Stack,
  Table,
  Text,
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
  robotListQuery,
  useCreateRobot,
  useDeleteRobot,
  useRefreshRobotSecret,
  useUpdateRobot,
  type RobotScope,
} from '../../api/robots';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { ROBOT_PRESETS, toAccess, type PermissionCatalog } from './robot-permissions';

const PAGE_SIZE = 10;
const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
type Robot = Schema<'Robot'>;

/**
 * Robot accounts of one scope: a project's, or (with the system catalog) the system's. `grantable`
 * holds the `resource:action` permissions the caller has there, since a robot never gets more.
 */
export function RobotAccounts({
  scope,
  catalog,
  grantable,
  canCreate,
  canUpdate,
  canDelete,
}: {
  scope: RobotScope;
  catalog: PermissionCatalog;
  grantable: ReadonlySet<string>;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [name] = useDebouncedValue(search.trim(), 250);
  const robots = useQuery(robotListQuery(client, scope, { page, pageSize: PAGE_SIZE, name }));
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [refreshing, setRefreshing] = useState<Robot | null>(null);
  const [deleting, setDeleting] = useState<Robot | null>(null);
  const update = useUpdateRobot(scope);
  const refresh = useRefreshRobotSecret();
  const remove = useDeleteRobot(scope);
  const now = Date.now() / 1000;

  const closeRefresh = () => {
    refresh.reset();
    setRefreshing(null);
  };
  const closeDelete = () => {
    remove.reset();
    setDeleting(null);
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('robots.title')}
        </Title>
        <Group>
          <TextInput
            aria-label={t('common.search')}
            placeholder={t('robots.searchPlaceholder')}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPage(1);
            }}
            w={240}
          />
          {canCreate && <Button onClick={() => setCreating(true)}>{t('robots.create')}</Button>}
        </Group>
      </Group>
      {update.isError && (
        <Alert color="red" role="alert" withCloseButton onClose={() => update.reset()}>
          {t('robots.toggleFailed', { message: update.error.message })}
        </Alert>
      )}
      {robots.isPending ? (
        <LoadingState />
      ) : robots.isError ? (
        <ErrorState error={robots.error} onRetry={() => void robots.refetch()} />
      ) : robots.data.items.length === 0 ? (
        <EmptyState>{name ? t('robots.emptySearch', { name }) : t('robots.empty')}</EmptyState>
      ) : (
        <>
          <Table striped aria-label={t('robots.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('robots.name')}</Table.Th>
                <Table.Th>{t('robots.status')}</Table.Th>
                <Table.Th>{t('robots.permissions')}</Table.Th>
                <Table.Th>{t('robots.expires')}</Table.Th>
                <Table.Th>{t('robots.description')}</Table.Th>
                <Table.Th>{t('robots.created')}</Table.Th>
                {(canUpdate || canDelete) && <Table.Th>{t('robots.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {robots.data.items.map((robot) => {
                const expiresAt = robot.expires_at ?? -1;
                const expired = expiresAt > 0 && expiresAt < now;
                const count = (robot.permissions ?? []).reduce((n, p) => n + (p.access?.length ?? 0), 0);
                return (
                  <Table.Tr key={robot.id} data-testid="robot-row">
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {robot.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {robot.disable ? (
                        <Badge color="gray">{t('robots.disabled')}</Badge>
                      ) : expired ? (
                        <Badge color="red">{t('robots.expired')}</Badge>
                      ) : (
                        <Badge color="teal">{t('robots.enabled')}</Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{t('robots.permissionCount', { count })}</Table.Td>
                    <Table.Td>
                      {expiresAt < 0
                        ? t('robots.never')
                        : formatDate(new Date(expiresAt * 1000).toISOString(), i18n.language)}
                    </Table.Td>
                    <Table.Td>{robot.description}</Table.Td>
                    <Table.Td>{formatDate(robot.creation_time, i18n.language)}</Table.Td>
                    {(canUpdate || canDelete) && (
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          {canUpdate && (
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              aria-label={t(robot.disable ? 'robots.enableLabel' : 'robots.disableLabel', {
                                name: robot.name,
                              })}
                              loading={update.isPending && update.variables.id === robot.id}
                              onClick={() =>
                                robot.id !== undefined &&
                                update.mutate({ ...robot, id: robot.id, disable: !robot.disable })
                              }
                            >
                              {robot.disable ? t('robots.enable') : t('robots.disable')}
                            </Button>
                          )}
                          {canUpdate && (
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              aria-label={t('robots.refreshLabel', { name: robot.name })}
                              onClick={() => setRefreshing(robot)}
                            >
                              {t('robots.refresh')}
                            </Button>
                          )}
                          {canDelete && (
                            <Button
                              size="compact-sm"
                              variant="subtle"
                              color="red"
                              aria-label={t('robots.deleteLabel', { name: robot.name })}
                              onClick={() => setDeleting(robot)}
                            >
                              {t('robots.delete')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={robots.data.total} onChange={setPage} />
        </>
      )}
      {canCreate && (
        <CreateRobotDialog
          scope={scope}
          catalog={catalog}
          grantable={grantable}
          opened={creating}
          onClose={() => setCreating(false)}
          onCreated={(created) => setSecret(created)}
        />
      )}
      <RobotSecretDialog value={secret} onClose={() => setSecret(null)} />
      <ConfirmDialog
        opened={refreshing !== null}
        title={t('robots.refreshTitle')}
        message={t('robots.refreshMessage', { name: refreshing?.name })}
        confirmLabel={t('robots.refreshConfirm')}
        danger
        loading={refresh.isPending}
        error={refresh.isError ? t('robots.refreshFailed', { message: refresh.error.message }) : null}
        onClose={closeRefresh}
        onConfirm={() => {
          const robot = refreshing;
          if (robot?.id === undefined) return;
          refresh.mutate(robot.id, {
            onSuccess: (result) => {
              closeRefresh();
              setSecret({ name: robot.name ?? '', secret: result.secret ?? '' });
            },
          });
        }}
      />
      <ConfirmDialog
        opened={deleting !== null}
        title={t('robots.deleteTitle')}
        message={t('robots.deleteMessage', { name: deleting?.name })}
        confirmLabel={t('robots.delete')}
        danger
        loading={remove.isPending}
        error={remove.isError ? t('robots.deleteFailed', { message: remove.error.message }) : null}
        onClose={closeDelete}
        onConfirm={() => {
          if (deleting?.id !== undefined) remove.mutate(deleting.id, { onSuccess: closeDelete });
        }}
      />
    </Stack>
  );
}

function CreateRobotDialog({
  scope,
  catalog,
  grantable,
  opened,
  onClose,
  onCreated,
}: {
  scope: RobotScope;
  catalog: PermissionCatalog;
  grantable: ReadonlySet<string>;
  opened: boolean;
  onClose: () => void;
  onCreated: (created: { name: string; secret: string }) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateRobot(scope);
  const [name, setName] = useState('');
  const [duration, setDuration] = useState<number | string>(30);
  const [description, setDescription] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const nameError = name !== '' && !NAME.test(name) ? t('robots.nameInvalid') : null;
  const days = typeof duration === 'number' ? duration : Number.parseInt(duration, 10);
  const durationValid = Number.isInteger(days) && (days === -1 || days > 0);

  const close = () => {
    create.reset();
    setName('');
    setDuration(30);
    setDescription('');
    setSelected(new Set());
    onClose();
  };

  const toggle = (key: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    setSelected(next);
  };

  const preset = (keys: readonly string[]) => setSelected(new Set(keys.filter((key) => grantable.has(key))));

  const submit = () => {
    create.mutate(
      {
        name,
        description,
        level: scope.level,
        duration: days,
        permissions: [
          scope.level === 'project'
            ? { kind: 'project', namespace: scope.projectName, access: toAccess(selected) }
            : { kind: 'system', namespace: '/', access: toAccess(selected) },
        ],
      },
      {
        onSuccess: (created) => {
          close();
          onCreated({ name: created.name ?? name, secret: created.secret ?? '' });
        },
      },
    );
  };

  const actions = [...new Set(catalog.flatMap((group) => group.actions))];

  return (
    <Modal opened={opened} onClose={close} title={t('robots.createTitle')} centered size="xl">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (name && !nameError && durationValid && selected.size > 0) submit();
        }}
      >
        <Stack>
          {create.isError && (
            <Alert color="red" role="alert">
              {t('robots.createFailed', { message: create.error.message })}
            </Alert>
          )}
          <Group grow align="flex-start">
            <TextInput
              label={t('robots.name')}
              description={t('robots.nameHint')}
              required
              data-autofocus
              value={name}
              error={nameError}
              onChange={(event) => setName(event.currentTarget.value)}
            />
            <NumberInput
              label={t('robots.expiry')}
              description={t('robots.expiryHint')}
              min={-1}
              allowDecimal={false}
              value={duration}
              onChange={setDuration}
              error={durationValid ? null : t('robots.expiryHint')}
            />
          </Group>
          <Textarea
            label={t('robots.description')}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            rows={2}
          />
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <Text component="legend" size="sm" fw={500}>
              {t('robots.permissions')}
            </Text>
            <Text size="xs" c="dimmed" mb="xs">
              {t('robots.permissionsHint')}
            </Text>
            <Group gap="xs" mb="xs">
              <Button size="compact-xs" variant="light" onClick={() => preset(ROBOT_PRESETS.pull)}>
                {t('robots.presetPull')}
              </Button>
              <Button size="compact-xs" variant="light" onClick={() => preset(ROBOT_PRESETS.push)}>
                {t('robots.presetPush')}
              </Button>
              <Button size="compact-xs" variant="subtle" onClick={() => setSelected(new Set())}>
                {t('robots.presetClear')}
              </Button>
            </Group>
            <Table.ScrollContainer minWidth={600} mah={320}>
              <Table withTableBorder striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('robotPermissions.resource')}</Table.Th>
                    {actions.map((action) => (
                      <Table.Th key={action}>{t(`robotPermissions.actions.${action}`, action)}</Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {catalog.map((group) => {
                    const resource = t(`robotPermissions.resources.${group.resource}`, group.resource);
                    return (
                      <Table.Tr key={group.resource}>
                        <Table.Td>{resource}</Table.Td>
                        {actions.map((action) => {
                          const key = `${group.resource}:${action}`;
                          if (!group.actions.includes(action)) return <Table.Td key={action} />;
                          return (
                            <Table.Td key={action}>
                              <Checkbox
                                aria-label={t('robotPermissions.checkbox', {
                                  resource,
                                  action: t(`robotPermissions.actions.${action}`, action),
                                })}
                                checked={selected.has(key)}
                                disabled={!grantable.has(key)}
                                onChange={(event) => toggle(key, event.currentTarget.checked)}
                              />
                            </Table.Td>
                          );
                        })}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {selected.size === 0 && (
              <Text size="xs" c="dimmed" mt={4}>
                {t('robots.noPermission')}
              </Text>
            )}
          </fieldset>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={create.isPending}
              disabled={!name || !!nameError || !durationValid || selected.size === 0}
            >
              {t('robots.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The one time a robot's secret is shown; closing forgets it. */
export function RobotSecretDialog({
  value,
  onClose,
}: {
  value: { name: string; secret: string } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={value !== null}
      onClose={onClose}
      title={t('robots.secretTitle', { name: value?.name ?? '' })}
      centered
      size="lg"
      closeOnClickOutside={false}
    >
      {value && (
        <Stack>
          <Alert color="yellow">{t('robots.secretWarning')}</Alert>
          <SecretField label={t('robots.secretName')} value={value.name} copyLabel={t('robots.copyName')} />
          <SecretField
            label={t('robots.secret')}
            value={value.secret}
            copyLabel={t('robots.copySecret')}
            testId="robot-secret"
          />
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('robots.secretDone')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function SecretField({
  label,
  value,
  copyLabel,
  testId,
}: {
  label: string;
  value: string;
  copyLabel: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Group align="flex-end" wrap="nowrap">
      <TextInput
        label={label}
        value={value}
        readOnly
        style={{ flex: 1 }}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        data-testid={testId}
        onFocus={(event) => event.currentTarget.select()}
      />
      <MantineCopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Button
            variant={copied ? 'filled' : 'light'}
            color={copied ? 'teal' : 'blue'}
            onClick={copy}
            aria-label={copyLabel}
          >
            {copied ? t('common.copied') : t('common.copy')}
          </Button>
        )}
      </MantineCopyButton>
    </Group>
  );
}
