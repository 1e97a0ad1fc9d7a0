/**
 * One error type for every cloud failure: SDK errors (openapi-core ClientError/ServerError/
 * ThrottlingError), ali-oss errors, IMDS failures and network errors all become CloudError with a
 * code, HTTP status, request id and — for the codes users actually hit — an explanation and a fix.
 * Messages never contain secrets: the SDK's own message can echo a string-to-sign, so only the
 * server's Message field is kept.
 */
import { bundleMark } from './bundleMark';
import type { Answer } from './answers';
import { l10n } from './l10n';

export type CloudService = 'ram' | 'ecs' | 'sts' | 'oss' | 'imds' | 'credentials' | 'actiontrail';

export interface CloudErrorInit {
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  service?: CloudService;
  action?: string;
  /** For AccessDenied: what was refused on what, if the service said so. */
  resource?: string;
  retryable?: boolean;
  /** The request may have reached the service (a timeout or a dropped connection, not a refusal). */
  outcomeUnknown?: boolean;
}

/** In both bundles: `instanceof` answers by a shared mark (bundleMark.ts). */
const CLOUD_ERROR = bundleMark('CloudError');

export class CloudError extends Error {
  static [Symbol.hasInstance](x: unknown): boolean {
    return CLOUD_ERROR.has(x);
  }

  readonly code: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly service?: CloudService;
  readonly action?: string;
  readonly resource?: string;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;

  constructor(init: CloudErrorInit) {
    super(init.message);
    CLOUD_ERROR.mark(this);
    this.name = 'CloudError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.service = init.service;
    this.action = init.action;
    this.resource = init.resource;
    this.retryable = init.retryable ?? isRetryable(init.code, init.status);
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }

  /** A human explanation for known codes, else undefined. */
  get explanation(): string | undefined {
    return explain(this.code)?.explanation;
  }

  /** What the user can do about it, for known codes. */
  get fix(): string | undefined {
    return explain(this.code)?.fix;
  }
}

export function isRetryable(code: string, status?: number): boolean {
  return (
    /^Throttling/.test(code) ||
    code === 'SlowDown' ||
    code === 'ServiceUnavailable' ||
    (status !== undefined && status >= 500)
  );
}

export function isCloudError(e: unknown, code?: string | RegExp): e is CloudError {
  if (!(e instanceof CloudError)) {
    return false;
  }
  if (code === undefined) {
    return true;
  }
  return typeof code === 'string' ? e.code === code : code.test(e.code);
}

interface Known {
  explanation: string;
  fix: string;
}

