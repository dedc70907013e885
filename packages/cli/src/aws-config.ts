/**
 * The settings of the shared AWS config and credentials files, read through the SDK's own
 * loaders (`loadConfig` and the shared-ini-file loader of `@smithy/core/config`, the same code
 * the SDK clients run), for the profile the user chose with `--profile` or `AWS_PROFILE` — the
 * two are identical here. The SDK reads a profile's `endpoint_url` / `services` only for
 * `AWS_PROFILE`, and `ca_bundle` not at all, so the CLI resolves them itself, once, and passes
 * the results to the clients explicitly (and knows where each value came from, for messages).
 */
import { loadConfig, type LoadedConfigSelectors } from '@smithy/core/config';
import {
  CONFIG_MAX_ATTEMPTS,
  CONFIG_RETRY_MODE,
  ENV_MAX_ATTEMPTS,
  ENV_RETRY_MODE,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  NODE_RETRY_MODE_CONFIG_OPTIONS,
} from '@smithy/core/retry';
import { UsageError } from './cli-errors.js';

/** A value found in the files, with where it was found (for messages). */
export interface Sourced<T> {
  value: T;
  source: string;
}

/** What the chosen profile (and the AWS_ variables the SDK reads with it) configure. */
export interface ProfileConfig {
  /** The profile name; undefined for the SDK's `default`. */
  profile: string | undefined;
  region: Sourced<string> | undefined;
  s3Endpoint: Sourced<string> | undefined;
  kmsEndpoint: Sourced<string> | undefined;
  caBundle: Sourced<string> | undefined;
  /** `AWS_MAX_ATTEMPTS` or `max_attempts`; undefined = the SDK's default. */
  maxAttempts: Sourced<number> | undefined;
  /** `AWS_RETRY_MODE` or `retry_mode` (`standard`, `adaptive`, `legacy`). */
  retryMode: Sourced<string> | undefined;
}

type Section = Record<string, string | undefined>;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A selector of the profile only (no environment variable): `loadConfig` reads the files. */
function fromProfile<T>(
  select: (profile: Section, files: Record<string, Section | undefined>) => T | undefined,
): LoadedConfigSelectors<T | undefined> {
  return {
    environmentVariableSelector: () => undefined,
    configFileSelector: (p, files) => select(p, files ?? {}),
    default: () => undefined,
  };
}

/** The endpoint of a service in a profile: its `services` section first, then `endpoint_url`. */
async function profileEndpoint(
  service: 's3' | 'kms',
  init: { profile?: string },
  label: string,
): Promise<Sourced<string> | undefined> {
  // The selector only reports; errors thrown inside a selector are swallowed by the loader.
  const services = await loadConfig(
    fromProfile((p, files) => {
      const name = nonEmpty(p.services);
      if (name === undefined) return undefined;
      const section = files[`services.${name}`];
      return {
        name,
        url: section === undefined ? null : nonEmpty(section[`${service}.endpoint_url`]),
      };
    }),
    init,
  )();
  if (services?.url === null)
    throw new UsageError(
      `${label} names services ${JSON.stringify(services.name)}, but the config file has no [services ${services.name}] section`,
      'ERR_S3ENC_CLI_CONFIG',
    );
  const fromServices =
    services?.url === undefined
      ? undefined
      : {
          value: services.url,
          source: `${label}, [services ${services.name}] ${service} endpoint_url`,
        };
  if (fromServices !== undefined) return fromServices;
  return loadConfig(
    fromProfile((p) => {
      const url = nonEmpty(p.endpoint_url);
      return url === undefined ? undefined : { value: url, source: `${label} endpoint_url` };
    }),
    init,
  )();
}

/**
 * A retry setting as the SDK's own selector reads it (environment first, then the profile), or
 * undefined when neither sets it (the SDK's default then applies).
 */
