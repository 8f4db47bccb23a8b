import type { Schema } from '@berth/api-client';

/**
 * Repository names hold slashes, so an artifact's console path marks where the name ends with a
 * `-` segment, which no repository path component can be (each starts with a letter or digit).
 */
const ARTIFACT_MARK = '/-/artifacts/';

export function repositoryPath(projectId: string | number, repository: string): string {
  return `/projects/${projectId}/repositories/${repository}`;
}

export function artifactPath(projectId: string | number, repository: string, reference: string): string {
  return `${repositoryPath(projectId, repository)}${ARTIFACT_MARK}${reference}`;
}

/** The route's splat (`a/b` or `a/b/-/artifacts/sha256:…`) as a repository and an optional reference. */
export function parseRepositorySplat(splat: string): { repository: string; reference: string | null } {
  const at = splat.indexOf(ARTIFACT_MARK);
  if (at < 0) return { repository: splat.replace(/\/+$/, ''), reference: null };
  return { repository: splat.slice(0, at), reference: splat.slice(at + ARTIFACT_MARK.length) || null };
}

const INDEX_MEDIA_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** An image index (multi-platform image) rather than a single manifest. */
export function isIndex(artifact: Schema<'Artifact'>): boolean {
  return INDEX_MEDIA_TYPES.has(artifact.manifest_media_type ?? artifact.media_type ?? '');
}

/** `linux/arm64/v8` from a platform, or '—'. */
export function platformLabel(platform: Schema<'Platform'> | undefined): string {
  if (!platform) return '—';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/') || '—';
}
