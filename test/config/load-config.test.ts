import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { ensureTemporalBinaries, TemporalBinariesError } from '../../scripts/fetch-temporal';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('defaults to the embedded dev server on 127.0.0.1:7233, namespace default, task queue petitions, API on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      embedded: true,
      namespace: 'default',
      taskQueue: 'petitions',
    });
    expect(config.devServer).toMatchObject({ ip: '127.0.0.1', port: 7233, uiPort: 8233 });
    expect(config.devServer.dbFile).toMatch(/data\/temporal\.sqlite$/);
    expect(config.api).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
  });

  it('serves no metrics and exports no traces unless told to', () => {
    const config = loadConfig({});
    expect(config.metrics).toEqual({ api: undefined, worker: undefined });
    expect(config.tracing).toBeUndefined();
  });

  it('reads metrics listeners as host:port (IPv6 in brackets), and 0 or off as none', () => {
    const config = loadConfig({ API_METRICS_ADDRESS: '0.0.0.0:9465', WORKER_METRICS_ADDRESS: '[::1]:9464' });
    expect(config.metrics).toEqual({
      api: { host: '0.0.0.0', port: 9465 },
      worker: { host: '::1', port: 9464 },
    });
    expect(loadConfig({ API_METRICS_ADDRESS: '0', WORKER_METRICS_ADDRESS: 'off' }).metrics).toEqual({
      api: undefined,
      worker: undefined,
    });
  });

  it('refuses a metrics listener without a port, or on the API port', () => {
    expect(errorOf({ WORKER_METRICS_ADDRESS: '9464' }).message).toBe(
      'Invalid configuration: WORKER_METRICS_ADDRESS must be host:port for the worker\'s Prometheus /metrics listener (e.g. 127.0.0.1:9464), or 0 for none (got "9464")',
    );
    expect(errorOf({ API_METRICS_ADDRESS: '127.0.0.1:3000' }).message).toBe(
      'Invalid configuration: API_METRICS_ADDRESS must use another port than API_PORT (metrics have a listener of their own)',
    );
  });

  it('traces to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, under OTEL_SERVICE_NAME when given', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.gov.cn',
        OTEL_SERVICE_NAME: 'petitions-east',
      }).tracing,
    ).toEqual({ tracesUrl: 'https://otel.example.gov.cn/v1/traces', serviceName: 'petitions-east' });
    expect(errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }).message).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be the http(s) base URL of an OTLP/HTTP receiver',
    );
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ API_PORT: '', TEMPORAL_ADDRESS: '  ' }).api.port).toBe(3000);
  });

  it('uses an existing cluster when TEMPORAL_ADDRESS is set, with TLS switched on by an API key', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'k',
    });
    expect(config.temporal).toMatchObject({
      address: 'ns.acct.tmprl.cloud:7233',
      embedded: false,
      namespace: 'ns.acct',
      apiKey: 'k',
    });
    expect(config.temporal.tls).toBeDefined();
  });

  it('moves the Web UI with the gRPC port unless TEMPORAL_UI_PORT is given', () => {
    expect(loadConfig({ TEMPORAL_PORT: '7300' }).devServer.uiPort).toBe(8300);
    expect(loadConfig({ TEMPORAL_PORT: '7300', TEMPORAL_UI_PORT: '9000' }).devServer.uiPort).toBe(9000);
  });

  it('refuses a non-numeric API_PORT, naming the variable, what it expects and what it got', () => {
    expect(errorOf({ API_PORT: 'abc' }).message).toBe(
      'Invalid configuration: API_PORT must be an integer 1-65535 (got "abc")',
    );
  });

  it('lists every bad variable at once', () => {
    const err = errorOf({ API_PORT: '70000', LOG_LEVEL: 'loud', TEMPORAL_ADDRESS: 'no-port' });
    expect(err.problems).toEqual([
      'TEMPORAL_ADDRESS must be host:port of an existing Temporal frontend (e.g. temporal.example.com:7233), or unset for the embedded dev server (got "no-port")',
      'API_PORT must be an integer 1-65535 (got "70000")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
    expect(err.message.split('\n')[0]).toBe('Invalid configuration:');
  });

  it('names a TLS file that cannot be read', () => {
    expect(errorOf({ TEMPORAL_TLS_CA_PATH: '/nonexistent/ca.pem' }).message).toBe(
      'Invalid configuration: TEMPORAL_TLS_CA_PATH must be a path to a readable PEM CA certificate (got "/nonexistent/ca.pem")',
    );
  });

  it('requires a client certificate and its key together', () => {
    const cert = fileURLToPath(import.meta.url); // any readable file will do for this rule
    expect(errorOf({ TEMPORAL_TLS_CERT_PATH: cert }).message).toBe(
      'Invalid configuration: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS needs both)',
    );
  });

  it('stops an entry point with exit code 1 and the message on stderr', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      cwd: projectRoot,
      env: { ...process.env, API_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe('Invalid configuration: API_PORT must be an integer 1-65535 (got "abc")');
  });
});

describe('ensureTemporalBinaries', () => {
  it('refuses a TEMPORAL_CLI_PATH that does not exist instead of installing something else', () => {
    expect(() => ensureTemporalBinaries({ TEMPORAL_CLI_PATH: '/nonexistent/temporal' }, () => {})).toThrow(
      new TemporalBinariesError(
        'TEMPORAL_CLI_PATH points to /nonexistent/temporal, which does not exist or is not executable.',
      ),
    );
  });
});
