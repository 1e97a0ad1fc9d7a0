/**
 * ECS Cloud Assistant: DescribeCloudAssistantStatus, RunCommand and DescribeInvocationResults, in
 * the shapes and states of the ECS API reference. An invocation is Pending (being delivered),
 * then Running, then final, over realism `commands` (instant: final at once); states are applied
 * lazily like the instance lifecycle. Per-instance failures are the documented InvocationStatus /
 * ErrorCode / ErrorInfo triples (DescribeInvocationResults reference, help.aliyun.com
 * document_detail/452179): an instance not running, the agent not running, the wrong script type
 * for the OS, an unknown user, a run longer than Timeout.
 *
 * The sandbox never runs a shell: a RunCommand that executed scripts would hand whoever holds an
 * AccessKey of the sandbox (every process of this user can read its state file) a way to run
 * commands as its user. Its agent instead
 * understands the one script the extension sends (src/setup/roleCheckScript.ts, recognised by its
 * marker line) and does what that script does, against this instance's metadata service and OSS
 * through their request handlers: hardened-mode token, role name, credentials, one signed
 * ListObjects. It prints the same lines; a unit test runs the real script with sh against the
 * sandbox and compares. It also runs the metadata probe (from the metadata service's record of
 * which of the instance's programs read it, and how) and the canary (restarting a program started
 * on the instance, instanceServices.ts). Any other script exits 127.
 */
import { createHmac } from 'node:crypto';
import { SandboxError } from '../core/errors';
import type { SandboxRequest, SandboxResponse } from '../core/http';
import { imdsService, metadataCallers } from './imds';
import { instanceService, restartInstanceService, serviceOfPid } from './instanceServices';
import { settleInstances } from './lifecycle';
import { ossService } from '../oss/api';
import { realismOf } from '../core/realism';
import { sessionBook } from './terminalSessions';
import type { RpcAction, RpcBody, RpcContext } from './product';
import type { SandboxHost, ServiceModule } from '../core/service';
import {
  isoSeconds,
  nextId,
  now,
  wallNow,
  type CommandInvocation,
  type Instance,
  type SandboxState,
} from '../core/state';

const MARKER = 'alibabaCloud.verifyRole v1';
/** The metadata probe and canary of "Require Hardened Metadata Mode" (src/setup/metadataProbeScript.ts). */
const PROBE_MARKER = 'alibabaCloud.metadataProbe v1';
const CANARY_MARKER = 'alibabaCloud.metadataCanary v1';

/** How long the script itself runs: the probe watches for its SECONDS_TO_WATCH. */
function scriptRunMs(content: string, runMs: number): number {
  const probe = content.includes(PROBE_MARKER) ? /^SECONDS_TO_WATCH=(\d+)$/m.exec(content) : null;
  return probe ? Math.max(runMs, Number(probe[1]) * 1000) : runMs;
}

/**
 * The extension's VS Code server pre-staging (src/setup/vscodeServer.ts): the instance downloads the
 * server itself, which works only with a way out to the internet. The sandbox models a public IP as
 * that way (a NAT gateway is not modelled): without one the download fails as curl would.
 */
const SERVER_STAGE_MARKER = 'alibabaCloud.vscodeServer v1';

function stageServer(sandbox: SandboxHost, i: Instance, content: string) {
  const commit = /^C='([0-9a-f]{40})'; U='([\w.-]+)'$/m.exec(content);
  const users = ['root', ...(i.loginAsNonRoot ? ['ecs-user'] : [])];
  if (!commit || !users.includes(commit[2])) {
    return {
      status: 'Failed',
      exitCode: 1,
      errorCode: 'ExitCodeNonzero',
      errorInfo: 'the command execution exit code is nonzero',
      output: 'state=noUser\n',
    };
  }
  if (!i.publicIp) {
    return { status: 'Success', exitCode: 0, output: 'state=downloadFailed\nwhat=server\n' };
  }
  const staged = sessionBook(sandbox.state).stagedServers;
  const key = `${i.instanceId}/${commit[2]}/${commit[1]}`;
  const present = staged.has(key);
  staged.add(key);
  return { status: 'Success', exitCode: 0, output: present ? 'state=present\n' : 'state=installed\n' };
}

/** The extension's host-key read (src/setup/hostKeys.ts): prints the instance's SSH host public keys. */
const HOST_KEYS_MARKER = 'alibabaCloud.hostKeys v1';

