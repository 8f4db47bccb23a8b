import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Asks before a deletion that takes much with it (a project, a repository with its artifacts): the
 * button only arms once the user has typed `name` exactly. The typed text starts empty at every
 * opening; Escape and Cancel close unless the deletion is under way.
 *
 * `blocked`, when given, replaces the confirmation: what to show while finding out whether the
 * thing may be deleted at all, or why it may not (e.g. a project that still has repositories).
 */
export function TypeToConfirmDialog({
  opened,
  title,
  name,
  label,
  message,
  confirmLabel,
  onConfirm,
  onClose,
  pending = false,
  error,
  blocked,
}: {
  opened: boolean;
  title: string;
  /** What must be typed: the thing's full name. */
  name: string;
  /** The field's label, naming what to type ("Type the project name to confirm"). */
  label: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  /** The failed attempt, worded; shown above the buttons so the user can retry or cancel. */
  error?: string | null;
  blocked?: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={pending ? () => undefined : onClose} title={title} centered>
      {/* Mounted per opening, so nothing typed last time arms the button. */}
      {opened &&
        (blocked ?? (
          <ConfirmByName
            name={name}
            label={label}
            message={message}
            confirmLabel={confirmLabel}
            onConfirm={onConfirm}
            onClose={onClose}
            pending={pending}
            error={error}
          />
        ))}
    </Modal>
  );
}

function ConfirmByName({
  name,
  label,
  message,
  confirmLabel,
  onConfirm,
  onClose,
  pending,
  error,
}: {
  name: string;
  label: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending: boolean;
  error?: string | null;
}) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const confirmed = typed === name;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (confirmed && !pending) onConfirm();
      }}
    >
      <Stack>
        {typeof message === 'string' ? <Text size="sm">{message}</Text> : message}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <TextInput
          label={label}
          description={t('typeToConfirm.hint', { name })}
          autoComplete="off"
          spellCheck={false}
          data-autofocus
          value={typed}
          onChange={(event) => setTyped(event.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pending}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            color="red"
            disabled={!confirmed}
            loading={pending}
            leftSection={<IconTrash size={16} aria-hidden />}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
