import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBlobDriver } from '../src/filesystem-blob-driver.js';
import { describeBlobDriver } from '../src/testing/blob-driver-suite.js';

describeBlobDriver(FilesystemBlobDriver.name, async () => {
  return new FilesystemBlobDriver(await mkdtemp(join(tmpdir(), 'berth-fs-driver-')));
});
