// The UI tests, in order. They share one workbench page: each test should leave it usable (close
// what it opened). To add tests, write a module exporting a list like workbench.ui.mjs and add it here.
import { connectSettings, connectUiTests } from './connect.ui.mjs';
import { destructiveTests } from './destructive.ui.mjs';
import { flowSettings, flowTests } from './flows.ui.mjs';
import { helperTests } from './helpers.ui.mjs';
import { hostileSettings, hostileTests } from './hostile.ui.mjs';
import { inertTests } from './inert.ui.mjs';
import { metadataUiTests } from './metadata.ui.mjs';
import { rightsizeTests } from './rightsize.ui.mjs';
import { paletteUiTests, stateUiTests } from './states.ui.mjs';
import { walkthroughTests } from './walkthrough.ui.mjs';
import { workbenchTests } from './workbench.ui.mjs';
import { writeTests } from './writes.ui.mjs';

export const uiTests = [
  ...workbenchTests,
  ...paletteUiTests,
  ...helperTests,
  ...inertTests, // on the sandbox profile: a hostile key in demo-shanghai-logs, removed after
  flowTests[0],
  ...connectUiTests, // while demo-web-1 has no role and the sandbox profile is the identity
  flowTests[1], // the wizard: it attaches a role
  ...walkthroughTests, // the walkthrough's ticks after the wizard
  ...writeTests, // still as the sandbox profile, which may write RAM
  ...metadataUiTests, // still as the sandbox profile; demo-worker-1 ends in normal mode, as seeded
  ...flowTests.slice(2), // it switches the window to the instance identity
  ...stateUiTests, // as that instance role (refused RAM), then with ECS answering 500
  ...destructiveTests, // back on the sandbox profile, release an instance and delete a bucket
  ...rightsizeTests, // on the sandbox profile: AppServerRole (--seed activity) narrowed to what it used
  ...hostileTests, // last: it reopens the page on other workspaces
];

/** Extra user settings for the UI run's server, from the sandbox's info line (no secrets in it). */
export const uiSettings = (sandbox) => ({
  ...flowSettings(sandbox),
  ...connectSettings(),
  ...hostileSettings(sandbox),
});