const TYPES = ['RunShellScript', 'RunBatScript', 'RunPowerShellScript'];
/** The agent version the sandbox reports (the format of a 2.x Linux agent). */
const AGENT_VERSION = '2.2.3.857';

const err = (code: string, status: number, message: string) => new SandboxError(code, status, message);

function invocations(state: SandboxState): Map<string, CommandInvocation> {
  state.invocations ??= new Map();
  return state.invocations;
}

function osTypeOf(state: SandboxState, i: Instance): 'linux' | 'windows' {
  return (
    state.images.find((im) => im.imageId === i.imageId)?.osType ?? (/windows/i.test(i.osName) ? 'windows' : 'linux')
  );
}

const agentOf = (i: Instance) => i.cloudAssistant ?? 'running';

function regionOf(ctx: RpcContext): string {
  const id = ctx.params.required('RegionId');
  if (!ctx.state.regions.some((r) => r.regionId === id)) {
    throw err('InvalidRegionId.NotFound', 404, 'The specified RegionId does not exist.');
  }
  return id;
}

// ---- DescribeCloudAssistantStatus ----

function describeCloudAssistantStatus(ctx: RpcContext): RpcBody {
  const regionId = regionOf(ctx);
  const ids = ctx.params.list('InstanceId');
  const osFilter = ctx.params.str('OSType')?.toLowerCase();
  const all = [...ctx.state.instances.values()].filter(
    (i) =>
      i.regionId === regionId &&
      (!ids.length || ids.includes(i.instanceId)) &&
      (!osFilter || osTypeOf(ctx.state, i) === osFilter),
  );
  const pageSize = Math.min(50, ctx.params.int('PageSize', { min: 1 }) ?? 10);
  const pageNumber = ctx.params.int('PageNumber', { min: 1 }) ?? 1;
  // With InstanceId given, PageSize does not apply (API reference).
  const page = ids.length ? all : all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const runs = [...invocations(ctx.state).values()];
  return {
    TotalCount: all.length,
    PageNumber: pageNumber,
    PageSize: pageSize,
    NextToken: '',
    InstanceCloudAssistantStatusSet: {
      InstanceCloudAssistantStatus: page.map((i) => {
        const mine = runs.filter((r) => r.instanceId === i.instanceId);
        const installed = agentOf(i) !== 'notInstalled';
        const last = mine.reduce((t, r) => Math.max(t, r.createdAt), 0);
        return {
          InstanceId: i.instanceId,
          OSType: osTypeOf(ctx.state, i) === 'windows' ? 'Windows' : 'Linux',
          // "true" only while the agent reports in: installed, running, on a running instance.
          CloudAssistantStatus: String(installed && agentOf(i) === 'running' && i.status === 'Running'),
          CloudAssistantVersion: installed ? AGENT_VERSION : '',
          LastHeartbeatTime: installed && i.status === 'Running' ? isoSeconds(now(ctx.state) - 15_000) : '',
          ActiveTaskCount: mine.filter((r) => r.status === 'Pending' || r.status === 'Running').length,
          InvocationCount: mine.length,
          LastInvokedTime: last ? isoSeconds(last) : '',
          SupportSessionManager: installed,
        };
      }),
    },
  };
}

// ---- RunCommand ----

function runCommand(ctx: RpcContext): RpcBody {
  const regionId = regionOf(ctx);
  const type = ctx.params.required('Type');
  if (!TYPES.includes(type)) {
    throw err('InvalidCmdType.NotFound', 404, 'The specified command type does not exist.');
  }
  const raw = ctx.params.required('CommandContent');
  const encoding = ctx.params.str('ContentEncoding') ?? 'PlainText';
  if (encoding !== 'PlainText' && encoding !== 'Base64') {
    throw err('InvalidParameter.ContentEncoding', 400, 'The specified parameter "ContentEncoding" is not valid.');
  }
  const content = encoding === 'Base64' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (encoding === 'Base64' && Buffer.from(content, 'utf8').toString('base64') !== raw.replace(/\s/g, '')) {
    throw err('InvalidCommandContent.Malformed', 400, 'The specified command content is not valid.');
  }
  if (Buffer.byteLength(content) > 18 * 1024) {
    throw err(
      'InvalidCommandContent.LengthLimitExceeded',
      400,
      'The length of the command content exceeds the upper limit.',
    );
  }
  const timeoutSeconds = ctx.params.int('Timeout', { min: 10, max: 86400 }) ?? 60;
  return dispatch(ctx, regionId, { type, content, commandId: nextId(ctx.state, 'c-hz', 18), timeoutSeconds });
}

