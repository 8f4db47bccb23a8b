import { Box, Code, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDate, isTimestamp } from './format';

/** Deeper than this, a value is shown as indented JSON rather than nested lists. */
const MAX_DEPTH = 3;

/**
 * A string that holds a JSON object or array (annotations often do, e.g. cosign's bundle) as that
 * value, so it can be shown formatted; any other value as it is.
 */
export function parseEmbeddedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!(text.startsWith('{') && text.endsWith('}')) && !(text.startsWith('[') && text.endsWith(']')))
    return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value);
}

/**
 * A value from a config, `extra_attrs` or an annotation, formatted for reading: an object as a
 * list of its keys and values, a list one item a line, a time in the user's time zone (the exact
 * value on hover), JSON held in a string as what it holds. Never a raw JSON string.
 */
export function StructuredValue({ value, depth = 0 }: { value: unknown; depth?: number }) {
  const { t, i18n } = useTranslation();
  const parsed = parseEmbeddedJson(value);

  if (parsed === null || parsed === undefined || parsed === '')
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  if (typeof parsed === 'string') {
    if (isTimestamp(parsed))
      return (
        <Text span size="sm" title={parsed}>
          <time dateTime={parsed}>{formatDate(parsed, i18n.language)}</time>
        </Text>
      );
    return (
      <Text span size="sm" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
        {parsed}
      </Text>
    );
  }
  if (typeof parsed !== 'object')
    return (
      <Text span size="sm">
        {String(parsed)}
      </Text>
    );

  const entries: [string, unknown][] = Array.isArray(parsed)
    ? parsed.map((item, index) => [String(index), item])
    : Object.entries(parsed);
  if (entries.length === 0)
    return (
      <Text span size="sm" c="dimmed">
        {t('value.empty')}
      </Text>
    );
  if (depth >= MAX_DEPTH)
    return (
      <Code block data-testid="structured-json">
        {JSON.stringify(parsed, null, 2)}
      </Code>
    );

  if (Array.isArray(parsed)) {
    // A list of words or lines (Env, Cmd, Entrypoint) reads best one per line.
    if (parsed.every(isScalar))
      return (
        <Stack gap={2} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {parsed.map((item, index) => (
            // Items have no identity but their place.
            <Text key={index} component="li" size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {item === null || item === undefined ? '—' : String(item)}
            </Text>
          ))}
        </Stack>
      );
    return (
      <Stack gap="xs" component="ol" m={0} p={0} style={{ listStyle: 'none' }}>
        {parsed.map((item, index) => (
          <Box key={index} component="li" aria-label={t('value.item', { index: index + 1 })}>
            <StructuredValue value={item} depth={depth + 1} />
          </Box>
        ))}
      </Stack>
    );
  }

  return (
    <Box
      component="dl"
      m={0}
      style={{
        display: 'grid',
        gridTemplateColumns: 'minmax(6rem, max-content) 1fr',
        columnGap: 'var(--mantine-spacing-sm)',
        rowGap: 4,
        ...(depth > 0
          ? {
              paddingLeft: 'var(--mantine-spacing-xs)',
              borderLeft: '2px solid var(--mantine-color-default-border)',
            }
          : {}),
      }}
    >
      {entries.map(([key, item]) => (
        <Box key={key} style={{ display: 'contents' }}>
          <Text component="dt" size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
            {key}
          </Text>
          <Box component="dd" m={0} miw={0}>
            <StructuredValue value={item} depth={depth + 1} />
          </Box>
        </Box>
      ))}
    </Box>
  );
}
