// One lane per worker, time running left to right. While a run goes, a lane fills wherever
// its worker's item counter moved since the last report (read from shared memory every
// frame); when the run ends, the lanes are redrawn from its trace, one block per chunk,
// coloured by the rows it covered (top of the image blue, bottom red).
import type { ChunkRecord } from 'parwasm/browser';

const LANE_HEIGHT = 26;
const LANE_GAP = 8;
const LABEL_WIDTH = 44;
const FIGURES_WIDTH = 150; // room on the right for a lane's figures
const BACKGROUND = '#f4f4f4';
const TEXT = '#222';

interface Span {
  t0: number;
  t1: number;
}

export class Lanes {
  private workers = 0;
  private spans: Span[][] = [];
  private lastItems: number[] = [];
  private lastReport = 0;
  private start = 0;
  /** The time the whole lane width stands for: the expected run time, stretched as needed. */
  private scaleMs = 1;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** A run on `workers` workers starts now; `expectedMs` sets the time axis until it is passed. */
  begin(workers: number, expectedMs: number): void {
    this.workers = workers;
    this.spans = Array.from({ length: workers }, () => []);
    this.lastItems = new Array<number>(workers).fill(0);
    this.start = performance.now();
    this.lastReport = 0;
    this.scaleMs = Math.max(1, expectedMs);
    this.canvas.height = workers * (LANE_HEIGHT + LANE_GAP) + LANE_GAP;
    this.clear();
  }

  /** A progress report: each worker whose items grew was busy since the previous report. */
  progress(perWorker: readonly number[]): void {
    const now = performance.now() - this.start;
    perWorker.forEach((items, rank) => {
      if (items <= this.lastItems[rank]!) return;
      this.lastItems[rank] = items;
      const spans = this.spans[rank]!;
      const last = spans.at(-1);
      if (last?.t1 === this.lastReport) last.t1 = now;
      else spans.push({ t0: this.lastReport, t1: now });
    });
    this.lastReport = now;
    // The rows reported so far, for anyone watching the page (the Chromium test does).
    this.canvas.dataset.rows = String(perWorker.reduce((sum, items) => sum + items, 0));
  }

  /** Draws the live lanes (called every animation frame while a run goes). */
  drawLive(): void {
    const elapsed = performance.now() - this.start;
    this.scaleMs = Math.max(this.scaleMs, elapsed);
    const context = this.clear();
    this.spans.forEach((spans, rank) => {
      context.fillStyle = workerColour(rank, this.workers);
      for (const { t0, t1 } of spans) this.fillSpan(context, rank, t0, t1);
      this.label(context, rank, `${this.lastItems[rank]} rows`);
    });
  }

  /** Draws the finished run from its trace: one block per chunk, a line where each ends. */
  drawTrace(trace: readonly ChunkRecord[], rows: number, wallMs: number): void {
    this.scaleMs = Math.max(1, wallMs);
    const context = this.clear();
    const chunks = new Array<number>(this.workers).fill(0);
    const items = new Array<number>(this.workers).fill(0);
    for (const { rank, lo, hi, t0, t1 } of trace) {
      chunks[rank]!++;
      items[rank]! += hi - lo;
      context.fillStyle = rowColour((lo + hi) / 2 / rows);
      this.fillSpan(context, rank, t0, t1);
      context.fillStyle = 'rgba(0, 0, 0, 0.35)';
      this.fillSpan(context, rank, t1 - this.pxToMs(1), t1); // the chunk's end, to see chunks apart
    }
    for (let rank = 0; rank < this.workers; rank++)
      this.label(context, rank, `${items[rank]} rows, ${chunks[rank]} chunks`);
  }

  private clear(): CanvasRenderingContext2D {
    const context = this.canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    context.font = '12px system-ui, sans-serif';
    context.textBaseline = 'middle';
    for (let rank = 0; rank < this.workers; rank++) {
      const lane = laneBox(rank, this.canvas.width);
      context.fillStyle = BACKGROUND;
      context.fillRect(lane.x, lane.y, lane.width, lane.height);
      context.fillStyle = TEXT;
      context.fillText(`w${rank}`, 6, lane.y + lane.height / 2);
    }
    return context;
  }

  private fillSpan(context: CanvasRenderingContext2D, rank: number, t0: number, t1: number): void {
    const lane = laneBox(rank, this.canvas.width);
    const x0 = lane.x + (t0 / this.scaleMs) * lane.width;
    const x1 = lane.x + (t1 / this.scaleMs) * lane.width;
    context.fillRect(x0, lane.y, Math.max(1, x1 - x0), lane.height);
  }

  private label(context: CanvasRenderingContext2D, rank: number, text: string): void {
    context.fillStyle = TEXT;
    context.textAlign = 'right';
    const lane = laneBox(rank, this.canvas.width);
    context.fillText(text, this.canvas.width - 6, lane.y + lane.height / 2);
    context.textAlign = 'left';
  }

  private pxToMs(px: number): number {
    return (px / laneBox(0, this.canvas.width).width) * this.scaleMs;
  }
}

/** Where worker `rank`'s lane is on a canvas `canvasWidth` pixels wide (the tests read it). */
export function laneBox(rank: number, canvasWidth: number): { x: number; y: number; width: number; height: number } {
  return {
    x: LABEL_WIDTH,
    y: LANE_GAP + rank * (LANE_HEIGHT + LANE_GAP),
    width: canvasWidth - LABEL_WIDTH - FIGURES_WIDTH,
    height: LANE_HEIGHT,
  };
}

function workerColour(rank: number, workers: number): string {
  return `hsl(${Math.round((360 * rank) / Math.max(1, workers))}, 55%, 50%)`;
}

/** Blue for the image's top rows through green to red for its bottom rows. */
function rowColour(position: number): string {
  return `hsl(${Math.round(230 - 230 * Math.min(1, Math.max(0, position)))}, 65%, 52%)`;
}