/** Creates one invocation per target instance (RunCommand and InvokeCommand alike). */
function dispatch(
  ctx: RpcContext,
  regionId: string,
  spec: { type: string; content: string; commandId: string; timeoutSeconds: number; name?: string },
): RpcBody {
  const { type, content, commandId, timeoutSeconds } = spec;
  const ids = ctx.params.list('InstanceId');
  if (!ids.length) {
    ctx.params.required('InstanceId.1');
  }
  if (ids.length > 100) {
    throw err('InstanceIds.ExceedLimit', 400, 'The number of instances exceeds the upper limit.');
  }
  // The reference gives no code for an unknown instance in RunCommand; this is the one
  // DescribeInstances-family APIs use.
  const instances = ids.map((id) => {
    const i = ctx.state.instances.get(id);
    if (!i || i.regionId !== regionId) {
      throw err('InvalidInstance.NotFound', 404, 'The specified instance does not exist.');
    }
    return i;
  });
  const invokeId = nextId(ctx.state, 't-hz', 18);
  const t = now(ctx.state);
  const { deliveryMs, runMs: agentRunMs } = realismOf(ctx.state).commands;
  const runMs = scriptRunMs(content, agentRunMs);
  for (const i of instances) {
    const inv: CommandInvocation = {
      invokeId,
      commandId,
      regionId,
      instanceId: i.instanceId,
      name: spec.name ?? ctx.params.str('Name') ?? '',
      type,
      content,
      username: ctx.params.str('Username') ?? '',
      timeoutSeconds,
      createdAt: t,
      status: 'Pending',
    };
    const refusal = refuse(ctx.state, i, inv);
    if (refusal?.immediate) {
      Object.assign(inv, refusal.fields, { status: refusal.status, finishedTime: t });
    } else if (refusal) {
      inv.transitions = [{ at: t + deliveryMs, status: refusal.status }];
    } else {
      const end =
        runMs > timeoutSeconds * 1000
          ? { at: t + deliveryMs + timeoutSeconds * 1000, status: 'Timeout' }
          : { at: t + deliveryMs + runMs, status: 'Done' };
      inv.transitions = [{ at: t + deliveryMs, status: 'Running' }, end];
    }
    invocations(ctx.state).set(`${invokeId}/${i.instanceId}`, inv);
  }
  settleInvocations(ctx.sandbox);
  return { CommandId: commandId, InvokeId: invokeId };
}

// ---- InvokeCommand: Cloud Assistant's public commands ----

/**
 * ACS-ECS-SendSshPublicKey, the public command behind ECS Instance Connect: with parameters
 * `username` and `sshPublicKey` it registers the key for that user for 60 seconds, without writing
 * authorized_keys (Alibaba Cloud help, "Connect to a Linux instance by using the
 * config_ecs_instance_connect plug-in"; "Connect to an instance with a temporary key pair by using
 * Session Manager CLI"). The agent runs it as a script; the sandbox's agent recognises its marker.
 */
export const SEND_SSH_PUBLIC_KEY = 'ACS-ECS-SendSshPublicKey';
const SEND_KEY_MARKER = 'acs-plugin-manager -e -P config_ecs_instance_connect';
/**
 * The plug-in the command needs, installed with this line through Cloud Assistant first (the help
 * page above, Procedure step 2). Until then the command fails on the instance; its output then is
 * our guess (the page does not show it).
 */
const PLUGIN_INSTALL_LINE = /^acs-plugin-manager -e -P config_ecs_instance_connect --params --install$/m;
const TEMP_KEY_MS = 60_000;

