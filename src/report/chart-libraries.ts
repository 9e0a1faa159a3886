// The chart libraries, loaded on first use. vega, vega-lite, @resvg/resvg-js (a native
// renderer) and the DejaVu fonts are optional peer dependencies of parwasm: computing, and
// the Mandelbrot PNG (fast-png, plain JavaScript), never need them, so `npm install parwasm`
// installs no native code. A clone of the repository has them as devDependencies.
import { createRequire } from 'node:module';
import { MissingDependencyError } from './missing-dependency.js';

/** The packages the charts need, in the order an install command names them. */
export const CHART_PACKAGES = ['vega', 'vega-lite', '@resvg/resvg-js', 'dejavu-fonts-ttf'] as const;

export interface ChartLibraries {
  vega: typeof import('vega');
  vegaLite: typeof import('vega-lite');
  resvg: typeof import('@resvg/resvg-js');
  /** The DejaVu Sans files: fonts from a package, not the system, so every machine draws the
   * same glyphs. */
  fontFiles: string[];
}

let loaded: Promise<ChartLibraries> | undefined;

/** Loads the chart libraries once; rejects with a MissingDependencyError naming every one
 * that is missing. */
export function chartLibraries(): Promise<ChartLibraries> {
  loaded ??= load().catch((error: unknown) => {
    loaded = undefined; // a later call, after an install, tries again
    throw error;
  });
  return loaded;
}

async function load(): Promise<ChartLibraries> {
  const missing: string[] = [];
  const optional = async <T>(name: string, importer: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await importer();
    } catch (error) {
      if (!isMissing(error, name)) throw error;
      missing.push(name);
      return undefined;
    }
  };
  // Literal specifiers, so that bundlers and type-checkers see each import.
  const [vega, vegaLite, resvg, fontFiles] = await Promise.all([
    optional('vega', () => import('vega')),
    optional('vega-lite', () => import('vega-lite')),
    optional('@resvg/resvg-js', () => import('@resvg/resvg-js')),
    optional('dejavu-fonts-ttf', () => Promise.resolve(findFonts())),
  ]);
  if (!vega || !vegaLite || !resvg || !fontFiles) {
    throw new MissingDependencyError(CHART_PACKAGES.filter((name) => missing.includes(name)));
  }
  return { vega, vegaLite, resvg, fontFiles };
}

function findFonts(): string[] {
  const require = createRequire(import.meta.url);
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
}

/** True when `error` says that the package `name` itself is not installed (not that one of
 * its own dependencies is missing, which is a broken install and stays as it is). */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`'${name}/`));
}
