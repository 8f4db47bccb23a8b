/**
 * What kind of artifact a manifest is, as Harbor names it (`IMAGE`, `CHART`, `CNAB`, `SIGNATURE`,
 * `SBOM`, a type taken from a vendor config media type, else `UNKNOWN`), and what kind of
 * accessory a manifest with a `subject` is.
 *
 * The artifact type is computed in SQL (`ARTIFACT_TYPE_SQL`), so listing, filtering by `type` and
 * the single-artifact answer share one definition.
 */

export const ManifestMediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export const INDEX_MEDIA_TYPES: readonly string[] = [
  ManifestMediaType.OciIndex,
  ManifestMediaType.DockerManifestList,
];

export const IMAGE_CONFIG_TYPES: readonly string[] = [
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
];

export const HELM_CONFIG_TYPE = 'application/vnd.cncf.helm.config.v1+json';

export const WASM_CONFIG_TYPES: readonly string[] = [
  'application/vnd.wasm.config.v0+json',
  'application/vnd.wasm.config.v1+json',
  'application/vnd.module.wasm.config.v1+json',
];

export const CNAB_TYPES: readonly string[] = [
  'application/vnd.cnab.manifest.v1',
  'application/vnd.cnab.config.v1+json',
];

export const COSIGN_SIGNATURE_TYPES: readonly string[] = [
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
];

export const NOTATION_SIGNATURE_TYPE = 'application/vnd.cncf.notary.signature';

export const HARBOR_SBOM_TYPE = 'application/vnd.goharbor.harbor.sbom.v1';

export const SBOM_TYPES: readonly string[] = [
  'application/spdx+json',
  'text/spdx',
  'text/spdx+json',
  'application/vnd.cyclonedx+json',
  'application/vnd.cyclonedx+xml',
  'application/vnd.cyclonedx',
  'application/vnd.syft+json',
  HARBOR_SBOM_TYPE,
];

/** Harbor's default processor: `application/vnd.<vendor>.<type>.config.<version>+json` → TYPE. */
const VENDOR_CONFIG_PATTERN = String.raw`^application/vnd\.[^.]*\.(.*)\.config\.[^.]*\+json$`;

const sqlList = (values: readonly string[]) =>
  values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ');

/** The artifact type of manifest row `m` (columns media_type, artifact_type, annotations). */
export const ARTIFACT_TYPE_SQL = `(CASE
  WHEN m.artifact_type IN (${sqlList([...COSIGN_SIGNATURE_TYPES, NOTATION_SIGNATURE_TYPE])}) THEN 'SIGNATURE'
  WHEN m.artifact_type IN (${sqlList(SBOM_TYPES)}) THEN 'SBOM'
  WHEN m.artifact_type = '${HELM_CONFIG_TYPE}' THEN 'CHART'
  WHEN m.artifact_type IN (${sqlList(CNAB_TYPES)}) OR (m.annotations ? 'io.cnab.runtime_version') THEN 'CNAB'
  WHEN m.artifact_type IN (${sqlList(WASM_CONFIG_TYPES)}) THEN 'WASM'
  WHEN m.artifact_type IN (${sqlList(IMAGE_CONFIG_TYPES)}) THEN 'IMAGE'
  WHEN m.artifact_type IS NULL AND m.media_type IN (${sqlList(INDEX_MEDIA_TYPES)}) THEN 'IMAGE'
  WHEN m.artifact_type ~ '${VENDOR_CONFIG_PATTERN}' THEN upper(substring(m.artifact_type FROM '${VENDOR_CONFIG_PATTERN}'))
  ELSE 'UNKNOWN'
END)`;

/** Harbor's accessory types. */
export const AccessoryType = {
  CosignSignature: 'signature.cosign',
  NotationSignature: 'signature.notation',
  HarborSbom: 'harbor.sbom',
  Subject: 'subject.accessory',
} as const;

/** The accessory type of a manifest referring to a subject, from its artifact type. */
export function accessoryType(artifactType: string | null): string {
  if (artifactType !== null && COSIGN_SIGNATURE_TYPES.includes(artifactType))
    return AccessoryType.CosignSignature;
  if (artifactType === NOTATION_SIGNATURE_TYPE) return AccessoryType.NotationSignature;
  if (artifactType === HARBOR_SBOM_TYPE) return AccessoryType.HarborSbom;
  return AccessoryType.Subject;
}

/** The tag cosign gives a signature of `digest` when the registry has no referrers API: `sha256-<hex>.sig`. */
export function cosignSignatureTag(digest: string): string | null {
  const colon = digest.indexOf(':');
  if (colon <= 0) return null;
  return `${digest.slice(0, colon)}-${digest.slice(colon + 1)}.sig`;
}

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.includes(mediaType);
}
