// The schedule lab: pick a schedule, a worker count and a chunk, click into the Mandelbrot set
// and watch each worker's lane fill while the rows are computed; at the end, the run's
// imbalance and efficiency beside what the study's model predicts for the same split.
import { createPool, type MandelbrotView, type Pool, type RunStats, type Schedule } from 'parwasm/browser';
import { predict, RowCosts, type Prediction } from './balance.js';
import { drawImage, zoomAbout } from './image.js';
import { Lanes } from './lanes.js';

const HOME = { xmin: -2.5, xmax: 1, ymin: -1.3125, ymax: 1.3125 };
const WHEEL_SETTLE_MS = 200;

const element = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const form = element<HTMLFormElement>('#controls');
const image = element<HTMLCanvasElement>('#image');
const status = element('#status');
const runs = element<HTMLTableSectionElement>('#runs tbody');
const lanes = new Lanes(element<HTMLCanvasElement>('#lanes'));

let pool: Pool | undefined;
let place = { ...HOME };
let running = false;
let again = false; // the view or a setting changed during a run: run once more at its end
const rowCosts = new RowCosts(() => pool!);

interface Settings {
  schedule: Schedule;
  workers: number;
  chunk: number;
  view: MandelbrotView;
}

function settings(): Settings {
  const fields = new FormData(form);
  const [width, height] = (fields.get('size') as string).split('x').map(Number) as [number, number];
  // The view keeps the image's aspect ratio: the imaginary span follows the real one.
  const centre = (place.ymin + place.ymax) / 2;
  const halfHeight = ((place.xmax - place.xmin) * height) / width / 2;
  return {
    schedule: fields.get('schedule') as Schedule,
    workers: Number(fields.get('workers')),
    chunk: Number(fields.get('chunk')),
    view: {
      width,
      height,
      maxIter: Number(fields.get('maxIter')),
      xmin: place.xmin,
      xmax: place.xmax,
      ymin: centre - halfHeight,
      ymax: centre + halfHeight,
    },
  };
}

/** A pool with at least `workers` workers: the lab runs on the first `workers` of it. */
async function poolFor(workers: number): Promise<Pool> {
  if (pool && pool.size >= workers) return pool;
  await pool?.close();
  pool = undefined;
  pool = await createPool({ workers: Math.max(workers, navigator.hardwareConcurrency) });
  return pool;
}

async function run(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    do {
      again = false;
      await runOnce(settings());
    } while (again);
    document.body.dataset.state = 'done';
  } catch (error) {
    status.textContent = `error: ${(error as Error).message}`;
    document.body.dataset.state = 'error';
    throw error;
  } finally {
    running = false;
  }
}

async function runOnce({ schedule, workers, chunk, view }: Settings): Promise<void> {
  const lab = await poolFor(workers);
  status.textContent = `${schedule}: ${workers} workers, ${chunk} rows a chunk…`;
  const expectedMs = Number(document.body.dataset.lastMs ?? 500);
  // Into an array of the pool's memory, so that the whole image is one run (an image returned
  // as a new array larger than 4 MiB would pass through in bands, each split on its own).
  const out = lab.alloc(Uint32Array, view.width * view.height);
  lanes.begin(workers, expectedMs);
  document.body.dataset.state = 'running'; // with empty lanes: what they show from now on is this run
  let frame = requestAnimationFrame(function draw() {
    lanes.drawLive();
    frame = requestAnimationFrame(draw);
  });
  try {
    const { data, stats } = await lab.mandelbrot({
      ...view,
      out,
      schedule,
      chunk,
      workers,
      trace: true,
      progressMs: 16, // about one report a frame
      onProgress: (_done, _total, perWorker) => lanes.progress(perWorker),
    });
    cancelAnimationFrame(frame);
    drawImage(image, view, data);
    lanes.drawTrace(stats.trace ?? [], view.height, stats.wallMs);
    document.body.dataset.lastMs = String(stats.wallMs);
    status.textContent = `${schedule}: ${stats.wallMs.toFixed(1)} ms; predicting from row costs…`;
    const prediction = predict(schedule, await rowCosts.of(view), workers, chunk);
    addRun(stats, prediction);
    status.textContent = `${schedule}: ${stats.wallMs.toFixed(1)} ms on ${workers} workers`;
  } finally {
    cancelAnimationFrame(frame);
    lab.free(out);
  }
}

function addRun(stats: RunStats, prediction: Prediction): void {
  const row = runs.insertRow(0);
  const cells = [
    stats.schedule,
    String(stats.workers),
    String(stats.chunk),
    stats.wallMs.toFixed(1),
    stats.imbalance.toFixed(3),
    prediction.imbalance.toFixed(3),
    `${(100 * stats.efficiency).toFixed(1)} %`,
    `${(100 * prediction.efficiency).toFixed(1)} %`,
  ];
  for (const text of cells) row.insertCell().textContent = text;
  row.dataset.schedule = stats.schedule;
  row.dataset.imbalance = String(stats.imbalance);
}

/** Image pixel under a pointer event, from the canvas's displayed size. */
function pixelOf(event: MouseEvent): [number, number] {
  const box = image.getBoundingClientRect();
  return [
    ((event.clientX - box.left) * image.width) / box.width,
    ((event.clientY - box.top) * image.height) / box.height,
  ];
}

function zoom(event: MouseEvent, factor: number): void {
  const { view } = settings();
  const zoomed = zoomAbout(view, ...pixelOf(event), factor);
  place = { xmin: zoomed.xmin, xmax: zoomed.xmax, ymin: zoomed.ymin, ymax: zoomed.ymax };
  element('#where').textContent = `x ${zoomed.xmin.toPrecision(8)} … ${zoomed.xmax.toPrecision(8)}`;
}

image.addEventListener('click', (event) => {
  zoom(event, event.shiftKey ? 2 : 0.5); // click zooms in, shift-click out
  void run();
});
let settle: ReturnType<typeof setTimeout> | undefined;
image.addEventListener(
  'wheel',
  (event) => {
    event.preventDefault();
    zoom(event, event.deltaY < 0 ? 0.8 : 1.25);
    clearTimeout(settle);
    settle = setTimeout(() => void run(), WHEEL_SETTLE_MS); // one run when the wheel rests
  },
  { passive: false },
);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});
element('#home').addEventListener('click', () => {
  place = { ...HOME };
  element('#where').textContent = '';
  void run();
});

const workersField = element<HTMLInputElement>('#workers');
workersField.value = String(navigator.hardwareConcurrency);
if (!crossOriginIsolated) {
  status.textContent =
    'This page is not cross-origin isolated: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (npx parwasm explore does).';
  document.body.dataset.state = 'error';
} else {
  void run();
}
