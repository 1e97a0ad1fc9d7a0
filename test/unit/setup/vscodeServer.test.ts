import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseStageOutput, serverStageScript } from '../../../src/setup/vscodeServer';

const BUILD = { commit: '0123456789abcdef0123456789abcdef01234567', quality: 'stable' };

describe('VS Code server pre-staging', () => {
  it('writes a script sh accepts, for this build and login user, in the layout Remote-SSH looks in', () => {
    const script = serverStageScript(BUILD, 'ecs-user');
    execFileSync('sh', ['-n'], { input: script });
    assert.match(script, /^C='0123456789abcdef0123456789abcdef01234567'; U='ecs-user'$/m);
    assert.match(
      script,
      /\/download\/stable\/0123456789abcdef0123456789abcdef01234567\/vscode-server-linux-\$A\.tar\.gz/,
    );
    assert.match(script, /vscode_cli_alpine_\$\{A\}_cli\.tar\.gz/);
    assert.match(script, /S="\$D\/cli\/servers\/Stable-\$C\/server"/);
    assert.match(serverStageScript({ ...BUILD, quality: 'insider' }, 'root'), /servers\/Insiders-\$C/);
  });

  it('refuses a build or user that would change the script', () => {
    assert.throws(() => serverStageScript({ ...BUILD, commit: "x'; rm -rf /; '" }, 'root'), {
      code: 'InvalidServerBuild',
    });
    assert.throws(() => serverStageScript(BUILD, "root'$(id)"), { code: 'InvalidServerBuild' });
    assert.throws(() => serverStageScript({ ...BUILD, quality: 'exploration' }, 'root'), {
      code: 'InvalidServerBuild',
    });
  });

  it('reads only the shapes the script prints; anything else in the output is refused', () => {
    assert.deepEqual(parseStageOutput('state=installed\n'), { state: 'installed' });
    assert.deepEqual(parseStageOutput('state=present\r\n'), { state: 'present' });
    assert.deepEqual(parseStageOutput('state=downloadFailed\nwhat=cli\n'), { state: 'downloadFailed', what: 'cli' });
    assert.deepEqual(parseStageOutput('state=unsupported\narch=riscv64\n'), { state: 'unsupported', arch: 'riscv64' });
    for (const hostile of [
      '',
      'state=installed\n[click](command:workbench.action.terminal.sendSequence)\n',
      'state=downloadFailed\nwhat=everything\n',
      'state=unsupported\n',
      'state=pwned\n',
      `state=${'x'.repeat(100)}\n`,
      'state=installed\nstate=present\n',
    ]) {
      assert.equal(parseStageOutput(hostile), undefined, JSON.stringify(hostile));
    }
  });
});
