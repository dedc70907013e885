/** Condition keys the analyser knows, and which of them an outsider cannot choose. */

/** Global and S3 condition keys (lower case). Tag keys are matched by prefix. */
export const KNOWN_CONDITION_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast', 'aws:CurrentTime', 'aws:EpochTime',
    'aws:FederatedProvider', 'aws:MultiFactorAuthAge', 'aws:MultiFactorAuthPresent',
    'aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:PrincipalIsAWSService', 'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths', 'aws:PrincipalServiceName', 'aws:PrincipalServiceNamesList',
    'aws:PrincipalType', 'aws:Referer', 'aws:RequestedRegion', 'aws:ResourceAccount',
    'aws:ResourceOrgID', 'aws:ResourceOrgPaths', 'aws:SecureTransport', 'aws:SourceAccount',
    'aws:SourceArn', 'aws:SourceIp', 'aws:SourceOrgID', 'aws:SourceOrgPaths', 'aws:SourceVpc',
    'aws:SourceVpce', 'aws:TagKeys', 'aws:TokenIssueTime', 'aws:UserAgent', 'aws:userid',
    'aws:username', 'aws:ViaAWSService', 'aws:VpcSourceIp', 'aws:VpceAccount', 'aws:VpceOrgID',
    'aws:VpceOrgPaths', 'aws:SourceIdentity', 'aws:Ec2InstanceSourceVpc',
    'aws:Ec2InstanceSourcePrivateIPv4', 'aws:RequestedRegion', 'aws:IsMcpServiceAction',
    's3:AccessGrantsInstanceArn', 's3:AccessPointNetworkOrigin', 's3:authType',
    's3:DataAccessPointAccount', 's3:DataAccessPointArn', 's3:delimiter', 's3:ExistingObjectTag',
    's3:LocationConstraint', 's3:max-keys', 's3:object-lock-legal-hold',
    's3:object-lock-mode', 's3:object-lock-remaining-retention-days',
    's3:object-lock-retain-until-date', 's3:prefix', 's3:RequestObjectTag',
    's3:RequestObjectTagKeys', 's3:ResourceAccount', 's3:signatureAge', 's3:signatureversion',
    's3:TlsVersion', 's3:versionid', 's3:x-amz-acl', 's3:x-amz-content-sha256',
    's3:x-amz-copy-source', 's3:x-amz-grant-full-control', 's3:x-amz-grant-read',
    's3:x-amz-grant-read-acp', 's3:x-amz-grant-write', 's3:x-amz-grant-write-acp',
    's3:x-amz-metadata-directive', 's3:x-amz-server-side-encryption',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
    's3:x-amz-server-side-encryption-customer-algorithm', 's3:x-amz-storage-class',
    's3:x-amz-website-redirect-location', 's3:if-match', 's3:if-none-match',
    's3:ObjectCreationOperation', 's3:AccessGrantsInstanceArn',
  ].map((k) => k.toLowerCase()),
);

const TAG_PREFIXES = ['aws:principaltag/', 'aws:requesttag/', 'aws:resourcetag/', 's3:existingobjecttag/', 's3:requestobjecttag/', 'saml:', 'cognito-identity.amazonaws.com:', 'accounts.google.com:', 'graph.facebook.com:', 'www.amazon.com:', 'sts:', 'kms:', 'ec2:', 'iam:'];

/** True for keys the analyser recognises (global keys, S3 keys, tag-key families, other services). */
export function isKnownConditionKey(key: string): boolean {
  const k = key.toLowerCase();
  return KNOWN_CONDITION_KEYS.has(k) || TAG_PREFIXES.some((p) => k.startsWith(p));
}

/** Keys whose value is a set in the request: single-valued operators misbehave on them. */
export const MULTIVALUED_KEYS: ReadonlySet<string> = new Set(
  ['aws:TagKeys', 'aws:CalledVia', 'aws:PrincipalOrgPaths', 'aws:PrincipalServiceNamesList', 'aws:ResourceOrgPaths', 'aws:SourceOrgPaths', 'aws:VpceOrgPaths', 's3:RequestObjectTagKeys'].map((k) => k.toLowerCase()),
);

/**
 * Keys that identify who or where the caller is: AWS sets them, an anonymous outsider cannot
 * choose their value. A condition on any other key (SecureTransport, Referer, UserAgent,
 * request headers, prefixes…) does not limit who can use an Allow.
 */
export const LIMITING_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:SourceIp', 'aws:SourceVpce', 'aws:SourceVpc', 'aws:VpcSourceIp', 'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths', 'aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:userid',
    'aws:username', 'aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'aws:SourceOrgPaths',
    'aws:PrincipalType', 'aws:PrincipalIsAWSService', 'aws:PrincipalServiceName',
    'aws:PrincipalServiceNamesList', 'aws:CalledVia', 'aws:CalledViaFirst', 'aws:CalledViaLast',
    'aws:ViaAWSService', 'aws:FederatedProvider', 'aws:MultiFactorAuthPresent',
    'aws:MultiFactorAuthAge', 'aws:VpceAccount', 'aws:VpceOrgID', 'aws:VpceOrgPaths',
    's3:DataAccessPointAccount', 's3:DataAccessPointArn', 's3:AccessPointNetworkOrigin',
    'aws:SourceIdentity', 'aws:TokenIssueTime',
  ].map((k) => k.toLowerCase()),
);

/** True when an outsider cannot choose the key's value (see {@link LIMITING_KEYS}). */
export function isLimitingKey(key: string): boolean {
  const k = key.toLowerCase();
  return LIMITING_KEYS.has(k) || k.startsWith('aws:principaltag/');
}
