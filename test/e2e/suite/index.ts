// Entry of the in-host suites (extensionTestsPath; compiled by test/e2e/lib/build.mjs). To add tests,
// write a module exporting HostTest[] next to this file and list it here.
import { accessKeyTests } from './accesskeys.test';
import { agentTests } from './agent.test';
import { connectTests } from './connect.test';
import { explorerTests } from './explorer.test';
import { extensionTests } from './extension.test';
import { hostileWorkspaceTests } from './hostile.test';
import { instanceTests } from './instance.test';
import { l10nTests } from './l10n.test';
import { liveTests } from './live.test';
import { metadataTests } from './metadata.test';
import { multiSelectTests } from './multiselect.test';
import { ossTests } from './oss.test';
import { ossDndTests } from './oss-dnd.test';
import { outcomeTests } from './outcome.test';
import { policyToolsTests } from './policy-tools.test';
import { polishTests } from './polish.test';
import { profileTests } from './profiles.test';
import { ramEcsTests } from './ram-ecs.test';
import { rightsizeTests } from './rightsize.test';
import { runSuites, type HostSuite } from './runner';
import { treesTests } from './trees.test';

const suites: HostSuite[] = [
  { name: 'extension', tests: extensionTests },
  { name: 'l10n', tests: l10nTests },
  { name: 'ram-ecs', tests: ramEcsTests },
  { name: 'live', tests: liveTests },
  { name: 'oss', tests: ossTests },
  { name: 'oss-dnd', tests: ossDndTests },
  { name: 'instance', tests: instanceTests },
  { name: 'profiles', tests: profileTests },
  { name: 'outcome', tests: outcomeTests },
  { name: 'connect', tests: connectTests },
  { name: 'metadata', tests: metadataTests },
  { name: 'policy-tools', tests: policyToolsTests },
  { name: 'explorer', tests: explorerTests },
  { name: 'accesskeys', tests: accessKeyTests },
  { name: 'polish', tests: polishTests },
  { name: 'trees', tests: treesTests },
  { name: 'multiselect', tests: multiSelectTests },
  { name: 'agent', tests: agentTests },
  { name: 'rightsize', tests: rightsizeTests },
  // Last: it leaves a sandbox-mode explanation in the identity view.
  { name: 'hostile-workspace', tests: hostileWorkspaceTests },
];

export function run(): Promise<void> {
  return runSuites(suites);
}
