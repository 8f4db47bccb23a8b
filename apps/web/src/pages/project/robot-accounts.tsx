import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Card,
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
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schema } from '@berth/api-client';
import { useClient } from '../../api/client';
import { robotPermissionCatalogQuery } from '../../api/permissions';
import { projectListQuery } from '../../api/projects';
import {
  robotListQuery,
  useCreateRobot,
  useDeleteRobot,
  useRefreshRobotSecret,
  useUpdateRobot,
  type RobotScope,
} from '../../api/robots';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { formatDate, fromEpochSeconds } from '../../components/format';
import { ListToolbar, useListSearch } from '../../components/list-toolbar';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import {
  ALL_PROJECTS,
  ROBOT_PRESETS,
  catalogKeys,
  robotNamespaces,
  systemRobotPermissions,
  toAccess,
  type PermissionCatalog,
  type ProjectGrant,
} from './robot-permissions';

const PAGE_SIZE = 10;
const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
type Robot = Schema<'Robot'>;

/**
 * Robot accounts of one scope: a project's, or the system's (which may also act in projects).
 * What may be granted comes from `GET /permissions`; `grantable` holds the `resource:action`
 * permissions the caller has in the scope itself, since a robot never gets more.
 */
export function RobotAccounts({
  scope,
  grantable,
  canCreate,
  canUpdate,
  canDelete,
}: {
  scope: RobotScope;
  grantable: ReadonlySet<string>;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const { page, setPage, search, setSearch, term: name } = useListSearch();
  const robots = useQuery(robotListQuery(client, scope, { page, pageSize: PAGE_SIZE, name }));
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const update = useUpdateRobot(scope);
  const refreshing = useConfirm(
    useRefreshRobotSecret(),
    (robot: Robot) => robot.id,
    (result, robot) => setSecret({ name: robot.name ?? '', secret: result.secret ?? '' }),
  );
  const deletion = useConfirm(useDeleteRobot(scope), (robot: Robot) => robot.id);
  const now = Date.now() / 1000;

  return (
    <Stack>
      <ListToolbar
        title={scope.level === 'system' ? t('systemRobots.title') : t('robots.title')}
        searchPlaceholder={t('robots.searchPlaceholder')}
        search={search}
        onSearch={setSearch}
        action={canCreate && <Button onClick={() => setCreating(true)}>{t('robots.create')}</Button>}
      />
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
                    <Table.Td>
                      <Stack gap={2}>
                        <Text size="sm">{t('robots.permissionCount', { count })}</Text>
                        {scope.level === 'system' && (
                          <Group gap={4}>
                            {robotNamespaces(robot.permissions).map((namespace) => (
                              <Badge key={namespace} size="xs" variant="light" tt="none">
                                {namespace === '/'
                                  ? t('systemRobots.systemNamespace')
                                  : namespace === ALL_PROJECTS
                                    ? t('systemRobots.allProjects')
                                    : namespace}
                              </Badge>
                            ))}
                          </Group>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      {expiresAt < 0
                        ? t('robots.never')
                        : formatDate(fromEpochSeconds(expiresAt), i18n.language)}
                    </Table.Td>
                    <Table.Td>{robot.description}</Table.Td>
                    <Table.Td>{formatDate(robot.creation_time, i18n.language)}</Table.Td>
                    {(canUpdate || canDelete) && (
                      <Table.Td>
                        <RowActions>
                          {canUpdate && (
                            <RowAction
                              label={t(robot.disable ? 'robots.enableLabel' : 'robots.disableLabel', {
                                name: robot.name,
                              })}
                              loading={update.isPending && update.variables.id === robot.id}
                              onClick={() =>
                                robot.id !== undefined &&
                                update.mutate({ ...robot, id: robot.id, disable: !robot.disable })
                              }
                            >
                              {robot.disable ? t('robots.enable') : t('robots.disable')}
                            </RowAction>
                          )}
                          {canUpdate && (
                            <RowAction
                              label={t('robots.refreshLabel', { name: robot.name })}
                              onClick={() => refreshing.ask(robot)}
                            >
                              {t('robots.refresh')}
                            </RowAction>
                          )}
                          {canDelete && (
                            <RowAction
                              label={t('robots.deleteLabel', { name: robot.name })}
                              danger
                              onClick={() => deletion.ask(robot)}
                            >
                              {t('robots.delete')}
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
          <Pager page={page} pageSize={PAGE_SIZE} total={robots.data.total} onChange={setPage} />
        </>
      )}
      {canCreate && (
        <CreateRobotDialog
          scope={scope}
          grantable={grantable}
          opened={creating}
          onClose={() => setCreating(false)}
          onCreated={(created) => setSecret(created)}
        />
      )}
      <RobotSecretDialog value={secret} onClose={() => setSecret(null)} />
      <ConfirmDialog
        {...refreshing.dialog}
        title={t('robots.refreshTitle')}
        message={t('robots.refreshMessage', { name: refreshing.target?.name })}
        confirmLabel={t('robots.refreshConfirm')}
        danger
        error={refreshing.error && t('robots.refreshFailed', { message: refreshing.error.message })}
      />
      <ConfirmDialog
        {...deletion.dialog}
        title={t('robots.deleteTitle')}
        message={t('robots.deleteMessage', { name: deletion.target?.name })}
        confirmLabel={t('robots.delete')}
        danger
        error={deletion.error && t('robots.deleteFailed', { message: deletion.error.message })}
      />
    </Stack>
  );
}

function CreateRobotDialog({
  scope,
  grantable,
  opened,
  onClose,
  onCreated,
}: {
  scope: RobotScope;
  grantable: ReadonlySet<string>;
  opened: boolean;
  onClose: () => void;
  onCreated: (created: { name: string; secret: string }) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const catalog = useQuery({ ...robotPermissionCatalogQuery(client), enabled: opened });
  const create = useCreateRobot(scope);
  const [name, setName] = useState('');
  const [duration, setDuration] = useState<number | string>(30);
  const [description, setDescription] = useState('');
  // A project robot's permissions in its project; a system robot's system permissions.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // A system robot's permissions in projects, one set per project (or every project).
  const [grants, setGrants] = useState<readonly (ProjectGrant & { id: number })[]>([]);
  const nameError = name !== '' && !NAME.test(name) ? t('robots.nameInvalid') : null;
  const days = typeof duration === 'number' ? duration : Number.parseInt(duration, 10);
  const durationValid = Number.isInteger(days) && (days === -1 || days > 0);
  const system = scope.level === 'system';
  const permissions = system
    ? systemRobotPermissions(selected, grants)
    : [{ kind: 'project' as const, namespace: scope.projectName, access: toAccess(selected) }];
  const unnamedGrant = grants.some((grant) => grant.selected.size > 0 && !grant.namespace.trim());
  const hasPermission = system ? permissions.length > 0 : selected.size > 0;
  const valid = !!name && !nameError && durationValid && hasPermission && !unnamedGrant;

  const close = () => {
    create.reset();
    setName('');
    setDuration(30);
    setDescription('');
    setSelected(new Set());
    setGrants([]);
    onClose();
  };

  const submit = () => {
    create.mutate(
      { name, description, level: scope.level, duration: days, permissions },
      {
        onSuccess: (created) => {
          close();
          onCreated({ name: created.name ?? name, secret: created.secret ?? '' });
        },
      },
    );
  };

  const setGrant = (index: number, grant: ProjectGrant) =>
    setGrants(grants.map((current, i) => (i === index ? { ...grant, id: current.id } : current)));
  // Grants have no identity of their own; a number each keeps React's keys stable across removals.
  const addGrant = () =>
    setGrants([
      ...grants,
      { id: Math.max(0, ...grants.map((grant) => grant.id)) + 1, namespace: '', selected: new Set() },
    ]);

  return (
    <Modal opened={opened} onClose={close} title={t('robots.createTitle')} centered size="xl">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid) submit();
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
          {catalog.isPending ? (
            <LoadingState />
          ) : catalog.isError ? (
            <Alert color="red" role="alert">
              {t('systemRobots.catalogFailed', { message: catalog.error.message })}
            </Alert>
          ) : system ? (
            <>
              <PermissionPicker
                legend={t('systemRobots.systemPermissions')}
                hint={t('systemRobots.systemPermissionsHint')}
                catalog={catalog.data.system}
                grantable={grantable}
                selected={selected}
                onChange={setSelected}
                presets={false}
              />
              <Stack gap="xs">
                <Text size="sm" fw={500}>
                  {t('systemRobots.projectPermissions')}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('systemRobots.projectPermissionsHint')}
                </Text>
                {grants.map((grant, index) => (
                  <ProjectGrantEditor
                    key={grant.id}
                    grant={grant}
                    catalog={catalog.data.project}
                    onChange={(next) => setGrant(index, next)}
                    onRemove={() => setGrants(grants.filter((_, i) => i !== index))}
                  />
                ))}
                <Button variant="light" w="fit-content" onClick={addGrant}>
                  {t('systemRobots.addProject')}
                </Button>
                {unnamedGrant && (
                  <Text size="xs" c="red" role="alert">
                    {t('systemRobots.projectMissing')}
                  </Text>
                )}
              </Stack>
            </>
          ) : (
            <PermissionPicker
              legend={t('robots.permissions')}
              hint={t('robots.permissionsHint')}
              catalog={catalog.data.project}
              grantable={grantable}
              selected={selected}
              onChange={setSelected}
              presets
            />
          )}
          {!hasPermission && (
            <Text size="xs" c="dimmed">
              {t('robots.noPermission')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!valid}>
              {t('robots.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** One project (or every project) of a system robot, with what the robot may do there. */
function ProjectGrantEditor({
  grant,
  catalog,
  onChange,
  onRemove,
}: {
  grant: ProjectGrant;
  catalog: PermissionCatalog;
  onChange: (grant: ProjectGrant) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const all = grant.namespace === ALL_PROJECTS;
  const [typed] = useDebouncedValue(all ? '' : grant.namespace.trim(), 200);
  const projects = useQuery({
    ...projectListQuery(client, { page: 1, pageSize: 10, name: typed }),
    enabled: !all,
  });
  const names = (projects.data?.items ?? []).map((project) => project.name ?? '').filter(Boolean);
  const legend = all
    ? t('systemRobots.projectGroupAll')
    : grant.namespace.trim()
      ? t('systemRobots.projectGroup', { name: grant.namespace.trim() })
      : t('systemRobots.projectGroupUnnamed');
  return (
    <Card withBorder padding="sm">
      <Stack gap="xs">
        <Group align="flex-end">
          <Autocomplete
            label={t('systemRobots.project')}
            placeholder={t('systemRobots.projectPlaceholder')}
            data={[...new Set(names)]}
            value={all ? '' : grant.namespace}
            disabled={all}
            onChange={(namespace) => onChange({ ...grant, namespace })}
            style={{ flex: 1 }}
          />
          <Checkbox
            label={t('systemRobots.allProjects')}
            checked={all}
            onChange={(event) =>
              onChange({ ...grant, namespace: event.currentTarget.checked ? ALL_PROJECTS : '' })
            }
            mb={8}
          />
          <Button variant="subtle" color="red" onClick={onRemove}>
            {t('systemRobots.removeProject')}
          </Button>
        </Group>
        <PermissionPicker
          legend={legend}
          catalog={catalog}
          selected={grant.selected}
          onChange={(selected) => onChange({ ...grant, selected })}
          presets
        />
      </Stack>
    </Card>
  );
}

/** Columns in the order people read a grant: see, move images, change, then the rest. */
const ACTION_ORDER = ['list', 'read', 'pull', 'push', 'create', 'update', 'delete', 'operate', 'stop'];
const actionRank = (action: string) => {
  const rank = ACTION_ORDER.indexOf(action);
  return rank < 0 ? ACTION_ORDER.length : rank;
};

/**
 * A resource × action grid of checkboxes. Without `grantable` every permission of the catalog may
 * be chosen (the catalog is already what the caller may grant).
 */
function PermissionPicker({
  legend,
  hint,
  catalog,
  grantable,
  selected,
  onChange,
  presets,
}: {
  legend: string;
  hint?: string;
  catalog: PermissionCatalog;
  grantable?: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  onChange: (selected: ReadonlySet<string>) => void;
  presets: boolean;
}) {
  const { t } = useTranslation();
  const may = (key: string) => !grantable || grantable.has(key);
  const offered = new Set(catalogKeys(catalog));
  const toggle = (key: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    onChange(next);
  };
  const preset = (keys: readonly string[]) =>
    onChange(new Set(keys.filter((key) => offered.has(key) && may(key))));
  const actions = [...new Set(catalog.flatMap((group) => group.actions))].sort(
    (a, b) => actionRank(a) - actionRank(b),
  );
  const actionLabel = (action: string) => t(`robotPermissions.actions.${action}`, action);

  return (
    <fieldset aria-label={legend} style={{ border: 0, padding: 0, margin: 0 }}>
      <Text component="legend" size="sm" fw={500}>
        {legend}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed" mb="xs">
          {hint}
        </Text>
      )}
      {presets && (
        <Group gap="xs" mb="xs">
          <Button size="compact-xs" variant="light" onClick={() => preset(ROBOT_PRESETS.pull)}>
            {t('robots.presetPull')}
          </Button>
          <Button size="compact-xs" variant="light" onClick={() => preset(ROBOT_PRESETS.push)}>
            {t('robots.presetPush')}
          </Button>
          <Button size="compact-xs" variant="subtle" onClick={() => onChange(new Set())}>
            {t('robots.presetClear')}
          </Button>
        </Group>
      )}
      <Table.ScrollContainer minWidth={600} mah={320}>
        <Table withTableBorder striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('robotPermissions.resource')}</Table.Th>
              {actions.map((action) => (
                <Table.Th key={action}>{actionLabel(action)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {catalog.map((group) => {
              const resource = t(
                [`robotPermissions.resources.${group.resource}`, `robotCatalog.resources.${group.resource}`],
                group.resource,
              );
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
                            action: actionLabel(action),
                          })}
                          checked={selected.has(key)}
                          disabled={!may(key)}
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
    </fieldset>
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
