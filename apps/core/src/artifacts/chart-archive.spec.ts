import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { MAX_CHART_FILE_BYTES, readChartFiles } from './chart-archive.js';

/** One tar entry as tar-stream writes it, without the archive's closing blocks. */
async function entry(name: string, data: Buffer | string): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name }, typeof data === 'string' ? Buffer.from(data) : data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  const whole = Buffer.concat(chunks);
  return whole.subarray(0, whole.length - 1024);
}

const archive = async (...entries: Promise<Buffer>[]) =>
  Readable.from([gzipSync(Buffer.concat([...(await Promise.all(entries)), Buffer.alloc(1024)]))]);

describe(readChartFiles.name, () => {
  it('finds top-level files case-insensitively and skips the rest', async () => {
    const sut = await readChartFiles(
      await archive(
        entry('demo/charts/sub/values.yaml', 'sub: true\n'),
        entry('demo/templates/big.yaml', Buffer.alloc(300_000, 0x61)),
        entry('demo/VALUES.yaml', 'top: true\n'),
        entry('demo/readme.MD', '# hi\n'),
      ),
      ['values.yaml', 'README.md'],
    );
    expect(Object.fromEntries(sut)).toEqual({ 'values.yaml': 'top: true\n', 'readme.md': '# hi\n' });
  });

  it(`keeps at most ${MAX_CHART_FILE_BYTES} bytes of a file`, async () => {
    const sut = await readChartFiles(
      await archive(entry('demo/values.yaml', Buffer.alloc(MAX_CHART_FILE_BYTES + 4096, 0x62))),
      ['values.yaml'],
    );
    expect(sut.get('values.yaml')).toHaveLength(MAX_CHART_FILE_BYTES);
  });

  it('keeps what it found before a block that is not a tar header', async () => {
    const garbage = Promise.resolve(Buffer.alloc(512, 0x7a));
    const sut = await readChartFiles(
      await archive(entry('demo/values.yaml', 'a: 1\n'), garbage, entry('demo/README.md', 'lost')),
      ['values.yaml', 'README.md'],
    );
    expect(Object.fromEntries(sut)).toEqual({ 'values.yaml': 'a: 1\n' });
  });

  it('reads entries whose names need a PAX header', async () => {
    const chart = 'c'.repeat(140);
    const sut = await readChartFiles(await archive(entry(`${chart}/values.yaml`, 'long: true\n')), [
      'values.yaml',
    ]);
    expect(sut.get('values.yaml')).toBe('long: true\n');
  });

  it('fails on what is not gzip', async () => {
    await expect(
      readChartFiles(Readable.from([Buffer.from('plain text')]), ['values.yaml']),
    ).rejects.toThrow();
  });
});
