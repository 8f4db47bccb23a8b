import {
  Alert,
  Badge,
  Button,
  Checkbox,
  CopyButton as MantineCopyButton,
  Group,
  Modal,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import {
  useDeleteWebhook,
  useRegenerateWebhookSecret,
  useSaveWebhook,
  webhookEventsQuery,
  webhookExecutionsQuery,
  webhookLastTriggersQuery,
  webhookListQuery,
  webhookTaskLogQuery,
  webhookTasksQuery,
  type WebhookPolicy,
} from '../../api/webhooks';
import { ConfirmDialog, useConfirm } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { ListToolbar, useListSearch } from '../../components/list-toolbar';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { JobStatusBadge, LogDialog, formatDuration } from './job-parts';
import type { ProjectContext } from './project-context';

const PAGE_SIZE = 10;

/** An event type in words, or as the API names it when the console does not know it. */
function useEventName() {
  const { t, i18n } = useTranslation();
  return (type: string) => (i18n.exists(`webhooks.events.${type}`) ? t(`webhooks.events.${type}`) : type);
}

/** The project's webhook policies (Harbor's Webhooks tab), their last triggers and deliveries. */
export function WebhooksTab({ projectId, permissions }: ProjectContext) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const eventName = useEventName();
  const { page, setPage, search, setSearch, term } = useListSearch();
  const policies = useQuery(webhookListQuery(client, projectId, { page, pageSize: PAGE_SIZE, name: term }));
  const canRead = permissions.has('notification-policy:read');
  const lastTriggers = useQuery({ ...webhookLastTriggersQuery(client, projectId), enabled: canRead });
  const save = useSaveWebhook(projectId);
  const removal = useConfirm(useDeleteWebhook(projectId), (policy: WebhookPolicy) => policy.id);
  const regeneration = useConfirm(
    useRegenerateWebhookSecret(projectId),
    (policy: WebhookPolicy) => policy.id,
    (value, policy) => setSecret({ name: policy.name, secret: value }),
  );
  const [editing, setEditing] = useState<WebhookPolicy | 'new' | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [selected, setSelected] = useState<WebhookPolicy | null>(null);
  const canCreate = permissions.has('notification-policy:create');
  const canUpdate = permissions.has('notification-policy:update');
  const canDelete = permissions.has('notification-policy:delete');

  const lastTriggerOf = (name: string) => {
    const times = (lastTriggers.data ?? [])
      .filter((trigger) => trigger.policy_name === name && trigger.last_trigger_time)
      .map((trigger) => trigger.last_trigger_time ?? '')
      .sort();
    return times.at(-1);
  };

  return (
    <Stack>
      <ListToolbar
        title={t('webhooks.title')}
        intro={t('webhooks.intro')}
        searchPlaceholder={t('webhooks.searchPlaceholder')}
        search={search}
        onSearch={setSearch}
        action={canCreate && <Button onClick={() => setEditing('new')}>{t('webhooks.add')}</Button>}
      />
      {save.isError && editing === null && (
        <Alert color="red" role="alert" withCloseButton onClose={() => save.reset()}>
          {t('webhooks.toggleFailed', { message: save.error.message })}
        </Alert>
      )}
      {policies.isPending ? (
        <LoadingState />
      ) : policies.isError ? (
        <ErrorState error={policies.error} onRetry={() => void policies.refetch()} />
      ) : policies.data.items.length === 0 ? (
        <EmptyState>{term ? t('webhooks.emptySearch', { name: term }) : t('webhooks.empty')}</EmptyState>
      ) : (
        <>
          <Table striped aria-label={t('webhooks.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.name')}</Table.Th>
                <Table.Th>{t('webhooks.state')}</Table.Th>
                <Table.Th>{t('webhooks.eventTypes')}</Table.Th>
                <Table.Th>{t('webhooks.target')}</Table.Th>
                <Table.Th>{t('webhooks.lastTrigger')}</Table.Th>
                <Table.Th>{t('webhooks.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {policies.data.items.map((policy) => {
                const toggle = policy.enabled ? t('webhooks.disable') : t('webhooks.enable');
                const target = policy.targets[0];
                return (
                  <Table.Tr key={policy.id} data-testid="webhook-row">
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {policy.name}
                      </Text>
                      {policy.description && (
                        <Text size="xs" c="dimmed">
                          {policy.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={policy.enabled ? 'teal' : 'gray'}>
                        {policy.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{policy.event_types.map(eventName).join(', ')}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" style={{ wordBreak: 'break-all' }}>
                        {target ? `${target.address}` : '—'}
                      </Text>
                      {target && (
                        <Text size="xs" c="dimmed">
                          {target.type}
                          {target.type === 'http' ? ` · ${target.payload_format ?? 'Default'}` : ''}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDate(lastTriggerOf(policy.name), i18n.language)}</Table.Td>
                    <Table.Td>
                      <RowActions>
                        {canRead && (
                          <RowAction
                            label={t('webhooks.executionsLabel', { name: policy.name })}
                            onClick={() => setSelected(selected?.id === policy.id ? null : policy)}
                          >
                            {t('webhooks.executions')}
                          </RowAction>
                        )}
                        {canUpdate && (
                          <>
                            <RowAction
                              label={t('webhooks.editLabel', { name: policy.name })}
                              onClick={() => setEditing(policy)}
                            >
                              {t('webhooks.edit')}
                            </RowAction>
                            <RowAction
                              label={t('webhooks.toggleLabel', { action: toggle, name: policy.name })}
                              loading={save.isPending && save.variables?.id === policy.id}
                              onClick={() => save.mutate({ ...policy, enabled: !policy.enabled })}
                            >
                              {toggle}
                            </RowAction>
                            <RowAction
                              label={t('webhooks.regenerateLabel', { name: policy.name })}
                              onClick={() => regeneration.ask(policy)}
                            >
                              {t('webhooks.regenerate')}
                            </RowAction>
                          </>
                        )}
                        {canDelete && (
                          <RowAction
                            label={t('webhooks.deleteLabel', { name: policy.name })}
                            danger
                            onClick={() => removal.ask(policy)}
                          >
                            {t('webhooks.delete')}
                          </RowAction>
                        )}
                      </RowActions>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={policies.data.total} onChange={setPage} />
        </>
      )}
      {selected && <WebhookDeliveries projectId={projectId} policy={selected} />}
      {canRead && (
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('webhooks.lastTriggers')}
          </Title>
          {lastTriggers.isPending ? (
            <LoadingState />
          ) : lastTriggers.isError ? (
            <ErrorState error={lastTriggers.error} onRetry={() => void lastTriggers.refetch()} />
          ) : lastTriggers.data.filter((trigger) => trigger.last_trigger_time).length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('webhooks.noTriggers')}
            </Text>
          ) : (
            <Table aria-label={t('webhooks.lastTriggers')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('webhooks.policy')}</Table.Th>
                  <Table.Th>{t('webhooks.eventType')}</Table.Th>
                  <Table.Th>{t('webhooks.state')}</Table.Th>
                  <Table.Th>{t('webhooks.created')}</Table.Th>
                  <Table.Th>{t('webhooks.lastTrigger')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {lastTriggers.data
                  .filter((trigger) => trigger.last_trigger_time)
                  .map((trigger) => (
                    <Table.Tr key={`${trigger.policy_name}-${trigger.event_type}`} data-testid="last-trigger">
                      <Table.Td>{trigger.policy_name}</Table.Td>
                      <Table.Td>{eventName(trigger.event_type)}</Table.Td>
                      <Table.Td>{trigger.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}</Table.Td>
                      <Table.Td>{formatDate(trigger.creation_time, i18n.language)}</Table.Td>
                      <Table.Td>{formatDate(trigger.last_trigger_time, i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
      {editing !== null && (
        <WebhookDialog
          projectId={projectId}
          policy={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(name, value) => value && setSecret({ name, secret: value })}
        />
      )}
      <WebhookSecretDialog value={secret} onClose={() => setSecret(null)} />
      <ConfirmDialog
        {...regeneration.dialog}
        title={t('webhooks.regenerateTitle')}
        message={t('webhooks.regenerateMessage', { name: regeneration.target?.name })}
        confirmLabel={t('webhooks.regenerate')}
        danger
        error={regeneration.error && t('webhooks.regenerateFailed', { message: regeneration.error.message })}
      />
      <ConfirmDialog
        {...removal.dialog}
        title={t('webhooks.deleteTitle')}
        message={t('webhooks.deleteMessage', { name: removal.target?.name })}
        confirmLabel={t('webhooks.delete')}
        danger
        error={removal.error && t('webhooks.deleteFailed', { message: removal.error.message })}
      />
    </Stack>
  );
}

function WebhookDialog({
  projectId,
  policy,
  onClose,
  onCreated,
}: {
  projectId: string;
  policy: WebhookPolicy | null;
  onClose: () => void;
  onCreated: (name: string, secret: string | null) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const eventName = useEventName();
  const events = useQuery(webhookEventsQuery(client, projectId));
  const save = useSaveWebhook(projectId);
  const target = policy?.targets[0];
  const [name, setName] = useState(policy?.name ?? '');
  const [description, setDescription] = useState(policy?.description ?? '');
  const [type, setType] = useState(target?.type ?? 'http');
  const [address, setAddress] = useState(target?.address ?? '');
  const [authHeader, setAuthHeader] = useState(target?.auth_header ?? '');
  const [verifyCert, setVerifyCert] = useState(!(target?.skip_cert_verify ?? false));
  const [format, setFormat] = useState(target?.payload_format || 'Default');
  const [eventTypes, setEventTypes] = useState<string[]>(policy?.event_types ?? []);
  const formats = events.data?.payload_formats.find((entry) => entry.notify_type === type)?.formats ?? [];

  const submit = () =>
    save.mutate(
      {
        ...(policy ? { id: policy.id } : {}),
        name: name.trim(),
        description,
        enabled: policy?.enabled ?? true,
        event_types: eventTypes,
        // The console edits the first target; any others the API was given stay as they are.
        targets: [
          {
            type,
            address: address.trim(),
            auth_header: authHeader,
            skip_cert_verify: !verifyCert,
            ...(type === 'http' ? { payload_format: format } : {}),
          },
          ...(policy?.targets.slice(1) ?? []),
        ],
      },
      {
        onSuccess: ({ secret }) => {
          onClose();
          if (!policy) onCreated(name.trim(), secret);
        },
      },
    );

  return (
    <Modal
      opened
      onClose={onClose}
      title={policy ? t('webhooks.dialogEdit') : t('webhooks.dialogAdd')}
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
              {t('webhooks.saveFailed', { message: save.error.message })}
            </Alert>
          )}
          <TextInput
            label={t('webhooks.name')}
            required
            data-autofocus
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Textarea
            label={t('webhooks.description')}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            rows={2}
          />
          <Select
            label={t('webhooks.notifyType')}
            data={events.data?.notify_type ?? ['http', 'slack']}
            value={type}
            allowDeselect={false}
            onChange={(value) => value && setType(value)}
          />
          {type === 'http' && formats.length > 0 && (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('webhooks.payloadFormat')}
              </Text>
              <SegmentedControl
                aria-label={t('webhooks.payloadFormat')}
                data={formats}
                value={format}
                onChange={setFormat}
                w="fit-content"
              />
            </Stack>
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('webhooks.eventTypes')}
            </Text>
            {events.isError ? (
              <ErrorState error={events.error} onRetry={() => void events.refetch()} />
            ) : (
              <Checkbox.Group
                value={eventTypes}
                onChange={setEventTypes}
                aria-label={t('webhooks.eventTypes')}
              >
                <SimpleGrid cols={2} spacing="xs">
                  {(events.data?.event_type ?? []).map((eventType) => (
                    <Checkbox key={eventType} value={eventType} label={eventName(eventType)} />
                  ))}
                </SimpleGrid>
              </Checkbox.Group>
            )}
            {eventTypes.length === 0 && (
              <Text size="xs" c="dimmed">
                {t('webhooks.needEvent')}
              </Text>
            )}
          </Stack>
          <TextInput
            label={t('webhooks.address')}
            description={t('webhooks.addressHint')}
            required
            type="url"
            value={address}
            onChange={(event) => setAddress(event.currentTarget.value)}
          />
          <TextInput
            label={t('webhooks.authHeader')}
            description={t('webhooks.authHeaderHint')}
            value={authHeader}
            onChange={(event) => setAuthHeader(event.currentTarget.value)}
          />
          <Checkbox
            label={t('webhooks.verifyCert')}
            checked={verifyCert}
            onChange={(event) => setVerifyCert(event.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={save.isPending}
              disabled={!name.trim() || !address.trim() || eventTypes.length === 0}
            >
              {t('webhooks.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The one time a policy's signing secret is shown; closing forgets it. */
function WebhookSecretDialog({
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
      title={t('webhooks.secretTitle', { name: value?.name ?? '' })}
      centered
      size="lg"
      closeOnClickOutside={false}
    >
      {value && (
        <Stack>
          <Alert color="yellow">{t('webhooks.secretWarning')}</Alert>
          <Group align="flex-end" wrap="nowrap">
            <TextInput
              label={t('webhooks.secret')}
              value={value.secret}
              readOnly
              style={{ flex: 1 }}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-testid="webhook-secret"
              onFocus={(event) => event.currentTarget.select()}
            />
            <MantineCopyButton value={value.secret} timeout={2000}>
              {({ copied, copy }) => (
                <Button
                  variant={copied ? 'filled' : 'light'}
                  color={copied ? 'teal' : 'blue'}
                  onClick={copy}
                  aria-label={t('webhooks.copySecret')}
                >
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </MantineCopyButton>
          </Group>
          <Group justify="flex-end">
            <Button onClick={onClose}>{t('webhooks.secretDone')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** A policy's deliveries (Harbor's executions), each with its tasks and their logs. */
function WebhookDeliveries({ projectId, policy }: { projectId: string; policy: WebhookPolicy }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const eventName = useEventName();
  const [page, setPage] = useState(1);
  const executions = useQuery(webhookExecutionsQuery(client, projectId, policy.id, page, PAGE_SIZE));
  const [open, setOpen] = useState<number | null>(null);

  return (
    <Stack gap="xs" data-testid="webhook-deliveries">
      <Title order={3} size="h4">
        {t('webhooks.deliveriesOf', { name: policy.name })}
      </Title>
      {executions.isPending ? (
        <LoadingState />
      ) : executions.isError ? (
        <ErrorState error={executions.error} onRetry={() => void executions.refetch()} />
      ) : executions.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('webhooks.noDeliveries')}
        </Text>
      ) : (
        <>
          <Table aria-label={t('webhooks.deliveriesOf', { name: policy.name })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.deliveryId')}</Table.Th>
                <Table.Th>{t('webhooks.eventType')}</Table.Th>
                <Table.Th>{t('webhooks.status')}</Table.Th>
                <Table.Th>{t('webhooks.started')}</Table.Th>
                <Table.Th>{t('retention.duration')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {executions.data.items.map((execution) => {
                const eventType = execution.extra_attrs.event_type;
                return (
                  <Fragment key={execution.id}>
                    <Table.Tr data-testid="webhook-delivery">
                      <Table.Td>{execution.id}</Table.Td>
                      <Table.Td>{typeof eventType === 'string' ? eventName(eventType) : '—'}</Table.Td>
                      <Table.Td>
                        <JobStatusBadge status={execution.status} />
                      </Table.Td>
                      <Table.Td>{formatDate(execution.start_time, i18n.language)}</Table.Td>
                      <Table.Td>{formatDuration(execution.start_time, execution.end_time)}</Table.Td>
                      <Table.Td>
                        <RowAction
                          label={t('webhooks.tasksLabel', { id: execution.id })}
                          onClick={() => setOpen(open === execution.id ? null : execution.id)}
                        >
                          {t('webhooks.tasks')}
                        </RowAction>
                      </Table.Td>
                    </Table.Tr>
                    {open === execution.id && (
                      <Table.Tr>
                        <Table.Td colSpan={6}>
                          <WebhookTasks
                            projectId={projectId}
                            policyId={policy.id}
                            executionId={execution.id}
                          />
                        </Table.Td>
                      </Table.Tr>
                    )}
                  </Fragment>
                );
              })}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={executions.data.total} onChange={setPage} />
        </>
      )}
    </Stack>
  );
}

function WebhookTasks({
  projectId,
  policyId,
  executionId,
}: {
  projectId: string;
  policyId: number;
  executionId: number;
}) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const tasks = useQuery(webhookTasksQuery(client, projectId, policyId, executionId));
  const [log, setLog] = useState<number | null>(null);
  if (tasks.isPending) return <LoadingState />;
  if (tasks.isError) return <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />;
  return (
    <>
      <Table aria-label={t('webhooks.tasksLabel', { id: executionId })}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('webhooks.task')}</Table.Th>
            <Table.Th>{t('webhooks.status')}</Table.Th>
            <Table.Th>{t('webhooks.attempts')}</Table.Th>
            <Table.Th>{t('webhooks.started')}</Table.Th>
            <Table.Th>{t('webhooks.ended')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tasks.data.map((task) => (
            <Table.Tr key={task.id} data-testid="webhook-task">
              <Table.Td>{task.id}</Table.Td>
              <Table.Td>
                <JobStatusBadge status={task.status} />
                {task.status_message && (
                  <Text size="xs" c="dimmed">
                    {task.status_message}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{task.run_count}</Table.Td>
              <Table.Td>{formatDate(task.start_time, i18n.language)}</Table.Td>
              <Table.Td>{formatDate(task.end_time, i18n.language)}</Table.Td>
              <Table.Td>
                <RowAction label={t('webhooks.logLabel', { id: task.id })} onClick={() => setLog(task.id)}>
                  {t('webhooks.log')}
                </RowAction>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <LogDialog
        title={t('webhooks.logTitle', { id: log ?? '' })}
        query={log !== null ? webhookTaskLogQuery(client, projectId, policyId, executionId, log) : null}
        onClose={() => setLog(null)}
      />
    </>
  );
}
