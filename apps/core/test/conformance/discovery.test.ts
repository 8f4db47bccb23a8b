/**
 * OCI distribution-spec conformance, category "content discovery": tag listing with `n`/`last`
 * pagination and `Link`, `_catalog` pagination, and the referrers API with its `artifactType` filter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MediaType,
  cosignSignature,
  descriptorOf,
  emptyConfig,
  helmChart,
  imageIndex,
  imageManifest,
  nextLink,
  randomImage,
  sbom,
  uniqueRepo,
  unknownDigest,
  type Manifest,
  type OciClient,
} from '../support/oci-fixtures.js';
import { useRegistry } from '../support/oci-registry.js';
import { expectOciError, expectStatus } from './oci-assertions.js';

const registry = useRegistry();
let client: OciClient;

beforeAll(() => {
  client = registry().client;
});

interface TagList {
  name: string;
  tags: string[];
}

interface ReferrersIndex {
  schemaVersion: number;
  mediaType: string;
  manifests: {
    mediaType: string;
    digest: string;
    size: number;
    artifactType?: string;
    annotations?: Record<string, string>;
  }[];
}

describe('content discovery: tags', () => {
  const repo = uniqueRepo('conformance/tags');
  // Deliberately pushed out of order, with mixed case: 'Zeta' sorts before 'alpha' by code point
  // but after it case-insensitively. The spec asks for "lexical order (i.e. case-insensitive
  // alphanumeric order)"; its conformance suite also accepts plain code-point order.
  const tags = ['v2', 'latest', 'v1.0', 'Zeta', 'alpha', 'v1.1', '0.9', 'beta_1', 'Beta-2'];
  const codePointOrder = [...tags].sort();
  const caseInsensitiveOrder = [...tags].sort((a, b) => {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : 1;
  });
  /** The full list as the registry orders it, checked in the first test; pagination must agree. */
  let sorted: string[] = [];

  beforeAll(async () => {
    const image = randomImage();
    await client.pushAll(repo, image);
    for (const tag of tags) expectStatus(await client.pushManifest(repo, tag, image), 201);
    sorted = (await client.tags(repo)).json<TagList>().tags;
  });

  it('GET tags/list answers every tag in lexical order with the repository name', async () => {
    const reply = await client.tags(repo);
    expectStatus(reply, 200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    const list = reply.json<TagList>();
    expect(list.name).toBe(repo);
    expect([caseInsensitiveOrder, codePointOrder]).toContainEqual(list.tags);
    expect(reply.headers.get('link')).toBeNull();
  });

  it('n limits a page and Link points to the next one, until the last page', async () => {
    const seen: string[] = [];
    let location: string | null = `/v2/${repo}/tags/list?n=2`;
    let pages = 0;
    while (location) {
      const reply = await client.get(location);
      expectStatus(reply, 200);
      const page = reply.json<TagList>().tags;
      expect(page.length).toBeLessThanOrEqual(2);
      expect(page.length).toBeGreaterThan(0);
      seen.push(...page);
      location = nextLink(reply);
      pages += 1;
      expect(pages).toBeLessThan(10);
    }
    expect(seen).toEqual(sorted);
    expect(pages).toBe(Math.ceil(sorted.length / 2));
  });

  it('last answers the tags after it', async () => {
    const reply = await client.tags(repo, `last=${encodeURIComponent(sorted[2]!)}`);
    expectStatus(reply, 200);
    expect(reply.json<TagList>().tags).toEqual(sorted.slice(3));
  });

  it('n and last together answer one page from that point, with Link when more follow', async () => {
    const reply = await client.tags(repo, `n=3&last=${encodeURIComponent(sorted[0]!)}`);
    expectStatus(reply, 200);
    expect(reply.json<TagList>().tags).toEqual(sorted.slice(1, 4));
    const link = nextLink(reply);
    expect(link).not.toBeNull();
    const next = new URL(link!, registry().url);
    expect(next.pathname).toBe(`/v2/${repo}/tags/list`);
    expect(next.searchParams.get('n')).toBe('3');
    expect(next.searchParams.get('last')).toBe(sorted[3]);
  });

  it('n at least the number of tags answers them all without Link', async () => {
    const reply = await client.tags(repo, `n=${sorted.length}`);
    expect(reply.json<TagList>().tags).toEqual(sorted);
    expect(reply.headers.get('link')).toBeNull();
  });

  it('tags of a repository that does not exist answer 404 NAME_UNKNOWN', async () => {
    expectOciError(await client.tags(uniqueRepo('conformance/no-such-repo')), 404, 'NAME_UNKNOWN');
  });
});

describe('content discovery: catalog', () => {
  const prefix = uniqueRepo('conformance/catalog');
  // 'a-b' < 'a.c' < 'ab' by code point; a locale collation that skips punctuation would disagree.
  const names = ['e', 'ab', 'a.c', 'c', 'a-b'].map((suffix) => `${prefix}/${suffix}`);

  beforeAll(async () => {
    const image = randomImage({ layers: 1, layerSize: 64 });
    for (const name of names) await client.pushAll(name, image, 'latest');
  });

  it('GET /v2/_catalog lists the repositories in lexical order', async () => {
    const reply = await client.get('/v2/_catalog?n=10000');
    expectStatus(reply, 200);
    const repositories = reply.json<{ repositories: string[] }>().repositories;
    expect(repositories).toEqual([...repositories].sort());
    expect(repositories).toEqual(expect.arrayContaining(names));
  });

  it('n and last page through the catalog with Link', async () => {
    const seen: string[] = [];
    let location: string | null = `/v2/_catalog?n=2&last=${encodeURIComponent(prefix)}`;
    while (location && seen.filter((name) => name.startsWith(`${prefix}/`)).length < names.length) {
      const reply = await client.get(location);
      expectStatus(reply, 200);
      const page = reply.json<{ repositories: string[] }>().repositories;
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page);
      location = nextLink(reply);
      if (location) expect(new URL(location, registry().url).pathname).toBe('/v2/_catalog');
    }
    expect(seen).toEqual([...seen].sort());
    expect(seen.filter((name) => name.startsWith(`${prefix}/`))).toEqual([...names].sort());
  });
});

