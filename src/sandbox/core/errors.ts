/** An error the sandbox answers with, in the shape of the service that raised it. */
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra fields some services send (OSS: BucketName, EC, StringToSign…). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const authErrors = {
  accessKeyNotFound: () => new SandboxError('InvalidAccessKeyId.NotFound', 404, 'Specified access key is not found.'),
  accessKeyInactive: () => new SandboxError('InvalidAccessKeyId.Inactive', 400, 'Specified access key is disabled.'),
  tokenExpired: () => new SandboxError('InvalidSecurityToken.Expired', 400, 'Specified SecurityToken is expired.'),
  tokenMismatch: () =>
    new SandboxError(
      'InvalidSecurityToken.MismatchWithAccessKey',
      400,
      'Specified SecurityToken mismatch with the AccessKey.',
    ),
  tokenMissing: () => new SandboxError('InvalidSecurityToken.Malformed', 400, 'Specified SecurityToken is malformed.'),
};
