import { Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The page and name filter of a server-paged list. `term` is the trimmed filter once typing has
 * paused, which is what goes to the server; a new filter starts again at page 1.
 */
export function useListSearch() {
  const [page, setPage] = useState(1);
  const [search, setSearchText] = useState('');
  const [term] = useDebouncedValue(search.trim(), 250);
  const setSearch = (value: string) => {
    setSearchText(value);
    setPage(1);
  };
  return { page, setPage, search, setSearch, term };
}

/** A list's heading (with an optional line under it), its name filter and its primary action. */
export function ListToolbar({
  title,
  intro,
  searchPlaceholder,
  search,
  onSearch,
  action,
}: {
  title: string;
  intro?: string;
  searchPlaceholder: string;
  search: string;
  onSearch: (value: string) => void;
  /** Left out when the user may not do it. */
  action?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between">
      <Stack gap={2}>
        <Title order={2} size="h3">
          {title}
        </Title>
        {intro && (
          <Text size="sm" c="dimmed">
            {intro}
          </Text>
        )}
      </Stack>
      <Group>
        <TextInput
          aria-label={t('common.search')}
          placeholder={searchPlaceholder}
          value={search}
          onChange={(event) => onSearch(event.currentTarget.value)}
          w={240}
        />
        {action}
      </Group>
    </Group>
  );
}