/** Explanations are built on demand so they are translated in the active locale. */
function explain(code: string): Known | undefined {
  const k = (explanation: string, fix: string): Known => ({ explanation, fix });
  switch (code) {
    case 'EntityAlreadyExists.Role':
      return k(
        l10n.t('A RAM role with this name already exists.'),
        l10n.t('Pick another name, or use the existing role.'),
      );
    case 'EntityAlreadyExists.Policy':
      return k(
        l10n.t('A custom policy with this name already exists.'),
        l10n.t('Pick another name, or add a new version to the existing policy.'),
      );
    case 'EntityAlreadyExists.Role.Policy':
      return k(l10n.t('The policy is already attached to the role.'), l10n.t('Nothing to do.'));
    case 'EntityNotExist.Role':
      return k(l10n.t('The RAM role does not exist.'), l10n.t('Refresh the RAM view; the role may have been deleted.'));
    case 'EntityNotExist.Policy':
      return k(l10n.t('The policy does not exist.'), l10n.t('Check the policy name and type (System or Custom).'));
    case 'EntityNotExist.Role.Policy':
      return k(
        l10n.t('The policy is not attached to the role.'),
        l10n.t('Refresh the role to see its current policies.'),
      );
    case 'DeleteConflict.Role.Policy':
      return k(
        l10n.t('A role cannot be deleted while policies are attached to it.'),
        l10n.t('Detach its policies first, then delete the role.'),
      );
    case 'DeleteConflict.Policy.Version':
      return k(
        l10n.t('A policy cannot be deleted while it has versions other than the default.'),
        l10n.t('Delete the non-default versions first, or delete with cascade.'),
      );
    case 'DeleteConflict.Policy.User':
    case 'DeleteConflict.Policy.Group':
    case 'DeleteConflict.Policy.Role':
      return k(
        l10n.t('The policy is still attached to users, groups or roles.'),
        l10n.t('Detach it everywhere first.'),
      );
    case 'LimitExceeded.Policy.Version':
      return k(
        l10n.t('The policy already has the maximum of 5 versions.'),
        l10n.t('Delete an old non-default version, or let the oldest be rotated out.'),
      );
    case 'MalformedPolicyDocument':
      return k(
        l10n.t('RAM rejected the policy document.'),
        l10n.t('Fix the JSON and its Statement entries; the editor marks the problems.'),
      );
    case 'InvalidRamRole.NotEcsRole':
      return k(
        l10n.t('The role does not trust the ECS service, so it cannot be attached to an instance.'),
        l10n.t('Edit the role\'s trust policy to allow the service "ecs.aliyuncs.com".'),
      );
    case 'InvalidRamRole.NotFound':
      return k(l10n.t('ECS cannot find the RAM role.'), l10n.t('Check the role name; create the role first.'));
    case 'InvalidNetworkType.MismatchRamRole':
      return k(
        l10n.t('RAM roles can only be attached to VPC instances; this is a classic-network instance.'),
        l10n.t('Migrate the instance to a VPC, or use a VPC instance.'),
      );
    case 'InvalidUser.PassRoleForbidden':
      return k(
        l10n.t('Your RAM user is not allowed to pass this role to ECS (ram:PassRole).'),
        l10n.t(
          'Have an administrator attach a policy allowing ram:PassRole on the role: run "Create PassRole Policy for a RAM User".',
        ),
      );
    case 'InvalidInstanceId.NotFound':
      return k(
        l10n.t('The instance does not exist in this region.'),
        l10n.t('Refresh the ECS view and check the region.'),
      );
    case 'IncorrectInstanceStatus':
      return k(
        l10n.t('The instance is not in a state that allows this operation.'),
        l10n.t('Wait for the instance to reach Running or Stopped, then retry.'),
      );
    case 'InvalidPassword.Malformed':
      return k(
        l10n.t('The password does not meet ECS rules.'),
        l10n.t('Use 8–30 characters with at least three of: upper case, lower case, digits, special characters.'),
      );
    case 'DryRunOperation':
      return k(l10n.t('The dry run passed: the request would succeed.'), l10n.t('Run it for real.'));
    case 'NoPermission':
    case 'Forbidden.RAM':
    case 'Forbidden':
      return k(
        l10n.t('Your identity is not allowed to perform this action.'),
        l10n.t('Ask an administrator to grant the action, or switch to a profile that has it.'),
      );
    case 'AccessDenied':
      return k(
        l10n.t('The request was denied by access policy.'),
        l10n.t('Check the policies attached to the current identity.'),
      );
    case 'SignatureDoesNotMatch':
      return k(
        l10n.t('The request signature does not match: the AccessKey secret is wrong.'),
        l10n.t('Re-enter the AccessKey secret for this profile.'),
      );
    case 'InvalidAccessKeyId.NotFound':
    case 'InvalidAccessKeyId':
      return k(
        l10n.t('The AccessKey ID does not exist.'),
        l10n.t('Check the AccessKey ID, or create a new AccessKey in the RAM console.'),
      );
    case 'InvalidAccessKeyId.Inactive':
      return k(l10n.t('The AccessKey is disabled.'), l10n.t('Enable it in the RAM console or use another AccessKey.'));
    case 'SecurityTokenExpired':
    case 'InvalidSecurityToken.Expired':
      return k(
        l10n.t('The temporary (STS) credentials have expired.'),
        l10n.t('Refresh the credentials; for an instance role they are renewed automatically.'),
      );
    case 'InvalidSecurityToken.MismatchWithAccessKey':
    case 'InvalidSecurityToken.Malformed':
      return k(
        l10n.t('The STS token does not belong to this AccessKey.'),
        l10n.t('Use the AccessKey ID, secret and token from the same STS response.'),
      );
    case 'NoSuchBucket':
      return k(l10n.t('The bucket does not exist.'), l10n.t('Check the bucket name and region.'));
    case 'NoSuchKey':
      return k(l10n.t('The object does not exist.'), l10n.t('Refresh the folder; it may have been deleted.'));
    case 'Throttling':
    case 'Throttling.User':
    case 'Throttling.Api':
    case 'SlowDown':
      return k(l10n.t('The service is throttling requests.'), l10n.t('Wait a moment and retry.'));
    case 'ImdsUnreachable':
      return k(
        l10n.t('The instance metadata service did not answer.'),
        l10n.t('This only works on an ECS instance; check that metadata access is enabled for the instance.'),
      );
    case 'ImdsNoRole':
      return k(
        l10n.t('No RAM role is attached to this instance.'),
        l10n.t('Attach a role from your local VS Code window: "Alibaba Cloud: Attach RAM Role to Instance".'),
      );
    case 'ImdsHardenedRequired':
      return k(
        l10n.t('The metadata service requires hardened mode (a token), and the token request failed.'),
        l10n.t(
          'Check that nothing blocks PUT requests to the metadata service (proxies add X-Forwarded-For, which it refuses).',
        ),
      );
    case 'ImdsUnauthorized':
      return k(
        l10n.t('The metadata service refused the token.'),
        l10n.t('The token expired or is invalid; it is requested again automatically — retry.'),
      );
    case 'UnsupportedProfileMode':
      return k(
        l10n.t('This aliyun CLI profile mode is not supported.'),
        l10n.t('Use a profile with mode AK, StsToken, RamRoleArn or EcsRamRole.'),
      );
    case 'InvalidCredentials':
      return k(
        l10n.t('No credentials are configured for this profile.'),
        l10n.t('Add an AccessKey profile or select another one.'),
      );
    case 'PropagationTimeout':
      return k(
        l10n.t(
          'RAM changes reach ECS, STS, OSS and instances after a delay, usually seconds; this one took longer than a minute, or the answer is real.',
        ),
        l10n.t("Retry in a minute. If it still fails, check the role's name and trust policy in the RAM view."),
      );
    case 'InstanceStatusTimeout':
      return k(
        l10n.t('The instance did not reach the expected state in time.'),
        l10n.t('Refresh the ECS view and check the instance in the ECS console.'),
      );
    case 'RequestTimeTooSkewed':
    case 'InvalidTimeStamp.Expired':
    case 'RequestTimeExpired':
      return k(
        l10n.t(
          "Your computer's clock is more than 15 minutes off, and Alibaba Cloud refuses requests dated that far from its own time.",
        ),
        l10n.t("Turn on automatic time synchronization in your operating system's date and time settings, then retry."),
      );
    case 'NetworkError':
      return k(
        l10n.t('The service could not be reached.'),
        l10n.t('Check your network and the endpoint settings of this profile.'),
      );
    case 'Timeout':
      return k(l10n.t('The request timed out.'), l10n.t('Check your network; the service may be slow — retry.'));
    case 'OutcomeUnknown':
      return k(
        l10n.t(
          'No answer arrived (timeout or dropped connection), so the change may or may not have been made. It was not sent again, because that could make it twice.',
        ),
        l10n.t('Check whether it happened (refresh the view) before you try again.'),
      );
    default:
      return undefined;
  }
}

