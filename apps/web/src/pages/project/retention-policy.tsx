import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schema } from '@berth/api-client';
import { useClient } from '../../api/client';
import {
  RETENTION_TEMPLATES,
  retentionExecutionsQuery,
  retentionPolicyQuery,
  retentionTaskLogQuery,
  retentionTasksQuery,
  useSaveRetention,
  useStopRetention,
  useTriggerRetention,
  type RetentionExecution,
  type RetentionPolicy,
  type RetentionRule,
} from '../../api/retention';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatDate } from '../../components/format';
import { Pager } from '../../components/pager';
import { RowAction, RowActions } from '../../components/row-actions';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { JobStatusBadge, LogDialog, formatDuration } from './job-parts';
import { SelectorFields, fromPattern, toPattern } from './selector-fields';

const PAGE_SIZE = 10;
const MAX_RULES = 15;

/** Harbor's schedule presets (six-field crons, seconds first, UTC). */
const PRESETS = { hourly: '0 0 * * * *', daily: '0 0 0 * * *', weekly: '0 0 0 * * 0' } as const;
type ScheduleKind = 'none' | keyof typeof PRESETS | 'custom';

function scheduleKind(cron: string): ScheduleKind {
  if (!cron) return 'none';
  const preset = (Object.keys(PRESETS) as (keyof typeof PRESETS)[]).find((key) => PRESETS[key] === cron);
  return preset ?? 'custom';
}

type TemplateName = (typeof RETENTION_TEMPLATES)[number]['template'];

function paramOf(rule: RetentionRule): number | null {
  const value = rule.params[rule.template];
  return typeof value === 'number' ? value : null;
}

/** Whether a rule's tag selectors include untagged artifacts (Harbor's `extras`; absent: yes). */
function includesUntagged(rule: RetentionRule): boolean {
  const extras = rule.tag_selectors[0]?.extras;
  if (!extras) return true;
  try {
    return (JSON.parse(extras) as { untagged?: boolean }).untagged !== false;
  } catch {
    return true;
  }
}

/** One rule in words, as Harbor's console lists them. */
function useRuleText() {
  const { t } = useTranslation();
  return (rule: RetentionRule) => {
    const repo = rule.scope_selectors.repository?.[0];
    const tag = rule.tag_selectors[0];
    const template = RETENTION_TEMPLATES.some((known) => known.template === rule.template)
      ? t(`retention.templatesShort.${rule.template as TemplateName}`, { n: paramOf(rule) ?? '' })
      : rule.template;
    return t('retention.ruleSummary', {
      repoDecoration:
        repo?.decoration === 'repoExcludes' ? t('retention.repoExcludes') : t('retention.repoMatches'),
      repoPattern: repo?.pattern ?? '**',
      template,
      tagDecoration: tag?.decoration === 'excludes' ? t('retention.excludes') : t('retention.matches'),
      tagPattern: tag?.pattern ?? '**',
      untagged: includesUntagged(rule) ? t('retention.withUntagged') : t('retention.withoutUntagged'),
    });
  };
}

/** The project's tag retention policy (Harbor's Policy → Tag retention): rules, schedule, runs. */
export function RetentionPolicySection({
  projectId,
  project,
  permissions,
}: {
  projectId: string;
  project: Schema<'Project'>;
  permissions: ReadonlySet<string>;
}) {
  const client = useClient();
  // The core names the project's policy in its metadata (Harbor's console reads it there too).
  const retentionId = Number(project.metadata?.retention_id ?? 0) || 0;
  const policy = useQuery({ ...retentionPolicyQuery(client, retentionId), enabled: retentionId > 0 });
  const canChange = permissions.has(retentionId ? 'tag-retention:update' : 'tag-retention:create');

  if (retentionId && policy.isPending) return <LoadingState />;
  if (retentionId && policy.isError)
    return <ErrorState error={policy.error} onRetry={() => void policy.refetch()} />;
  return (
    <RetentionEditor
      projectId={projectId}
      projectRef={project.project_id ?? Number(projectId)}
      policy={retentionId ? (policy.data ?? null) : null}
      canChange={canChange}
      canRun={permissions.has('tag-retention:update')}
    />
  );
}

