// The test seams (Services with SecretStorage, the scripted prompter) reach `extension.exports`
// only in a host VS Code started for tests; every other extension gets undefined.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { EXTENSION_MODE_TEST, testApiFor } from '../../../src/ui/testApi';

const root = path.join(__dirname, '../../..');

describe('test API gate', () => {
  test('only ExtensionMode.Test builds the API; other modes do not even build it', () => {
    let built = 0;
    const build = () => {
      built++;
      return { services: 'secret storage' };
    };
    assert.equal(testApiFor(1, build), undefined, 'Production');
    assert.equal(testApiFor(2, build), undefined, 'Development (F5)');
    assert.equal(built, 0);
    assert.deepEqual(testApiFor(3, build), { services: 'secret storage' });
    assert.equal(built, 1);
  });

  test('the constant is vscode.ExtensionMode.Test as @types/vscode declares it', () => {
    const dts = fs.readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
    const body = /export enum ExtensionMode \{([\s\S]*?)\}/.exec(dts)?.[1] ?? '';
    assert.equal(Number(/\bTest = (\d+)/.exec(body)?.[1]), EXTENSION_MODE_TEST);
  });

  test('activate() returns nothing but the gated API, and the extension exports nothing else', () => {
    const src = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
    const activate = /export function activate\([^)]*\)[^{]*\{([\s\S]*?)\n\}\n/.exec(src)?.[1];
    assert.ok(activate, 'activate() found in src/extension.ts');
    // Returns of nested arrow functions (inside the build callback) are fine; activate's own are at two spaces.
    const own = activate.split('\n').filter((l) => /^ {2}return\b/.test(l));
    assert.equal(own.length, 1, own.join('\n'));
    assert.match(own[0], /^ {2}return testApiFor\(context\.extensionMode, /);
    assert.doesNotMatch(src, /\bmodule\.exports\b|\bexports\.\w+\s*=/);
  });
});
