import { isDigest, isValidRepositoryName, isValidTag } from '@berth/distribution';
import { HarborError } from '../common/harbor-error.js';
import { decodeRepositoryName } from '../rbac/access.guard.js';

/** A repository as the API names it: the path inside the project and the full name. */
export interface RepositoryPath {
  /** `team/app` from `{repository_name}` (Harbor clients encode its slashes twice). */
  path: string;
  /** `project/team/app`, as the registry stores it. */
  fullName: string;
}

export function repositoryPath(projectName: string, rawParam: string): RepositoryPath {
  let path: string;
  try {
    path = decodeRepositoryName(rawParam);
  } catch {
    throw HarborError.badRequest('invalid repository name: bad URL encoding');
  }
  const fullName = `${projectName}/${path}`;
  if (!isValidRepositoryName(fullName)) {
    throw HarborError.badRequest(`invalid repository name: ${JSON.stringify(path.slice(0, 256))}`);
  }
  return { path, fullName };
}

export type ArtifactReference = { digest: string } | { tag: string };

/** `{reference}`: a digest (`sha256:…`) or a tag. */
export function artifactReference(raw: string): ArtifactReference {
  if (raw.includes(':')) {
    if (!isDigest(raw)) throw HarborError.badRequest(`invalid digest: ${JSON.stringify(raw.slice(0, 160))}`);
    return { digest: raw };
  }
  if (!isValidTag(raw)) throw HarborError.badRequest(`invalid tag: ${JSON.stringify(raw.slice(0, 160))}`);
  return { tag: raw };
}

export function describeReference(fullName: string, reference: ArtifactReference): string {
  return 'digest' in reference ? `${fullName}@${reference.digest}` : `${fullName}:${reference.tag}`;
}

/** Harbor's path for an artifact in the API, the repository path encoded twice as its clients do. */
export function artifactLocation(projectName: string, path: string, digest: string): string {
  return `/api/v2.0/projects/${encodeURIComponent(projectName)}/repositories/${encodeURIComponent(
    encodeURIComponent(path),
  )}/artifacts/${digest}`;
}

/** Parses copy's `from`: `project/repository:tag` or `project/repository@digest`. */
export function parseCopySource(from: string): {
  projectName: string;
  path: string;
  reference: ArtifactReference;
} {
  let name: string;
  let reference: ArtifactReference;
  const at = from.lastIndexOf('@');
  if (at >= 0) {
    name = from.slice(0, at);
    const digest = from.slice(at + 1);
    if (!isDigest(digest))
      throw HarborError.badRequest(`invalid digest in from: ${JSON.stringify(digest.slice(0, 160))}`);
    reference = { digest };
  } else {
    const colon = from.lastIndexOf(':');
    if (colon < 0 || colon < from.lastIndexOf('/')) {
      throw HarborError.badRequest('from must be project/repository:tag or project/repository@digest');
    }
    name = from.slice(0, colon);
    const tag = from.slice(colon + 1);
    if (!isValidTag(tag))
      throw HarborError.badRequest(`invalid tag in from: ${JSON.stringify(tag.slice(0, 160))}`);
    reference = { tag };
  }
  const slash = name.indexOf('/');
  if (slash <= 0 || !isValidRepositoryName(name)) {
    throw HarborError.badRequest(`invalid repository in from: ${JSON.stringify(name.slice(0, 256))}`);
  }
  return { projectName: name.slice(0, slash), path: name.slice(slash + 1), reference };
}
