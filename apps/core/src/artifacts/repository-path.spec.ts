import { describe, expect, it } from 'vitest';
import { HarborError } from '../common/harbor-error.js';
import { accessoryType, cosignSignatureTag } from './artifact-type.js';
import { artifactFilters } from './artifact.service.js';
import { artifactLocation, artifactReference, parseCopySource, repositoryPath } from './repository-path.js';

describe(repositoryPath.name, () => {
  it('decodes a path encoded twice and prefixes the project', () => {
    expect(repositoryPath('lib', 'team%2Fapp')).toEqual({ path: 'team/app', fullName: 'lib/team/app' });
    expect(repositoryPath('lib', 'app')).toEqual({ path: 'app', fullName: 'lib/app' });
  });

  it.each(["app';--", '../etc', 'a//b', 'UP', '%2F%zz'])('refuses %s', (raw) => {
    expect(() => repositoryPath('lib', raw)).toThrow(HarborError);
  });
});

describe(artifactReference.name, () => {
  it('tells digests from tags', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(artifactReference(digest)).toEqual({ digest });
    expect(artifactReference('v1.0')).toEqual({ tag: 'v1.0' });
    expect(() => artifactReference('sha256:zz')).toThrow(HarborError);
    expect(() => artifactReference('-bad')).toThrow(HarborError);
  });
});

describe(parseCopySource.name, () => {
  it('reads project/repository:tag and @digest', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(parseCopySource('p/team/app:v1')).toEqual({
      projectName: 'p',
      path: 'team/app',
      reference: { tag: 'v1' },
    });
    expect(parseCopySource(`p/app@${digest}`)).toEqual({
      projectName: 'p',
      path: 'app',
      reference: { digest },
    });
  });

  it.each(['app:v1', 'p/app', 'p/app@sha256:1', 'p/../x:v1', 'p/app:bad tag'])('refuses %s', (from) => {
    expect(() => parseCopySource(from)).toThrow(HarborError);
  });
});

describe(artifactLocation.name, () => {
  it('encodes the repository path twice', () => {
    expect(artifactLocation('p', 'a/b', 'sha256:x')).toBe(
      '/api/v2.0/projects/p/repositories/a%252Fb/artifacts/sha256:x',
    );
  });
});

describe(artifactFilters.name, () => {
  it('maps Harbor query terms to filters', () => {
    expect(artifactFilters('tags=*,type={image chart},labels=(3 4),base=*')).toEqual([
      { kind: 'tagged' },
      { kind: 'type', types: ['IMAGE', 'CHART'] },
      { kind: 'label', labelId: 3n },
      { kind: 'label', labelId: 4n },
      { kind: 'all' },
    ]);
    expect(artifactFilters('tags=~a_b')).toEqual([{ kind: 'tagLike', pattern: '%a\\_b%' }]);
  });

  it.each(['base=x', 'labels=(a)', 'tags=[1~2]', 'push_time=2024', 'push_time=[nope~]', 'size=1'])(
    'refuses %s',
    (q) => {
      expect(() => artifactFilters(q)).toThrow(HarborError);
    },
  );
});

describe('accessory types', () => {
  it('names cosign, notation, Harbor SBOM and other accessories as Harbor does', () => {
    expect(accessoryType('application/vnd.dev.cosign.artifact.sig.v1+json')).toBe('signature.cosign');
    expect(accessoryType('application/vnd.cncf.notary.signature')).toBe('signature.notation');
    expect(accessoryType('application/vnd.goharbor.harbor.sbom.v1')).toBe('harbor.sbom');
    expect(accessoryType('application/spdx+json')).toBe('subject.accessory');
    expect(accessoryType(null)).toBe('subject.accessory');
    expect(cosignSignatureTag(`sha256:${'c'.repeat(64)}`)).toBe(`sha256-${'c'.repeat(64)}.sig`);
  });
});
