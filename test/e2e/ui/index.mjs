// The UI tests, in order. They share one workbench page: each test should leave it usable (close
// what it opened). To add tests, write a module exporting a list like workbench.ui.mjs and add it here.
import { helperTests } from './helpers.ui.mjs';
import { workbenchTests } from './workbench.ui.mjs';

export const uiTests = [
  ...workbenchTests,
  ...helperTests,
];