function invokeCommand(ctx: RpcContext): RpcBody {
  const regionId = regionOf(ctx);
  const commandId = ctx.params.required('CommandId');
  // Only the public command the extension uses. Guessed codes (not checked against the
  // InvokeCommand reference): InvalidCmdId.NotFound and InvalidParameter.Parameters.
  if (commandId !== SEND_SSH_PUBLIC_KEY) {
    throw err('InvalidCmdId.NotFound', 404, 'The specified command ID does not exist.');
  }
  let params: Record<string, unknown>;
  try {
    params = JSON.parse(ctx.params.required('Parameters')) as Record<string, unknown>;
  } catch {
    throw err('InvalidParameter.Parameters', 400, 'The specified parameter "Parameters" is not valid.');
  }
  const username = params.username;
  const key = params.sshPublicKey;
  if (
    typeof username !== 'string' ||
    !/^[a-z_][\w.-]{0,31}$/i.test(username) ||
    typeof key !== 'string' ||
    !/^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( [^\n]*)?$/.test(key)
  ) {
    throw err('InvalidParameter.Parameters', 400, 'The specified parameter "Parameters" is not valid.');
  }
  const content = `#!/bin/sh\n${SEND_KEY_MARKER} --params --user ${username}\n${JSON.stringify({ username, key })}\n`;
  return dispatch(ctx, regionId, { type: 'RunShellScript', content, commandId, timeoutSeconds: 60, name: commandId });
}

/** The key the command registers: kept on the instance for 60 s from when it ran (sandbox clock). */
function sendSshPublicKey(sandbox: SandboxHost, i: Instance, inv: CommandInvocation, at: number) {
  const { username, key } = JSON.parse(inv.content.split('\n')[2]) as { username: string; key: string };
  if (!sessionBook(sandbox.state).connectPlugin.has(i.instanceId)) {
    return {
      status: 'Failed',
      exitCode: 1,
      errorCode: 'ExitCodeNonzero',
      errorInfo: 'the command execution exit code is nonzero',
      output: 'plugin config_ecs_instance_connect is not installed\n',
    };
  }
  const users = ['root', ...(i.loginAsNonRoot ? ['ecs-user'] : [])];
  if (!users.includes(username)) {
    return {
      status: 'Failed',
      exitCode: 1,
      errorCode: 'ExitCodeNonzero',
      errorInfo: 'the command execution exit code is nonzero',
      output: `user ${username} does not exist\n`,
    };
  }
  const book = sessionBook(sandbox.state).tempKeys;
  const kept = (book.get(i.instanceId) ?? []).filter((k) => k.expiresAt > at);
  kept.push({ username, publicKey: key, expiresAt: at + TEMP_KEY_MS });
  book.set(i.instanceId, kept);
  return { status: 'Success', exitCode: 0, output: '' };
}

interface Refusal {
  status: string;
  immediate?: boolean;
  fields: Partial<CommandInvocation>;
}

/** Why the agent cannot run the command, as the documented ErrorCode and ErrorInfo. */
function refuse(state: SandboxState, i: Instance, inv: CommandInvocation): Refusal | undefined {
  settleInstances(state);
  if (i.status !== 'Running') {
    return {
      status: 'Aborted',
      immediate: true,
      fields: { errorCode: 'InstanceNotRunning', errorInfo: 'the instance is not running when create task' },
    };
  }
  if (agentOf(i) !== 'running') {
    return {
      status: 'Aborted',
      fields: { errorCode: 'ClientNotRunning', errorInfo: 'the aliyun service is not running on the instance' },
    };
  }
  const windows = osTypeOf(state, i) === 'windows';
  if (windows === (inv.type === 'RunShellScript')) {
    return {
      status: 'Invalid',
      immediate: true,
      fields: { errorCode: 'CommandNotApplicable', errorInfo: 'the command is not applicable' },
    };
  }
  const users = windows ? ['system', 'Administrator'] : ['root', ...(i.loginAsNonRoot ? ['ecs-user'] : [])];
  if (inv.username && !users.includes(inv.username)) {
    return {
      status: 'Invalid',
      immediate: true,
      fields: { errorCode: 'AccountNotExists', errorInfo: 'the specified account does not exists' },
    };
  }
  return undefined;
}

// ---- running the role check ----

function internalRequest(
  method: string,
  host: string,
  pathAndQuery: string,
  headers: Record<string, string>,
): SandboxRequest {
  const [rawPath, rawQuery = ''] = pathAndQuery.split('?');
  return {
    method,
    rawPath,
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: { host, ...headers },
    body: Buffer.alloc(0),
    remoteAddress: '127.0.0.1',
  };
}

/** One request to a sandbox service's handler, its errors rendered as the service renders them. */
function call(service: ServiceModule, sandbox: SandboxHost, req: SandboxRequest): SandboxResponse {
  try {
    const r = service.handle(req, sandbox);
    if (r instanceof Promise) {
      throw new Error('the sandbox agent needs a synchronous handler');
    }
    return r;
  } catch (e) {
    if (e instanceof SandboxError) {
      return service.errorResponse(e, req);
    }
    throw e;
  }
}

