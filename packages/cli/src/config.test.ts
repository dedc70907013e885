import { describe, expect, it } from 'vitest';
import type { GlobalOptions } from './args.js';
import { UsageError } from './cli-errors.js';
import { defaultKmsKeyId, resolveSettings } from './config.js';

const g = (o: Partial<GlobalOptions> = {}): GlobalOptions => ({
  json: false,
  quiet: false,
  debug: false,
  noColor: false,
  help: false,
  version: false,
  ...o,
});

describe('resolveSettings', () => {
  it('takes flags over service-specific variables over AWS_ENDPOINT_URL', () => {
    const env = {
      AWS_ENDPOINT_URL: 'https://all.example',
      AWS_ENDPOINT_URL_S3: 'https://s3.example',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'us-west-2',
      AWS_PROFILE: 'p1',
      AWS_CA_BUNDLE: '/etc/ca.pem',
    };
    expect(resolveSettings(g(), env)).toMatchObject({
      profile: 'p1',
      region: 'eu-west-1',
      s3Endpoint: 'https://s3.example',
      kmsEndpoint: 'https://all.example',
      caBundle: '/etc/ca.pem',
      forcePathStyle: true,
      sources: {
        profile: 'AWS_PROFILE',
        region: 'AWS_REGION',
        s3Endpoint: 'AWS_ENDPOINT_URL_S3',
        kmsEndpoint: 'AWS_ENDPOINT_URL',
        caBundle: 'AWS_CA_BUNDLE',
      },
    });
    const flags = g({
      profile: 'p2',
      region: 'ap-south-1',
      endpointUrl: 'https://flag.example',
      kmsEndpointUrl: 'https://kms.flag',
      caBundle: 'ca2.pem',
    });
    expect(resolveSettings(flags, env)).toMatchObject({
      profile: 'p2',
      region: 'ap-south-1',
      s3Endpoint: 'https://flag.example',
      kmsEndpoint: 'https://kms.flag',
      caBundle: 'ca2.pem',
    });
  });
  it('uses AWS defaults when nothing is set: no endpoint, virtual-hosted style', () => {
    expect(resolveSettings(g(), { AWS_DEFAULT_REGION: 'us-west-2', AWS_ENDPOINT_URL: '' })).toEqual(
      {
        profile: undefined,
        region: 'us-west-2',
        s3Endpoint: undefined,
        kmsEndpoint: undefined,
        caBundle: undefined,
        forcePathStyle: false,
        maxAttempts: undefined,
        retryMode: undefined,
        sources: { region: 'AWS_DEFAULT_REGION' },
      },
    );
  });
  it("takes the profile's settings when no flag or variable gives them, and says so", () => {
    const p = {
      profile: 'dev',
      region: { value: 'eu-north-1', source: 'profile dev region' },
      s3Endpoint: { value: 'https://s3.dev', source: 'profile dev endpoint_url' },
      kmsEndpoint: undefined,
      caBundle: { value: '/ca.pem', source: 'profile dev ca_bundle' },
      maxAttempts: { value: 7, source: 'profile dev max_attempts' },
      retryMode: { value: 'adaptive', source: 'AWS_RETRY_MODE' },
    };
    expect(resolveSettings(g({ profile: 'dev' }), {}, p)).toMatchObject({
      profile: 'dev',
      region: 'eu-north-1',
      s3Endpoint: 'https://s3.dev',
      caBundle: '/ca.pem',
      forcePathStyle: true,
      maxAttempts: 7,
      retryMode: 'adaptive',
      sources: { profile: '--profile', s3Endpoint: 'profile dev endpoint_url' },
    });
    expect(
      resolveSettings(g({ endpointUrl: 'https://flag' }), { AWS_REGION: 'x' }, p),
    ).toMatchObject({
      region: 'x',
      s3Endpoint: 'https://flag',
      sources: { region: 'AWS_REGION', s3Endpoint: '--endpoint-url' },
    });
  });
  it('honours S3ENC_S3_ADDRESSING_STYLE and rejects nonsense', () => {
    expect(
      resolveSettings(g({ endpointUrl: 'https://x' }), { S3ENC_S3_ADDRESSING_STYLE: 'virtual' })
        .forcePathStyle,
    ).toBe(false);
    expect(resolveSettings(g(), { S3ENC_S3_ADDRESSING_STYLE: 'path' }).forcePathStyle).toBe(true);
    expect(() => resolveSettings(g(), { S3ENC_S3_ADDRESSING_STYLE: 'sideways' })).toThrow(
      UsageError,
    );
  });
  it('rejects an endpoint that is not a URL (http:// is refused later, by the transport)', () => {
    expect(() => resolveSettings(g({ endpointUrl: 'localhost:9000' }), {})).toThrow(
      /--endpoint-url/,
    );
  });
  it('reads the default KMS key', () => {
    expect(defaultKmsKeyId({ S3ENC_KMS_KEY_ID: ' alias/x ' })).toBe('alias/x');
    expect(defaultKmsKeyId({ S3ENC_KMS_KEY_ID: '' })).toBeUndefined();
  });
});