describe('content discovery: referrers', () => {
  const repo = uniqueRepo('conformance/referrers');
  const subject = randomImage();
  let signature: Manifest;
  let document: Manifest;
  let chart: Manifest;
  let attestations: Manifest;

  beforeAll(async () => {
    await client.pushAll(repo, subject, 'v1');
    const about = descriptorOf(subject);
    signature = cosignSignature(about);
    document = sbom(about);
    // An image manifest with a subject but no artifactType: its type is its config's media type.
    const base = helmChart();
    chart = imageManifest({ config: base.blobs[0]!, layers: base.blobs.slice(1), subject: about });
    attestations = imageIndex([{ manifest: randomImage() }], {
      artifactType: 'application/vnd.example.attestations.v1',
      subject: about,
      annotations: { 'org.example.kind': 'bundle' },
    });
    for (const manifest of [signature, document, chart, attestations]) await client.pushAll(repo, manifest);
    // Something unrelated, referring to another subject.
    await client.pushAll(repo, sbom(descriptorOf(randomImage())));
  });

  async function referrers(query = '', digest = subject.digest) {
    const reply = await client.get(`/v2/${repo}/referrers/${digest}${query ? `?${query}` : ''}`);
    expectStatus(reply, 200);
    expect(reply.headers.get('content-type')).toBe(MediaType.OciIndex);
    const index = reply.json<ReferrersIndex>();
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(MediaType.OciIndex);
    return { reply, index };
  }

  it('lists every manifest whose subject is the digest, with artifactType, size and annotations', async () => {
    const { reply, index } = await referrers();
    expect(reply.headers.get('oci-filters-applied')).toBeNull();
    const byDigest = new Map(index.manifests.map((entry) => [entry.digest, entry]));
    expect([...byDigest.keys()].sort()).toEqual(
      [signature, document, chart, attestations].map((m) => m.digest).sort(),
    );
    expect(byDigest.get(signature.digest)).toMatchObject({
      mediaType: MediaType.OciManifest,
      size: signature.size,
      artifactType: MediaType.CosignSignatureArtifact,
      annotations: signature.json.annotations,
    });
    expect(byDigest.get(document.digest)).toMatchObject({
      artifactType: MediaType.SpdxJson,
      size: document.size,
    });
    expect(byDigest.get(attestations.digest)).toMatchObject({
      mediaType: MediaType.OciIndex,
      artifactType: 'application/vnd.example.attestations.v1',
      annotations: { 'org.example.kind': 'bundle' },
    });
  });

  it('an image manifest without artifactType is listed under its config media type', async () => {
    const { index } = await referrers();
    expect(index.manifests.find((entry) => entry.digest === chart.digest)?.artifactType).toBe(
      MediaType.HelmConfig,
    );
  });

  it('?artifactType= filters the list and answers OCI-Filters-Applied: artifactType', async () => {
    const { reply, index } = await referrers(`artifactType=${encodeURIComponent(MediaType.SpdxJson)}`);
    expect(reply.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(index.manifests.map((entry) => entry.digest)).toEqual([document.digest]);

    const helm = await referrers(`artifactType=${encodeURIComponent(MediaType.HelmConfig)}`);
    expect(helm.index.manifests.map((entry) => entry.digest)).toEqual([chart.digest]);

    const none = await referrers(`artifactType=${encodeURIComponent('application/vnd.example.none')}`);
    expect(none.reply.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(none.index.manifests).toEqual([]);
  });

  it('a digest nothing refers to answers 200 with an empty index', async () => {
    const { index } = await referrers('', unknownDigest());
    expect(index.manifests).toEqual([]);
  });

  it('an invalid digest answers 400', async () => {
    const reply = await client.get(`/v2/${repo}/referrers/sha256:not-a-digest`);
    expectStatus(reply, 400);
  });

  it('a referrer pushed before its subject is listed', async () => {
    const later = randomImage();
    const early = cosignSignature(descriptorOf(later));
    await client.pushAll(repo, early);
    const { index } = await referrers('', later.digest);
    expect(index.manifests.map((entry) => entry.digest)).toEqual([early.digest]);
  });

  it('referrers pushed to another repository are not listed', async () => {
    const other = uniqueRepo('conformance/referrers-other');
    const elsewhere = sbom(descriptorOf(subject));
    await client.pushAll(other, elsewhere);
    expect((await referrers()).index.manifests.map((entry) => entry.digest)).not.toContain(elsewhere.digest);
    const theirs = await client.get(`/v2/${other}/referrers/${subject.digest}`);
    expect(theirs.json<ReferrersIndex>().manifests.map((entry) => entry.digest)).toEqual([elsewhere.digest]);
  });

  it('a deleted referrer leaves the list', async () => {
    const extra = imageManifest({
      config: emptyConfig(),
      layers: [emptyConfig()],
      artifactType: 'application/vnd.example.ephemeral',
      subject: descriptorOf(subject),
    });
    await client.pushAll(repo, extra);
    expect((await referrers()).index.manifests.map((entry) => entry.digest)).toContain(extra.digest);
    expectStatus(await client.delete(`/v2/${repo}/manifests/${extra.digest}`), 202);
    expect((await referrers()).index.manifests.map((entry) => entry.digest)).not.toContain(extra.digest);
  });
});