const bodyText = (r: SandboxResponse) =>
  r.body === undefined ? '' : Array.isArray(r.body) ? Buffer.concat(r.body).toString() : r.body.toString();

/** What the role-check script prints on instance `i` (see roleCheckScript.ts for each line). */
function roleCheck(sandbox: SandboxHost, i: Instance, script: string): string {
  const setting = (sh: string, ps: string) =>
    new RegExp(`^(?:${sh}=|\\$${ps} = )'([a-z0-9-]*)'$`, 'm').exec(script)?.[1] ?? '';
  const bucket = setting('BUCKET', 'Bucket');
  const region = setting('REGION', 'Region');
  const out: string[] = [];
  const imds = (method: string, path: string, headers: Record<string, string>) =>
    call(imdsService, sandbox, internalRequest(method, '100.100.100.200', `/imds/${i.instanceId}${path}`, headers));

  const tokenRes = imds('PUT', '/latest/api/token', { 'x-aliyun-ecs-metadata-token-ttl-seconds': '60' });
  if (tokenRes.destroy || tokenRes.status !== 200) {
    return ['imds=unreachable', 'done=1', ''].join('\n');
  }
  out.push('imds=hardened');
  const h = { 'x-aliyun-ecs-metadata-token': bodyText(tokenRes) };
  const roleRes = imds('GET', '/latest/meta-data/ram/security-credentials/', h);
  if (roleRes.status !== 200) {
    return [...out, 'role=none', `roleStatus=${roleRes.destroy ? '000' : roleRes.status}`, 'done=1', ''].join('\n');
  }
  const role = bodyText(roleRes).split('\n')[0].trim();
  out.push(`role=${role}`);
  const credRes = imds('GET', `/latest/meta-data/ram/security-credentials/${role}`, h);
  if (credRes.status !== 200) {
    return [...out, `credentialsStatus=${credRes.destroy ? '000' : credRes.status}`, 'done=1', ''].join('\n');
  }
  const c = JSON.parse(bodyText(credRes)) as Record<string, string>;
  out.push(`expiration=${c.Expiration}`, `code=${c.Code}`);
  if (bucket) {
    out.push(`bucket=${bucket}`);
    const host = `${bucket}.oss-${region}-internal.aliyuncs.com`;
    const date = new Date(wallNow(sandbox.state)).toUTCString();
    const sig = createHmac('sha1', c.AccessKeySecret)
      .update(`GET\n\n\n${date}\nx-oss-security-token:${c.SecurityToken}\n/${bucket}/`)
      .digest('base64');
    const list = call(
      ossService,
      sandbox,
      internalRequest('GET', host, '/?max-keys=1', {
        date,
        'x-oss-security-token': c.SecurityToken,
        authorization: `OSS ${c.AccessKeyId}:${sig}`,
      }),
    );
    if (list.status === 200) {
      out.push('list=ok');
    } else {
      out.push(
        'list=refused',
        `listStatus=${list.status}`,
        `listCode=${/<Code>([A-Za-z.]*)<\/Code>/.exec(bodyText(list))?.[1] ?? ''}`,
      );
    }
  }
  return [...out, 'done=1', ''].join('\n');
}

/**
 * What the probe prints on instance `i` over [from, to]: the sandbox agent sees what the script
 * sees with tcpdump present (the instance's programs' real connections, and which of their reads
 * carried no token), through the metadata service's record of its callers.
 */
function metadataProbe(sandbox: SandboxHost, i: Instance, content: string, from: number, to: number): string {
  const seconds = /^SECONDS_TO_WATCH=(\d+)$/m.exec(content)?.[1] ?? '0';
  const byPid = new Map<number, { tokenless: boolean; unit?: string; command: string }>();
  for (const c of metadataCallers(sandbox, i.instanceId, from, to)) {
    if (!c.process) {
      continue;
    }
    const seen = byPid.get(c.process.pid);
    const unit = c.process.unit ?? serviceOfPid(sandbox, i.instanceId, c.process.pid);
    byPid.set(c.process.pid, {
      tokenless: (seen?.tokenless ?? false) || !c.token,
      unit,
      command: c.process.command,
    });
  }
  const lines = ['probe=1', `seconds=${seconds}`, 'sampler=proc', 'capture=tcpdump'];
  for (const [pid, c] of byPid) {
    const b64 = Buffer.from(c.command.split(' ').join('\0')).toString('base64').slice(0, 1400);
    lines.push(`caller=${pid} ${c.tokenless ? 'tokenless' : 'token'} ${c.unit ?? '-'} ${b64}`);
  }
  return [...lines, 'done=1', ''].join('\n');
}

