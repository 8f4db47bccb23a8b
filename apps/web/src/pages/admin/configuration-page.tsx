import type { Schema } from '@berth/api-client';
import {
  Alert,
  Button,
  Card,
  Divider,
  Group,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../../api/client';
import { configurationsQuery, useUpdateConfigurations } from '../../api/configurations';
import { ErrorState, LoadingState } from '../../components/states';
import { SystemCveAllowlist } from './system-cve-allowlist';

const ROBOT_PREFIX = /^[^\s:/,+]{1,30}$/;
const UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
type Unit = keyof typeof UNITS;

interface Form {
  projectCreation: NonNullable<Schema<'Configurations'>['project_creation_restriction']>;
  robotPrefix: string;
  robotDuration: number | string;
  storage: number | string;
  unit: Unit;
}

/** The largest unit that shows a byte count as a whole number, so a saved quota reads back as typed. */
function toForm(config: Schema<'ConfigurationsResponse'>): Form {
  const bytes = Number(config.storage_per_project?.value ?? -1);
  const unit = (['TiB', 'GiB', 'MiB'] as Unit[]).find((u) => bytes > 0 && bytes % UNITS[u] === 0) ?? 'GiB';
  return {
    projectCreation: config.project_creation_restriction?.value === 'adminonly' ? 'adminonly' : 'everyone',
    robotPrefix: String(config.robot_name_prefix?.value ?? ''),
    robotDuration: Number(config.robot_token_duration?.value ?? 30),
    storage: bytes > 0 ? bytes / UNITS[unit] : '',
    unit,
  };
}

function storageBytes(form: Form): number {
  const amount = typeof form.storage === 'number' ? form.storage : Number.parseFloat(form.storage);
  return !Number.isFinite(amount) || amount <= 0 ? -1 : Math.round(amount * UNITS[form.unit]);
}

export function ConfigurationPage() {
  const client = useClient();
  const config = useQuery(configurationsQuery(client));
  // Kept here: the form below starts afresh after a save, the message stays.
  const [saved, setSaved] = useState(false);
  return (
    <Stack gap="xl">
      {config.isPending ? (
        <LoadingState />
      ) : config.isError ? (
        <ErrorState error={config.error} onRetry={() => void config.refetch()} />
      ) : (
        // Keyed by the answer, so a saved configuration re-initialises the form from what the core stored.
        <ConfigurationForm
          key={config.dataUpdatedAt}
          config={config.data}
          saved={saved}
          onSavedChange={setSaved}
        />
      )}
      <Divider />
      <SystemCveAllowlist />
    </Stack>
  );
}

function ConfigurationForm({
  config,
  saved,
  onSavedChange,
}: {
  config: Schema<'ConfigurationsResponse'>;
  saved: boolean;
  onSavedChange: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const update = useUpdateConfigurations();
  const initial = toForm(config);
  const [form, setForm] = useState(initial);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    onSavedChange(false);
    update.reset();
    setForm((current) => ({ ...current, [key]: value }));
  };
  const prefixError = !ROBOT_PREFIX.test(form.robotPrefix) ? t('admin.config.robotPrefixInvalid') : null;
  const duration = Number(form.robotDuration);
  const durationError = !Number.isInteger(duration) || duration < 1 || duration > 36_500;

  const changes: Schema<'Configurations'> = {};
  if (form.projectCreation !== initial.projectCreation)
    changes.project_creation_restriction = form.projectCreation;
  if (form.robotPrefix !== initial.robotPrefix) changes.robot_name_prefix = form.robotPrefix;
  if (duration !== Number(initial.robotDuration)) changes.robot_token_duration = duration;
  if (storageBytes(form) !== storageBytes(initial)) changes.storage_per_project = storageBytes(form);
  const dirty = Object.keys(changes).length > 0;

  const fixed: [string, string][] = [
    [t('admin.config.authMode'), t('admin.config.authModeValue')],
    [
      t('admin.config.selfRegistration'),
      config.self_registration?.value ? t('admin.config.on') : t('admin.config.off'),
    ],
    [
      t('admin.config.quotaPerProject'),
      config.quota_per_project_enable?.value === false ? t('admin.config.off') : t('admin.config.on'),
    ],
  ];

  return (
    <Stack maw={720}>
      <Title order={2} size="h3">
        {t('admin.config.title')}
      </Title>
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {fixed.map(([label, value]) => (
            <Stack key={label} gap={2}>
              <Text size="sm" c="dimmed">
                {label}
              </Text>
              <Text size="sm" fw={500}>
                {value}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt="xs">
          {t('admin.config.fixedHint')}
        </Text>
      </Card>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!dirty || prefixError || durationError) return;
          update.mutate(changes, { onSuccess: () => onSavedChange(true) });
        }}
      >
        <Stack>
          {update.isError && (
            <Alert color="red" role="alert">
              {t('admin.config.failed', { message: update.error.message })}
            </Alert>
          )}
          {saved && (
            <Alert color="teal" role="status">
              {t('admin.config.saved')}
            </Alert>
          )}
          <Select
            label={t('admin.config.projectCreation')}
            data={[
              { value: 'everyone', label: t('admin.config.everyone') },
              { value: 'adminonly', label: t('admin.config.adminOnly') },
            ]}
            value={form.projectCreation}
            allowDeselect={false}
            onChange={(value) => value && set('projectCreation', value)}
          />
          <TextInput
            label={t('admin.config.robotPrefix')}
            description={t('admin.config.robotPrefixHint')}
            value={form.robotPrefix}
            error={prefixError}
            onChange={(event) => set('robotPrefix', event.currentTarget.value)}
          />
          <NumberInput
            label={t('admin.config.robotDuration')}
            description={t('admin.config.robotDurationHint')}
            min={1}
            max={36_500}
            allowDecimal={false}
            value={form.robotDuration}
            error={durationError ? t('admin.config.robotDurationHint') : null}
            onChange={(value) => set('robotDuration', value)}
          />
          <Group align="flex-end" grow>
            <NumberInput
              label={t('admin.config.storagePerProject')}
              description={t('admin.config.storagePerProjectHint')}
              min={-1}
              value={form.storage}
              onChange={(value) => set('storage', value)}
            />
            <Select
              label={t('admin.config.unit')}
              data={Object.keys(UNITS)}
              value={form.unit}
              allowDeselect={false}
              onChange={(value) => value && set('unit', value as Unit)}
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" disabled={!dirty} onClick={() => setForm(initial)}>
              {t('admin.config.reset')}
            </Button>
            <Button
              type="submit"
              loading={update.isPending}
              disabled={!dirty || !!prefixError || durationError}
            >
              {t('admin.config.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
