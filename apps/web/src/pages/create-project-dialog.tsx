import { Alert, Button, Checkbox, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateProject } from '../api/projects';

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const UNITS = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 } as const;
type Unit = keyof typeof UNITS;

export function CreateProjectDialog({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated?: (name: string) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateProject();
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [quota, setQuota] = useState<number | string>('');
  const [unit, setUnit] = useState<Unit>('GiB');
  const nameError = name !== '' && !NAME.test(name) ? t('createProject.nameInvalid') : null;

  const close = () => {
    create.reset();
    setName('');
    setPublic(false);
    setQuota('');
    onClose();
  };

  const submit = () => {
    const amount = typeof quota === 'number' ? quota : Number.parseFloat(quota);
    const storageLimit = !Number.isFinite(amount) || amount < 0 ? -1 : Math.round(amount * UNITS[unit]);
    create.mutate(
      { project_name: name, metadata: { public: String(isPublic) }, storage_limit: storageLimit },
      {
        onSuccess: () => {
          onCreated?.(name);
          close();
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('createProject.title')} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!nameError && name) submit();
        }}
      >
        <Stack>
          {create.isError && (
            <Alert color="red" role="alert">
              {t('createProject.failed', { message: create.error.message })}
            </Alert>
          )}
          <TextInput
            label={t('createProject.name')}
            description={t('createProject.nameHint')}
            required
            data-autofocus
            value={name}
            error={nameError}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Checkbox
            label={t('createProject.public')}
            checked={isPublic}
            onChange={(event) => setPublic(event.currentTarget.checked)}
          />
          <Group align="flex-end" grow>
            <NumberInput
              label={t('createProject.quota')}
              description={t('createProject.quotaHint')}
              min={-1}
              value={quota}
              onChange={setQuota}
            />
            <Select
              label={t('createProject.unit')}
              data={Object.keys(UNITS)}
              value={unit}
              allowDeselect={false}
              onChange={(value) => value && setUnit(value as Unit)}
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!name || !!nameError}>
              {t('createProject.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
