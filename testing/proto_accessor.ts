/**
 * Deno replaces `Object.prototype.__proto__` with an accessor that reads undefined and turns a
 * write into an own key (unless run with `--unsafe-proto`); in Node, Bun, workerd and browsers
 * `object["__proto__"] = value` changes the prototype instead, or is ignored. Tests of
 * `__proto__` keys run under the standard accessor to see what users there see.
 *
 * @module
 */

/** Runs `fn` with the standard `Object.prototype.__proto__` accessor installed. */
export async function withProtoAccessor<T>(fn: () => T | Promise<T>): Promise<T> {
  const had = Object.getOwnPropertyDescriptor(Object.prototype, "__proto__");
  Object.defineProperty(Object.prototype, "__proto__", {
    configurable: true,
    get(this: object) {
      return Object.getPrototypeOf(this);
    },
    set(this: object, proto: unknown) {
      if (typeof proto === "object" || typeof proto === "function") {
        Object.setPrototypeOf(this, proto);
      }
    },
  });
  try {
    return await fn();
  } finally {
    if (had) Object.defineProperty(Object.prototype, "__proto__", had);
    else delete (Object.prototype as { __proto__?: unknown }).__proto__;
  }
}