interface SdkErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  status?: number;
  requestId?: string;
  message?: string;
  data?: { Message?: string; message?: string; RequestId?: string };
  accessDeniedDetail?: { AuthAction?: string; AuthResource?: string };
}

/** Converts whatever an SDK or the network threw into a CloudError (idempotent). */
export function toCloudError(
  e: unknown,
  ctx: { service?: CloudService; action?: string; region?: string; answer?: Answer } = {},
): CloudError {
  if (e instanceof CloudError) {
    return e;
  }
  const err = (e ?? {}) as SdkErrorLike;
  const unreadable = unreadableAnswer(err, ctx);
  if (unreadable) {
    return unreadable;
  }
  const netCode =
    err.code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EPIPE|EAI_AGAIN)$/.test(err.code)
      ? err.code
      : err.name && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ENETUNREACH)$/.test(err.name)
        ? err.name
        : undefined;
  // ali-oss (urllib) reports a network failure as status -1 and a timeout as -2, with urllib's
  // error name as the code and a message that dumps the URL and socket state (lib/client.js
  // requestError): the errno, when there is one, is only inside that text.
  if (err.status === -1 && !netCode) {
    const errno = /\b(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET|EPIPE)\b/.exec(
      err.message ?? '',
    )?.[1];
    const sent = !errno || errno === 'ECONNRESET' || errno === 'EPIPE';
    return new CloudError({
      code: 'NetworkError',
      message: l10n.t('Could not connect ({0}).', errno ?? l10n.t('the connection was closed')),
      service: ctx.service,
      action: ctx.action,
      retryable: true,
      outcomeUnknown: sent,
    });
  }
  if (err.status === -2) {
    return new CloudError({
      code: 'Timeout',
      message: l10n.t('The request timed out.'),
      service: ctx.service,
      action: ctx.action,
      retryable: true,
      outcomeUnknown: true,
    });
  }
  if (netCode) {
    // Refused or unresolved: nothing was sent. A reset or broken pipe can come after the request arrived.
    return new CloudError({
      code: 'NetworkError',
      message: l10n.t('Could not connect ({0}).', netCode),
      service: ctx.service,
      action: ctx.action,
      retryable: true,
      outcomeUnknown: netCode === 'ECONNRESET' || netCode === 'EPIPE',
    });
  }
  if (
    err.name === 'TimeoutError' ||
    err.code === 'ETIMEDOUT' ||
    /timeout/i.test(err.name ?? '') ||
    err.name === 'ResponseTimeoutError' ||
    err.name === 'ConnectionTimeoutError'
  ) {
    // httpx's "connect" timeout is a socket idle timeout that also fires after the request was
    // sent, so no timeout proves the request never arrived.
    return new CloudError({
      code: 'Timeout',
      message: l10n.t('The request timed out.'),
      service: ctx.service,
      action: ctx.action,
      retryable: true,
      outcomeUnknown: true,
    });
  }
  const status = err.statusCode ?? err.status;
  const code = err.code ?? (err.name && err.name !== 'Error' ? err.name : 'UnknownError');
  // openapi-core's message embeds the server string; prefer the server's Message field alone.
  const serverMessage = err.data?.Message ?? err.data?.message;
  const message = serverMessage ?? stripSdkNoise(err.message ?? String(e));
  return new CloudError({
    code,
    status,
    message,
    service: ctx.service,
    action: ctx.action,
    requestId: err.requestId ?? err.data?.RequestId,
    resource: err.accessDeniedDetail?.AuthResource,
  });
}

