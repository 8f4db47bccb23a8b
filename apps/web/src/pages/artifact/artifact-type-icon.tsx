import type { Schema } from '@berth/api-client';
import { ThemeIcon, Tooltip } from '@mantine/core';
import {
  IconBox,
  IconFile,
  IconListDetails,
  IconSignature,
  IconStack2,
  IconSteeringWheel,
  type Icon,
} from '@tabler/icons-react';
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

const ICONS: Record<Kind, Icon> = {
  image: IconBox,
  index: IconStack2,
  // Helm's wheel.
  chart: IconSteeringWheel,
  signature: IconSignature,
  sbom: IconListDetails,
  other: IconFile,
};

/** The artifact's type at a glance, named for screen readers. */
export function ArtifactTypeIcon({ artifact }: { artifact: Schema<'Artifact'> }) {
  const { t } = useTranslation();
  const kind = kindOf(artifact);
  const KindIcon = ICONS[kind];
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
        <KindIcon size={16} aria-hidden />
      </ThemeIcon>
    </Tooltip>
  );
}