/** The canary: systemctl restart of the named unit with the drop-in's environment. */
function metadataCanary(sandbox: SandboxHost, i: Instance, content: string): string {
  const unit = /^UNIT='([A-Za-z0-9@._:-]+)'$/m.exec(content)?.[1] ?? '';
  if (!restartInstanceService(sandbox, i.instanceId, unit, { ALIBABA_CLOUD_IMDSV1_DISABLED: 'true' })) {
    return ['canary=nounit', 'done=1', ''].join('\n');
  }
  const pid = instanceService(sandbox, i.instanceId, unit)?.child?.pid ?? 0;
  return ['canary=restarted', `pid=${pid}`, 'done=1', ''].join('\n');
}

/** The command runs: the role check does its work; anything else is a command this agent lacks. */
function execute(sandbox: SandboxHost, inv: CommandInvocation, at: number): Partial<CommandInvocation> {
  const i = sandbox.state.instances.get(inv.instanceId);
  if (!i) {
    return { status: 'Error', errorCode: 'InstanceReleased', errorInfo: 'the instance has released when create task' };
  }
  if (inv.content.includes(MARKER)) {
    return { status: 'Success', exitCode: 0, output: roleCheck(sandbox, i, inv.content) };
  }
  if (inv.content.includes(PROBE_MARKER) && inv.type === 'RunShellScript') {
    return {
      status: 'Success',
      exitCode: 0,
      output: metadataProbe(sandbox, i, inv.content, inv.startTime ?? inv.createdAt, at),
    };
  }
  if (inv.content.includes(CANARY_MARKER) && inv.type === 'RunShellScript') {
    return { status: 'Success', exitCode: 0, output: metadataCanary(sandbox, i, inv.content) };
  }
  if (inv.content.includes(SEND_KEY_MARKER) && inv.commandId === SEND_SSH_PUBLIC_KEY) {
    return sendSshPublicKey(sandbox, i, inv, at);
  }
  if (inv.type === 'RunShellScript' && inv.content.includes(SERVER_STAGE_MARKER)) {
    return stageServer(sandbox, i, inv.content);
  }
  if (inv.type === 'RunShellScript' && PLUGIN_INSTALL_LINE.test(inv.content)) {
    sessionBook(sandbox.state).connectPlugin.add(i.instanceId);
    return { status: 'Success', exitCode: 0, output: 'config_ecs_instance_connect installed\n' };
  }
  if (inv.content.includes(HOST_KEYS_MARKER)) {
    const keys = sessionBook(sandbox.state).hostKeys.get(i.instanceId) ?? [];
    return keys.length
      ? { status: 'Success', exitCode: 0, output: keys.map((k) => `${k}\n`).join('') }
      : {
          status: 'Failed',
          exitCode: 1,
          errorCode: 'ExitCodeNonzero',
          errorInfo: 'the command execution exit code is nonzero',
          output: 'cat: /etc/ssh/ssh_host_ed25519_key.pub: No such file or directory\n',
        };
  }
  // "ExitCodeNonzero" with its ErrorInfo, as the reference lists for a script that exits non-zero.
  const shell = inv.type === 'RunShellScript' ? 'sh' : 'powershell';
  return {
    status: 'Failed',
    exitCode: 127,
    errorCode: 'ExitCodeNonzero',
    errorInfo: 'the command execution exit code is nonzero',
    output: `${shell}: the sandbox's Cloud Assistant agent runs only the extension's role check, metadata probe, host-key read, plug-in install and VS Code server download\n`,
  };
}

