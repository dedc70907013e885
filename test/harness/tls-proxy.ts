// The TLS terminator in front of plain-HTTP servers: @s3enc/testing (packages/testing/src/tls-proxy.ts).
export { startTlsProxy, type TlsProxy } from '@s3enc/testing';
