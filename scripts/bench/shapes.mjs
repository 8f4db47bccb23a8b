// The work shapes: registry-bench flags (full and --quick) and the figures read from its JSON.
// Every shape runs with the same flags against every server; each shape uses its own repository
// prefix, so each server sees fresh repositories.

/** Berth's peak-RSS target (MiB) for the big-blob shape. */
export const RSS_TARGET_MIB = 300;

/** A flag list written as one string (no value contains a space). */
const flags = (s) => s.trim().split(/\s+/);

const phaseOf = (doc, name) => doc?.runs?.[0]?.phases?.find((p) => p.scenario === name) ?? null;
const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const lat = (doc, phase, type, q) => num(phaseOf(doc, phase)?.latency_ms?.[type]?.[q]);
const field = (doc, phase, f) => num(f(phaseOf(doc, phase)));
const perSecond = (counter) => (p) => (p && p.wall_s > 0 ? (p.counters?.[counter] ?? 0) / p.wall_s : null);

// Figure kinds: `better` says which way is good; `target` is 'ratio' (Berth ÷ distribution ≥ 1 for
// higher-is-better, ≤ 1 for lower-is-better), { maxMiB } (absolute, Berth only) or null (informational).
const throughput = (id, label, unit, get, target = 'ratio') => ({
  id,
  label,
  unit,
  better: 'higher',
  get,
  target,
});
const latency = (id, label, get, target = 'ratio') => ({
  id,
  label,
  unit: 'ms',
  better: 'lower',
  get,
  target,
});

/** Server / client resource figures for one phase (informational). */
function resources(phase, perUnit) {
  const figs = [
    {
      id: `${phase}.server_cpu_pct`,
      label: `${phase}: server CPU`,
      unit: '% of one core',
      better: 'lower',
      get: (d) => field(d, phase, (p) => p?.target?.cpu_pct),
      target: null,
    },
  ];
  if (perUnit === 'gib') {
    figs.push({
      id: `${phase}.server_cpu_s_per_gib`,
      label: `${phase}: server CPU per GiB moved`,
      unit: 's',
      better: 'lower',
      get: (d) =>
        field(d, phase, (p) => {
          const bytes = phase === 'push' ? p?.blob_bytes_pushed : p?.blob_bytes_pulled;
          return p?.target?.cpu_s != null && bytes ? p.target.cpu_s / (bytes / 2 ** 30) : null;
        }),
      target: null,
    });
  } else {
    figs.push({
      id: `${phase}.server_cpu_ms_per_req`,
      label: `${phase}: server CPU per HTTP request`,
      unit: 'ms',
      better: 'lower',
      get: (d) =>
        field(d, phase, (p) =>
          p?.target?.cpu_s != null && p.requests ? (p.target.cpu_s * 1000) / p.requests : null,
        ),
      target: null,
    });
  }
  figs.push(
    {
      id: `${phase}.postgres_cpu_pct`,
      label: `${phase}: PostgreSQL backends' CPU (Berth's database)`,
      unit: '% of one core',
      better: 'lower',
      get: (d) => field(d, phase, (p) => p?.postgres?.cpu_pct),
      target: null,
    },
    {
      id: `${phase}.total_cpu_per_unit`,
      label:
        perUnit === 'gib'
          ? `${phase}: server + PostgreSQL CPU per GiB moved`
          : `${phase}: server + PostgreSQL CPU per HTTP request`,
      unit: perUnit === 'gib' ? 's' : 'ms',
      better: 'lower',
      get: (d) =>
        field(d, phase, (p) => {
          if (p?.target?.cpu_s == null) return null;
          const cpu = p.target.cpu_s + (p.postgres?.cpu_s ?? 0);
          if (perUnit !== 'gib') return p.requests ? (cpu * 1000) / p.requests : null;
          const bytes = phase === 'push' ? p.blob_bytes_pushed : p.blob_bytes_pulled;
          return bytes ? cpu / (bytes / 2 ** 30) : null;
        }),
      target: null,
    },
    {
      id: `${phase}.other_cpu_pct`,
      label: `${phase}: other processes' CPU (noise; PostgreSQL excluded)`,
      unit: '% of one core',
      better: 'lower',
      get: (d) =>
        field(d, phase, (p) =>
          p?.system?.other_core_pct != null
            ? Math.max(0, p.system.other_core_pct - (p.postgres?.cpu_pct ?? 0))
            : null,
        ),
      target: null,
    },
    {
      id: `${phase}.server_peak_rss_mib`,
      label: `${phase}: server peak RSS`,
      unit: 'MiB',
      better: 'lower',
      get: (d) => field(d, phase, (p) => p?.target?.peak_rss_mib),
      target: null,
    },
    {
      id: `${phase}.token_requests`,
      label: `${phase}: token requests (auth; timed, cached per scope)`,
      unit: 'count',
      better: 'lower',
      get: (d) => field(d, phase, (p) => p?.latency_ms?.token?.count ?? (p ? 0 : null)),
      target: null,
    },
    {
      id: `${phase}.token_p50`,
      label: `${phase}: token request p50`,
      unit: 'ms',
      better: 'lower',
      get: (d) => lat(d, phase, 'token', 'p50'),
      target: null,
    },
    {
      id: `${phase}.client_cpu_pct`,
      label: `${phase}: client CPU`,
      unit: '% of one core',
      better: 'lower',
      get: (d) => field(d, phase, (p) => p?.client?.cpu_pct),
      target: null,
    },
  );
  return figs;
}

