/**
 * A CommonJS package's exports, loaded with `import()`. Node gives the named exports it can detect
 * and `default` (module.exports); a bundle made by esbuild gives only `default`, so code that
 * destructures named exports works in tests and breaks in dist/. Every lazy import of a CommonJS
 * package goes through this.
 */
export function commonJsExports<T extends object>(loaded: T): T {
  const withDefault = loaded as T & { default?: unknown };
  return typeof withDefault.default === 'object' && withDefault.default !== null
    ? (withDefault.default as T)
    : loaded;
}
