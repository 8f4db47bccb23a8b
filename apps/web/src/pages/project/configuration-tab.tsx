import { Alert, Button, Card, Checkbox, Group, NumberInput, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schema } from '@berth/api-client';
import { useClient } from '../../api/client';
import { useUpdateProject } from '../../api/project-config';
import { projectSummaryQuery } from '../../api/projects';
import { permissionsQuery } from '../../api/session';
import { allowlistOf, draftOf } from '../../components/cve-allowlist-editor';
import { formatBytes } from '../../components/format';
import { ErrorState, LoadingState } from '../../components/states';
import { ProjectCveAllowlist, type ProjectAllowlistDraft } from './project-cve-allowlist';
import type { ProjectContext } from './project-context';

const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const;
const UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
type Unit = keyof typeof UNITS;

/**
 * Metadata switches stored as Harbor's `"true"`/`"false"` strings. `reuse_sys_cve_allowlist` is one
 * too, but the allowlist card sets it.
 */
const SWITCHES = ['auto_scan', 'prevent_vul', 'enable_content_trust_cosign', 'auto_sbom_generation'] as const;
type Switch = (typeof SWITCHES)[number];
const SWITCH_LABEL: Record<Switch, string> = {
  auto_scan: 'projectConfig.autoScan',
  prevent_vul: 'projectConfig.preventVul',
  enable_content_trust_cosign: 'projectConfig.cosign',
  auto_sbom_generation: 'projectConfig.autoSbom',
};

/** A quota in bytes as the form shows it: the largest unit that keeps it readable. */
export function quotaToForm(bytes: number | undefined): { amount: number | string; unit: Unit } {
  if (bytes === undefined || bytes < 0) return { amount: '', unit: 'GiB' };
  const unit: Unit = bytes >= UNITS.TiB ? 'TiB' : bytes >= UNITS.GiB ? 'GiB' : 'MiB';
  return { amount: Math.round((bytes / UNITS[unit]) * 100) / 100, unit };
}

export function formToQuota(amount: number | string, unit: Unit): number {
  const value = typeof amount === 'number' ? amount : Number.parseFloat(amount);
  return !Number.isFinite(value) || value < 0 ? -1 : Math.round(value * UNITS[unit]);
}

export function ConfigurationTab(context: ProjectContext) {
  const client = useClient();
  const summary = useQuery(projectSummaryQuery(client, context.projectId));
  const system = useQuery(permissionsQuery(client, '/system'));
  // Outside the form, which remounts after a save, so "Saved." survives the refresh.
  const save = useUpdateProject(context.projectId);
  if (summary.isPending || system.isPending) return <LoadingState />;
  if (summary.isError) return <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />;
  if (system.isError) return <ErrorState error={system.error} onRetry={() => void system.refetch()} />;
  return (
    <ConfigurationForm
      // A fresh form whenever the saved project changes, so it shows what the server holds.
      key={`${context.project.update_time ?? ''}:${context.project.cve_allowlist?.update_time ?? ''}:${summary.data.quota?.hard?.storage ?? ''}`}
      context={context}
      summary={summary.data}
      canChangeQuota={system.data.has('quota:update')}
      save={save}
    />
  );
}

