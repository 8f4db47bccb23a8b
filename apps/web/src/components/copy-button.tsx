import { Button, CopyButton as MantineCopyButton, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Copies `value` (e.g. a pull command) to the clipboard; says so for two seconds. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation();
  return (
    <MantineCopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label={value} withArrow>
          <Button
            size="compact-xs"
            variant={copied ? 'filled' : 'light'}
            color={copied ? 'teal' : 'blue'}
            onClick={copy}
            aria-label={label}
          >
            {copied ? t('common.copied') : t('common.copy')}
          </Button>
        </Tooltip>
      )}
    </MantineCopyButton>
  );
}