function RetentionEditor({
  projectId,
  projectRef,
  policy,
  canChange,
  canRun,
}: {
  projectId: string;
  projectRef: number;
  policy: RetentionPolicy | null;
  canChange: boolean;
  canRun: boolean;
}) {
  const { t } = useTranslation();
  const save = useSaveRetention(projectId);
  const ruleText = useRuleText();
  const rules = policy?.rules ?? [];
  const cron = typeof policy?.trigger.settings.cron === 'string' ? policy.trigger.settings.cron : '';
  const [editing, setEditing] = useState<{ index: number; rule: RetentionRule | null } | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);

  /** Saves the whole policy with `changes`; the dialogs and buttons that call it show its error. */
  const saveWith = (changes: { rules?: RetentionRule[]; cron?: string }, onSuccess?: () => void) =>
    save.mutate(
      {
        id: policy?.id,
        algorithm: 'or',
        rules: (changes.rules ?? rules).map((rule, index) => ({ ...rule, priority: index })),
        trigger: {
          kind: 'Schedule',
          settings: { cron: changes.cron ?? cron },
          references: policy?.trigger.references ?? {},
        },
        scope: { level: 'project', ref: projectRef },
      },
      { onSuccess },
    );

  return (
    <Stack>
      <Stack gap={2}>
        <Title order={2} size="h3">
          {t('retention.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('retention.intro')}
        </Text>
      </Stack>
      {!canChange && <Text size="sm">{t('retention.noPermission')}</Text>}
      {save.isError && editing === null && deleting === null && (
        <Alert color="red" role="alert" withCloseButton onClose={() => save.reset()}>
          {t('retention.saveFailed', { message: save.error.message })}
        </Alert>
      )}
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('retention.rules')}
        </Title>
        <Group>
          <Text size="sm" c="dimmed">
            {t('retention.rulesCount', { count: rules.length })}
          </Text>
          {canChange && (
            <Button
              variant="light"
              onClick={() => setEditing({ index: rules.length, rule: null })}
              disabled={rules.length >= MAX_RULES}
            >
              {t('retention.addRule')}
            </Button>
          )}
        </Group>
      </Group>
      {rules.length === 0 ? (
        <EmptyState>{t('retention.noRules')}</EmptyState>
      ) : (
        <Stack gap="xs">
          {rules.map((rule, index) => (
            <Card withBorder padding="sm" key={`${rule.id}-${index}`} data-testid="retention-rule">
              <Group justify="space-between" wrap="nowrap">
                <Group gap="xs" wrap="nowrap">
                  <Badge variant="outline">{index + 1}</Badge>
                  <Text size="sm" c={rule.disabled ? 'dimmed' : undefined}>
                    {ruleText(rule)}
                  </Text>
                  {rule.disabled && <Badge color="gray">{t('retention.disabled')}</Badge>}
                </Group>
                {canChange && (
                  <RowActions>
                    <RowAction
                      label={t('retention.editRuleLabel', { index: index + 1 })}
                      onClick={() => setEditing({ index, rule })}
                    >
                      {t('retention.editRule')}
                    </RowAction>
                    <RowAction
                      label={t('retention.toggleLabel', {
                        action: rule.disabled ? t('retention.enable') : t('retention.disable'),
                        index: index + 1,
                      })}
                      loading={save.isPending}
                      onClick={() =>
                        saveWith({
                          rules: rules.map((r, i) => (i === index ? { ...r, disabled: !r.disabled } : r)),
                        })
                      }
                    >
                      {rule.disabled ? t('retention.enable') : t('retention.disable')}
                    </RowAction>
                    <RowAction
                      label={t('retention.deleteRuleLabel', { index: index + 1 })}
                      danger
                      onClick={() => setDeleting(index)}
                    >
                      {t('retention.deleteRule')}
                    </RowAction>
                  </RowActions>
                )}
              </Group>
            </Card>
          ))}
        </Stack>
      )}
      {policy && (
        <ScheduleEditor
          cron={cron}
          canChange={canChange}
          saving={save.isPending}
          onSave={(next) => saveWith({ cron: next })}
        />
      )}
      {policy && <RetentionRuns policyId={policy.id} canRun={canRun && rules.length > 0} />}
      {editing && (
        <RetentionRuleDialog
          rule={editing.rule}
          saving={save.isPending}
          error={save.isError ? save.error.message : null}
          onClose={() => {
            save.reset();
            setEditing(null);
          }}
          onSave={(rule) =>
            saveWith(
              {
                rules: editing.rule
                  ? rules.map((r, i) => (i === editing.index ? rule : r))
                  : [...rules, rule],
              },
              () => setEditing(null),
            )
          }
        />
      )}
      <ConfirmDialog
        opened={deleting !== null}
        title={t('retention.deleteRuleTitle')}
        message={t('retention.deleteRuleMessage', {
          index: (deleting ?? 0) + 1,
          rule: deleting !== null && rules[deleting] ? ruleText(rules[deleting]) : '',
        })}
        confirmLabel={t('retention.deleteRule')}
        danger
        loading={save.isPending}
        error={save.isError ? t('retention.saveFailed', { message: save.error.message }) : null}
        onClose={() => {
          save.reset();
          setDeleting(null);
        }}
        onConfirm={() => saveWith({ rules: rules.filter((_, i) => i !== deleting) }, () => setDeleting(null))}
      />
    </Stack>
  );
}