function ConfigurationForm({
  context: { project, permissions },
  summary,
  canChangeQuota,
  save,
}: {
  context: ProjectContext;
  summary: Schema<'ProjectSummary'>;
  canChangeQuota: boolean;
  save: ReturnType<typeof useUpdateProject>;
}) {
  const { t } = useTranslation();
  const canEdit = permissions.has('project:update');
  const metadata = project.metadata ?? {};
  const [isPublic, setPublic] = useState(metadata.public === 'true');
  const [switches, setSwitches] = useState<Record<Switch, boolean>>(
    () =>
      Object.fromEntries(SWITCHES.map((key) => [key, metadata[key] === 'true'])) as Record<Switch, boolean>,
  );
  const [severity, setSeverity] = useState<string>(metadata.severity ?? 'low');
  const [allowlist, setAllowlist] = useState<ProjectAllowlistDraft>(() => ({
    reuseSystem: metadata.reuse_sys_cve_allowlist === 'true',
    own: draftOf(project.cve_allowlist),
  }));
  // Null while the project's own list expires "on a date" with no day chosen yet; when the
  // system's list is in use, that unfinished own list is not saved and the stored one is kept.
  const ownAllowlist =
    allowlistOf(allowlist.own) ??
    (allowlist.reuseSystem ? allowlistOf(draftOf(project.cve_allowlist)) : null);
  const limit = summary.quota?.hard?.storage;
  const initialQuota = quotaToForm(limit);
  const [amount, setAmount] = useState<number | string>(initialQuota.amount);
  const [unit, setUnit] = useState<Unit>(initialQuota.unit);

  const submit = (ownList: NonNullable<typeof ownAllowlist>) => {
    const body: Schema<'ProjectUpdateReq'> = {
      metadata: {
        public: String(isPublic),
        ...Object.fromEntries(SWITCHES.map((key) => [key, String(switches[key])])),
        reuse_sys_cve_allowlist: String(allowlist.reuseSystem),
        severity,
      },
      // The project's own list is kept while the system's is used, so switching back restores it.
      cve_allowlist: ownList,
    };
    const storageLimit = formToQuota(amount, unit);
    if (canChangeQuota && storageLimit !== (limit ?? -1)) body.storage_limit = storageLimit;
    save.mutate(body);
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (canEdit && ownAllowlist !== null) submit(ownAllowlist);
      }}
    >
      <Stack maw={720}>
        <Title order={2} size="h3">
          {t('projectConfig.title')}
        </Title>
        {!canEdit && <Alert color="gray">{t('projectConfig.readOnly')}</Alert>}
        {save.isError && (
          <Alert color="red" role="alert">
            {t('projectConfig.saveFailed', { message: save.error.message })}
          </Alert>
        )}
        {save.isSuccess && (
          <Alert color="teal" role="status">
            {t('projectConfig.saved')}
          </Alert>
        )}
        <Card withBorder>
          <Title order={3} size="h5" mb="xs">
            {t('projectConfig.access')}
          </Title>
          <Checkbox
            label={t('projectConfig.public')}
            description={t('projectConfig.publicHint')}
            checked={isPublic}
            disabled={!canEdit}
            onChange={(event) => setPublic(event.currentTarget.checked)}
          />
        </Card>
        <Card withBorder>
          <Title order={3} size="h5">
            {t('projectConfig.security')}
          </Title>
          <Text size="xs" c="dimmed" mb="sm" data-testid="later-release">
            {t('projectConfig.laterRelease')}
          </Text>
          <Stack gap="sm">
            {SWITCHES.map((key) => (
              <Stack key={key} gap={4}>
                <Checkbox
                  label={t(SWITCH_LABEL[key])}
                  checked={switches[key]}
                  disabled={!canEdit}
                  onChange={(event) => setSwitches({ ...switches, [key]: event.currentTarget.checked })}
                />
                {key === 'prevent_vul' && switches.prevent_vul && (
                  <Select
                    ml="xl"
                    w={240}
                    label={t('projectConfig.severity')}
                    data={SEVERITIES.map((value) => ({
                      value,
                      label: t(`projectConfig.severities.${value}`),
                    }))}
                    value={severity}
                    allowDeselect={false}
                    disabled={!canEdit}
                    onChange={(value) => value && setSeverity(value)}
                  />
                )}
              </Stack>
            ))}
          </Stack>
        </Card>
        <ProjectCveAllowlist value={allowlist} onChange={setAllowlist} disabled={!canEdit} />
        <Card withBorder>
          <Title order={3} size="h5" mb="xs">
            {t('projectConfig.quota')}
          </Title>
          <Group align="flex-end">
            <NumberInput
              label={t('projectConfig.quota')}
              description={canChangeQuota ? t('projectConfig.quotaHint') : t('projectConfig.quotaAdminOnly')}
              min={-1}
              value={amount}
              onChange={setAmount}
              disabled={!canChangeQuota || !canEdit}
              w={220}
            />
            <Select
              label={t('projectConfig.unit')}
              data={Object.keys(UNITS)}
              value={unit}
              allowDeselect={false}
              disabled={!canChangeQuota || !canEdit}
              onChange={(value) => value && setUnit(value as Unit)}
              w={100}
            />
          </Group>
          <Text size="sm" c="dimmed" mt="xs">
            {t('projectConfig.used', { used: formatBytes(summary.quota?.used?.storage ?? 0) })}
          </Text>
        </Card>
        {canEdit && (
          <Group>
            <Button type="submit" loading={save.isPending} disabled={ownAllowlist === null}>
              {t('projectConfig.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