/** Applies every invocation transition that is due; the final one runs the script then. */
export function settleInvocations(sandbox: SandboxHost): void {
  const state = sandbox.state;
  const t = now(state);
  for (const inv of invocations(state).values()) {
    while (inv.transitions?.length && inv.transitions[0].at <= t) {
      const next = inv.transitions.shift()!;
      if (next.status === 'Running') {
        inv.status = 'Running';
        inv.startTime = next.at;
      } else if (next.status === 'Done') {
        Object.assign(inv, execute(sandbox, inv, next.at), { finishedTime: next.at });
      } else if (next.status === 'Timeout') {
        Object.assign(inv, {
          status: 'Timeout',
          errorCode: 'ExecutionTimeout',
          errorInfo: 'the command execution has been timeout',
          finishedTime: next.at,
        });
      } else {
        // Aborted: the delivery to the agent failed; refuse() kept the error fields for then.
        const refusal = refuse(state, state.instances.get(inv.instanceId)!, inv);
        Object.assign(inv, refusal?.fields ?? {}, { status: next.status, finishedTime: next.at });
      }
    }
    if (inv.transitions && !inv.transitions.length) {
      delete inv.transitions;
    }
  }
}

// ---- DescribeInvocationResults ----

/**
 * InvokeRecordStatus: a command that ran to its end (exit code 0 or not) is Finished; one that
 * timed out, could not be delivered or hit an error is Failed (DescribeInvocations reference,
 * InvokeStatus "Failed": "the command timed out or another exception occurred"; RunCommand
 * reference: a one-time command that times out becomes Failed).
 */
const recordStatus = (s: string) =>
  s === 'Pending' || s === 'Running' ? 'Running' : s === 'Success' || s === 'Failed' ? 'Finished' : 'Failed';

function describeInvocationResults(ctx: RpcContext): RpcBody {
  const regionId = regionOf(ctx);
  settleInvocations(ctx.sandbox);
  const invokeId = ctx.params.str('InvokeId');
  const instanceId = ctx.params.str('InstanceId');
  const commandId = ctx.params.str('CommandId');
  const base64 = (ctx.params.str('ContentEncoding') ?? 'Base64') !== 'PlainText';
  const all = [...invocations(ctx.state).values()].filter(
    (r) =>
      r.regionId === regionId &&
      (!invokeId || r.invokeId === invokeId) &&
      (!instanceId || r.instanceId === instanceId) &&
      (!commandId || r.commandId === commandId),
  );
  const pageSize = Math.min(50, ctx.params.int('PageSize', { min: 1 }) ?? 10);
  const pageNumber = ctx.params.int('PageNumber', { min: 1 }) ?? 1;
  const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  const time = (ms?: number) => (ms ? isoSeconds(ms) : '');
  return {
    Invocation: {
      TotalCount: all.length,
      PageNumber: pageNumber,
      PageSize: pageSize,
      NextToken: '',
      InvocationResults: {
        InvocationResult: page.map((r) => ({
          CommandId: r.commandId,
          InvokeId: r.invokeId,
          InstanceId: r.instanceId,
          InvocationStatus: r.status,
          InvokeRecordStatus: recordStatus(r.status),
          Repeats: 1,
          Dropped: 0,
          Username: r.username || 'root',
          ExitCode: r.exitCode ?? (r.status === 'Success' ? 0 : undefined),
          ErrorCode: r.errorCode ?? '',
          ErrorInfo: r.errorInfo ?? '',
          Output: base64 ? Buffer.from(r.output ?? '').toString('base64') : (r.output ?? ''),
          StartTime: time(r.startTime),
          FinishedTime: time(r.finishedTime),
          StopTime: '',
          TerminationMode: 'Process',
          ContainerId: '',
          ContainerName: '',
          Launcher: '',
          Tags: { Tag: [] },
        })),
      },
    },
  };
}

const instanceArns = (ctx: RpcContext, ids: string[]) =>
  (ids.length ? ids : ['*']).map(
    (id) => `acs:ecs:${ctx.params.str('RegionId') || '*'}:${ctx.accountId}:instance/${id}`,
  );

export const cloudAssistantActions: Record<string, RpcAction> = {
  DescribeCloudAssistantStatus: {
    resources: (ctx) => instanceArns(ctx, ctx.params.list('InstanceId')),
    handle: describeCloudAssistantStatus,
  },
  // RunCommand is authorized on the instances it targets (and, in RAM, on the command).
  RunCommand: { resources: (ctx) => instanceArns(ctx, ctx.params.list('InstanceId')), handle: runCommand },
  InvokeCommand: { resources: (ctx) => instanceArns(ctx, ctx.params.list('InstanceId')), handle: invokeCommand },
  DescribeInvocationResults: { handle: describeInvocationResults },
};