export const SHAPES = [
  {
    id: 'large',
    title: 'Large layers (20 MiB)',
    args: flags(
      '--scenario push,pull --layers 1 --layer-mb 20 --repos 2 --images-per-repo 5 --concurrency 4',
    ),
    quickArgs: flags(
      '--scenario push,pull --layers 1 --layer-mb 8 --repos 2 --images-per-repo 2 --concurrency 4',
    ),
    figures: [
      throughput('push_mib_s', 'push throughput', 'MiB/s', (d) => field(d, 'push', (p) => p?.push_mib_s)),
      throughput('pull_mib_s', 'pull throughput', 'MiB/s', (d) => field(d, 'pull', (p) => p?.pull_mib_s)),
      latency('push_upload_p99', 'push: blob upload p99', (d) => lat(d, 'push', 'blob-upload', 'p99'), null),
      latency('pull_blob_get_p99', 'pull: blob GET p99', (d) => lat(d, 'pull', 'blob-get', 'p99'), null),
    ],
    resources: [...resources('push', 'gib'), ...resources('pull', 'gib')],
  },
  {
    id: 'small',
    title: 'Small images (64 KiB)',
    args: flags(
      '--scenario push,pull --layers 1 --layer-kb 64 --repos 10 --images-per-repo 20 --concurrency 16',
    ),
    quickArgs: flags(
      '--scenario push,pull --layers 1 --layer-kb 64 --repos 4 --images-per-repo 5 --concurrency 16',
    ),
    figures: [
      throughput('push_images_s', 'push rate', 'images/s', (d) =>
        field(d, 'push', perSecond('manifests_pushed')),
      ),
      throughput(
        'push_mib_s',
        'push throughput',
        'MiB/s',
        (d) => field(d, 'push', (p) => p?.push_mib_s),
        null,
      ),
      latency('push_upload_p99', 'push: blob upload (PUT) p99', (d) => lat(d, 'push', 'blob-upload', 'p99')),
      latency('push_manifest_put_p99', 'push: manifest PUT p99', (d) =>
        lat(d, 'push', 'manifest-put', 'p99'),
      ),
      throughput('pull_images_s', 'pull rate', 'images/s', (d) =>
        field(d, 'pull', perSecond('images_pulled')),
      ),
      throughput(
        'pull_mib_s',
        'pull throughput',
        'MiB/s',
        (d) => field(d, 'pull', (p) => p?.pull_mib_s),
        null,
      ),
      latency('pull_manifest_get_p99', 'pull: manifest GET p99', (d) =>
        lat(d, 'pull', 'manifest-get', 'p99'),
      ),
      latency('pull_blob_get_p99', 'pull: blob GET p99', (d) => lat(d, 'pull', 'blob-get', 'p99')),
    ],
    resources: [...resources('push', 'req'), ...resources('pull', 'req')],
  },
  {
    id: 'storm',
    title: 'Manifest storm (HEAD/GET 50/50)',
    // manifest-head needs images: registry-bench HEADs the expected tags and pushes the missing
    // ones before the clock starts (10 repos x 20 tags, one 4 KiB layer each).
    args: flags(
      '--scenario manifest-head --requests 20000 --concurrency 64 --repos 10 --images-per-repo 20 --layers 1 --layer-kb 4',
    ),
    quickArgs: flags(
      '--scenario manifest-head --requests 3000 --concurrency 64 --repos 4 --images-per-repo 5 --layers 1 --layer-kb 4',
    ),
    figures: [
      throughput('req_s', 'request rate', 'req/s', (d) => field(d, 'manifest-head', (p) => p?.req_per_s)),
      latency('head_p50', 'HEAD p50', (d) => lat(d, 'manifest-head', 'manifest-head', 'p50'), null),
      latency('head_p99', 'HEAD p99', (d) => lat(d, 'manifest-head', 'manifest-head', 'p99')),
      latency('get_p50', 'GET p50', (d) => lat(d, 'manifest-head', 'manifest-get', 'p50'), null),
      latency('get_p99', 'GET p99', (d) => lat(d, 'manifest-head', 'manifest-get', 'p99')),
    ],
    resources: resources('manifest-head', 'req'),
  },
  {
    id: 'big',
    title: 'Big blob (one 2 GiB − 1 KiB layer)',
    // 2 GiB less 1 KiB: registry-bench hashes each layer with one sha256 update(), which Node
    // refuses for 2^31 bytes or more ("data is too long"). The client pre-generates the layer (it
    // fits --pregen-mb 2048, so its own CPU stays out of the timed window) and sends it as one
    // monolithic PUT: the client holds 2 GiB itself, the server has to stream it.
    args: flags(
      '--scenario push,pull --layers 1 --layer-kb 2097151 --repos 1 --images-per-repo 1 --concurrency 1 --pregen-mb 2048 --timeout 300',
    ),
    quickArgs: flags(
      '--scenario push,pull --layers 1 --layer-mb 256 --repos 1 --images-per-repo 1 --concurrency 1 --timeout 300',
    ),
    figures: [
      {
        id: 'push_peak_rss',
        label: 'push: server peak RSS (VmHWM)',
        unit: 'MiB',
        better: 'lower',
        get: (d) => field(d, 'push', (p) => p?.target?.peak_rss_mib),
        target: { maxMiB: RSS_TARGET_MIB },
      },
      {
        id: 'pull_peak_rss',
        label: 'pull: server peak RSS (VmHWM)',
        unit: 'MiB',
        better: 'lower',
        get: (d) => field(d, 'pull', (p) => p?.target?.peak_rss_mib),
        target: { maxMiB: RSS_TARGET_MIB },
      },
      throughput(
        'push_mib_s',
        'push throughput',
        'MiB/s',
        (d) => field(d, 'push', (p) => p?.push_mib_s),
        null,
      ),
      throughput(
        'pull_mib_s',
        'pull throughput',
        'MiB/s',
        (d) => field(d, 'pull', (p) => p?.pull_mib_s),
        null,
      ),
    ],
    resources: [...resources('push', 'gib'), ...resources('pull', 'gib')],
  },
];

export const SHAPE_IDS = SHAPES.map((s) => s.id);

/** Flags every run gets: a warm-up run before the first shape (untimed, not reported). */
export const WARMUP_ARGS = flags(
  '--scenario push,pull,manifest-head --layers 1 --layer-kb 64 --repos 2 --images-per-repo 10 --requests 3000 --concurrency 16 --prefix warmup --quiet',
);