/**
 * A mutation that got no answer and must not be repeated: it may have happened. Keeps the
 * service and action so the error funnel can offer to check.
 */
export function outcomeUnknownError(cause: CloudError): CloudError {
  return new CloudError({
    code: 'OutcomeUnknown',
    service: cause.service,
    action: cause.action,
    retryable: false,
    outcomeUnknown: true,
    message: l10n.t(
      '{0} got no answer ({1}); it may or may not have happened.',
      cause.action ?? cause.service ?? '',
      cause.code,
    ),
  });
}

/**
 * An answer the SDK could not read: openapi-core's JSON.parse of an empty or non-JSON body (a
 * SyntaxError, status lost), or ali-oss's "Unknow error, status: N" for a body that is not OSS's
 * XML. Said in plain words from what the server sent: "ecs.cn-hangzhou answered HTTP 500 with an
 * empty body", with the request id when a header carried one.
 */
function unreadableAnswer(
  err: SdkErrorLike,
  ctx: { service?: CloudService; action?: string; region?: string; answer?: Answer },
): CloudError | undefined {
  const parseFailure = err.name === 'SyntaxError' || /^Unknow(n)? error, status: \d+/.test(err.message ?? '');
  const answer = ctx.answer;
  if (!parseFailure || !answer) {
    return undefined;
  }
  const where = [ctx.service, ctx.region].filter(Boolean).join('.') || l10n.t('The service');
  // ali-oss says "Unknow error" only when the body is empty (otherwise it reports the XML it read).
  const empty =
    answer.contentLength === 0 || /Unexpected end of JSON input|^Unknow(n)? error, status/.test(err.message ?? '');
  const type = answer.contentType?.split(';')[0].trim();
  const body = empty
    ? l10n.t('an empty body')
    : type
      ? l10n.t('a body it could not read ({0})', type)
      : l10n.t('a body it could not read');
  const requestId = answer.requestId ?? err.requestId;
  const sentence = l10n.t('{0} answered HTTP {1} with {2}', where, answer.status, body);
  return new CloudError({
    code: answer.status >= 500 ? 'ServerErrorUnreadable' : 'ResponseUnreadable',
    status: answer.status,
    requestId,
    service: ctx.service,
    action: ctx.action,
    message: requestId ? l10n.t('{0} (request id {1}).', sentence, requestId) : `${sentence}.`,
  });
}

function stripSdkNoise(message: string): string {
  // openapi-core: "<Code>: code: 404, <Message> request id: <id>"; ali-oss appends request info.
  const m = /^[\w.]+: code: \d+, (.*?) request id: [\w-]+/s.exec(message);
  return (m ? m[1] : message).replace(/StringToSign.*$/s, '').trim();
}
