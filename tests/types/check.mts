// The two assertions the type tests are made of. Both act at compile time only: a wrong
// type is a tsc error on that line (and an `// @ts-expect-error` above a line that compiles
// is one too), so `tsc -p tests/types` fails.

/**
 * True only when A and B are the same type, not merely assignable one way: `any` is not
 * `string`, `string[]` is not `readonly string[]`, `{ a?: number }` is not `{ a: number }`.
 */
export type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

/** Fails to compile unless T is true: `exact<Equal<typeof chunk, string>>()`. */
export function exact<T extends true>(): void {}

/** Fails to compile unless `value` is assignable to T. */
export function expectType<T>(value: T): void {
  void value;
}
