/**
 * Pre-staging the VS Code server on an instance: through Session Manager (about 200 KB/s) the
 * server Remote-SSH uploads takes minutes, so the instance downloads it itself, run through Cloud
 * Assistant, into the layout Remote-SSH's exec server looks in:
 * `~/.vscode-server/code-<commit>` (the CLI) and `~/.vscode-server/cli/servers/Stable-<commit>/server`,
 * from `vscode.download.prss.microsoft.com/dbazure/download/<quality>/<commit>/…` (microsoft/vscode
 * issue 231029, "Can no longer install VS Code Server on machines that have no internet access").
 * The instance needs outbound internet access (a public IP, an EIP or a NAT gateway).
 *
 * The script prints `key=value` lines; the output is the instance's text, so only the documented
 * shapes are accepted.
 */
import type { Cloud } from '../cloud';
import { CloudAssistantApi } from '../cloud/cloudAssistant';
import { CloudError } from '../cloud/errors';
import { l10n } from '../cloud/l10n';
import { awaitInvocation } from './verifyRole';

export const SERVER_STAGE_MARKER = 'alibabaCloud.vscodeServer v1';

export interface ServerBuild {
  /** The editor's commit (product.json), 40 hex digits. */
  commit: string;
  /** `stable` or `insider`. */
  quality: string;
}

export type StageResult =
  | { state: 'present' | 'installed' }
  | { state: 'downloadFailed'; what: 'server' | 'cli' }
  | { state: 'unsupported'; arch: string };

export function assertServerBuild(b: ServerBuild, user: string): void {
  if (
    !/^[0-9a-f]{40}$/.test(b.commit) ||
    !/^(stable|insider)$/.test(b.quality) ||
    !/^[a-z_][\w.-]{0,31}$/i.test(user)
  ) {
    throw new CloudError({
      code: 'InvalidServerBuild',
      message: l10n.t('The VS Code build or login user is malformed.'),
    });
  }
}

/** The script Cloud Assistant runs (as root) on the instance; it changes nothing but `~user/.vscode-server`. */
export function serverStageScript(b: ServerBuild, user: string): string {
  assertServerBuild(b, user);
  const base = `https://vscode.download.prss.microsoft.com/dbazure/download/${b.quality}/${b.commit}`;
  const label = b.quality === 'stable' ? 'Stable' : 'Insiders';
  return [
    '#!/bin/sh',
    `# ${SERVER_STAGE_MARKER}: downloads the VS Code server for this editor into the login user's ~/.vscode-server`,
    `C='${b.commit}'; U='${user}'`,
    'H=$(getent passwd "$U" | cut -d: -f6); [ -n "$H" ] || { echo "state=noUser"; exit 1; }',
    'case "$(uname -m)" in x86_64) A=x64;; aarch64) A=arm64;; *) echo "state=unsupported"; echo "arch=$(uname -m | tr -cd "a-z0-9_")"; exit 0;; esac',
    `D="$H/.vscode-server"; S="$D/cli/servers/${label}-$C/server"`,
    'if [ -x "$D/code-$C" ] && [ -x "$S/node" ]; then echo "state=present"; exit 0; fi',
    'T=$(mktemp -d) || exit 1; trap \'rm -rf "$T"\' EXIT',
    'get() { curl -fsSL --retry 2 --max-time 240 -o "$2" "$1" 2>/dev/null || wget -q -T 240 -O "$2" "$1" 2>/dev/null; }',
    `get "${base}/vscode-server-linux-$A.tar.gz" "$T/server.tgz" || { echo "state=downloadFailed"; echo "what=server"; exit 0; }`,
    `get "${base}/vscode_cli_alpine_\${A}_cli.tar.gz" "$T/cli.tgz" || { echo "state=downloadFailed"; echo "what=cli"; exit 0; }`,
    'mkdir -p "$S" && tar -xzf "$T/server.tgz" -C "$S" --strip-components 1 && tar -xzf "$T/cli.tgz" -C "$T" && mv "$T/code" "$D/code-$C" || exit 1',
    // Cloud Assistant runs as root: what was made belongs to the user who logs in.
    'G=$(id -g "$U"); chown "$U:$G" "$D" "$D/cli" "$D/cli/servers" && chown -R "$U:$G" "$D/code-$C" "$S/.." || exit 1',
    'echo "state=installed"',
    '',
  ].join('\n');
}

/** The script's answer, or undefined when the output is not in its shape. */
export function parseStageOutput(output: string): StageResult | undefined {
  const kv = new Map<string, string>();
  for (const line of output.split(/\r?\n/)) {
    const m = /^(state|what|arch)=([A-Za-z0-9_]{1,32})$/.exec(line.trim());
    if (m && !kv.has(m[1])) {
      kv.set(m[1], m[2]);
    } else if (line.trim()) {
      return undefined;
    }
  }
  const state = kv.get('state');
  if (state === 'present' || state === 'installed') {
    return { state };
  }
  const what = kv.get('what');
  if (state === 'downloadFailed' && (what === 'server' || what === 'cli')) {
    return { state, what };
  }
  if (state === 'unsupported' && kv.has('arch')) {
    return { state, arch: kv.get('arch')! };
  }
  return undefined;
}

/** Runs the download on the instance and waits for it (a download of about 80 MB: minutes at most). */
export async function stageVsCodeServer(
  cloud: Cloud,
  regionId: string,
  instanceId: string,
  b: ServerBuild,
  user: string,
  o: { pollIntervalMs?: number; waitMs?: number } = {},
): Promise<StageResult> {
  const assistant = new CloudAssistantApi(cloud.session);
  const { invokeId } = await assistant.run(regionId, instanceId, {
    type: 'RunShellScript',
    content: serverStageScript(b, user),
    name: 'alibabaCloud-stage-vscode-server',
    timeoutSeconds: 600,
  });
  const { last: r, final } = await awaitInvocation(assistant, regionId, invokeId, instanceId, {
    pollIntervalMs: o.pollIntervalMs ?? 2000,
    waitMs: o.waitMs ?? 620_000,
  });
  if (!r || !final) {
    throw new CloudError({
      code: 'ServerNotStaged',
      message: l10n.t('Downloading the VS Code server on {0} did not finish in time.', instanceId),
    });
  }
  const parsed = r.status === 'Success' ? parseStageOutput(r.output) : undefined;
  if (!parsed) {
    throw new CloudError({
      code: 'ServerNotStaged',
      message: l10n.t(
        'Downloading the VS Code server on {0} failed ({1}); its output was not what the script prints.',
        instanceId,
        r.status,
      ),
    });
  }
  return parsed;
}
