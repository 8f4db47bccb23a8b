import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './berth-logger.js';

describe('BerthLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  function capture(): string[] {
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    return written;
  }

  it("moves the framework's start-up lines down to debug", () => {
    const written = capture();
    const sut = createLogger({ logLevel: 'log', noColor: false }, { stdout: false, stderr: false });
    sut.log('Mapped {/api/v2.0/health, GET} route', 'RouterExplorer');
    sut.log('HealthController {/api/v2.0}:', 'RoutesResolver');
    sut.log('AppModule dependencies initialized', 'InstanceLoader');
    sut.log('Berth listening on http://127.0.0.1:8080', 'Berth');
    expect(written.join('')).not.toMatch(/Mapped|HealthController|AppModule/);
    expect(written.join('')).toContain('[Berth] Berth listening on http://127.0.0.1:8080');

    written.length = 0;
    const verbose = createLogger({ logLevel: 'debug', noColor: false }, { stdout: false, stderr: false });
    verbose.log('Mapped {/api/v2.0/health, GET} route', 'RouterExplorer');
    expect(written.join('')).toContain('DEBUG [RouterExplorer] Mapped {/api/v2.0/health, GET} route');
  });

  it('colours only a terminal, and never with NO_COLOR', () => {
    // Nest also checks the variable itself when it colours; the configuration decides here.
    vi.stubEnv('NO_COLOR', '');
    const written = capture();
    createLogger({ logLevel: 'log', noColor: false }, { stdout: false, stderr: false }).warn('plain', 'Test');
    createLogger({ logLevel: 'log', noColor: true }, { stdout: true, stderr: true }).warn('plain', 'Test');
    createLogger({ logLevel: 'log', noColor: false }, { stdout: true, stderr: false }).warn('plain', 'Test');
    expect(written.join('')).not.toContain('\x1b[');
    createLogger({ logLevel: 'log', noColor: false }, { stdout: true, stderr: true }).warn(
      'coloured',
      'Test',
    );
    expect(written.join('')).toContain('\x1b[');
  });
});
