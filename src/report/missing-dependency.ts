// Its own module, apart from the loader: the loader's types name the chart libraries, which
// the public declarations must not reference (a user without them could not compile).

/** A chart function was called where its optional peer dependencies are not installed.
 * `packages` lists the missing ones; the message says how to install them. */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError' as const;
  constructor(
    /** The packages to install. */
    readonly packages: readonly string[],
  ) {
    super(`parwasm/report's charts need ${packages.join(', ')}, not installed: npm install ${packages.join(' ')}`);
  }
}
