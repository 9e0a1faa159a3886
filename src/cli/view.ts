// The picture `parwasm mandelbrot` computes: its size in pixels (--size, --width, --height)
// and its region of the complex plane (a named --view, --view xmin,xmax,ymin,ymax, or
// --center re,im with --span W, whose height follows from the picture's aspect ratio).
import type { MandelbrotView } from '../ops/mandelbrot.js';
import { positiveInteger, UsageError } from './usage.js';

export interface ViewFlags {
  size?: string;
  width?: string;
  height?: string;
  view?: string;
  center?: string;
  span?: string;
  'max-iter'?: string;
}

export interface Picture extends MandelbrotView {
  /** How the region reads in the summary: a view's name, or its bounds. */
  label: string;
}

const DEFAULT_SIZE = 1024;
const DEFAULT_MAX_ITER = 1000;

/** The named views (`--view full`, `--view seahorse`), with their default maxIter. */
export const NAMED_VIEWS = {
  full: { xmin: -2, xmax: 0.5, ymin: -1.25, ymax: 1.25, maxIter: 1000 },
  seahorse: {
    xmin: -0.743643887 - 5e-6,
    xmax: -0.743643887 + 5e-6,
    ymin: 0.131825904 - 5e-6,
    ymax: 0.131825904 + 5e-6,
    maxIter: 5000,
  },
};

export function picture(flags: ViewFlags): Picture {
  const size = positiveInteger(flags.size, 'size') ?? DEFAULT_SIZE;
  const width = positiveInteger(flags.width, 'width') ?? size;
  const height = positiveInteger(flags.height, 'height') ?? size;
  const { xmin, xmax, ymin, ymax, maxIter, label } = region(flags, width, height);
  return {
    width,
    height,
    xmin,
    xmax,
    ymin,
    ymax,
    maxIter: positiveInteger(flags['max-iter'], 'max-iter') ?? maxIter,
    label,
  };
}

function region(flags: ViewFlags, width: number, height: number) {
  if (flags.center !== undefined || flags.span !== undefined) {
    if (flags.view !== undefined) throw new UsageError('--view cannot be combined with --center and --span');
    if (flags.center === undefined) throw new UsageError('--span needs --center re,im');
    if (flags.span === undefined) throw new UsageError('--center needs --span W');
    const center = numbers(flags.center, 2);
    if (!center) throw new UsageError(`--center must be two numbers re,im (got '${flags.center}')`);
    const [span] = numbers(flags.span, 1) ?? [];
    if (span === undefined || !(span > 0))
      throw new UsageError(`--span must be a positive number (got '${flags.span}')`);
    const [re, im] = center as [number, number];
    const ySpan = (span * height) / width; // square pixels: the height's span from the aspect ratio
    const bounds = { xmin: re - span / 2, xmax: re + span / 2, ymin: im - ySpan / 2, ymax: im + ySpan / 2 };
    return { ...bounds, maxIter: DEFAULT_MAX_ITER, label: `centre ${re}${im < 0 ? '' : '+'}${im}i, span ${span}` };
  }
  const view = flags.view ?? 'full';
  if (view === 'full' || view === 'seahorse') return { ...NAMED_VIEWS[view], label: `${view} view` };
  const bounds = numbers(view, 4);
  if (!bounds || !(bounds[0]! < bounds[1]!) || !(bounds[2]! < bounds[3]!)) {
    throw new UsageError(
      `--view must be full, seahorse or xmin,xmax,ymin,ymax with xmin < xmax and ymin < ymax (got '${view}')`,
    );
  }
  const [xmin, xmax, ymin, ymax] = bounds as [number, number, number, number];
  return { xmin, xmax, ymin, ymax, maxIter: DEFAULT_MAX_ITER, label: `[${xmin}, ${xmax}] × [${ymin}, ${ymax}]` };
}

/** `count` finite numbers separated by commas, or undefined. */
function numbers(text: string, count: number): number[] | undefined {
  const parts = text.split(',');
  if (parts.length !== count || parts.some((part) => part.trim() === '')) return undefined;
  const values = parts.map(Number);
  return values.every(Number.isFinite) ? values : undefined;
}
