import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Asks before something that cannot be undone (a delete, a secret refresh). The confirm button is
 * not focused first so that an accidental Enter does not confirm; Escape and Cancel close.
 */
export function ConfirmDialog({
  opened,
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
  loading = false,
  danger = false,
  error,
}: {
  opened: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  loading?: boolean;
  danger?: boolean;
  /** Shown above the buttons when the confirmed action failed, so the user can retry or cancel. */
  error?: string | null;
}) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={loading ? () => undefined : onClose} title={title} centered>
      <Stack>
        {typeof message === 'string' ? <Text size="sm">{message}</Text> : message}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button color={danger ? 'red' : 'blue'} onClick={onConfirm} loading={loading}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * The state of a confirmed action on one item of a list: `ask(item)` opens the dialog, confirming
 * runs `mutation` with `variables(item)` (nothing when that is undefined, e.g. an item without an
 * id), and success or cancel closes it and clears the mutation's error. Spread `dialog` into a
 * ConfirmDialog; `target` is the item asked about and `error` the failure to word.
 */
export function useConfirm<Item, Data, Variables>(
  mutation: UseMutationResult<Data, Error, Variables>,
  variables: (item: Item) => Variables | undefined,
  onDone?: (data: Data, item: Item) => void,
) {
  const [target, setTarget] = useState<Item | null>(null);
  const close = () => {
    mutation.reset();
    setTarget(null);
  };
  return {
    target,
    ask: (item: Item) => setTarget(item),
    error: mutation.isError ? mutation.error : null,
    dialog: {
      opened: target !== null,
      loading: mutation.isPending,
      onClose: close,
      onConfirm: () => {
        if (target === null) return;
        const input = variables(target);
        if (input === undefined) return;
        mutation.mutate(input, {
          onSuccess: (data) => {
            close();
            onDone?.(data, target);
          },
        });
      },
    },
  };
}
