/**
 * dist/extension.js and dist/lazy.js each bundle their own copy of the few classes both use
 * (esbuild.mjs), and an error made by one copy is caught by the other (a CloudError thrown by a
 * client in dist/lazy.js reaches main's error funnel). Such a class marks its instances and answers
 * `instanceof` by the mark, which both copies share. test/integration/bundles.test.ts lists them.
 */
export function bundleMark(name: string): { mark(o: object): void; has(x: unknown): boolean } {
  const mark = Symbol.for(`alibabaCloud.${name}`);
  return {
    mark: (o) => Object.defineProperty(o, mark, { value: true }),
    has: (x) => typeof x === 'object' && x !== null && mark in x,
  };
}
