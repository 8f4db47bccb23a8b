/**
 * What kind of artifact a manifest is, as Harbor names it (`IMAGE`, `CHART`, `CNAB`, `SIGNATURE`,
 * `SBOM`, a type taken from a vendor config media type, else `UNKNOWN`), and what kind of
 * accessory a manifest with a `subject` is.
 *
 * The artifact type is stored with the manifest (`manifest.type`), computed on insert by the SQL
 * function `manifest_artifact_type` (migration `20261122120000_manifest_type`), so listing,
 * filtering by `type` through an index, and the single-artifact answer share one definition.
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

export const COSIGN_SIGNATURE_TYPES: readonly string[] = [
  'application/vnd.dev.cosign.artifact.sig.v1+json',
  'application/vnd.dev.sigstore.bundle.v0.3+json',
];

export const NOTATION_SIGNATURE_TYPE = 'application/vnd.cncf.notary.signature';

export const HARBOR_SBOM_TYPE = 'application/vnd.goharbor.harbor.sbom.v1';

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
