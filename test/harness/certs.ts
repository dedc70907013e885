// The run's CA and server certificate: made by @s3enc/testing (packages/testing/src/certs.ts).
export { makeCerts, type TestCerts } from '@s3enc/testing';