async function retrySetting<T>(
  options: LoadedConfigSelectors<T>,
  envName: string,
  iniName: string,
  init: { profile?: string },
  env: Record<string, string | undefined>,
  label: string,
): Promise<Sourced<T> | undefined> {
  const fromEnv = nonEmpty(env[envName]) !== undefined;
  const inProfile = await loadConfig(
    fromProfile((p) => nonEmpty(p[iniName])),
    init,
  )();
  if (!fromEnv && inProfile === undefined) return undefined;
  return {
    value: await loadConfig(options, init)(),
    source: fromEnv ? envName : `${label} ${iniName}`,
  };
}

/** Whether endpoints from the files are to be ignored (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS). */
async function ignoreConfiguredEndpoints(init: { profile?: string }): Promise<boolean> {
  const v = await loadConfig<string | undefined>(
    {
      environmentVariableSelector: (env) => env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS,
      configFileSelector: (p) => p.ignore_configured_endpoint_urls,
      default: () => undefined,
    },
    init,
  )();
  return v?.toLowerCase() === 'true';
}

/**
 * Reads the profile's settings. `profile` is `--profile` (else the SDK takes AWS_PROFILE, else
 * `default`). Values from environment variables are NOT returned here (config.ts reads them, so
 * it can say which variable a value came from), except the retry settings, which the SDK's
 * selectors read from both.
 *
 * @throws UsageError `ERR_S3ENC_CLI_CONFIG` when the files cannot be used (a missing services
 *   section, a max_attempts that is not a positive number).
 */
export async function loadProfileConfig(
  profileFlag: string | undefined,
  env: Record<string, string | undefined>,
): Promise<ProfileConfig> {
  const profile = nonEmpty(profileFlag) ?? nonEmpty(env.AWS_PROFILE);
  const init = profile === undefined ? {} : { profile };
  const label = `profile ${profile ?? 'default'} (${nonEmpty(env.AWS_CONFIG_FILE) ?? '~/.aws/config'})`;
  try {
    const region = await loadConfig(
      fromProfile((p) => nonEmpty(p.region)),
      init,
    )();
    const ignore = await ignoreConfiguredEndpoints(init);
    const caBundle = await loadConfig(
      fromProfile((p) => nonEmpty(p.ca_bundle)),
      init,
    )();
    const maxAttempts = await retrySetting(
      NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
      ENV_MAX_ATTEMPTS,
      CONFIG_MAX_ATTEMPTS,
      init,
      env,
      label,
    );
    if (
      maxAttempts !== undefined &&
      (!Number.isSafeInteger(maxAttempts.value) || maxAttempts.value < 1)
    )
      throw new UsageError(
        `max_attempts must be a positive integer, got ${String(maxAttempts.value)} (${maxAttempts.source})`,
        'ERR_S3ENC_CLI_CONFIG',
      );
    const retryMode = await retrySetting(
      NODE_RETRY_MODE_CONFIG_OPTIONS,
      ENV_RETRY_MODE,
      CONFIG_RETRY_MODE,
      init,
      env,
      label,
    );
    if (retryMode !== undefined && !['standard', 'adaptive', 'legacy'].includes(retryMode.value))
      throw new UsageError(
        `retry_mode must be standard, adaptive or legacy, got ${JSON.stringify(retryMode.value)} (${retryMode.source})`,
        'ERR_S3ENC_CLI_CONFIG',
      );
    return {
      profile,
      region: region === undefined ? undefined : { value: region, source: `${label} region` },
      s3Endpoint: ignore ? undefined : await profileEndpoint('s3', init, label),
      kmsEndpoint: ignore ? undefined : await profileEndpoint('kms', init, label),
      caBundle:
        caBundle === undefined ? undefined : { value: caBundle, source: `${label} ca_bundle` },
      maxAttempts,
      retryMode,
    };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `cannot use the AWS config files: ${(e as Error).message}`,
      'ERR_S3ENC_CLI_CONFIG',
      {
        cause: e,
      },
    );
  }
}