function ScheduleEditor({
  cron,
  canChange,
  saving,
  onSave,
}: {
  cron: string;
  canChange: boolean;
  saving: boolean;
  onSave: (cron: string) => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ScheduleKind>(scheduleKind(cron));
  const [custom, setCustom] = useState(kind === 'custom' ? cron : '');
  const next = kind === 'none' ? '' : kind === 'custom' ? custom.trim() : PRESETS[kind];
  const labels: Record<ScheduleKind, string> = {
    none: t('retention.scheduleNone'),
    hourly: t('retention.scheduleHourly'),
    daily: t('retention.scheduleDaily'),
    weekly: t('retention.scheduleWeekly'),
    custom: t('retention.scheduleCustom'),
  };
  return (
    <Group align="flex-end">
      <Select
        label={t('retention.schedule')}
        data={(Object.keys(labels) as ScheduleKind[]).map((value) => ({ value, label: labels[value] }))}
        value={kind}
        allowDeselect={false}
        disabled={!canChange}
        onChange={(value) => value && setKind(value as ScheduleKind)}
        w={160}
      />
      {kind === 'custom' && (
        <TextInput
          label={t('retention.cron')}
          description={t('retention.cronHint')}
          value={custom}
          disabled={!canChange}
          onChange={(event) => setCustom(event.currentTarget.value)}
          w={280}
        />
      )}
      {kind !== 'none' && kind !== 'custom' && (
        <Text size="sm" c="dimmed" pb={6}>
          {t('retention.currentSchedule', { schedule: next })}
        </Text>
      )}
      {canChange && (
        <Button
          variant="default"
          loading={saving}
          disabled={next === cron || (kind === 'custom' && !next)}
          onClick={() => onSave(next)}
        >
          {t('retention.saveSchedule')}
        </Button>
      )}
    </Group>
  );
}

function RetentionRuleDialog({
  rule,
  saving,
  error,
  onClose,
  onSave,
}: {
  rule: RetentionRule | null;
  saving: boolean;
  error: string | null;
  onClose: () => void;
  onSave: (rule: RetentionRule) => void;
}) {
  const { t } = useTranslation();
  const repo = rule?.scope_selectors.repository?.[0];
  const tag = rule?.tag_selectors[0];
  const [repoDecoration, setRepoDecoration] = useState(repo?.decoration ?? 'repoMatches');
  const [repoPattern, setRepoPattern] = useState(fromPattern(repo?.pattern ?? '**'));
  const [tagDecoration, setTagDecoration] = useState(tag?.decoration ?? 'matches');
  const [tagPattern, setTagPattern] = useState(fromPattern(tag?.pattern ?? '**'));
  const [untagged, setUntagged] = useState(rule ? includesUntagged(rule) : true);
  const [template, setTemplate] = useState<string>(rule?.template ?? 'latestPushedK');
  const [param, setParam] = useState<number | string>(rule ? (paramOf(rule) ?? 10) : 10);
  const unit = RETENTION_TEMPLATES.find((known) => known.template === template)?.unit ?? null;
  const paramValid = unit === null || (typeof param === 'number' && Number.isInteger(param) && param >= 0);

  const submit = () =>
    onSave({
      id: rule?.id ?? 0,
      priority: rule?.priority ?? 0,
      disabled: rule?.disabled ?? false,
      action: 'retain',
      template,
      params: unit === null ? {} : { [template]: Number(param) },
      tag_selectors: [
        {
          kind: 'doublestar',
          decoration: tagDecoration,
          pattern: toPattern(tagPattern),
          extras: JSON.stringify({ untagged }),
        },
      ],
      scope_selectors: {
        repository: [
          { kind: 'doublestar', decoration: repoDecoration, pattern: toPattern(repoPattern), extras: '' },
        ],
      },
      per_tag: rule?.per_tag ?? false,
    });

  return (
    <Modal
      opened
      onClose={onClose}
      title={rule ? t('retention.ruleDialogEdit') : t('retention.ruleDialogAdd')}
      centered
      size="lg"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (paramValid) submit();
        }}
      >
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {t('retention.saveFailed', { message: error })}
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
          <Group align="flex-start" wrap="nowrap">
            <Select
              label={t('retention.template')}
              data={RETENTION_TEMPLATES.map((known) => ({
                value: known.template,
                label: t(`retention.templates.${known.template}`),
              }))}
              value={template}
              allowDeselect={false}
              onChange={(value) => value && setTemplate(value)}
              style={{ flex: 1 }}
            />
            {unit !== null && (
              <NumberInput
                label={t('retention.param')}
                value={param}
                onChange={setParam}
                min={0}
                allowDecimal={false}
                error={paramValid ? null : t('retention.paramInvalid')}
                w={140}
              />
            )}
          </Group>
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
          <Checkbox
            label={t('retention.untaggedInclude')}
            checked={untagged}
            onChange={(event) => setUntagged(event.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={saving}
              disabled={!paramValid || !repoPattern.trim() || !tagPattern.trim()}
            >
              {t('retention.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** "Dry run", "Run now", the runs and, per run, its tasks and their logs. */
function RetentionRuns({ policyId, canRun }: { policyId: number; canRun: boolean }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const [page, setPage] = useState(1);
  const executions = useQuery(retentionExecutionsQuery(client, policyId, page, PAGE_SIZE));
  const trigger = useTriggerRetention(policyId);
  const stop = useStopRetention(policyId);
  const [confirmRun, setConfirmRun] = useState(false);
  const [open, setOpen] = useState<number | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('retention.executions')}
        </Title>
        {canRun && (
          <Group>
            <Button
              variant="light"
              loading={trigger.isPending && trigger.variables}
              onClick={() =>
                trigger.mutate(true, {
                  onSuccess: () => {
                    setPage(1);
                    setOpen(null);
                  },
                })
              }
            >
              {t('retention.dryRun')}
            </Button>
            <Button color="red" variant="light" onClick={() => setConfirmRun(true)}>
              {t('retention.runNow')}
            </Button>
          </Group>
        )}
      </Group>
      {trigger.isError && !confirmRun && (
        <Alert color="red" role="alert" withCloseButton onClose={() => trigger.reset()}>
          {t('retention.runFailed', { message: trigger.error.message })}
        </Alert>
      )}
      {executions.isPending ? (
        <LoadingState />
      ) : executions.isError ? (
        <ErrorState error={executions.error} onRetry={() => void executions.refetch()} />
      ) : executions.data.items.length === 0 ? (
        <EmptyState>{t('retention.noExecutions')}</EmptyState>
      ) : (
        <>
          <Table aria-label={t('retention.executions')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('retention.execId')}</Table.Th>
                <Table.Th>{t('retention.status')}</Table.Th>
                <Table.Th>{t('retention.dryRunColumn')}</Table.Th>
                <Table.Th>{t('retention.trigger')}</Table.Th>
                <Table.Th>{t('retention.started')}</Table.Th>
                <Table.Th>{t('retention.duration')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {executions.data.items.map((execution) => (
                <Fragment key={execution.id}>
                  <Table.Tr data-testid="retention-execution">
                    <Table.Td>{execution.id}</Table.Td>
                    <Table.Td>
                      <JobStatusBadge status={execution.status} />
                    </Table.Td>
                    <Table.Td>{execution.dry_run ? t('retention.yes') : t('retention.no')}</Table.Td>
                    <Table.Td>{execution.trigger}</Table.Td>
                    <Table.Td>{formatDate(execution.start_time, i18n.language)}</Table.Td>
                    <Table.Td>{formatDuration(execution.start_time, execution.end_time)}</Table.Td>
                    <Table.Td>
                      <RowActions>
                        <RowAction
                          label={
                            open === execution.id
                              ? t('retention.hideTasksLabel', { id: execution.id })
                              : t('retention.showTasksLabel', { id: execution.id })
                          }
                          onClick={() => setOpen(open === execution.id ? null : execution.id)}
                        >
                          {open === execution.id ? t('retention.hideTasks') : t('retention.showTasks')}
                        </RowAction>
                        {canRun && (execution.status === 'Pending' || execution.status === 'Running') && (
                          <RowAction
                            label={t('retention.stopLabel', { id: execution.id })}
                            danger
                            loading={stop.isPending && stop.variables === execution.id}
                            onClick={() => stop.mutate(execution.id)}
                          >
                            {t('retention.stop')}
                          </RowAction>
                        )}
                      </RowActions>
                    </Table.Td>
                  </Table.Tr>
                  {open === execution.id && (
                    <Table.Tr>
                      <Table.Td colSpan={7}>
                        <RetentionTasks policyId={policyId} execution={execution} />
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
          <Pager page={page} pageSize={PAGE_SIZE} total={executions.data.total} onChange={setPage} />
        </>
      )}
      <ConfirmDialog
        opened={confirmRun}
        title={t('retention.runNowTitle')}
        message={t('retention.runNowMessage')}
        confirmLabel={t('retention.runNow')}
        danger
        loading={trigger.isPending}
        error={trigger.isError ? t('retention.runFailed', { message: trigger.error.message }) : null}
        onClose={() => {
          trigger.reset();
          setConfirmRun(false);
        }}
        onConfirm={() =>
          trigger.mutate(false, {
            onSuccess: () => {
              setConfirmRun(false);
              setPage(1);
            },
          })
        }
      />
    </Stack>
  );
}

function RetentionTasks({ policyId, execution }: { policyId: number; execution: RetentionExecution }) {
  const { t } = useTranslation();
  const client = useClient();
  const tasks = useQuery(retentionTasksQuery(client, policyId, execution.id));
  const [log, setLog] = useState<{ id: number; repository: string } | null>(null);

  if (tasks.isPending) return <LoadingState />;
  if (tasks.isError) return <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />;
  const sum = (key: 'total' | 'retained' | 'deleted') =>
    tasks.data.reduce((total, task) => total + (task[key] ?? 0), 0);
  const counts = { total: sum('total'), retained: sum('retained'), deleted: sum('deleted') };
  return (
    <Stack gap="xs" data-testid="retention-tasks">
      <Text size="sm" fw={500}>
        {t('retention.tasks', { id: execution.id })}
      </Text>
      {tasks.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('retention.noTasks')}
        </Text>
      ) : (
        <>
          <Text size="sm" data-testid="retention-result">
            {execution.dry_run ? t('retention.dryRunResult', counts) : t('retention.result', counts)}
          </Text>
          <Table aria-label={t('retention.tasks', { id: execution.id })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('retention.repository')}</Table.Th>
                <Table.Th>{t('retention.status')}</Table.Th>
                <Table.Th>{t('retention.retained')}</Table.Th>
                <Table.Th>{t('retention.deleted')}</Table.Th>
                <Table.Th>{t('retention.duration')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tasks.data.map((task) => (
                <Table.Tr key={task.id} data-testid="retention-task">
                  <Table.Td>{task.repository}</Table.Td>
                  <Table.Td>
                    <JobStatusBadge status={task.status} />
                  </Table.Td>
                  <Table.Td>
                    {task.retained} / {task.total}
                  </Table.Td>
                  <Table.Td>{task.deleted}</Table.Td>
                  <Table.Td>{formatDuration(task.start_time, task.end_time)}</Table.Td>
                  <Table.Td>
                    <RowAction
                      label={t('retention.logLabel', { repository: task.repository })}
                      onClick={() => setLog({ id: task.id, repository: task.repository })}
                    >
                      {t('retention.log')}
                    </RowAction>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      <LogDialog
        title={t('retention.logTitle', { repository: log?.repository ?? '' })}
        query={log ? retentionTaskLogQuery(client, policyId, execution.id, log.id) : null}
        onClose={() => setLog(null)}
      />
    </Stack>
  );
}
