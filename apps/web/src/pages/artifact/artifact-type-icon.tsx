import type { Schema } from '@berth/api-client';
import { ThemeIcon, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isIndex } from './artifact-paths';

type Kind = 'image' | 'index' | 'chart' | 'signature' | 'sbom' | 'other';

function kindOf(artifact: Schema<'Artifact'>): Kind {
  if (isIndex(artifact)) return 'index';
  const type = (artifact.type ?? '').toUpperCase();
  if (type === 'IMAGE') return 'image';
  if (type === 'CHART') return 'chart';
  if (type.includes('SIGNATURE')) return 'signature';
  if (type.includes('SBOM')) return 'sbom';
  return 'other';
}

const COLORS: Record<Kind, string> = {
  image: 'blue',
  index: 'grape',
  chart: 'teal',
  signature: 'green',
  sbom: 'orange',
  other: 'gray',
};

// Drawn inline: the console ships no icon font, and these few shapes are all it needs.
const PATHS: Record<Kind, string> = {
  // A box: one image.
  image: 'M3 7l9-4 9 4v10l-9 4-9-4z M3 7l9 4 9-4 M12 11v10',
  // Stacked boxes: an index of several manifests.
  index: 'M4 9l8-4 8 4-8 4z M4 13l8 4 8-4 M4 17l8 4 8-4',
  // A helm wheel.
  chart: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18 M12 3v18 M3 12h18 M5.6 5.6l12.8 12.8 M18.4 5.6L5.6 18.4',
  // A seal with a tick.
  signature: 'M12 3l7 3v6c0 4-3 7-7 9-4-2-7-5-7-9V6z M9 12l2 2 4-4',
  // A list.
  sbom: 'M6 3h9l4 4v14H6z M9 10h7 M9 14h7 M9 18h5',
  other: 'M6 3h9l4 4v14H6z M15 3v4h4',
};

/** The artifact's type at a glance, named for screen readers. */
export function ArtifactTypeIcon({ artifact }: { artifact: Schema<'Artifact'> }) {
  const { t } = useTranslation();
  const kind = kindOf(artifact);
  const label = kind === 'index' ? t('artifact.index') : (artifact.type ?? '—');
  return (
    <Tooltip label={label} withArrow>
      <ThemeIcon
        variant="light"
        color={COLORS[kind]}
        size="md"
        role="img"
        aria-label={t('artifact.typeIcon', { type: label })}
        data-kind={kind}
      >
        <svg
          width="16"
          height="16"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
          aria-hidden
        >
          <path d={PATHS[kind]} />
        </svg>
      </ThemeIcon>
    </Tooltip>
  );
}
